/*
 * wce_c/elem_f64.h -- the element functions with float64 results: float64-grade pieces
 * combined in double-double, rounded once.
 */
#ifndef WCE_C_ELEM_F64_H
#define WCE_C_ELEM_F64_H

#include "config.h"
#include "dd.h"
#include "parts.h"

WCE_BEGIN_DECLS

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

/* n / (1 + e)^2 as a pair, in one step instead of two divisions by 1 + e: with D = 1 + e =
 * d + d_err exactly, D^2 = d^2 + 2 d d_err + d_err^2, where d^2 = s + s_lo exactly
 * (wce_two_product) and 2 d d_err (rounded; d_err <= 2^-53 d) joins s_lo, d_err^2 below
 * 2^-106 d^2 being dropped.  The quotient q1 = n.hi / d^2 by the rounded square of the
 * reciprocal (within 2^-51 of 1 / d^2), then the residual n - q1 D^2 to 2^-104 of n (q1 s
 * from the exact product, whose difference from n.hi is exact as the two agree to a few
 * ULP), divided by d^2 for the correction: the pair is good to about 2^-100 of the
 * quotient. */
WCE_ELEM wce_dd wce_dd_over_d2(wce_dd n, wce_parts p)
{
    const double inv_d2 = p.inv_d * p.inv_d;
    const wce_dd s = wce_two_product(p.d, p.d);
    const double s_lo = s.lo + 2.0 * p.d * p.d_err;
    wce_dd q;
    q.hi = n.hi * inv_d2;
    {
        const wce_dd t = wce_two_product(q.hi, s.hi); /* q.hi d^2 exactly */
        q.lo = ((((n.hi - t.hi) - t.lo) + n.lo) - q.hi * s_lo) * inv_d2;
    }
    return q;
}

/* The coefficients of an element as exact pairs, a = 1 - z (exact for 0 <= z <= 2) and
 * b = q z, and whether the compensated evaluation is valid for it: every operand that
 * Dekker's product splits stays below 2^960 (its split overflows near 2^997).  Decided from
 * the inputs alone, so that the levels with FMA, which would not overflow, take the same
 * branch and the same bits. */
typedef struct {
    wce_dd a, b;
    int in_range;
} wce_coefs;

WCE_ELEM wce_coefs wce_coefs_of(double z, double q, double w, wce_parts p)
{
    const double lim = 0x1p960;
    wce_coefs c;
    c.a = wce_two_sum(1.0, -z);
    c.b = wce_two_product(q, z);
    c.in_range = fabs(z) < lim && p.ax < lim && fabs(q) < lim && fabs(w) < lim;
    return c;
}

/* w (hi + lo) rounded once, times the far-tail scale; the plain value where the pair is not
 * finite (infinities, NaN, the zero-coefficient rule, overflow) or out of range. */
WCE_ELEM double wce_finish(wce_dd s, double w, double scale, double plain, int in_range)
{
    const wce_dd ws = wce_two_product(w, s.hi);
    const double r = (ws.hi + (ws.lo + w * s.lo)) * scale;
    return (in_range && fabs(s.hi) < 0x1p960 && r - r == 0.0) ? r : plain;
}

/* a softplus(x) + b softplus(-x) in pairs.  With s the far-tail scale, softplus(|x|) =
 * |x| + m s and softplus(-|x|) = m s, so
 *     c_big (|x| + m s) + c_small m s = c_big |x| + (a + b) m s:
 * two products instead of three, whichever side x is on.  When the |x| term is absent the
 * scale is left to the caller's final rounding (*scale), so a subnormal result rounds once. */
WCE_ELEM wce_dd wce_softplus_pair_dd(wce_dd a, wce_dd b, wce_parts p, double *scale)
{
    const wce_dd c_big = wce_dd_select(p.pos, a, b);
    const int big_present = c_big.hi != 0.0;
    wce_dd m;
    m.hi = p.m;
    m.lo = p.m_lo;
    const wce_dd t_m = wce_dd_mul(wce_dd_add(a, b), m);
    *scale = big_present ? 1.0 : p.scale;
    return wce_dd_add(wce_dd_mul(c_big, wce_dd_of(p.ax)),
                      wce_dd_scale(t_m, big_present ? p.scale : 1.0));
}

