/*
 * wce_c/wce.h -- weighted binary cross entropy with logits, its gradient and hessian.
 *
 * Plain C11 (also valid C++17), no Python, no OpenMP, header only: every function is
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
 * computed as exp(C - |x| + delta), where C = 177.44567822334602 is 256 ln 2 rounded to a
 * multiple of 2^-43 and delta = 256 ln 2 - C = -2.2485e-14 enters the exponential's reduced
 * argument as a correction (see wce_exp_nonpositive).  C - |x| is exact for
 * 512 < |x| < 1024: both are multiples of 2^-43 = ulp(|x|) and the difference is below
 * 1024 (beyond, the exponential underflows to 0 anyway).
 * 1 + e rounds to 1 for the scaled e <= e^-335, as it does unscaled, so the sigma pieces need
 * no other change.
 *
 * Special values.  A term whose coefficient is exactly 0 contributes exactly 0 (so x = -inf
 * with z = 0 gives loss 0 where 0 * inf would give NaN); the wrong-side infinity gives +inf;
 * the gradient at +-inf is its finite limit and the hessian 0.  x = +-0 gives loss l log 2,
 * gradient (1 - z) - l / 2, hessian l / 4.  A NaN anywhere propagates (0 * NaN is NaN).
 *
 * Accuracy against the exact function of the floating inputs (the bounds the test suite
 * checks against mpmath: float64 3 ULP for loss and gradient, 6 for the hessian; float32 1
 * ULP; a soft label's gradient and the label gradient, which have a root, in ULP of their
 * larger term).  float32 kernels evaluate in double with float32-grade polynomials and round
 * once: 0.503 ULP worst in dense sweeps.  float64 kernels evaluate the pieces to about half a
 * ULP and combine them in double-double, rounding once: 2.3 ULP worst (loss), 1.5 (gradient,
 * hessian), 2.3 (label gradient).  A plain double combination of the same pieces reaches
 * 3.7 ULP with soft labels and sample weights, which is why the float64 path pays for it.
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
#include <string.h>

#ifdef __cplusplus
#define WCE_RESTRICT __restrict
extern "C" {
#else
#define WCE_RESTRICT restrict
#endif

#define WCE_C_VERSION_MAJOR 0
#define WCE_C_VERSION_MINOR 1
#define WCE_C_VERSION_PATCH 0

/* Element-level helpers must be inlined into the array loops for those to vectorise. */
#if defined(__GNUC__) || defined(__clang__)
#define WCE_ELEM static inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define WCE_ELEM static __forceinline
#else
#define WCE_ELEM static inline
#endif

/* Elements per block of the sum reduction.  The block boundaries are fixed in absolute
 * indices, so a sum is bitwise the same however the blocks are shared between threads. */
#define WCE_SUM_BLOCK 4096

/* a * b + c for the polynomial steps: one fused rounding where the instruction set has FMA
 * (the avx2 and avx512 levels, which therefore agree bit for bit), two roundings elsewhere
 * (baseline).  Every error bound below holds for both; the two can differ in the last bit of
 * a double piece, so a baseline result can differ from an FMA level's in its last bit, in
 * rare elements.  Everything else is plain +, -, *, / in a fixed order (the build turns off
 * contraction), which every level evaluates alike. */
#if defined(__FMA__) && (defined(__GNUC__) || defined(__clang__))
#define WCE_MADD(a, b, c) __builtin_fma((a), (b), (c))
#else
#define WCE_MADD(a, b, c) ((a) * (b) + (c))
#endif

/* ---------------------------------------------------------------------------------------
 * Element level: everything in double.
 * ------------------------------------------------------------------------------------- */

/* ---------------------------------------------------------------------------------------
 * exp and log1p, written so that a compiler vectorises them: straight-line double
 * arithmetic, selects instead of branches, no calls, no tables.  IEEE +, -, *, / in a fixed
 * order, and WCE_MADD (fused where the level has FMA) for the polynomial steps.
 * ------------------------------------------------------------------------------------- */

WCE_ELEM uint64_t wce_bits_of(double v) { uint64_t u; memcpy(&u, &v, sizeof u); return u; }
WCE_ELEM double wce_double_of(uint64_t u) { double v; memcpy(&v, &u, sizeof v); return v; }

/* ln2 = WCE_LN2_HI + WCE_LN2_LO, the high part with 32 significant bits (so k WCE_LN2_HI is
 * exact for |k| < 2^21), and log2(e); shared by the exponentials and wce_log1p_unit. */
#define WCE_LN2_HI 0x1.62e42fee00000p-1
#define WCE_LN2_LO 0x1.a39ef35793c76p-33
#define WCE_LOG2E 0x1.71547652b82fep+0

/* round(t log2 e) as a double, by adding and subtracting 1.5 2^52 (whose binade has ULP 1);
 * |t| below 2^50 or so, or NaN (which stays NaN). */
WCE_ELEM double wce_round_k(double t)
{
    const double shifter = 0x1.8p52;
    return (t * WCE_LOG2E + shifter) - shifter;
}

/* 2^k for an integer-valued double k in [-1022, 1023], from its bit pattern: k + 1.5 2^52
 * lies in a binade of ULP 1, so its bits are those of 1.5 2^52 plus k.  Only an unsigned
 * add and a left shift, which every vector instruction set has. */
WCE_ELEM double wce_pow2(double k)
{
    const double shifter = 0x1.8p52;
    return wce_double_of((wce_bits_of(k + shifter) + (1023u - wce_bits_of(shifter))) << 52);
}

