/*
 * benchmarks/float_lanes.c -- a study: the float32 gradient + hessian and loss for 0/1 labels
 * computed in float lanes (16 per AVX-512 vector, twice the double lanes of the shipped
 * float32 kernels), and the fused loss + gradient with its loss so computed, timed beside the
 * shipped kernels (wce_gradient_hessian_f32, wce_loss_f32, wce_loss_gradient_f32) on the same
 * in-cache inputs, and all checked against a long double evaluation.
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
 *   log(1 + e) (the loss): e + e^2 G2(e), G2 = (log1p(e) - e) / e^2 = c0 + v H(v) in
 *   v = e - 1/2, H of degree 9 (Chebyshev interpolation at 100 bits: G2 within 2^-29.3 of
 *   itself), c0 as a float pair; e^2 and e^2 c0_hi exact (fused errors), e + e^2 c0_hi split
 *   exactly (Fast2Sum), the small terms added with e_lo / (1 + e) (as e_lo (1 - e / 2),
 *   within 2^-28 of the result), the sum split into a pair.  Then |x| (where softplus(|x|) is
 *   the term) plus that pair exactly (TwoSum), and the product with c rounded once.
 * Both forms run in two stages, as the shipped kernels do (kernels.h): the exponentials of a
 * run of 256 elements, then the rest.
 *
 * The fused loss + gradient must give the separate calls' bits (the API's rule), so a loss in
 * float lanes beside the double-lane gradient makes it two evaluations: the study times the
 * shipped fused kernel (wce_loss_gradient_f32) against the float-lane loss and the shipped
 * gradient kernel run by run of 256 over the same inputs.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "study.h"
#include "wce_c/kernels.h"

#define FMAF(a, b, c) __builtin_fmaf((a), (b), (c))
#define SHIFTER_F 0x1.8p23f

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

/* The first stage: e^-|x| as pairs for a run of m <= 256 elements. */
static inline __attribute__((always_inline)) void exp_run(const float *restrict x, int64_t m,
                                                          float *restrict e,
                                                          float *restrict e_lo)
{
#pragma omp simd
    for (int64_t j = 0; j < m; ++j) e[j] = exp_minus_pair_f(fabsf(x[j]), &e_lo[j]);
}

