/*
 * wce_c/wce.h -- weighted binary cross entropy with logits, its gradient and hessian.
 *
 * Plain C11 (also valid C++), no Python, no OpenMP, header only: every function is
 * `static inline`, so including this header is all a C, C++ or Cython extension needs.
 *
 * Notation (per element): x = logit, z = label (0/1 or soft in [0, 1]), q = pos_weight,
 * w = sample weight, sigma = logistic sigmoid, softplus(t) = log(1 + e^t), l = (1 - z) + q z.
 *
 *     loss      L  = w [ (1 - z) softplus(x) + q z softplus(-x) ]
 *     gradient  dL/dx   = w [ (1 - z) sigma(x) - q z sigma(-x) ]
 *     hessian   d2L/dx2 = w l sigma(x) sigma(-x)
 *     label gradient dL/dz = w [ q softplus(-x) - softplus(x) ]
 *
 * Why not the documented formula (1 - z) x + l (log1p(exp(-|x|)) + max(-x, 0))?
 * For z = 0 and x < 0 it computes x + (-x + tiny): two large terms that cancel, so at x = -20
 * float32 returns 0 instead of 2.06e-9, and every digit is lost in the tails.  The forms
 * above are sums of non-negative terms (for z in [0, 1], q >= 0, w >= 0), so each rounding
 * error stays relative to the result.
 *
 * Shared pieces.  With e = exp(-|x|) and m = log1p(e):
 *     softplus(|x|)  = |x| + m           softplus(-|x|) = m
 *     sigma(|x|)     = 1 / (1 + e)       sigma(-|x|)    = e / (1 + e)
 *     sigma(x) sigma(-x) = e / (1 + e)^2
 * and softplus(x), softplus(-x), sigma(x), sigma(-x) are these four, swapped when x < 0.
 * One exp and one log1p per element serve every quantity.
 *
 * Scaling in the far tail.  When |x| > 708, e^-|x| is subnormal in double and has lost
 * significant bits; multiplied by a large q or w it can become a normal number with a large
 * relative error.  So for |x| > 512 the small pieces are computed scaled up by 2^256, and
 * the scale 2^-256 is applied by the very last multiplication, which rounds once, correctly,
 * also into the subnormal range.  The scaled value e^-|x| 2^256 = e^(256 ln 2 - |x|) is
 * computed as exp(C - |x|) K, where C = 177.44567822334602 is 256 ln 2 rounded to a multiple
 * of 2^-43 and K = e^(256 ln 2 - C) = 1 - 2.2485e-14 corrects the difference (one extra
 * rounding).  C - |x| is exact for 512 < |x| < 1024: both are multiples of 2^-43 = ulp(|x|)
 * and the difference is below 1024 (beyond, the exponential underflows to 0 anyway).
 * 1 + e rounds to 1 for the scaled e <= e^-335, as it does unscaled, so the sigma pieces need
 * no other change.
 *
 * Special values.  A term whose coefficient is exactly 0 contributes exactly 0 (so x = -inf
 * with z = 0 gives loss 0 where 0 * inf would give NaN); the wrong-side infinity gives +inf;
 * the gradient at +-inf is its finite limit and the hessian 0.  x = +-0 gives loss l log 2,
 * gradient (1 - z) - l / 2, hessian l / 4.  A NaN anywhere propagates (0 * NaN is NaN).
 *
 * Accuracy against the exact function of the floating inputs: float64 within 3 ULP for the
 * loss and gradient, 6 ULP for the hessian (a soft label's gradient and the label gradient,
 * which have a root, in ULP of their larger term); float32 kernels compute in double and
 * round once, within 1 ULP.  The test suite checks these bounds against mpmath.
 *
 * Array kernels.  Each kernel works on the index range [start, stop) of flat, contiguous
 * arrays, so a caller can split work into chunks.  pos_weight q and sample weight w are
 * periodic arrays: element i uses q[i % q_len] (q_len = 1: a scalar; q_len = k: a vector
 * along the last axis of a (..., k) array; q_len = n: a full array).  w == NULL (w_len
 * ignored) means no sample weight.  Sizes and offsets are 64-bit.
 */
#ifndef WCE_C_WCE_H
#define WCE_C_WCE_H