/* e^t for t <= 0 (or NaN); within about 0.5 ULP, subnormal results correctly scaled.
 *
 * Range reduction: t = k ln2 + r with k = round(t / ln2), |r| <= ln2 / 2.  k is rounded by
 * adding and subtracting 1.5 * 2^52, whose binade has ULP 1.
 * ln2 = LN2_HI + LN2_LO with LN2_HI carrying 32 significant bits: k * LN2_HI is exact for
 * |k| < 2^21 and t - k * LN2_HI is exact (the two agree in their leading bits), so
 * r = r_hi + r_lo with r_lo = -k LN2_LO a tiny correction.
 *
 * e^r = 1 + r + p(r), p(r) = r^2 Q(r) with Q of degree 10 fitted to (e^r - 1 - r) / r^2 on
 * |r| <= ln2/2 (Chebyshev interpolation, tools/fit_polynomials.py: 1 + r + p errs by
 * 2^-61.4 relative to e^r).  The sum 1 + r_hi is split exactly (Fast2Sum, since 1 >= |r_hi|)
 * into hi + lo, so e^r = hi + (lo + r_lo + p) rounds once at the end: about 0.5 ULP.
 *
 * Scaling: 2^k is applied as 2^k1 * 2^k2 with k1 about k / 2, so both factors are normal;
 * the first product is exact and the second rounds once, also into the subnormal range.
 * t < -1100 is clamped (the result is 0 either way); a NaN reaches every operation, so the
 * result is NaN (the bit pattern 2^k takes from it does not matter).
 * delta, |delta| < 2^-40, is a correction to t that is too small to add to it in double:
 * the result is e^(t + delta), with delta joining r_lo. */
WCE_ELEM double wce_exp_nonpositive(double t, double delta)
{
    const double shifter = 0x1.8p52;
    const double ts = (t < -1100.0) ? -1100.0 : t;
    const double kd = wce_round_k(ts);
    const double r_hi = ts - kd * WCE_LN2_HI;
    const double r_lo = delta - kd * WCE_LN2_LO;
    const double r = r_hi + r_lo;
    double p = 0x1.1f72fc74cb69cp-29;
    p = WCE_MADD(p, r, 0x1.af4ddd87988f4p-26);
    p = WCE_MADD(p, r, 0x1.27e4db67b358ep-22);
    p = WCE_MADD(p, r, 0x1.71de023754ddep-19);
    p = WCE_MADD(p, r, 0x1.a01a01a6d780cp-16);
    p = WCE_MADD(p, r, 0x1.a01a01abe62e4p-13);
    p = WCE_MADD(p, r, 0x1.6c16c16c162d6p-10);
    p = WCE_MADD(p, r, 0x1.11111111100dfp-7);
    p = WCE_MADD(p, r, 0x1.5555555555556p-5);
    p = WCE_MADD(p, r, 0x1.5555555555557p-3);
    p = WCE_MADD(p, r, 0x1.0000000000000p-1);
    p = p * (r * r);
    const double hi = 1.0 + r_hi;
    const double lo = (1.0 - hi) + r_hi; /* exact rounding error of 1 + r_hi */
    const double er = hi + (lo + (r_lo + p));
    const double k1 = (0.5 * kd + shifter) - shifter; /* about k / 2: any split will do */
    return (er * wce_pow2(k1)) * wce_pow2(kd - k1);
}

/* log(1 + e) for 0 <= e <= 1 (or NaN), given u = 1 + e rounded; within about 1 ULP.
 *
 * c = (e - (u - 1)) / u corrects the rounding of 1 + e: log1p(e) = log(u) + log(1 + c) and
 * log(1 + c) = c to double precision (|c| <= 2^-53).  u - 1 is exact (u in [1, 2]).
 * log(u): u = 2^k (1 + f) with k = 1 when u > sqrt 2, so f = u / 2^k - 1 in
 * [sqrt(1/2) - 1, sqrt 2 - 1] is exact.  With s = f / (2 + f), log(1 + f) = 2 atanh(s)
 * = 2s + s R(s^2), R(z) = sum_{j >= 1} 2 z^j / (2j + 1), and since 2s = f - s f and
 * s f = f^2/2 - s f^2/2 this is f - (f^2/2 - s (f^2/2 + R)): the exact f plus a correction
 * of at most a fifth of it, so the rounding of s and R hardly shows.  |s| <= 0.1716: R(z) =
 * z T(z) with T of degree 7 fitted to R(z) / z on [0, 0.1716^2] (Chebyshev interpolation,
 * tools/fit_polynomials.py: 2s + s R errs by 2^-60.7 relative to 2 atanh(s)).  Finally k ln2
 * is added in two parts, the high part exact.  Small e take a series (see the end). */
WCE_ELEM double wce_log1p_unit(double e, double u)
{
    /* c / u, |c| <= 2^-53 u, needs 1/u only roughly: y = 1.5 - u/2 is within 9 % of 1/u on
     * [1, 2] (exact at both ends, off by (u - 1)^2 / 2u), and one Newton step y (2 - u y)
     * squares that to under 0.8 %: a relative 2^-60 of the result.  No division. */
    const double y0 = 1.5 - 0.5 * u;
    const double c = (e - (u - 1.0)) * (y0 * (2.0 - u * y0));
    const int big = u > 0x1.6a09e667f3bcdp+0;
    const double kd = big ? 1.0 : 0.0;
    const double f = (big ? 0.5 * u : u) - 1.0;
    const double hfsq = 0.5 * f * f;
    const double s = f / (2.0 + f);
    const double z = s * s;
    double R = 0x1.0c039caa652d2p-3;
    R = WCE_MADD(R, z, 0x1.0fbe95cdd474ep-3);
    R = WCE_MADD(R, z, 0x1.3b1c355ae7f4cp-3);
    R = WCE_MADD(R, z, 0x1.745cf9048c38ep-3);
    R = WCE_MADD(R, z, 0x1.c71c7201591b6p-3);
    R = WCE_MADD(R, z, 0x1.2492492476ccbp-2);
    R = WCE_MADD(R, z, 0x1.9999999999a38p-2);
    R = WCE_MADD(R, z, 0x1.5555555555555p-1);
    R = R * z;
    const double full =
        kd * WCE_LN2_HI - ((hfsq - (s * (hfsq + R) + (kd * WCE_LN2_LO + c))) - f);
    /* For e < 2^-26 the correction c is no longer small beside the result (when u - 1 is a
     * few ULP of 1, log1p(e) is itself about 2^-53 and c carries half of it), so its rough
     * 1/u would show.  There the series e - e^2/2 + e^3/3 (truncation below e^3/4 < 2^-80
     * relative) is used instead: e plus a correction below 2^-27 of it, rounded once. */
    const double series = e + (e * e) * WCE_MADD(e, 0x1.5555555555555p-2, -0.5);
    return (e < 0x1p-26) ? series : full;
}

