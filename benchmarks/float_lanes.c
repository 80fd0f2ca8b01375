/*
 * benchmarks/float_lanes.c -- a study: float32 gradient + hessian for 0/1 labels computed in
 * float lanes (16 per AVX-512 vector, twice the double lanes of the shipped float32 kernel),
 * timed beside the shipped kernel (wce_gradient_hessian_f32) on the same in-cache inputs, and
 * both checked against a long double evaluation.
 *
 *     cc -O3 -std=c11 -fno-trapping-math -ffp-contract=off -fopenmp-simd -march=x86-64-v4 \
 *        -Iinclude benchmarks/float_lanes.c -o float_lanes -lm && ./float_lanes [n] [repeats]
 *
 * (-march=x86-64-v3 for AVX2; without an FMA target fmaf is a library call and the timing
 * means nothing, the accuracy still holds.)  It prints, per form, the median and fastest time
 * per element over the repeats and the worst error in ULP of the float32 result.
 *
 * The float-lane form.  Labels 0/1, no sample weight, pos_weight q: with c = q for z = 1 and
 * 1 for z = 0, the gradient is c sigma(x) (z = 0) or -c sigma(-x) (z = 1) and the hessian
 * c sigma(x) sigma(-x).  A float result within 1 ULP needs every piece within about 2^-25 of
 * itself before the last rounding (half a ULP is 2^-24 to 2^-25 of the value), which plain
 * float arithmetic does not give: e^-|x|, the reciprocal and the products are carried as
 * float pairs hi + lo, rounded once at the end.
 *   e^-a (0 <= a <= 32; the study's inputs stay there): a = k ln2 - r, k = round(a log2 e) by
 *   the shifter 1.5 2^23; k ln2_hi is exact (ln2_hi has 17 bits, k at most 47) and so is
 *   r_hi = k ln2_hi - a (Sterbenz); r = r_hi + k ln2_lo rounded.  e^r = 1 + r + r^2 Q(r), Q of
 *   degree 5 (Taylor: the error r^8 / 8! is below 2^-27 for |r| <= ln2 / 2), 1 + r_hi split
 *   exactly (Fast2Sum), the small terms added, the sum split again into a pair: e^-a within
 *   2^-25.6 of itself (measured against long double over [0, 32]), the error dominated by r's
 *   rounding through r^2 Q.  2^-k from the shifter's bits.
 *   sigma: d = 1 + e_hi with its exact error, b = RN(1 / d), the remainder 1 - b d exact (one
 *   fused step), so 1 / (1 + e) = b + b ((1 - b d) - b (d_err + e_lo)) and e / (1 + e) is
 *   e_hi b + (its exact error + e_hi b_lo + e_lo b): pairs within about 2^-45.
 *   The products with c and of the two sigmoids: hi exact by the fused error, lo terms added.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wce_c/kernels.h"

#define FMAF(a, b, c) __builtin_fmaf((a), (b), (c))
#define SHIFTER_F 0x1.8p23f

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline uint32_t bits_f(float v) { uint32_t u; memcpy(&u, &v, 4); return u; }
static inline float float_b(uint32_t u) { float v; memcpy(&v, &u, 4); return v; }

/* e^-a for 0 <= a <= 32 as hi + *lo (see the opening note). */
static inline __attribute__((always_inline)) float exp_minus_pair_f(float a, float *lo)
{
    const float kk = FMAF(a, 0x1.715476p+0f, SHIFTER_F);
    const float k = kk - SHIFTER_F;
    const float r_hi = FMAF(k, 0x1.62e4p-1f, -a);
    const float r_lo = k * 0x1.7f7d1cp-20f;
    const float r = r_hi + r_lo;
    float q = 0x1.a01a02p-13f;
    q = FMAF(q, r, 0x1.6c16c2p-10f);
    q = FMAF(q, r, 0x1.111112p-7f);
    q = FMAF(q, r, 0x1.555556p-5f);
    q = FMAF(q, r, 0x1.555556p-3f);
    q = FMAF(q, r, 0x1.0p-1f);
    const float p = (r * r) * q;
    const float hi = 1.0f + r_hi;
    const float small = ((1.0f - hi) + r_hi) + (r_lo + p);
    const float er = hi + small;
    const float scale = float_b((bits_f(SHIFTER_F) + 127u - bits_f(kk)) << 23);
    *lo = ((hi - er) + small) * scale;
    return er * scale;
}

/* The two stages run apart over runs of 256 elements, as the shipped kernels run theirs
 * (kernels.h): the exponentials, then the rest. */