#include <math.h>
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
#define WCE_RESTRICT __restrict
extern "C" {
#else
#define WCE_RESTRICT restrict
#endif

#define WCE_C_VERSION_MAJOR 0
#define WCE_C_VERSION_MINOR 1
#define WCE_C_VERSION_PATCH 0

/* Elements per block of the sum reduction.  The block boundaries are fixed in absolute
 * indices, so a sum is bitwise the same however the blocks are shared between threads. */
#define WCE_SUM_BLOCK 4096

/* ---------------------------------------------------------------------------------------
 * Element level: everything in double.
 * ------------------------------------------------------------------------------------- */

typedef struct {
    double sp_big;   /* softplus(|x|) */
    double sp_small; /* softplus(-|x|) / scale */
    double sg_big;   /* sigma(|x|) */
    double sg_small; /* sigma(-|x|) / scale */
    double scale;    /* 1, or 2^-256 in the far tail */
    int pos;         /* x >= 0; true for -0.0 (sigma(0) = 1/2 either way) and for NaN */
} wce_parts;

static inline wce_parts wce_parts_of(double x)
{
    wce_parts p;
    const double ax = fabs(x);
    const int far = ax > 512.0;
    /* e^-|x|, times 2^256 when far (see "Scaling in the far tail") */
    const double e = exp((far ? 0x1.62e42fefa39f0p+7 : 0.0) - ax) * (far ? 0x1.fffffffffff35p-1 : 1.0);
    const double d = 1.0 + e;
    const double m = log1p(e);
    p.scale = far ? 0x1p-256 : 1.0;
    p.sp_small = m;
    p.sp_big = ax + m * p.scale;
    p.sg_big = 1.0 / d;
    p.sg_small = e / d;
    p.pos = !(x < 0.0);
    return p;
}

/* a softplus(x) + b softplus(-x), with a zero coefficient giving an exact 0 even where the
 * softplus is infinite.  softplus(-|x|) is finite, so only the |x| term needs the rule. */
static inline double wce_softplus_pair(double a, double b, wce_parts p)
{
    const double c_big = p.pos ? a : b;   /* multiplies softplus(|x|) */
    const double c_small = p.pos ? b : a; /* multiplies softplus(-|x|) */
    const double t_big = (c_big != 0.0) ? c_big * p.sp_big : 0.0;
    return t_big + (c_small * p.sp_small) * p.scale;
}

/* a sigma(x) - b sigma(-x); the sigmoids are bounded, so no special rule is needed. */
static inline double wce_sigmoid_pair(double a, double b, wce_parts p)
{
    const double c_big = p.pos ? a : -b;
    const double c_small = p.pos ? -b : a;
    return c_big * p.sg_big + (c_small * p.sg_small) * p.scale;
}

/* l sigma(x) sigma(-x) = l e / (1 + e)^2, symmetric in x. */
static inline double wce_sigmoid_product(double l, wce_parts p)
{
    return (l * p.sg_big * p.sg_small) * p.scale;
}

/* Coefficients with the sample weight folded in: a = w (1 - z), b = w q z. */
static inline double wce_coef_neg(double z, double w) { return w * (1.0 - z); }
static inline double wce_coef_pos(double z, double q, double w) { return w * (q * z); }

static inline double wce_loss_elem(double z, double x, double q, double w)
{
    return wce_softplus_pair(wce_coef_neg(z, w), wce_coef_pos(z, q, w), wce_parts_of(x));
}

static inline double wce_gradient_elem(double z, double x, double q, double w)
{
    return wce_sigmoid_pair(wce_coef_neg(z, w), wce_coef_pos(z, q, w), wce_parts_of(x));
}

static inline double wce_hessian_elem(double z, double x, double q, double w)
{
    return wce_sigmoid_product(wce_coef_neg(z, w) + wce_coef_pos(z, q, w), wce_parts_of(x));
}

/* dL/dz = w [q softplus(-x) - softplus(x)]: the loss's pair with a = -w, b = w q.  Written as
 * a difference of two non-negative terms, not as -x + (q - 1) softplus(-x), which cancels
 * for small q and large -x. */
static inline double wce_label_gradient_elem(double z, double x, double q, double w)
{
    const double r = wce_softplus_pair(-w, w * q, wce_parts_of(x));
    return (z != z) ? z : r; /* independent of z, but a NaN label still gives NaN */
}

/* Fused pairs: one exp and one log1p serve both quantities. */
static inline void wce_loss_gradient_elem(double z, double x, double q, double w,
                                          double *loss, double *grad)
{
    const wce_parts p = wce_parts_of(x);
    const double a = wce_coef_neg(z, w), b = wce_coef_pos(z, q, w);
    *loss = wce_softplus_pair(a, b, p);
    *grad = wce_sigmoid_pair(a, b, p);
}

static inline void wce_gradient_hessian_elem(double z, double x, double q, double w,
                                             double *grad, double *hess)
{
    const wce_parts p = wce_parts_of(x);
    const double a = wce_coef_neg(z, w), b = wce_coef_pos(z, q, w);
    *grad = wce_sigmoid_pair(a, b, p);
    *hess = wce_sigmoid_product(a + b, p);
}

/* ---------------------------------------------------------------------------------------
 * Runs: stretches of indices over which q and w are each constant or contiguous.
 * ------------------------------------------------------------------------------------- */

/* Expands LOOP(args..., QI, WI) once per (q constant / contiguous) x (w none / constant /
 * contiguous), QI and WI naming element i's pos_weight and sample weight, so that no inner
 * loop carries a stride or a test.  Expects n, i, q, q_inc, w, w_inc in scope. */
#define WCE_RUN_VARIANTS(LOOP, ...)                                                          \
    do {                                                                                     \
        const double q0_ = (double)q[0];                                                     \
        if (w == NULL) {                                                                     \
            if (q_inc) { LOOP(__VA_ARGS__, (double)q[i], 1.0); }                             \
            else { LOOP(__VA_ARGS__, q0_, 1.0); }                                            \
        } else if (w_inc) {                                                                  \
            if (q_inc) { LOOP(__VA_ARGS__, (double)q[i], (double)w[i]); }                    \
            else { LOOP(__VA_ARGS__, q0_, (double)w[i]); }                                   \
        } else {                                                                             \
            const double w0_ = (double)w[0];                                                 \
            if (q_inc) { LOOP(__VA_ARGS__, (double)q[i], w0_); }                             \
            else { LOOP(__VA_ARGS__, q0_, w0_); }                                            \
        }                                                                                    \
    } while (0)

#define WCE_LOOP1(ELEM, TO, QI, WI)                                                          \
    for (i = 0; i < n; ++i) out[i] = (TO)ELEM((double)z[i], (double)x[i], QI, WI)

#define WCE_LOOP2(ELEM, TO, QI, WI)                                                          \
    for (i = 0; i < n; ++i) {                                                                \
        double r1_, r2_;                                                                     \
        ELEM((double)z[i], (double)x[i], QI, WI, &r1_, &r2_);                                \
        out1[i] = (TO)r1_;                                                                   \
        out2[i] = (TO)r2_;                                                                   \
    }

/* Where the run that starts at index i ends, and where q and w stand in it. */
typedef struct { int64_t len, jq, jw; } wce_run;

static inline wce_run wce_next_run(int64_t i, int64_t stop, int64_t q_len, const void *w,
                                   int64_t w_len)
{
    wce_run r;
    r.len = stop - i;
    r.jq = 0;
    r.jw = 0;
    if (q_len > 1) {
        r.jq = i % q_len;
        if (q_len - r.jq < r.len) r.len = q_len - r.jq;
    }
    if (w != NULL && w_len > 1) {
        r.jw = i % w_len;
        if (w_len - r.jw < r.len) r.len = w_len - r.jw;
    }
    return r;
}

/* The public kernels.  NAME_SFX(start, stop, z, x, q, q_len, w, w_len, out): element i of
 * out, for start <= i < stop, receives the quantity at (z[i], x[i], q[i % q_len],
 * w[i % w_len]).  Requirements: q_len >= 1; w_len >= 1 unless w == NULL; out must not
 * overlap an input (the pointers are restrict). */
#define WCE_DEFINE_KERNEL1(NAME, ELEM, TI, TO)                                               \
    static inline void NAME##_run(int64_t n, const TI *WCE_RESTRICT z,                       \
                                  const TI *WCE_RESTRICT x, const TI *WCE_RESTRICT q,        \
                                  int q_inc, const TI *WCE_RESTRICT w, int w_inc,            \
                                  TO *WCE_RESTRICT out)                                      \
    {                                                                                        \
        int64_t i;                                                                           \
        WCE_RUN_VARIANTS(WCE_LOOP1, ELEM, TO);                                               \
    }                                                                                        \
    /* out_start points at the output of element start. */                                   \
    static inline void NAME##_range(int64_t start, int64_t stop, const TI *z, const TI *x,   \
                                    const TI *q, int64_t q_len, const TI *w, int64_t w_len,  \
                                    TO *out_start)                                           \
    {                                                                                        \
        int64_t i = start;                                                                   \
        while (i < stop) {                                                                   \
            const wce_run r = wce_next_run(i, stop, q_len, w, w_len);                        \
            NAME##_run(r.len, z + i, x + i, q + r.jq, q_len > 1, w ? w + r.jw : NULL,        \
                       w_len > 1, out_start + (i - start));                                  \
            i += r.len;                                                                      \
        }                                                                                    \
    }                                                                                        \
    static inline void NAME(int64_t start, int64_t stop, const TI *z, const TI *x,           \
                            const TI *q, int64_t q_len, const TI *w, int64_t w_len, TO *out) \
    {                                                                                        \
        if (start < stop) NAME##_range(start, stop, z, x, q, q_len, w, w_len, out + start);  \
    }