/* ---------------------------------------------------------------------------------------
 * The per-element pieces, from one exp and one log1p.  With e = e^-|x| (times 2^256 when
 * far), d = 1 + e rounded, d_err = (1 + e) - d exactly and m = log1p(e):
 *     softplus(|x|) = |x| + m          softplus(-|x|) = m
 *     sigma(|x|)    = 1 / (1 + e)      sigma(-|x|)    = e / (1 + e)
 * ------------------------------------------------------------------------------------- */
typedef struct {
    double ax;       /* |x| */
    double e;        /* e^-|x| / scale */
    double d;        /* 1 + e, rounded */
    double d_err;    /* (1 + e) - d, exact */
    double inv_d;    /* 1 / d, rounded */
    double m;        /* log1p(e) = softplus(-|x|) / scale */
    double sg_small; /* e / d, rounded */
    double scale;    /* 1, or 2^-256 in the far tail */
    int pos;         /* x >= 0; true for -0.0 (sigma(0) = 1/2 either way) and for NaN */
} wce_parts;

/* The far tail (see "Scaling in the far tail"): beyond |x| = WCE_FAR_FROM the small pieces are
 * e^(WCE_FAR_C - |x| + WCE_FAR_DELTA) = e^-|x| 2^256, and the result is scaled by 2^-256. */
#define WCE_FAR_FROM 512.0
#define WCE_FAR_C 0x1.62e42fefa39f0p+7
#define WCE_FAR_DELTA (-0x1.950d871319ff0p-46)

/* The pieces that follow from x and e (= e^-|x| / scale) alone; m is left 0 for the caller
 * (not every evaluation needs log1p).  Pieces a kernel does not use cost nothing: the
 * functions are inlined and the compiler drops them. */
WCE_ELEM wce_parts wce_parts_from_e(double x, double e, double scale)
{
    wce_parts p;
    p.ax = fabs(x);
    p.e = e;
    p.d = 1.0 + e;
    p.d_err = e - (p.d - 1.0); /* exact: d - 1 is exact, and so is this difference */
    p.inv_d = 1.0 / p.d;
    p.m = 0.0;
    p.sg_small = e / p.d;
    p.scale = scale;
    p.pos = !(x < 0.0);
    return p;
}

/* Every piece to about half a ULP of double: for float64 results. */
WCE_ELEM wce_parts wce_parts_of(double x)
{
    const int far = fabs(x) > WCE_FAR_FROM;
    wce_parts p = wce_parts_from_e(
        x, wce_exp_nonpositive((far ? WCE_FAR_C : 0.0) - fabs(x), far ? WCE_FAR_DELTA : 0.0),
        far ? 0x1p-256 : 1.0);
    /* Here sigma(-|x|) serves only the plain value (the pair evaluation divides by 1 + e
     * itself), so it shares the division that gives inv_d. */
    p.sg_small = p.e * p.inv_d;
    p.m = wce_log1p_unit(p.e, p.d);
    return p;
}

/* ---------------------------------------------------------------------------------------
 * float32-grade pieces.  A float32 result is the double value rounded once to float, so
 * a relative error eps in that double value adds eps / 2^-24 ULP to the half ULP of the
 * rounding: the pieces below keep eps near 2^-31 (under 0.01 ULP) with about half the
 * operations of the float64-grade ones.  Polynomial coefficients: tools/fit_polynomials.py,
 * which also re-measures their error against mpmath.
 * ------------------------------------------------------------------------------------- */

/* 2^-k from kk = k + 1.5 2^52 (0 <= k <= 1021), the sum that rounded a log2(e) to k: its bit
 * pattern is that of 1.5 2^52 plus k, so (1023 - k) << 52, the bits of 2^-k, is one integer
 * subtraction and a shift away. */
WCE_ELEM double wce_pow2_minus(double kk)
{
    return wce_double_of((wce_bits_of(0x1.8p52) + 1023u - wce_bits_of(kk)) << 52);
}

/* e^-a for a >= 0 (or NaN), relative error below 2^-33.
 *
 * a = k ln2 + r with k = round(a / ln2) >= 0, |r| <= ln2 / 2, so e^-a = 2^-k e^-r.
 * k + 1.5 2^52 = a log2(e) + 1.5 2^52 rounded (one fused step where the level has FMA: the
 * binade of 1.5 2^52 has ULP 1, so the sum rounds a log2(e) to an integer), which also
 * gives 2^-k (wce_pow2_minus).
 * r = a - k LN2 in one step: |k LN2| <= 708 so the rounding of the product (where it is
 * not fused) and that of LN2 itself leave r within 2^-43 (the subtraction is exact, the
 * result being far smaller than its operands).
 * e^-r = 1 + r R(r), R of degree 6 fitted to (e^-r - 1) / r on |r| <= ln2/2 (Chebyshev
 * interpolation; the fit errs by 2^-33 relative to e^-r, Horner's roundings by less).  e^0
 * is exactly 1 (x = 0 gives exactly the sigmoid 1/2).
 * Beyond a = 708 the result is 0 (2^-k would leave the normal range), which no float32
 * result can tell from e^-a < 2^-1021: the float32 kernels multiply e^-a by weights below
 * 2^256 (a product of at most three float32 values), which stays under 2^-765, far below
 * float's smallest subnormal.  A NaN stays NaN (it reaches every operation). */