static void gradient_hessian_float_lanes(int64_t n, const float *restrict z,
                                         const float *restrict x, float q,
                                         float *restrict g, float *restrict h)
{
    float e_run[256], e_lo_run[256];
    for (int64_t i0 = 0; i0 < n; i0 += 256) {
        const int64_t m = n - i0 < 256 ? n - i0 : 256;
#pragma omp simd
        for (int64_t j = 0; j < m; ++j)
            e_run[j] = exp_minus_pair_f(fabsf(x[i0 + j]), &e_lo_run[j]);
#pragma omp simd
        for (int64_t j = 0; j < m; ++j) {
            const int64_t i = i0 + j;
            const int one = z[i] == 1.0f;
            const int big = (!(x[i] < 0.0f)) != one; /* sigma(|x|) is the gradient's sigmoid */
            const float e = e_run[j], e_lo = e_lo_run[j];
            const float d = 1.0f + e;
            const float dd = ((1.0f - d) + e) + e_lo;
            const float b = 1.0f / d;
            const float b_lo = b * FMAF(-dd, b, FMAF(-b, d, 1.0f));
            const float s = e * b;
            const float s_lo = FMAF(e, b, -s) + FMAF(e, b_lo, e_lo * b);
            const float c = one ? q : 1.0f;
            const float sg = big ? b : s, sg_lo = big ? b_lo : s_lo;
            const float gp = c * sg;
            const float gv = gp + FMAF(c, sg_lo, FMAF(c, sg, -gp));
            g[i] = one ? -gv : gv;
            const float pr = b * s;
            const float pr_lo = FMAF(b, s, -pr) + FMAF(b, s_lo, b_lo * s);
            const float hp = c * pr;
            h[i] = hp + FMAF(c, pr_lo, FMAF(c, pr, -hp));
        }
    }
}

static double normal(void)
{
    const double u = (rand() + 1.0) / (RAND_MAX + 2.0), v = (rand() + 1.0) / (RAND_MAX + 2.0);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static int by_value(const void *a, const void *b)
{
    const double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* |got - want| in ULP of the float nearest want. */
static double ulp_error(float got, long double want)
{
    const float w = fabsf((float)want);
    const double ulp = (double)(nextafterf(w, INFINITY) - w);
    return (double)(fabsl((long double)got - want) / ulp);
}

int main(int argc, char **argv)
{
    const int64_t n = argc > 1 ? atol(argv[1]) : 10000;
    const int repeats = argc > 2 ? atoi(argv[2]) : 41;
    if (n < 1 || repeats < 1) {
        fprintf(stderr, "usage: float_lanes [n >= 1] [repeats >= 1]\n");
        return 2;
    }
    float *z = malloc(n * sizeof *z), *x = malloc(n * sizeof *x);
    float *out[4];
    double *t = malloc(repeats * sizeof *t);
    for (int k = 0; k < 4; ++k) out[k] = malloc(n * sizeof(float));
    if (!z || !x || !t || !out[0] || !out[1] || !out[2] || !out[3]) return 1;
    srand(1);
    for (int64_t i = 0; i < n; ++i) {
        x[i] = (float)(4.0 * normal());
        if (fabsf(x[i]) > 32.0f) x[i] = copysignf(32.0f, x[i]);
        z[i] = (float)(rand() % 10 == 0);
    }
    const float q = 3.0f;
    const int inner = n < 100000 ? (int)(200000 / n) + 1 : 1;
    const char *names[2] = {"shipped (double lanes)", "float lanes"};
    for (int form = 0; form < 2; ++form) {
        for (int r = 0; r < repeats; ++r) {
            const double t0 = now_s();
            for (int j = 0; j < inner; ++j) {
                if (form == 0)
                    wce_gradient_hessian_f32(0, n, z, x, &q, 1, NULL, 0, out[0], out[1]);
                else
                    gradient_hessian_float_lanes(n, z, x, q, out[2], out[3]);
            }
            t[r] = (now_s() - t0) / inner / (double)n * 1e9;
        }
        qsort(t, repeats, sizeof *t, by_value);
        double worst_g = 0.0, worst_h = 0.0;
        for (int64_t i = 0; i < n; ++i) {
            const long double c = z[i] == 1.0f ? q : 1.0L, xi = x[i];
            const long double sp = 1.0L / (1.0L + expl(-xi)), sm = 1.0L / (1.0L + expl(xi));
            const double eg = ulp_error(out[2 * form][i], z[i] == 1.0f ? -c * sm : c * sp);
            const double eh = ulp_error(out[2 * form + 1][i], c * sp * sm);
            if (eg > worst_g) worst_g = eg;
            if (eh > worst_h) worst_h = eh;
        }
        printf("%-24s %.3f ns/element (fastest %.3f); worst error: gradient %.3f ULP, "
               "hessian %.3f ULP\n",
               names[form], t[repeats / 2], t[0], worst_g, worst_h);
    }
    return 0;
}