#define WCE_DEFINE_KERNEL2(NAME, ELEM, T)                                                    \
    static inline void NAME##_run(int64_t n, const T *WCE_RESTRICT z,                        \
                                  const T *WCE_RESTRICT x, const T *WCE_RESTRICT q,          \
                                  int q_inc, const T *WCE_RESTRICT w, int w_inc,             \
                                  T *WCE_RESTRICT out1, T *WCE_RESTRICT out2)                \
    {                                                                                        \
        int64_t i;                                                                           \
        WCE_RUN_VARIANTS(WCE_LOOP2, ELEM, T);                                                \
    }                                                                                        \
    static inline void NAME(int64_t start, int64_t stop, const T *z, const T *x, const T *q, \
                            int64_t q_len, const T *w, int64_t w_len, T *out1, T *out2)      \
    {                                                                                        \
        int64_t i = start;                                                                   \
        while (i < stop) {                                                                   \
            const wce_run r = wce_next_run(i, stop, q_len, w, w_len);                        \
            NAME##_run(r.len, z + i, x + i, q + r.jq, q_len > 1, w ? w + r.jw : NULL,        \
                       w_len > 1, out1 + i, out2 + i);                                       \
            i += r.len;                                                                      \
        }                                                                                    \
    }

WCE_DEFINE_KERNEL1(wce_loss_f64, wce_loss_elem, double, double)
WCE_DEFINE_KERNEL1(wce_loss_f32, wce_loss_elem, float, float)
WCE_DEFINE_KERNEL1(wce_gradient_f64, wce_gradient_elem, double, double)
WCE_DEFINE_KERNEL1(wce_gradient_f32, wce_gradient_elem, float, float)
WCE_DEFINE_KERNEL1(wce_hessian_f64, wce_hessian_elem, double, double)
WCE_DEFINE_KERNEL1(wce_hessian_f32, wce_hessian_elem, float, float)
WCE_DEFINE_KERNEL1(wce_label_gradient_f64, wce_label_gradient_elem, double, double)
WCE_DEFINE_KERNEL1(wce_label_gradient_f32, wce_label_gradient_elem, float, float)
WCE_DEFINE_KERNEL2(wce_loss_gradient_f64, wce_loss_gradient_elem, double)
WCE_DEFINE_KERNEL2(wce_loss_gradient_f32, wce_loss_gradient_elem, float)
WCE_DEFINE_KERNEL2(wce_gradient_hessian_f64, wce_gradient_hessian_elem, double)
WCE_DEFINE_KERNEL2(wce_gradient_hessian_f32, wce_gradient_hessian_elem, float)
/* float32 inputs, loss kept in double: what the sum reduction adds up. */
WCE_DEFINE_KERNEL1(wce_loss_f32_in_f64, wce_loss_elem, float, double)