WCE_ELEM double wce_exp_minus_single(double a)
{
    const double shifter = 0x1.8p52;
    const int far = a > 708.0;
    const double as = far ? 708.0 : a; /* keeps k in range; the result is 0 there anyway */
    const double kk = WCE_MADD(as, WCE_LOG2E, shifter);
    const double r = WCE_MADD(kk - shifter, -0x1.62e42fefa39efp-1, as);
    double R = -0x1.a15169e4acab6p-13;
    R = WCE_MADD(R, r, 0x1.6d7531ef7f1e1p-10);
    R = WCE_MADD(R, r, -0x1.1110c63a4cf65p-7);
    R = WCE_MADD(R, r, 0x1.5554ace11c4cbp-5);
    R = WCE_MADD(R, r, -0x1.555555675067dp-3);
    R = WCE_MADD(R, r, 0x1.00000028794f9p-1);
    R = WCE_MADD(R, r, -0x1.0000000000000p+0);
    const double e = WCE_MADD(R, r, 1.0) * wce_pow2_minus(kk);
    return far ? 0.0 : e;
}

/* e^-(a + delta) for a >= 0 (or NaN), relative error below 2^-50: between the float32 grade
 * above and the float64 grade (wce_exp_nonpositive), for float32 results that should match a
 * float64 evaluation rounded to float32 (wce_gradient_hessian_elem_wide).  Same structure as
 * wce_exp_minus_single, with ln2 in two parts as in wce_exp_nonpositive (k LN2_HI is exact,
 * and so is a - k LN2_HI, so the reduced argument is good to 2^-53) and R of degree 9 (fit
 * error 2^-50.3).  delta, |delta| < 2^-40, is a correction to a too small to add to it; it
 * joins the reduced argument.  0 beyond a = 708 like wce_exp_minus_single; see the caller
 * for why that is safe there. */
WCE_ELEM double wce_exp_minus_fine(double a, double delta)
{
    const double shifter = 0x1.8p52;
    const int far = a > 708.0;
    const double as = far ? 708.0 : a;
    const double kk = WCE_MADD(as, WCE_LOG2E, shifter);
    const double kd = kk - shifter;
    const double r = (as - kd * WCE_LN2_HI) + (delta - kd * WCE_LN2_LO);
    double R = 0x1.28917c8be7ad6p-22;
    R = WCE_MADD(R, r, -0x1.72e107cbda5a8p-19);
    R = WCE_MADD(R, r, 0x1.a019b914985a9p-16);
    R = WCE_MADD(R, r, -0x1.a01994c8467d1p-13);
    R = WCE_MADD(R, r, 0x1.6c16c17889ef9p-10);
    R = WCE_MADD(R, r, -0x1.11111123bf160p-7);
    R = WCE_MADD(R, r, 0x1.5555555553d68p-5);
    R = WCE_MADD(R, r, -0x1.5555555550d88p-3);
    R = WCE_MADD(R, r, 0x1.0000000000001p-1);
    R = WCE_MADD(R, r, -0x1.0000000000006p+0);
    const double e = WCE_MADD(R, r, 1.0) * wce_pow2_minus(kk);
    return far ? 0.0 : e;
}

/* log(1 + e) for 0 <= e <= 1 (or NaN), relative error below 2^-32.
 *
 * log1p(e) / e is analytic on [0, 1] (its nearest singularity is at e = -1), so a single
 * polynomial G of degree 11 fitted to it on [0, 1] (Chebyshev interpolation) errs by
 * 2^-32.8, and e G(e) keeps that relative error down to the smallest e: no range reduction,
 * no 1 + e, no division.  The coefficients alternate and fall off like 1/j, so Horner's
 * rounding errors stay near 2^-53. */
WCE_ELEM double wce_log1p_single(double e)
{
    double G = -0x1.485b92f1b086cp-10;
    G = WCE_MADD(G, e, 0x1.2479645773dd0p-7);
    G = WCE_MADD(G, e, -0x1.e83ede92f9363p-6);
    G = WCE_MADD(G, e, 0x1.041b9d37b5255p-4);
    G = WCE_MADD(G, e, -0x1.9cf362ab000afp-4);
    G = WCE_MADD(G, e, 0x1.1280b7cb11a24p-3);
    G = WCE_MADD(G, e, -0x1.50ca34d85fbddp-3);
    G = WCE_MADD(G, e, 0x1.98da7a153f7f8p-3);
    G = WCE_MADD(G, e, -0x1.ffed11a34c352p-3);
    G = WCE_MADD(G, e, 0x1.5554d749ee965p-2);
    G = WCE_MADD(G, e, -0x1.fffffd65a9343p-2);
    G = WCE_MADD(G, e, 0x1.fffffffed8c7bp-1);
    return e * G;
}

/* The pieces for float32 results from float32 inputs: no far-tail scale (a float32 result
 * that small is 0).  The float32 combinations below need only sigma(-|x|) = e / (1 + e), one
 * division (they take sigma(|x|) as 1 - sigma(-|x|); the unused 1 / d is dropped). */
WCE_ELEM wce_parts wce_parts_single(double x)
{
    wce_parts p = wce_parts_from_e(x, wce_exp_minus_single(fabs(x)), 1.0);
    p.m = wce_log1p_single(p.e);
    return p;
}

