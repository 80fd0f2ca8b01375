/*
 * wce_c/exp.h -- the exponentials e^-a (a >= 0) of the three grades: float64
 * (about half a ULP), float64-to-float32 (2^-50) and float32 (2^-33).
 */
#ifndef WCE_C_EXP_H
#define WCE_C_EXP_H

#include "config.h"

WCE_BEGIN_DECLS

/* Every exponential here has one sign convention, e^-a for a >= 0, the only one the pieces
 * need (e^-|x|, scaled in the far tail).  All are written so that a compiler vectorises
 * them: straight-line double arithmetic, selects instead of branches, no calls, no tables;
 * IEEE +, -, *, / in a fixed order, and WCE_MADD (fused where the level has FMA) for the
 * polynomial steps. */

/* ln2 = WCE_LN2_HI + WCE_LN2_LO, the high part with 32 significant bits (so k WCE_LN2_HI is
 * exact for |k| < 2^21), and log2(e); shared by the exponentials and wce_log1p_f64. */
#define WCE_LN2_HI 0x1.62e42fee00000p-1
#define WCE_LN2_LO 0x1.a39ef35793c76p-33
#define WCE_LOG2E 0x1.71547652b82fep+0

/* round(t log2 e) as a double, by adding and subtracting WCE_SHIFTER (the product fused into
 * the sum where the level has FMA; unfused, its rounding can move a t within 2^-43 of a
 * half-integer to the other neighbour, which the exponentials' margins absorb);
 * |t| below 2^50 or so, or NaN (which stays NaN). */
WCE_ELEM double wce_round_k(double t)
{
    return WCE_MADD(t, WCE_LOG2E, WCE_SHIFTER) - WCE_SHIFTER;
}

/* 2^k for an integer-valued double k in [-1022, 1023], from its bit pattern: the bits of
 * k + WCE_SHIFTER are those of WCE_SHIFTER plus k.  Only an unsigned
 * add and a left shift, which every vector instruction set has. */
WCE_ELEM double wce_pow2(double k)
{
    return wce_double_of((wce_bits_of(k + WCE_SHIFTER) + (1023u - wce_bits_of(WCE_SHIFTER)))
                         << 52);
}

/* e^-(a + delta) for a >= 0 (or NaN); within about 0.5 ULP, subnormal results correctly
 * scaled.  Computed as e^t with t = -a, which is exact.
 *
 * Range reduction: t = k ln2 + r with k = round(t / ln2), |r| <= ln2 / 2, k rounded by
 * adding and subtracting WCE_SHIFTER.
 * ln2 = LN2_HI + LN2_LO with LN2_HI carrying 32 significant bits: k * LN2_HI is exact for
 * |k| < 2^21 and t - k * LN2_HI is exact (the two agree in their leading bits), fused or
 * not, so r = r_hi + r_lo with r_lo = -k LN2_LO a tiny correction.
 *
 * e^r = 1 + r + p(r), p(r) = r^2 Q(r) with Q of degree 10 fitted to (e^r - 1 - r) / r^2 on
 * |r| <= ln2/2 (Chebyshev interpolation, tools/fit_polynomials.py, which states the fit's
 * error), evaluated as two Horner chains in r^2, Q = p0(r^2) + r p1(r^2): independent
 * chains of five steps instead of one of ten, which the vector units overlap.  The sum
 * 1 + r_hi is split exactly (Fast2Sum, since 1 >= |r_hi|) into hi + lo, so
 * e^r = hi + (lo + r_lo + p) rounds once at the end: about 0.5 ULP.
 *
 * Scaling: 2^k is applied as 2^k1 * 2^k2 with k1 about k / 2, so both factors are normal;
 * the first product is exact and the second rounds once, also into the subnormal range.
 * a > 1100 is clamped (the result is 0 either way); a NaN reaches every operation, so the
 * result is NaN (the bit pattern 2^k takes from it does not matter).
 * delta, |delta| < 2^-40, is a correction to a that is too small to add to it in double;
 * -delta joins r_lo. */
/* e^r and k for wce_exp_minus_f64 and its variants below: e^-(a + delta) is er 2^kd (*kd),
 * and *er_lo is what the rounding of er left out.  The unrounded value is hi + small, with
 * hi >= 1/2 > |small|, so hi + small = er + ((hi - er) + small) exactly (Fast2Sum).
 * er + *er_lo is e^r to within 2^-54.5 of it: the polynomial's fit, p's use of r and r^2
 * rounded and the roundings in p and in small, each about 2^-56 or less of e^r (p being
 * below 0.07); the C tests check the bound against long double. */