/* ---------------------------------------------------------------------------------------
 * Sum reduction: pairwise within fixed blocks of WCE_SUM_BLOCK elements, then the block
 * sums combined by a binary-counter tree, all in double.  The block boundaries are fixed in
 * absolute indices and the tree depends only on the number of blocks, so the same bits come
 * out whichever thread computed which block.  Error: O(log n) roundings, not O(n).
 * ------------------------------------------------------------------------------------- */

/* Pairwise sum of n doubles: eight interleaved partial sums below 128 elements (the same
 * leaf NumPy uses), halving above. */
static inline double wce_pairwise_sum(const double *v, int64_t n)
{
    if (n < 8) {
        double s = 0.0;
        int64_t i;
        for (i = 0; i < n; ++i) s += v[i];
        return s;
    }
    if (n <= 128) {
        double r[8];
        int64_t i, j;
        for (j = 0; j < 8; ++j) r[j] = v[j];
        for (i = 8; i + 8 <= n; i += 8)
            for (j = 0; j < 8; ++j) r[j] += v[i + j];
        double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) s += v[i];
        return s;
    }
    {
        const int64_t half = (n / 2) - ((n / 2) % 8);
        return wce_pairwise_sum(v, half) + wce_pairwise_sum(v + half, n - half);
    }
}

