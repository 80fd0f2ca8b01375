/*
 * wce_c/dd.h -- double-double arithmetic: exact sums and products, pairs hi + lo.
 */
#ifndef WCE_C_DD_H
#define WCE_C_DD_H

#include "config.h"

WCE_BEGIN_DECLS

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

/* 1 - a b exactly, for b = RN(1 / a) with a in [1, 2]: that remainder of a correctly rounded
 * reciprocal is itself a double (the classical result behind division by Newton-Raphson
 * steps), so the fused step gives it exactly, and so does Dekker's product: 1 - hi is exact
 * (Sterbenz, hi being within a few ULP of 1) and its difference with lo is the double 1 - a b.
 * Both ways give the same bits. */
WCE_ELEM double wce_one_minus_product(double a, double b)
{
#if defined(__FMA__) && (defined(__GNUC__) || defined(__clang__))
    return __builtin_fma(-a, b, 1.0);
#else
    const wce_dd t = wce_two_product(a, b);
    return (1.0 - t.hi) - t.lo;
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

/* v times a power of two: exact for both parts (unless they underflow). */
WCE_ELEM wce_dd wce_dd_scale(wce_dd v, double pow2) { v.hi *= pow2; v.lo *= pow2; return v; }

WCE_END_DECLS

#endif /* WCE_C_DD_H */