WCE_ELEM double wce_loss_elem_f64_e(double z, double x, double q, double w, double e,
                                    double e_lo)
{
    const wce_parts p = wce_parts_f64_e(x, e, e_lo);
    const wce_coefs c = wce_coefs_of(z, q, w, p);
    const wce_dd a = c.a, b = c.b;
    double scale;
    const wce_dd s = wce_softplus_pair_dd(a, b, p, &scale);
    const double plain = wce_softplus_pair_plain(w * a.hi, w * b.hi, p);
    return wce_finish(s, w, scale, plain, c.in_range);
}
WCE_ELEM_STAGES1(wce_loss_elem_f64, f64)

/* a sigma(x) - b sigma(-x) in pairs.  With e = e^-|x| (times the far-tail factor), both
 * sides are one quotient by 1 + e:
 *     x >= 0:  (a - b e) / (1 + e)          x < 0:  (a e - b) / (1 + e) = (P - M e) / (1 + e)
 * with (P, M) = (a, b) when x >= 0 and (-b, -a) when x < 0.  P - M e is carried as a pair
 * (the error of e moves it by at most half a ULP of the larger term), then divided by
 * 1 + e to 2^-104.  When P is 0 the M e term alone is left with its far-tail scale for the
 * caller's final rounding (*scale), so a subnormal result rounds once. */
WCE_ELEM wce_dd wce_sigmoid_pair_dd(wce_dd a, wce_dd b, wce_parts p, double *scale)
{
    const wce_dd P = wce_dd_select(p.pos, a, wce_dd_neg(b));
    const wce_dd M = wce_dd_select(p.pos, b, wce_dd_neg(a));
    const int big_present = P.hi != 0.0;
    const wce_dd Me = wce_dd_mul(M, wce_dd_of(p.e));
    *scale = big_present ? 1.0 : p.scale;
    return wce_dd_over_d(wce_dd_add(P, wce_dd_neg(wce_dd_scale(Me, big_present ? p.scale : 1.0))),
                         p);
}

WCE_ELEM double wce_gradient_elem_f64_e(double z, double x, double q, double w, double e,
                                        double e_lo)
{
    const wce_parts p = wce_parts_f64_e(x, e, e_lo);
    const wce_coefs c = wce_coefs_of(z, q, w, p);
    const wce_dd a = c.a, b = c.b;
    double scale;
    const wce_dd s = wce_sigmoid_pair_dd(a, b, p, &scale);
    return wce_finish(s, w, scale, wce_sigmoid_pair_plain(w * a.hi, w * b.hi, p),
                      c.in_range);
}
WCE_ELEM_STAGES1(wce_gradient_elem_f64, f64)

/* l sigma(x) sigma(-x) = l e / (1 + e)^2 in pairs: l e, then its quotient by (1 + e)^2. */
WCE_ELEM wce_dd wce_sigmoid_product_dd(wce_dd a, wce_dd b, wce_parts p)
{
    return wce_dd_over_d2(wce_dd_mul(wce_dd_add(a, b), wce_dd_of(p.e)), p);
}

WCE_ELEM double wce_hessian_elem_f64_e(double z, double x, double q, double w, double e,
                                       double e_lo)
{
    const wce_parts p = wce_parts_f64_e(x, e, e_lo);
    const wce_coefs c = wce_coefs_of(z, q, w, p);
    const wce_dd a = c.a, b = c.b;
    const wce_dd s = wce_sigmoid_product_dd(a, b, p);
    return wce_finish(s, w, p.scale, wce_sigmoid_product_plain(w * (a.hi + b.hi), p),
                      c.in_range);
}
WCE_ELEM_STAGES1(wce_hessian_elem_f64, f64)

