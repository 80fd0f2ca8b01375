/*
 * benchmarks/streaming_stores.c -- a study: do non-temporal (streaming) stores of the results
 * speed up the kernels out of cache?  An ordinary store to a line that is not in cache first
 * reads the line (the write allocation), so a float32 loss moves 16 bytes per element (z and
 * x read, the result's line read and written back) where 12 would do, and a float64
 * gradient + hessian 48 where 32 would do.  A streaming store writes whole lines without
 * reading them.
 *
 *     cc -O3 -std=c11 -fno-trapping-math -ffp-contract=off -fopenmp -march=x86-64-v4 \
 *        -Iinclude benchmarks/streaming_stores.c -o streaming_stores -lm \
 *        && ./streaming_stores [n] [repeats]
 *
 * (any x86-64 target: the streaming stores are SSE2's, which every x86-64 has; without
 * -fopenmp it runs one thread.)  Each form runs on one thread and on every thread OpenMP
 * gives, the elements split evenly: the shipped kernel (wce_loss_f32,
 * wce_gradient_hessian_f64) writing its output directly, and the same kernel writing runs of
 * 1024 elements into a buffer on the stack that is then streamed to the output.  It prints
 * the median and the fastest and slowest time per element over the repeats, and checks that
 * the two forms give the same bits.
 */
#define _POSIX_C_SOURCE 200809L
#include <emmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "study.h"
#include "wce_c/kernels.h"

#define RUN 1024

/* dst[0..m) = src[0..m): ordinary stores up to a 16-byte boundary of dst, streaming stores of
 * 16 bytes from there, ordinary ones for what is left. */
static void stream_floats(float *dst, const float *src, int64_t m)
{
    int64_t j = 0;
    for (; j < m && ((uintptr_t)(dst + j) & 15u) != 0; ++j) dst[j] = src[j];
    for (; j + 4 <= m; j += 4) _mm_stream_ps(dst + j, _mm_loadu_ps(src + j));
    for (; j < m; ++j) dst[j] = src[j];
}

static void stream_doubles(double *dst, const double *src, int64_t m)
{
    int64_t j = 0;
    for (; j < m && ((uintptr_t)(dst + j) & 15u) != 0; ++j) dst[j] = src[j];
    for (; j + 2 <= m; j += 2) _mm_stream_pd(dst + j, _mm_loadu_pd(src + j));
    for (; j < m; ++j) dst[j] = src[j];
}

/* Elements start..stop of each form (0: loss, direct; 1: loss, streamed; 2: gradient +
 * hessian, direct; 3: gradient + hessian, streamed). */
typedef struct {
    const float *zf, *xf;
    const double *zd, *xd;
    float qf, *loss;
    double qd, *grad, *hess;
} inputs;

static void run_form(int form, const inputs *in, int64_t start, int64_t stop)
{
    float lbuf[RUN];
    double gbuf[RUN], hbuf[RUN];
    int64_t i;
    switch (form) {
    case 0:
        wce_loss_f32(start, stop, in->zf, in->xf, &in->qf, 1, NULL, 0, in->loss);
        break;
    case 1:
        for (i = start; i < stop; i += RUN) {
            const int64_t m = stop - i < RUN ? stop - i : RUN;
            wce_loss_f32(0, m, in->zf + i, in->xf + i, &in->qf, 1, NULL, 0, lbuf);
            stream_floats(in->loss + i, lbuf, m);
        }
        _mm_sfence(); /* the streamed lines reach memory before the caller reads them */
        break;
    case 2:
        wce_gradient_hessian_f64(start, stop, in->zd, in->xd, &in->qd, 1, NULL, 0, in->grad,
                                 in->hess);
        break;
    default:
        for (i = start; i < stop; i += RUN) {
            const int64_t m = stop - i < RUN ? stop - i : RUN;
            wce_gradient_hessian_f64(0, m, in->zd + i, in->xd + i, &in->qd, 1, NULL, 0, gbuf,
                                     hbuf);
            stream_doubles(in->grad + i, gbuf, m);
            stream_doubles(in->hess + i, hbuf, m);
        }
        _mm_sfence();
        break;
    }
}

int main(int argc, char **argv)
{
    int64_t n;
    int repeats;
    if (study_args(argc, argv, "streaming_stores", 10000000, 15, &n, &repeats) != 0) return 2;
    float *zf = malloc(n * sizeof *zf), *xf = malloc(n * sizeof *xf);
    float *loss[2] = {malloc(n * sizeof(float)), malloc(n * sizeof(float))};
    double *zd = malloc(n * sizeof *zd), *xd = malloc(n * sizeof *xd);
    double *grad[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    double *hess[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    double *t = malloc(repeats * sizeof *t);
    if (!zf || !xf || !zd || !xd || !t || !loss[0] || !loss[1] || !grad[0] || !grad[1] ||
        !hess[0] || !hess[1])
        return 1;
    srand(1);
    for (int64_t i = 0; i < n; ++i) {
        xd[i] = 16.0 * ((double)rand() / RAND_MAX - 0.5);
        zd[i] = (double)(rand() % 10 == 0);
        xf[i] = (float)xd[i];
        zf[i] = (float)zd[i];
    }
    /* every output touched once, so that no form pays the first page faults */
    memset(loss[0], 0, n * sizeof(float));
    memset(loss[1], 0, n * sizeof(float));
    for (int k = 0; k < 2; ++k) {
        memset(grad[k], 0, n * sizeof(double));
        memset(hess[k], 0, n * sizeof(double));
    }
    const char *names[4] = {"float32 loss, direct", "float32 loss, streamed",
                            "float64 gradient + hessian, direct",
                            "float64 gradient + hessian, streamed"};
#ifdef _OPENMP
    const int most = omp_get_max_threads();
#else
    const int most = 1;
#endif
    for (int threads = 1; threads <= most; threads += (most > 1 ? most - 1 : 1)) {
        for (int form = 0; form < 4; ++form) {
            inputs in = {zf, xf, zd, xd, 3.0f, loss[form % 2], 3.0, grad[form % 2],
                         hess[form % 2]};
            for (int r = 0; r < repeats; ++r) {
                const double t0 = study_now_s();
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
                {
                    const int id = omp_get_thread_num(), team = omp_get_num_threads();
                    run_form(form, &in, n * id / team, n * (id + 1) / team);
                }
#else
                run_form(form, &in, 0, n);
#endif
                t[r] = (study_now_s() - t0) / (double)n * 1e9;
            }
            study_sort(t, repeats);
            printf("%d thread(s)  %-38s %.3f ns/element (fastest %.3f, slowest %.3f)\n", threads,
                   names[form], t[repeats / 2], t[0], t[repeats - 1]);
        }
    }
    const int same = memcmp(loss[0], loss[1], n * sizeof(float)) == 0 &&
                     memcmp(grad[0], grad[1], n * sizeof(double)) == 0 &&
                     memcmp(hess[0], hess[1], n * sizeof(double)) == 0;
    printf("direct and streamed outputs: %s\n", same ? "the same bits" : "DIFFERENT");
    return same ? 0 : 1;
}