/* ---------------------------------------------------------------------------------------
 * Plain evaluation: a handful of roundings on top of the pieces.  With the float32-grade
 * pieces it is accurate to about 2^-31, which the float32 kernels round once to float (the
 * *_elem_single functions); with the float64-grade pieces it also gives the special
 * values (infinities, NaN, overflow) for the float64 evaluation below.
 * a = w (1 - z) multiplies softplus(x) and sigma(x); b = w q z multiplies softplus(-x) and
 * sigma(-x).
 * ------------------------------------------------------------------------------------- */

/* a softplus(x) + b softplus(-x), with a zero coefficient giving an exact 0 even where the
 * softplus is infinite (softplus(-|x|) is finite, so only the |x| term needs the rule). */
WCE_ELEM double wce_plain_softplus_pair(double a, double b, wce_parts p)
{
    const double c_big = p.pos ? a : b;   /* multiplies softplus(|x|) */
    const double c_small = p.pos ? b : a; /* multiplies softplus(-|x|) */
    const double sp_big = p.ax + p.m * p.scale;
    const double t_big = (c_big != 0.0) ? c_big * sp_big : 0.0;
    return t_big + (c_small * p.m) * p.scale;
}

/* a sigma(x) - b sigma(-x); the sigmoids are bounded, so no special rule is needed. */
WCE_ELEM double wce_plain_sigmoid_pair(double a, double b, wce_parts p)
{
    const double c_big = p.pos ? a : -b;
    const double c_small = p.pos ? -b : a;
    return c_big * p.inv_d + (c_small * p.sg_small) * p.scale;
}

/* l sigma(x) sigma(-x) = l e / (1 + e)^2, symmetric in x. */
WCE_ELEM double wce_plain_sigmoid_product(double l, wce_parts p)
{
    return (l * p.inv_d * p.sg_small) * p.scale;
}

/* The float32 combinations of the sigmoids.  With s = sigma(-|x|) <= 1/2 and
 * sigma(|x|) = 1 - s, the gradient a sigma(x) - b sigma(-x) is
 *     x >= 0:  a (1 - s) - b s = a - l s        x < 0:  a s - b (1 - s) = l s - b
 * with l = a + b: one product and one difference instead of two products and a sum.  The
 * difference cancels only near a soft label's root, and never by more than the original
 * terms do: l s = a s + b s is at most twice the larger of them (for x >= 0, a s <= a (1 - s)
 * since s <= 1/2; likewise for x < 0), so the 2^-31 relative error of s stays within
 * 2^-30 of the larger term, the accuracy contract's measure there.  With 0/1 labels one of
 * a, b is 0 and nothing cancels (a - a s = a (1 - s) with 1 - s >= 1/2).
 * The hessian l s (1 - s) is l s - (l s) s, one fused step where the level has FMA; the
 * gradient and hessian share l s. */
WCE_ELEM double wce_single_sigmoid_pair(double a, double b, wce_parts p)
{
    const double ls = (a + b) * p.sg_small;
    return p.pos ? a - ls : ls - b;
}

WCE_ELEM double wce_single_sigmoid_product(double l, wce_parts p)
{
    const double ls = l * p.sg_small;
    return WCE_MADD(-ls, p.sg_small, ls);
}

WCE_ELEM double wce_loss_elem_single(double z, double x, double q, double w)
{
    return wce_plain_softplus_pair(w * (1.0 - z), w * (q * z), wce_parts_single(x));
}

WCE_ELEM double wce_gradient_elem_single(double z, double x, double q, double w)
{
    return wce_single_sigmoid_pair(w * (1.0 - z), w * (q * z), wce_parts_single(x));
}

WCE_ELEM double wce_hessian_elem_single(double z, double x, double q, double w)
{
    return wce_single_sigmoid_product(w * (1.0 - z) + w * (q * z), wce_parts_single(x));
}

/* dL/dz = w [q softplus(-x) - softplus(x)]: the loss's pair with a = -w, b = w q.  Written
 * as a difference of two non-negative terms, not as -x + (q - 1) softplus(-x), which cancels
 * for small q and large -x.  Independent of z, but a NaN label still gives NaN. */
WCE_ELEM double wce_label_gradient_elem_single(double z, double x, double q, double w)
{
    const double r = wce_plain_softplus_pair(-w, w * q, wce_parts_single(x));
    return (z != z) ? z : r;
}

WCE_ELEM void wce_loss_gradient_elem_single(double z, double x, double q, double w,
                                                double *loss, double *grad)
{
    const wce_parts p = wce_parts_single(x);
    const double a = w * (1.0 - z), b = w * (q * z);
    /* In this order GCC 12 compiles the AVX-512 loop to 120 instructions per 16 elements; in
     * the other, to 165 with more spills and mask moves, 15 % slower. */
    *grad = wce_single_sigmoid_pair(a, b, p);
    *loss = wce_plain_softplus_pair(a, b, p);
}

WCE_ELEM void wce_gradient_hessian_elem_single(double z, double x, double q, double w,
                                                   double *grad, double *hess)
{
    const wce_parts p = wce_parts_single(x);
    const double a = w * (1.0 - z), b = w * (q * z);
    *grad = wce_single_sigmoid_pair(a, b, p);
    *hess = wce_single_sigmoid_product(a + b, p);
}

/* The pieces of the gradient and hessian (no log1p) for float32 results from float64 inputs:
 * e^-|x| to 2^-50 (wce_exp_minus_fine), scaled by 2^256 beyond |x| = 512 as in
 * wce_parts_of: e^-(|x| - WCE_FAR_C - WCE_FAR_DELTA), where |x| - WCE_FAR_C is exact below
 * |x| = 1024 (beyond, the result is 0 either way); sigma(-|x|) = e / (1 + e) as in
 * wce_parts_single (scaled with e; 1 + e is 1 there). */
