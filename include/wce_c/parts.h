/*
 * wce_c/parts.h -- the per-element pieces (one exp and one log1p per element), the
 * far-tail scaling, and their plain combinations.
 */
#ifndef WCE_C_PARTS_H
#define WCE_C_PARTS_H

#include "config.h"
#include "exp.h"
#include "log1p.h"

WCE_BEGIN_DECLS

/* ---------------------------------------------------------------------------------------
 * The per-element pieces, from one exp and one log1p.  With e = e^-|x| (times 2^256 when
 * far), d = 1 + e rounded, d_err = (1 + e) - d exactly and m = log1p(e):
 *     softplus(|x|) = |x| + m          softplus(-|x|) = m
 *     sigma(|x|)    = 1 / (1 + e)      sigma(-|x|)    = e / (1 + e)
 * ------------------------------------------------------------------------------------- */
typedef struct {
    double ax;       /* |x| */
    double e;        /* e^-|x| / scale */
    double e_lo;     /* e^-|x| - e, to 2^-54.5 of e (hard-label float64 pieces; else 0) */
    double d;        /* 1 + e, rounded */
    double d_err;    /* (1 + e) - d, exact */
    double inv_d;    /* 1 / d, rounded */
    double m;        /* log1p(e) = softplus(-|x|) / scale */
    double m_lo;     /* log1p(e) - m, to 2^-53 of m (float64 grade; else 0) */
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
    p.e_lo = 0.0;
    p.d = 1.0 + e;
    p.d_err = e - (p.d - 1.0); /* exact: d - 1 is exact, and so is this difference */
    p.inv_d = 1.0 / p.d;
    p.m = 0.0;
    p.m_lo = 0.0;
    p.sg_small = e / p.d;
    p.scale = scale;
    p.pos = !(x < 0.0);
    return p;
}

/* Each grade of pieces below comes in two stages: wce_e_GRADE(x, &e_lo), the exponential
 * (and, for the hard-label grade, what its rounding left out; 0 otherwise), and
 * wce_parts_GRADE_e(x, e, e_lo), every other piece from it.  The array loops run the stages
 * as two loops over a short run of elements (kernels.h): a loop over the whole chain of one
 * element is one long dependency chain (the exponential's steps, then the logarithm's),
 * longer than the processor can overlap across elements, while two shorter loops keep its
 * units busy.  wce_parts_GRADE(x) is the two stages in one, the same bits. */

/* Every piece to about half a ULP of double: for float64 results. */
WCE_ELEM double wce_e_f64(double x, double *e_lo)
{
    const int far = fabs(x) > WCE_FAR_FROM;
    *e_lo = 0.0;
    return wce_exp_minus_f64(fabs(x) - (far ? WCE_FAR_C : 0.0), far ? -WCE_FAR_DELTA : 0.0);
}

WCE_ELEM wce_parts wce_parts_f64_e(double x, double e, double e_lo)
{
    wce_parts p = wce_parts_from_e(x, e, fabs(x) > WCE_FAR_FROM ? 0x1p-256 : 1.0);
    (void)e_lo;
    /* Here sigma(-|x|) serves only the plain value (the pair evaluation divides by 1 + e
     * itself), so it shares the division that gives inv_d. */
    p.sg_small = p.e * p.inv_d;
    p.m = wce_log1p_f64(p.e, &p.m_lo);
    return p;
}

WCE_ELEM wce_parts wce_parts_f64(double x)
{
    double e_lo;
    const double e = wce_e_f64(x, &e_lo);
    return wce_parts_f64_e(x, e, e_lo);
}

/* wce_parts_f64 for |x| <= WCE_FAR_FROM (the hard-label forms, elem_f64.h): no far-tail
 * scale, e^-|x| a normal number; the same bits, and e_lo beside e. */
WCE_ELEM double wce_e_f64_near(double x, double *e_lo)
{
    return wce_exp_minus_f64_pair(fabs(x), e_lo);
}

WCE_ELEM wce_parts wce_parts_f64_near_e(double x, double e, double e_lo)
{
    wce_parts p = wce_parts_from_e(x, e, 1.0);
    p.e_lo = e_lo;
    p.sg_small = p.e * p.inv_d;
    p.m = wce_log1p_f64(p.e, &p.m_lo);
    return p;
}

WCE_ELEM wce_parts wce_parts_f64_near(double x)
{
    double e_lo;
    const double e = wce_e_f64_near(x, &e_lo);
    return wce_parts_f64_near_e(x, e, e_lo);
}

/* The pieces for float32 results from float32 inputs: no far-tail scale (a float32 result
 * that small is 0).  The float32 combinations below need only sigma(-|x|) = e / (1 + e), one
 * division (they take sigma(|x|) as 1 - sigma(-|x|); the unused 1 / d is dropped). */
WCE_ELEM double wce_e_f32(double x, double *e_lo)
{
    *e_lo = 0.0;
    return wce_exp_minus_f32(fabs(x));
}

WCE_ELEM wce_parts wce_parts_f32_e(double x, double e, double e_lo)
{
    wce_parts p = wce_parts_from_e(x, e, 1.0);
    (void)e_lo;
    p.m = wce_log1p_f32(p.e);
    return p;
}