/* The second stage of gradient + hessian over a run of m elements, from e + e_lo. */
static inline __attribute__((always_inline)) void gradient_hessian_run(
    int64_t m, const float *restrict z, const float *restrict x, const float *restrict e_run,
    const float *restrict e_lo_run, float q, float *restrict g, float *restrict h)
{
#pragma omp simd
    for (int64_t i = 0; i < m; ++i) {
        const int one = z[i] == 1.0f;
        const int big = (!(x[i] < 0.0f)) != one; /* sigma(|x|) is the gradient's sigmoid */
        const float e = e_run[i], e_lo = e_lo_run[i];
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

/* log(1 + e) for 0 <= e <= 1 as hi + *lo, from e = e_hi + e_lo (see the opening note). */
static inline __attribute__((always_inline)) float log1p_pair_f(float e, float e_lo, float *lo)
{
    const float c0_hi = -0x1.833704p-2f, c0_lo = -0x1.a033dap-27f;
    const float v = e - 0.5f;
    float h = -0x1.d02b28p-10f;
    h = FMAF(h, v, 0x1.787144p-9f);
    h = FMAF(h, v, -0x1.c73772p-9f);
    h = FMAF(h, v, 0x1.78b6dep-8f);
    h = FMAF(h, v, -0x1.45244cp-7f);
    h = FMAF(h, v, 0x1.13662ap-6f);
    h = FMAF(h, v, -0x1.da321cp-6f);
    h = FMAF(h, v, 0x1.a277d4p-5f);
    h = FMAF(h, v, -0x1.7ddf22p-4f);
    h = FMAF(h, v, 0x1.6f0d7ep-3f);
    const float vh = v * h;
    const float e2 = e * e, e2_lo = FMAF(e, e, -e2);
    const float p = e2 * c0_hi, p_lo = FMAF(e2, c0_hi, -p);
    const float s = e + p;
    const float small = (((e - s) + p) + p_lo) + FMAF(e2, vh + c0_lo, e2_lo * (c0_hi + vh)) +
                        e_lo * FMAF(-0.5f, e, 1.0f);
    const float m = s + small;
    *lo = (s - m) + small;
    return m;
}

/* The loss c softplus(y), y = x for z = 0 and -x for z = 1: c (|x| [y > 0] + log1p(e)), the
 * sum kept as a pair (TwoSum) and rounded once with c. */
static inline __attribute__((always_inline)) void loss_run(
    int64_t m, const float *restrict z, const float *restrict x, const float *restrict e_run,
    const float *restrict e_lo_run, float q, float *restrict out)
{
#pragma omp simd
    for (int64_t i = 0; i < m; ++i) {
        const int one = z[i] == 1.0f;
        const int big = (!(x[i] < 0.0f)) != one; /* softplus(|x|) is the loss's term */
        float m_lo;
        const float mh = log1p_pair_f(e_run[i], e_lo_run[i], &m_lo);
        const float a = big ? fabsf(x[i]) : 0.0f;
        const float t = a + mh, t_v = t - a;
        const float t_lo = ((a - (t - t_v)) + (mh - t_v)) + m_lo; /* TwoSum, then m_lo */
        const float c = one ? q : 1.0f;
        const float lp = c * t;
        out[i] = lp + FMAF(c, t_lo, FMAF(c, t, -lp));
    }
}

/* Either form over n elements, run by run of 256: the exponentials, then the second stage
 * (loss: the loss into o1; else gradient into o1 and hessian into o2). */
static void float_lanes(int loss, int64_t n, const float *restrict z, const float *restrict x,
                        float q, float *restrict o1, float *restrict o2)
{
    float e_run[256], e_lo_run[256];
    for (int64_t i0 = 0; i0 < n; i0 += 256) {
        const int64_t m = n - i0 < 256 ? n - i0 : 256;
        exp_run(x + i0, m, e_run, e_lo_run);
        if (loss)
            loss_run(m, z + i0, x + i0, e_run, e_lo_run, q, o1 + i0);
        else
            gradient_hessian_run(m, z + i0, x + i0, e_run, e_lo_run, q, o1 + i0, o2 + i0);
    }
}

/* The fused pair with its loss in float lanes: per run of 256, the float-lane loss, then
 * the shipped gradient kernel on the same elements (its bits are the separate call's). */
static void loss_gradient_split(int64_t n, const float *restrict z, const float *restrict x,
                                float q, float *restrict loss, float *restrict grad)
{
    float e_run[256], e_lo_run[256];
    for (int64_t i0 = 0; i0 < n; i0 += 256) {
        const int64_t m = n - i0 < 256 ? n - i0 : 256;
        exp_run(x + i0, m, e_run, e_lo_run);
        loss_run(m, z + i0, x + i0, e_run, e_lo_run, q, loss + i0);
        wce_gradient_f32(0, m, z + i0, x + i0, &q, 1, NULL, 0, grad + i0);
    }
}

static double normal(void)
{
    const double u = (rand() + 1.0) / (RAND_MAX + 2.0), v = (rand() + 1.0) / (RAND_MAX + 2.0);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
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
    int64_t n;
    int repeats;
    if (study_args(argc, argv, "float_lanes", 10000, 41, &n, &repeats) != 0) return 2;
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
    /* forms: gradient + hessian shipped, in float lanes; the loss shipped, in float lanes;
     * loss + gradient shipped (fused), with the loss in float lanes */
    const char *names[6] = {"gradient + hessian, shipped (double lanes)",
                            "gradient + hessian, float lanes", "loss, shipped (double lanes)",
                            "loss, float lanes", "loss + gradient, shipped (fused)",
                            "loss + gradient, loss in float lanes"};
    for (int form = 0; form < 6; ++form) {
        float *o1 = out[form % 2 * 2], *o2 = out[form % 2 * 2 + 1];
        for (int r = 0; r < repeats; ++r) {
            const double t0 = study_now_s();
            for (int j = 0; j < inner; ++j) {
                switch (form) {
                case 0: wce_gradient_hessian_f32(0, n, z, x, &q, 1, NULL, 0, o1, o2); break;
                case 1: float_lanes(0, n, z, x, q, o1, o2); break;
                case 2: wce_loss_f32(0, n, z, x, &q, 1, NULL, 0, o1); break;
                case 3: float_lanes(1, n, z, x, q, o1, NULL); break;
                case 4: wce_loss_gradient_f32(0, n, z, x, &q, 1, NULL, 0, o1, o2); break;
                default: loss_gradient_split(n, z, x, q, o1, o2); break;
                }
            }
            t[r] = (study_now_s() - t0) / inner / (double)n * 1e9;
        }
        study_sort(t, repeats);
        double worst_1 = 0.0, worst_2 = 0.0;
        for (int64_t i = 0; i < n; ++i) {
            const int one = z[i] == 1.0f;
            const long double c = one ? q : 1.0L, xi = x[i];
            const long double sp = 1.0L / (1.0L + expl(-xi)), sm = 1.0L / (1.0L + expl(xi));
            const long double y = one ? -xi : xi; /* the loss is c softplus(y) */
            const long double want_loss = c * ((y > 0 ? y : 0.0L) + log1pl(expl(-fabsl(xi))));
            const long double want_grad = one ? -c * sm : c * sp;
            double e1, e2 = 0.0;
            if (form < 2) {
                e1 = ulp_error(o1[i], want_grad);
                e2 = ulp_error(o2[i], c * sp * sm);
            } else {
                e1 = ulp_error(o1[i], want_loss);
                if (form >= 4) e2 = ulp_error(o2[i], want_grad);
            }
            if (e1 > worst_1) worst_1 = e1;
            if (e2 > worst_2) worst_2 = e2;
        }
        if (form < 2)
            printf("%-44s %.3f ns/element (fastest %.3f); worst error: gradient %.3f ULP, "
                   "hessian %.3f ULP\n",
                   names[form], t[repeats / 2], t[0], worst_1, worst_2);
        else if (form < 4)
            printf("%-44s %.3f ns/element (fastest %.3f); worst error: %.3f ULP\n",
                   names[form], t[repeats / 2], t[0], worst_1);
        else
            printf("%-44s %.3f ns/element (fastest %.3f); worst error: loss %.3f ULP, "
                   "gradient %.3f ULP\n",
                   names[form], t[repeats / 2], t[0], worst_1, worst_2);
    }
    return 0;
}