WCE_ELEM double wce_label_gradient_elem_f64_e(double z, double x, double q, double w, double e,
                                              double e_lo)
{
    const wce_parts p = wce_parts_f64_e(x, e, e_lo);
    const wce_coefs c = wce_coefs_of(z, q, w, p); /* for its range decision only */
    double scale;
    const wce_dd s = wce_softplus_pair_dd(wce_dd_of(-1.0), wce_dd_of(q), p, &scale);
    const double r = wce_finish(s, w, scale, wce_softplus_pair_plain(-w, w * q, p),
                      c.in_range);
    return (z != z) ? z : r;
}
WCE_ELEM_STAGES1(wce_label_gradient_elem_f64, f64)

/* Fused pairs: one exp and one log1p serve both quantities. */
WCE_ELEM void wce_loss_gradient_elem_f64_e(double z, double x, double q, double w, double e,
                                           double e_lo, double *loss, double *grad)
{
    const wce_parts p = wce_parts_f64_e(x, e, e_lo);
    const wce_coefs c = wce_coefs_of(z, q, w, p);
    const wce_dd a = c.a, b = c.b;
    double sl, sg;
    const wce_dd l = wce_softplus_pair_dd(a, b, p, &sl);
    const wce_dd g = wce_sigmoid_pair_dd(a, b, p, &sg);
    *loss = wce_finish(l, w, sl, wce_softplus_pair_plain(w * a.hi, w * b.hi, p),
                      c.in_range);
    *grad = wce_finish(g, w, sg, wce_sigmoid_pair_plain(w * a.hi, w * b.hi, p),
                      c.in_range);
}
WCE_ELEM_STAGES2(wce_loss_gradient_elem_f64, f64)

WCE_ELEM void wce_gradient_hessian_elem_f64_e(double z, double x, double q, double w, double e,
                                              double e_lo, double *grad, double *hess)
{
    const wce_parts p = wce_parts_f64_e(x, e, e_lo);
    const wce_coefs c = wce_coefs_of(z, q, w, p);
    const wce_dd a = c.a, b = c.b;
    double sg;
    const wce_dd g = wce_sigmoid_pair_dd(a, b, p, &sg);
    const wce_dd h = wce_sigmoid_product_dd(a, b, p);
    *grad = wce_finish(g, w, sg, wce_sigmoid_pair_plain(w * a.hi, w * b.hi, p),
                      c.in_range);
    *hess = wce_finish(h, w, p.scale, wce_sigmoid_product_plain(w * (a.hi + b.hi), p),
                      c.in_range);
}
WCE_ELEM_STAGES2(wce_gradient_hessian_elem_f64, f64)

/* ---------------------------------------------------------------------------------------
 * Hard labels.  For z in {0, 1} the pairs above are exact single numbers: a = 1 - z and
 * b = q z are (1, 0) and (0, 0) for z = 0, (0, 0) and (q, 0) for z = 1, so a + b is (l, 0)
 * with l = 1 or q, and every product or sum with a (0, 0) pair is an exact zero.  The kernels
 * take the _hard functions below for every element that wce_is_hard_f64 admits: whole blocks
 * of such elements, and such elements patched into a mixed block (kernels.h), so that an
 * element's result depends on its own inputs alone.
 *
 * The loss: the general evaluation with the work on exact zeros left out (the exact pairs of
 * the coefficients, their sums and selects, the range test and the plain fallback), the
 * remaining operations in the same order, so the same bits (a zero pair changes no other
 * value, at most the sign of a zero low part, which no rounding below can see: every high
 * part it joins is nonzero).
 *
 * The gradient and the hessian: from the two sigmoids, each rounded once
 * (wce_sigmoids_hard), then one product with the coefficient, exact, and the weight's
 * rounding (wce_finish_hard).  A float64 gradient within 2 ULP and a hessian within 4 (the
 * contract asks 3 and 6) for a fraction of the pair arithmetic; see the functions for the
 * bounds.
 *
 * wce_is_hard_f64: z is 0 or 1; |x| <= WCE_FAR_FROM, so the far-tail scale is 1 (this also
 * refuses NaN); 0 < q <= 2^500, so b's coefficient is present exactly when z = 1; w nonzero
 * and |w| <= 2^500.  Then every operand stays below the compensated evaluation's 2^960
 * range and every result is finite (|w| l (|x| + log 2) < 2^1010), so the general
 * functions take their compensated result and never the plain fallback. */