WCE_ELEM double wce_exp_minus_f64_reduced(double a, double delta, double *kd_out,
                                          double *er_lo)
{
    const double t = -a;
    const double ts = (t < -1100.0) ? -1100.0 : t;
    const double kd = wce_round_k(ts);
    const double r_hi = WCE_MADD(-kd, WCE_LN2_HI, ts);
    const double r_lo = WCE_MADD(-kd, WCE_LN2_LO, -delta);
    const double r = r_hi + r_lo;
    const double r2 = r * r;
    double p0 = 0x1.1f72fc74cb69cp-29;
    p0 = WCE_MADD(p0, r2, 0x1.27e4db67b358ep-22);
    p0 = WCE_MADD(p0, r2, 0x1.a01a01a6d780cp-16);
    p0 = WCE_MADD(p0, r2, 0x1.6c16c16c162d6p-10);
    p0 = WCE_MADD(p0, r2, 0x1.5555555555556p-5);
    p0 = WCE_MADD(p0, r2, 0x1.0000000000000p-1);
    double p1 = 0x1.af4ddd87988f4p-26;
    p1 = WCE_MADD(p1, r2, 0x1.71de023754ddep-19);
    p1 = WCE_MADD(p1, r2, 0x1.a01a01abe62e4p-13);
    p1 = WCE_MADD(p1, r2, 0x1.11111111100dfp-7);
    p1 = WCE_MADD(p1, r2, 0x1.5555555555557p-3);
    const double p = WCE_MADD(p1, r, p0) * r2;
    const double hi = 1.0 + r_hi;
    const double lo = (1.0 - hi) + r_hi; /* exact rounding error of 1 + r_hi */
    const double small = lo + (r_lo + p);
    const double er = hi + small;
    *kd_out = kd;
    *er_lo = (hi - er) + small;
    return er;
}

WCE_ELEM double wce_exp_minus_f64(double a, double delta)
{
    double kd, er_lo;
    const double er = wce_exp_minus_f64_reduced(a, delta, &kd, &er_lo);
    const double k1 = (0.5 * kd + WCE_SHIFTER) - WCE_SHIFTER; /* about k / 2: any split */
    return (er * wce_pow2(k1)) * wce_pow2(kd - k1);
}

/* wce_exp_minus_f64 for 0 <= a <= 708, where e^-a is a normal number: one factor 2^k does
 * what the two do above (both products are exact there, so the bits are the same). */
WCE_ELEM double wce_exp_minus_f64_normal(double a)
{
    double kd, er_lo;
    const double er = wce_exp_minus_f64_reduced(a, 0.0, &kd, &er_lo);
    return er * wce_pow2(kd);
}

/* wce_exp_minus_f64_normal (the same bits) and, in *lo, what its rounding left out, for
 * 0 <= a <= 512: the result + *lo is e^-a to within 2^-54.5 of it (see
 * wce_exp_minus_f64_reduced; the scaling by 2^k is exact for both parts, *lo staying a
 * normal number or 0 at these a). */
WCE_ELEM double wce_exp_minus_f64_pair(double a, double *lo)
{
    double kd, er_lo;
    const double er = wce_exp_minus_f64_reduced(a, 0.0, &kd, &er_lo);
    const double k2 = wce_pow2(kd);
    *lo = er_lo * k2;
    return er * k2;
}

/* 2^-k from kk = k + 1.5 2^52 (0 <= k <= 1021), the sum that rounded a log2(e) to k: its bit
 * pattern is that of 1.5 2^52 plus k, so (1023 - k) << 52, the bits of 2^-k, is one integer
 * subtraction and a shift away. */
WCE_ELEM double wce_pow2_minus(double kk)
{
    return wce_double_of((wce_bits_of(WCE_SHIFTER) + 1023u - wce_bits_of(kk)) << 52);
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
 * 2^384 (a product of at most three float32 values, each below 2^128), which stays under
 * 2^-637, far below float's smallest subnormal.  A NaN stays NaN (it reaches every operation). */
WCE_ELEM double wce_exp_minus_f32(double a)
{
    const int far = a > 708.0;
    const double as = far ? 708.0 : a; /* keeps k in range; the result is 0 there anyway */
    const double kk = WCE_MADD(as, WCE_LOG2E, WCE_SHIFTER);
    const double r = WCE_MADD(kk - WCE_SHIFTER, -0x1.62e42fefa39efp-1, as);
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
 * above and the float64 grade (wce_exp_minus_f64), for float32 results that should match a
 * float64 evaluation rounded to float32 (wce_gradient_hessian_elem_f64_to_f32).  Same structure as
 * wce_exp_minus_f32, with ln2 in two parts as in wce_exp_minus_f64 (k LN2_HI is exact,
 * and so is a - k LN2_HI, so the reduced argument is good to 2^-53) and R of degree 9 (fit
 * error 2^-50.3).  delta, |delta| < 2^-40, is a correction to a too small to add to it; it
 * joins the reduced argument.  0 beyond a = 708 like wce_exp_minus_f32; see the caller
 * for why that is safe there. */
WCE_ELEM double wce_exp_minus_f64_to_f32(double a, double delta)
{
    const int far = a > 708.0;
    const double as = far ? 708.0 : a;
    const double kk = WCE_MADD(as, WCE_LOG2E, WCE_SHIFTER);
    const double kd = kk - WCE_SHIFTER;
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

WCE_END_DECLS

#endif /* WCE_C_EXP_H */