WCE_ELEM wce_parts wce_parts_f32(double x)
{
    double e_lo;
    const double e = wce_e_f32(x, &e_lo);
    return wce_parts_f32_e(x, e, e_lo);
}

/* The pieces of the gradient and hessian (no log1p) for float32 results from float64 inputs:
 * e^-|x| to 2^-50 (wce_exp_minus_f64_to_f32), scaled by 2^256 beyond |x| = 512 as in
 * wce_parts_f64: e^-(|x| - WCE_FAR_C - WCE_FAR_DELTA), where |x| - WCE_FAR_C is exact below
 * |x| = 1024 (beyond, the result is 0 either way); sigma(-|x|) = e / (1 + e) as in
 * wce_parts_f32 (scaled with e; 1 + e is 1 there). */
WCE_ELEM double wce_e_f64_to_f32(double x, double *e_lo)
{
    const int far = fabs(x) > WCE_FAR_FROM;
    *e_lo = 0.0;
    return wce_exp_minus_f64_to_f32(fabs(x) - (far ? WCE_FAR_C : 0.0),
                                    far ? -WCE_FAR_DELTA : 0.0);
}

WCE_ELEM wce_parts wce_parts_f64_to_f32_e(double x, double e, double e_lo)
{
    (void)e_lo;
    return wce_parts_from_e(x, e, fabs(x) > WCE_FAR_FROM ? 0x1p-256 : 1.0);
}

WCE_ELEM wce_parts wce_parts_f64_to_f32(double x)
{
    double e_lo;
    const double e = wce_e_f64_to_f32(x, &e_lo);
    return wce_parts_f64_to_f32_e(x, e, e_lo);
}

/* An element function in two stages (see above): NAME_e(z, x, q, w, e, e_lo[, out1, out2])
 * written out, these define NAME_exp(x, &e_lo), its first stage (GRADE's exponential), and
 * NAME(z, x, q, w[, out1, out2]), both stages in one. */
#define WCE_ELEM_STAGES1(NAME, GRADE)                                                        \
    WCE_ELEM double NAME##_exp(double x, double *e_lo) { return wce_e_##GRADE(x, e_lo); }    \
    WCE_ELEM double NAME(double z, double x, double q, double w)                             \
    {                                                                                        \
        double e_lo_;                                                                        \
        const double e_ = wce_e_##GRADE(x, &e_lo_);                                          \
        return NAME##_e(z, x, q, w, e_, e_lo_);                                              \
    }
#define WCE_ELEM_STAGES2(NAME, GRADE)                                                        \
    WCE_ELEM double NAME##_exp(double x, double *e_lo) { return wce_e_##GRADE(x, e_lo); }    \
    WCE_ELEM void NAME(double z, double x, double q, double w, double *r1, double *r2)       \
    {                                                                                        \
        double e_lo_;                                                                        \
        const double e_ = wce_e_##GRADE(x, &e_lo_);                                          \
        NAME##_e(z, x, q, w, e_, e_lo_, r1, r2);                                             \
    }

/* ---------------------------------------------------------------------------------------
 * Plain evaluation: a handful of roundings on top of the pieces.  With the float32-grade
 * pieces it is accurate to about 2^-31, which the float32 kernels round once to float
 * (wce_loss_elem_f32 and its kin, elem_f32.h); with the float64-grade pieces it gives the
 * special values (infinities, NaN, overflow) for the float64 evaluation (elem_f64.h).
 * a = w (1 - z) multiplies softplus(x) and sigma(x); b = w q z multiplies softplus(-x) and
 * sigma(-x).
 * ------------------------------------------------------------------------------------- */

/* a softplus(x) + b softplus(-x), with a zero coefficient giving an exact 0 even where the
 * softplus is infinite (softplus(-|x|) is finite, so only the |x| term needs the rule). */
WCE_ELEM double wce_softplus_pair_plain(double a, double b, wce_parts p)
{
    const double c_big = p.pos ? a : b;   /* multiplies softplus(|x|) */
    const double c_small = p.pos ? b : a; /* multiplies softplus(-|x|) */
    const double sp_big = p.ax + p.m * p.scale;
    const double t_big = (c_big != 0.0) ? c_big * sp_big : 0.0;
    return t_big + (c_small * p.m) * p.scale;
}

/* a sigma(x) - b sigma(-x); the sigmoids are bounded, so no special rule is needed. */
WCE_ELEM double wce_sigmoid_pair_plain(double a, double b, wce_parts p)
{
    const double c_big = p.pos ? a : -b;
    const double c_small = p.pos ? -b : a;
    return c_big * p.inv_d + (c_small * p.sg_small) * p.scale;
}

/* l sigma(x) sigma(-x) = l e / (1 + e)^2, symmetric in x. */
WCE_ELEM double wce_sigmoid_product_plain(double l, wce_parts p)
{
    return (l * p.inv_d * p.sg_small) * p.scale;
}

WCE_END_DECLS

#endif /* WCE_C_PARTS_H */