typedef int64_t wce_is_hard_f64_flag; /* as wide as a double lane */
WCE_ELEM wce_is_hard_f64_flag wce_is_hard_f64(double z, double x, double q, double w)
{
    return ((z == 0.0) | (z == 1.0)) & (fabs(x) <= WCE_FAR_FROM) & (q > 0.0) &
           (q <= 0x1p500) & (w != 0.0) & (fabs(w) <= 0x1p500);
}

/* Which of softplus(|x|) and softplus(-|x|) carries the coefficient l: softplus(|x|) (the
 * "big" term) when x >= 0 and z = 0 or x < 0 and z = 1. */
WCE_ELEM int wce_hard_big(double z, wce_parts p) { return p.pos != (z == 1.0); }

/* wce_softplus_pair_dd for hard labels: l m, plus l |x| when the big term is present. */
WCE_ELEM wce_dd wce_softplus_pair_dd_hard(double z, double l, wce_parts p)
{
    wce_dd t_m = wce_two_product(l, p.m);
    t_m.lo += l * p.m_lo;
    const wce_dd t_b = wce_two_product(wce_hard_big(z, p) ? l : 0.0, p.ax);
    wce_dd s = wce_two_sum(t_b.hi, t_m.hi);
    s.lo += t_b.lo + t_m.lo;
    return s;
}

/* wce_finish for hard labels: w (hi + lo) rounded once (scale 1, a finite result).  With
 * w = 1 known to the compiler (the kernels' loops without weights) that is hi + lo: the
 * product's error is then exactly 0 and 0 + lo is lo (or +0 for lo = -0, which hi, nonzero
 * for every hard-label quantity, absorbs alike), so the same bits. */
WCE_ELEM double wce_finish_hard(wce_dd s, double w)
{
#if defined(__GNUC__) || defined(__clang__)
    if (__builtin_constant_p(w) && w == 1.0) return s.hi + s.lo;
#endif
    {
        const wce_dd ws = wce_two_product(w, s.hi);
        return ws.hi + (ws.lo + w * s.lo);
    }
}

/* sigma(|x|) and sigma(-|x|), each rounded once, from e + e_lo = e^-|x| (to 2^-54.5).
 * With D = 1 + e + e_lo = d + dd, dd = d_err + e_lo (rounded: 2^-106 of D), and inv_d =
 * RN(1 / d): the remainder 1 - inv_d d is a double (wce_one_minus_product), and
 * rho = 1 - inv_d D = (1 - inv_d d) - inv_d dd is below 2^-51 and rounded to 2^-104.  Then
 *     1 / D = inv_d / (1 - rho) = inv_d + inv_d rho  (+ inv_d rho^2, below 2^-102 of it)
 *     e^-|x| / D = (e + e_lo) inv_d (1 + rho) = P + (P_lo + P rho + e_lo inv_d)
 * with P + P_lo = e inv_d exactly (wce_two_product), every term in brackets 2^-51 or less of
 * P.  Each is one rounding of a sum whose smaller part is below 2^-51 of the larger: within
 * half a ULP plus about 2^-100 of the value (at baseline the product inv_d rho rounds first,
 * an error of 2^-104).  Then the error of e + e_lo (2^-54.5), carried into 1 / D with the
 * factor e / (1 + e) <= 1/2 and into e / D with 1 / (1 + e) <= 1: each sigmoid is within
 * 2^-53 + 2^-54.5 of itself. */
typedef struct { double big, small; } wce_sigmoids; /* sigma(|x|), sigma(-|x|) */

WCE_ELEM wce_sigmoids wce_sigmoids_hard(wce_parts p)
{
    const double dd = p.d_err + p.e_lo;
    const double rho = wce_one_minus_product(p.d, p.inv_d) - p.inv_d * dd;
    const wce_dd P = wce_two_product(p.e, p.inv_d);
    wce_sigmoids s;
    s.big = WCE_MADD(p.inv_d, rho, p.inv_d);
    s.small = P.hi + ((P.lo + P.hi * rho) + p.e_lo * p.inv_d);
    return s;
}