WCE_ELEM wce_parts wce_parts_wide(double x)
{
    const int far = fabs(x) > WCE_FAR_FROM;
    wce_parts p = wce_parts_from_e(
        x, wce_exp_minus_fine(fabs(x) - (far ? WCE_FAR_C : 0.0), far ? -WCE_FAR_DELTA : 0.0),
        far ? 0x1p-256 : 1.0);
    return p;
}

/* float64 inputs, float32 results (gradient and hessian): the float32 combinations (see
 * wce_single_sigmoid_pair) with the far-tail scale applied to l s, and the sample weight
 * applied last, so that w q z may exceed the double range where the result does not.  In
 * the far tail the scaled s is below 2^-480, so l s - (l s) s is l s to double precision.
 * Right to float32's accuracy wherever w l (l = 1 - z + q z) is a finite double, and for
 * |x| <= 885 beyond that (past |x| = 885 the scaled e^-|x| is taken as 0, which w l below
 * 2^1024 cannot lift to a float32 number).  Accurate to about 2^-48 (of the larger term, for
 * a soft label's gradient) before the rounding to float, so the float32 result is the exact
 * value correctly rounded except within that distance of a tie: the value a float64
 * evaluation rounded to float32 gives, in all but about one element in 10^7. */
WCE_ELEM void wce_gradient_hessian_elem_wide(double z, double x, double q, double w,
                                             double *grad, double *hess)
{
    const wce_parts p = wce_parts_wide(x);
    const double a = 1.0 - z, b = q * z;
    const double ls = ((a + b) * p.sg_small) * p.scale;
    *grad = w * (p.pos ? a - ls : ls - b);
    *hess = w * WCE_MADD(-ls, p.sg_small, ls);
}

/* ---------------------------------------------------------------------------------------
 * Compensated evaluation, for float64 results.  Every rounding on the way costs up to half
 * a ULP, and the plain evaluation has five or six of them: with weights and soft labels
 * that exceeds 3 ULP.  So the coefficients, products and sums are carried as unevaluated
 * pairs hi + lo (double-double), and the result is rounded once: what remains is the error
 * of e and m (about half a ULP each, scaled by the condition numbers, which are <= 1) plus
 * that final rounding.  The pair arithmetic uses only +, -, *, / (and FMA for the exact error
 * of a product, which equals Dekker's), so it is the same on every level.
 * ------------------------------------------------------------------------------------- */

typedef struct { double hi, lo; } wce_dd;

/* hi + lo = a + b exactly (Knuth's TwoSum, any order of magnitude). */
WCE_ELEM wce_dd wce_two_sum(double a, double b)
{
    wce_dd r;
    r.hi = a + b;
    {
        const double bb = r.hi - a;
        r.lo = (a - (r.hi - bb)) + (b - bb);
    }
    return r;
}

/* hi + lo = a * b exactly (Dekker's product with Veltkamp's split), while |a|, |b| < 2^996
 * and nothing underflows; beyond, lo is wrong or NaN and the callers fall back to the plain
 * result. */
