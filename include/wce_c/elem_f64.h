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
    const wce_dd t_m = wce_dd_mul(wce_dd_add(a, b), wce_dd_of(p.m));
    *scale = big_present ? 1.0 : p.scale;
    return wce_dd_add(wce_dd_mul(c_big, wce_dd_of(p.ax)),
                      wce_dd_scale(t_m, big_present ? p.scale : 1.0));
}

WCE_ELEM double wce_loss_elem_f64(double z, double x, double q, double w)
{
    const wce_parts p = wce_parts_f64(x);
    const wce_coefs c = wce_coefs_of(z, q, w, p);
    const wce_dd a = c.a, b = c.b;
    double scale;
    const wce_dd s = wce_softplus_pair_dd(a, b, p, &scale);
    const double plain = wce_softplus_pair_plain(w * a.hi, w * b.hi, p);
    return wce_finish(s, w, scale, plain, c.in_range);
}

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

WCE_ELEM double wce_gradient_elem_f64(double z, double x, double q, double w)
{
    const wce_parts p = wce_parts_f64(x);
    const wce_coefs c = wce_coefs_of(z, q, w, p);
    const wce_dd a = c.a, b = c.b;
    double scale;
    const wce_dd s = wce_sigmoid_pair_dd(a, b, p, &scale);
    return wce_finish(s, w, scale, wce_sigmoid_pair_plain(w * a.hi, w * b.hi, p),
                      c.in_range);
}

/* l sigma(x) sigma(-x) = l e / (1 + e)^2 in pairs: l e, then two quotients by 1 + e. */
WCE_ELEM wce_dd wce_sigmoid_product_dd(wce_dd a, wce_dd b, wce_parts p)
{
    return wce_dd_over_d(wce_dd_over_d(wce_dd_mul(wce_dd_add(a, b), wce_dd_of(p.e)), p), p);
}

WCE_ELEM double wce_hessian_elem_f64(double z, double x, double q, double w)
{
    const wce_parts p = wce_parts_f64(x);
    const wce_coefs c = wce_coefs_of(z, q, w, p);
    const wce_dd a = c.a, b = c.b;
    const wce_dd s = wce_sigmoid_product_dd(a, b, p);
    return wce_finish(s, w, p.scale, wce_sigmoid_product_plain(w * (a.hi + b.hi), p),
                      c.in_range);
}

WCE_ELEM double wce_label_gradient_elem_f64(double z, double x, double q, double w)
{
    const wce_parts p = wce_parts_f64(x);
    const wce_coefs c = wce_coefs_of(z, q, w, p); /* for its range decision only */
    double scale;
    const wce_dd s = wce_softplus_pair_dd(wce_dd_of(-1.0), wce_dd_of(q), p, &scale);
    const double r = wce_finish(s, w, scale, wce_softplus_pair_plain(-w, w * q, p),
                      c.in_range);
    return (z != z) ? z : r;
}

/* Fused pairs: one exp and one log1p serve both quantities. */
WCE_ELEM void wce_loss_gradient_elem_f64(double z, double x, double q, double w,
                                          double *loss, double *grad)
{
    const wce_parts p = wce_parts_f64(x);
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

WCE_ELEM void wce_gradient_hessian_elem_f64(double z, double x, double q, double w,
                                             double *grad, double *hess)
{
    const wce_parts p = wce_parts_f64(x);
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

WCE_END_DECLS

#endif /* WCE_C_ELEM_F64_H */