WCE_ELEM double wce_hard_l(double z, double q) { return (z == 1.0) ? q : 1.0; }

/* The gradient a sigma(x) - b sigma(-x): sigma(x) for z = 0, -q sigma(-x) for z = 1, the
 * product with the coefficient exact (wce_two_product) and rounded once with the weight.
 * Error: that rounding (half a ULP) and the sigmoid's 2^-53 + 2^-54.5 of the value, below
 * 1.36 ULP: within 1.86 ULP in all. */
WCE_ELEM double wce_gradient_hard(double z, double q, double w, wce_parts p, wce_sigmoids s)
{
    const int one = z == 1.0;
    const double s_minus = p.pos ? s.small : s.big; /* sigma(-x) */
    const double s_plus = p.pos ? s.big : s.small;  /* sigma(x) */
    return wce_finish_hard(wce_two_product(one ? -q : 1.0, one ? s_minus : s_plus), w);
}

/* The hessian l sigma(x) sigma(-x): the sigmoids' product rounded (half a ULP), then as the
 * gradient.  Error: the three roundings of the sigmoids and their product, 2^-53 each; the
 * error of e + e_lo once, 2^-54.5 (the product e / (1 + e)^2 carries it with the factor
 * (1 - e) / (1 + e), at most 1); and the final half ULP: within 3.9 ULP. */
WCE_ELEM double wce_hessian_hard(double z, double q, double w, wce_sigmoids s)
{
    return wce_finish_hard(wce_two_product(wce_hard_l(z, q), s.big * s.small), w);
}

WCE_ELEM double wce_loss_elem_f64_hard_e(double z, double x, double q, double w, double e,
                                         double e_lo)
{
    const wce_parts p = wce_parts_f64_near_e(x, e, e_lo);
    return wce_finish_hard(wce_softplus_pair_dd_hard(z, wce_hard_l(z, q), p), w);
}
WCE_ELEM_STAGES1(wce_loss_elem_f64_hard, f64_near)

WCE_ELEM double wce_gradient_elem_f64_hard_e(double z, double x, double q, double w, double e,
                                             double e_lo)
{
    const wce_parts p = wce_parts_f64_near_e(x, e, e_lo);
    return wce_gradient_hard(z, q, w, p, wce_sigmoids_hard(p));
}
WCE_ELEM_STAGES1(wce_gradient_elem_f64_hard, f64_near)

WCE_ELEM double wce_hessian_elem_f64_hard_e(double z, double x, double q, double w, double e,
                                            double e_lo)
{
    return wce_hessian_hard(z, q, w, wce_sigmoids_hard(wce_parts_f64_near_e(x, e, e_lo)));
}
WCE_ELEM_STAGES1(wce_hessian_elem_f64_hard, f64_near)

WCE_ELEM void wce_loss_gradient_elem_f64_hard_e(double z, double x, double q, double w,
                                                double e, double e_lo, double *loss,
                                                double *grad)
{
    const wce_parts p = wce_parts_f64_near_e(x, e, e_lo);
    *loss = wce_finish_hard(wce_softplus_pair_dd_hard(z, wce_hard_l(z, q), p), w);
    *grad = wce_gradient_hard(z, q, w, p, wce_sigmoids_hard(p));
}
WCE_ELEM_STAGES2(wce_loss_gradient_elem_f64_hard, f64_near)

WCE_ELEM void wce_gradient_hessian_elem_f64_hard_e(double z, double x, double q, double w,
                                                   double e, double e_lo, double *grad,
                                                   double *hess)
{
    const wce_parts p = wce_parts_f64_near_e(x, e, e_lo);
    const wce_sigmoids s = wce_sigmoids_hard(p);
    *grad = wce_gradient_hard(z, q, w, p, s);
    *hess = wce_hessian_hard(z, q, w, s);
}
WCE_ELEM_STAGES2(wce_gradient_hessian_elem_f64_hard, f64_near)

WCE_END_DECLS

#endif /* WCE_C_ELEM_F64_H */