WCE_ELEM wce_dd wce_two_product(double a, double b)
{
#if defined(__FMA__) && (defined(__GNUC__) || defined(__clang__))
    /* With a fused multiply-add the error of the product comes out directly.  It is the same
     * exact number Dekker's method gives, so every instruction set still agrees bit for bit. */
    wce_dd r;
    r.hi = a * b;
    r.lo = __builtin_fma(a, b, -r.hi);
    return r;
#else
    const double split = 134217729.0; /* 2^27 + 1 */
    const double ca = split * a, cb = split * b;
    const double a_hi = ca - (ca - a), a_lo = a - a_hi;
    const double b_hi = cb - (cb - b), b_lo = b - b_hi;
    wce_dd r;
    r.hi = a * b;
    r.lo = ((a_hi * b_hi - r.hi) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo;
    return r;
#endif
}

WCE_ELEM wce_dd wce_dd_add(wce_dd a, wce_dd b)
{
    wce_dd s = wce_two_sum(a.hi, b.hi);
    s.lo += a.lo + b.lo;
    return s;
}

WCE_ELEM wce_dd wce_dd_neg(wce_dd a) { a.hi = -a.hi; a.lo = -a.lo; return a; }

/* (a.hi + a.lo)(b.hi + b.lo), dropping a.lo b.lo (below 2^-104 relative). */
WCE_ELEM wce_dd wce_dd_mul(wce_dd a, wce_dd b)
{
    wce_dd p = wce_two_product(a.hi, b.hi);
    p.lo += a.hi * b.lo + a.lo * b.hi;
    return p;
}

WCE_ELEM wce_dd wce_dd_of(double v) { wce_dd r; r.hi = v; r.lo = 0.0; return r; }

/* c ? a : b, field by field (a select of whole structs would go through memory and stop
 * the loops from vectorising). */
WCE_ELEM wce_dd wce_dd_select(int c, wce_dd a, wce_dd b)
{
    wce_dd r;
    r.hi = c ? a.hi : b.hi;
    r.lo = c ? a.lo : b.lo;
    return r;
}

/* n / (1 + e) as a pair, for a pair n: the quotient q1 = n.hi / d by the rounded reciprocal,
 * then the residual n - q1 (1 + e), exact to 2^-106 of n (q1 d from the exact product, whose
 * difference from n.hi is exact as the two agree to a few ULP; d_err is the rounding of
 * d = 1 + e), divided by d for the correction: (n - q1 D) / D to 2^-53 of itself, 2^-104
 * of the quotient. */
WCE_ELEM wce_dd wce_dd_over_d(wce_dd n, wce_parts p)
{
    wce_dd q;
    q.hi = n.hi * p.inv_d;
    {
        const wce_dd t = wce_two_product(q.hi, p.d); /* q.hi d exactly */
        q.lo = ((((n.hi - t.hi) - t.lo) + n.lo) - q.hi * p.d_err) * p.inv_d;
    }
    return q;
}

/* Coefficients as exact pairs: 1 - z (exact for 0 <= z <= 2) and q z. */
WCE_ELEM wce_dd wce_coef_neg(double z) { return wce_two_sum(1.0, -z); }
WCE_ELEM wce_dd wce_coef_pos(double z, double q) { return wce_two_product(q, z); }

/* Whether the compensated evaluation is valid: every operand that Dekker's product splits
 * stays below 2^960 (its split overflows near 2^997).  Decided from the inputs alone, so that
 * the levels with FMA, which would not overflow, take the same branch and the same bits. */
WCE_ELEM int wce_in_dd_range(double z, double ax, double q, double w)
{
    const double lim = 0x1p960;
    return fabs(z) < lim && ax < lim && fabs(q) < lim && fabs(w) < lim;
}

/* w (hi + lo) rounded once, times the far-tail scale; the plain value where the pair is not
 * finite (infinities, NaN, the zero-coefficient rule, overflow) or out of range. */
WCE_ELEM double wce_finish(wce_dd s, double w, double scale, double plain, int in_range)
{
    const wce_dd ws = wce_two_product(w, s.hi);
    const double r = (ws.hi + (ws.lo + w * s.lo)) * scale;
    return (in_range && fabs(s.hi) < 0x1p960 && r - r == 0.0) ? r : plain;
}

/* v times a power of two: exact for both parts (unless they underflow). */
WCE_ELEM wce_dd wce_dd_scale(wce_dd v, double pow2) { v.hi *= pow2; v.lo *= pow2; return v; }

/* a softplus(x) + b softplus(-x) in pairs.  With s the far-tail scale, softplus(|x|) =
 * |x| + m s and softplus(-|x|) = m s, so
 *     c_big (|x| + m s) + c_small m s = c_big |x| + (a + b) m s:
 * two products instead of three, whichever side x is on.  When the |x| term is absent the
 * scale is left to the caller's final rounding (*scale), so a subnormal result rounds once. */
WCE_ELEM wce_dd wce_dd_softplus_pair(wce_dd a, wce_dd b, wce_parts p, double *scale)
{
    const wce_dd c_big = wce_dd_select(p.pos, a, b);
    const int big_present = c_big.hi != 0.0;
    const wce_dd t_m = wce_dd_mul(wce_dd_add(a, b), wce_dd_of(p.m));
    *scale = big_present ? 1.0 : p.scale;
    return wce_dd_add(wce_dd_mul(c_big, wce_dd_of(p.ax)),
                      wce_dd_scale(t_m, big_present ? p.scale : 1.0));
}

WCE_ELEM double wce_loss_elem(double z, double x, double q, double w)
{
    const wce_parts p = wce_parts_of(x);
    const wce_dd a = wce_coef_neg(z), b = wce_coef_pos(z, q);
    double scale;
    const wce_dd s = wce_dd_softplus_pair(a, b, p, &scale);
    const double plain = wce_plain_softplus_pair(w * a.hi, w * b.hi, p);
    return wce_finish(s, w, scale, plain, wce_in_dd_range(z, p.ax, q, w));
}

/* a sigma(x) - b sigma(-x) in pairs.  With e = e^-|x| (times the far-tail factor), both
 * sides are one quotient by 1 + e:
 *     x >= 0:  (a - b e) / (1 + e)          x < 0:  (a e - b) / (1 + e) = (P - M e) / (1 + e)
 * with (P, M) = (a, b) when x >= 0 and (-b, -a) when x < 0.  P - M e is carried as a pair
 * (the error of e moves it by at most half a ULP of the larger term), then divided by
 * 1 + e to 2^-104.  When P is 0 the M e term alone is left with its far-tail scale for the
 * caller's final rounding (*scale), so a subnormal result rounds once. */
WCE_ELEM wce_dd wce_dd_sigmoid_pair(wce_dd a, wce_dd b, wce_parts p, double *scale)
{
    const wce_dd P = wce_dd_select(p.pos, a, wce_dd_neg(b));
    const wce_dd M = wce_dd_select(p.pos, b, wce_dd_neg(a));
    const int big_present = P.hi != 0.0;
    const wce_dd Me = wce_dd_mul(M, wce_dd_of(p.e));
    *scale = big_present ? 1.0 : p.scale;
    return wce_dd_over_d(wce_dd_add(P, wce_dd_neg(wce_dd_scale(Me, big_present ? p.scale : 1.0))),
                         p);
}

WCE_ELEM double wce_gradient_elem(double z, double x, double q, double w)
{
    const wce_parts p = wce_parts_of(x);
    const wce_dd a = wce_coef_neg(z), b = wce_coef_pos(z, q);
    double scale;
    const wce_dd s = wce_dd_sigmoid_pair(a, b, p, &scale);
    return wce_finish(s, w, scale, wce_plain_sigmoid_pair(w * a.hi, w * b.hi, p),
                      wce_in_dd_range(z, p.ax, q, w));
}

/* l sigma(x) sigma(-x) = l e / (1 + e)^2 in pairs: l e, then two quotients by 1 + e. */
WCE_ELEM wce_dd wce_dd_sigmoid_product(wce_dd a, wce_dd b, wce_parts p)
{
    return wce_dd_over_d(wce_dd_over_d(wce_dd_mul(wce_dd_add(a, b), wce_dd_of(p.e)), p), p);
}

WCE_ELEM double wce_hessian_elem(double z, double x, double q, double w)
{
    const wce_parts p = wce_parts_of(x);
    const wce_dd a = wce_coef_neg(z), b = wce_coef_pos(z, q);
    const wce_dd s = wce_dd_sigmoid_product(a, b, p);
    return wce_finish(s, w, p.scale, wce_plain_sigmoid_product(w * (a.hi + b.hi), p),
                      wce_in_dd_range(z, p.ax, q, w));
}

WCE_ELEM double wce_label_gradient_elem(double z, double x, double q, double w)
{
    const wce_parts p = wce_parts_of(x);
    double scale;
    const wce_dd s = wce_dd_softplus_pair(wce_dd_of(-1.0), wce_dd_of(q), p, &scale);
    const double r = wce_finish(s, w, scale, wce_plain_softplus_pair(-w, w * q, p),
                      wce_in_dd_range(z, p.ax, q, w));
    return (z != z) ? z : r;
}

/* Fused pairs: one exp and one log1p serve both quantities. */
WCE_ELEM void wce_loss_gradient_elem(double z, double x, double q, double w,
                                          double *loss, double *grad)
{
    const wce_parts p = wce_parts_of(x);
    const wce_dd a = wce_coef_neg(z), b = wce_coef_pos(z, q);
    double sl, sg;
    const wce_dd l = wce_dd_softplus_pair(a, b, p, &sl);
    const wce_dd g = wce_dd_sigmoid_pair(a, b, p, &sg);
    *loss = wce_finish(l, w, sl, wce_plain_softplus_pair(w * a.hi, w * b.hi, p),
                      wce_in_dd_range(z, p.ax, q, w));
    *grad = wce_finish(g, w, sg, wce_plain_sigmoid_pair(w * a.hi, w * b.hi, p),
                      wce_in_dd_range(z, p.ax, q, w));
}

WCE_ELEM void wce_gradient_hessian_elem(double z, double x, double q, double w,
                                             double *grad, double *hess)
{
    const wce_parts p = wce_parts_of(x);
    const wce_dd a = wce_coef_neg(z), b = wce_coef_pos(z, q);
    double sg;
    const wce_dd g = wce_dd_sigmoid_pair(a, b, p, &sg);
    const wce_dd h = wce_dd_sigmoid_product(a, b, p);
    *grad = wce_finish(g, w, sg, wce_plain_sigmoid_pair(w * a.hi, w * b.hi, p),
                      wce_in_dd_range(z, p.ax, q, w));
    *hess = wce_finish(h, w, p.scale, wce_plain_sigmoid_product(w * (a.hi + b.hi), p),
                      wce_in_dd_range(z, p.ax, q, w));
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

#define WCE_DEFINE_KERNEL2(NAME, ELEM, TI, TO)                                               \
    static inline void NAME##_run(int64_t n, const TI *WCE_RESTRICT z,                       \
                                  const TI *WCE_RESTRICT x, const TI *WCE_RESTRICT q,        \
                                  int q_inc, const TI *WCE_RESTRICT w, int w_inc,            \
                                  TO *WCE_RESTRICT out1, TO *WCE_RESTRICT out2)              \
    {                                                                                        \
        int64_t i;                                                                           \
        WCE_RUN_VARIANTS(WCE_LOOP2, ELEM, TO);                                               \
    }                                                                                        \
    static inline void NAME(int64_t start, int64_t stop, const TI *z, const TI *x,           \
                            const TI *q, int64_t q_len, const TI *w, int64_t w_len,          \
                            TO *out1, TO *out2)                                              \
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
WCE_DEFINE_KERNEL1(wce_loss_f32, wce_loss_elem_single, float, float)
WCE_DEFINE_KERNEL1(wce_gradient_f64, wce_gradient_elem, double, double)
WCE_DEFINE_KERNEL1(wce_gradient_f32, wce_gradient_elem_single, float, float)
WCE_DEFINE_KERNEL1(wce_hessian_f64, wce_hessian_elem, double, double)
WCE_DEFINE_KERNEL1(wce_hessian_f32, wce_hessian_elem_single, float, float)
WCE_DEFINE_KERNEL1(wce_label_gradient_f64, wce_label_gradient_elem, double, double)
WCE_DEFINE_KERNEL1(wce_label_gradient_f32, wce_label_gradient_elem_single, float, float)
WCE_DEFINE_KERNEL2(wce_loss_gradient_f64, wce_loss_gradient_elem, double, double)
WCE_DEFINE_KERNEL2(wce_loss_gradient_f32, wce_loss_gradient_elem_single, float, float)
WCE_DEFINE_KERNEL2(wce_gradient_hessian_f64, wce_gradient_hessian_elem, double, double)
WCE_DEFINE_KERNEL2(wce_gradient_hessian_f32, wce_gradient_hessian_elem_single, float, float)
/* float32 kernels use the plain evaluation: its few units of 2^-53 vanish in the one rounding
 * to float.  float32 inputs, loss kept in double: what the sum reduction adds up. */
WCE_DEFINE_KERNEL1(wce_loss_f32_in_f64, wce_loss_elem_single, float, double)
/* float64 inputs, gradient and hessian rounded once to float32: for consumers that store
 * float32 gradients (XGBoost's and LightGBM's gradient pairs).  Computed from the float64
 * logits as they are (no rounding of the inputs), to about 2^-48 before the one rounding,
 * at a quarter of the float64 kernel's cost (see wce_gradient_hessian_elem_wide). */
WCE_DEFINE_KERNEL2(wce_gradient_hessian_f64_to_f32, wce_gradient_hessian_elem_wide, double,
                   float)

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
    if (n <= 128) {
        /* r[j] = 0 + v[j] + v[j + 8] + ... is exactly v[j] + v[j + 8] + ..., and for n < 8
         * the sum is 0 + v[0] + v[1] + ...: one loop serves both leaves. */
        double r[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
        double s;
        int64_t i = 0;
        int j;
        for (; i + 8 <= n; i += 8)
            for (j = 0; j < 8; ++j) r[j] += v[i + j];
        s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
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