/* Streaming tree over block sums: push b_0, b_1, ... in order; the k-th push merges the
 * stack as the binary carries of k do.  64 levels hold 2^64 blocks. */
typedef struct {
    double level[64];
    int top;
    uint64_t count;
} wce_sum_tree;

static inline void wce_sum_tree_init(wce_sum_tree *t) { t->top = 0; t->count = 0; }

static inline void wce_sum_tree_push(wce_sum_tree *t, double v)
{
    uint64_t k = t->count;
    while (k & 1u) {
        v = t->level[--t->top] + v;
        k >>= 1;
    }
    t->level[t->top++] = v;
    t->count += 1;
}

static inline double wce_sum_tree_result(const wce_sum_tree *t)
{
    double s = 0.0;
    int j;
    if (t->top == 0) return 0.0;
    s = t->level[t->top - 1];
    for (j = t->top - 2; j >= 0; --j) s = t->level[j] + s;
    return s;
}

/* Sum of the loss over one block [start, stop), stop - start <= WCE_SUM_BLOCK, in double. */
static inline double wce_loss_block_sum_f64(int64_t start, int64_t stop, const double *z,
                                            const double *x, const double *q, int64_t q_len,
                                            const double *w, int64_t w_len)
{
    double buf[WCE_SUM_BLOCK];
    wce_loss_f64_range(start, stop, z, x, q, q_len, w, w_len, buf);
    return wce_pairwise_sum(buf, stop - start);
}

static inline double wce_loss_block_sum_f32(int64_t start, int64_t stop, const float *z,
                                            const float *x, const float *q, int64_t q_len,
                                            const float *w, int64_t w_len)
{
    double buf[WCE_SUM_BLOCK];
    wce_loss_f32_in_f64_range(start, stop, z, x, q, q_len, w, w_len, buf);
    return wce_pairwise_sum(buf, stop - start);
}

/* Whole-array sums, serial; bitwise equal to any parallel split of the same blocks. */
#define WCE_DEFINE_LOSS_SUM(NAME, BLOCK_SUM, T)                                              \
    static inline double NAME(int64_t n, const T *z, const T *x, const T *q, int64_t q_len,  \
                              const T *w, int64_t w_len)                                     \
    {                                                                                        \
        wce_sum_tree t;                                                                      \
        int64_t b;                                                                           \
        wce_sum_tree_init(&t);                                                               \
        for (b = 0; b < n; b += WCE_SUM_BLOCK) {                                             \
            const int64_t e = (n - b < WCE_SUM_BLOCK) ? n : b + WCE_SUM_BLOCK;               \
            wce_sum_tree_push(&t, BLOCK_SUM(b, e, z, x, q, q_len, w, w_len));                \
        }                                                                                    \
        return wce_sum_tree_result(&t);                                                      \
    }

WCE_DEFINE_LOSS_SUM(wce_loss_sum_f64, wce_loss_block_sum_f64, double)
WCE_DEFINE_LOSS_SUM(wce_loss_sum_f32, wce_loss_block_sum_f32, float)

#ifdef __cplusplus
}
#endif

#endif /* WCE_C_WCE_H */
