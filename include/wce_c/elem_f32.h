/*
 * wce_c/elem_f32.h -- the element functions with float32 results: from float32 inputs
 * (float32-grade pieces, plain double combinations) and from float64 inputs (gradient and
 * hessian).
 */
#ifndef WCE_C_ELEM_F32_H
#define WCE_C_ELEM_F32_H

#include "config.h"
#include "parts.h"

WCE_BEGIN_DECLS

/* ---------------------------------------------------------------------------------------
 * float32-grade pieces.  A float32 result is the double value rounded once to float, so
 * a relative error eps in that double value adds eps / 2^-24 ULP to the half ULP of the
 * rounding: the pieces below keep eps near 2^-31 (under 0.01 ULP) with about half the
 * operations of the float64-grade ones.  Polynomial coefficients: tools/fit_polynomials.py,
 * which also re-measures their error against mpmath.
 * ------------------------------------------------------------------------------------- */

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
WCE_ELEM double wce_sigmoid_pair_f32(double a, double b, wce_parts p)
{
    const double ls = (a + b) * p.sg_small;
    return p.pos ? a - ls : ls - b;
}

WCE_ELEM double wce_sigmoid_product_f32(double l, wce_parts p)
{
    const double ls = l * p.sg_small;
    return WCE_MADD(-ls, p.sg_small, ls);
}

WCE_ELEM double wce_loss_elem_f32_e(double z, double x, double q, double w, double e,
                                    double e_lo)
{
    return wce_softplus_pair_plain(w * (1.0 - z), w * (q * z), wce_parts_f32_e(x, e, e_lo));
}
WCE_ELEM_STAGES1(wce_loss_elem_f32, f32)

WCE_ELEM double wce_gradient_elem_f32_e(double z, double x, double q, double w, double e,
                                        double e_lo)
{
    return wce_sigmoid_pair_f32(w * (1.0 - z), w * (q * z), wce_parts_f32_e(x, e, e_lo));
}
WCE_ELEM_STAGES1(wce_gradient_elem_f32, f32)

WCE_ELEM double wce_hessian_elem_f32_e(double z, double x, double q, double w, double e,
                                       double e_lo)
{
    return wce_sigmoid_product_f32(w * (1.0 - z) + w * (q * z), wce_parts_f32_e(x, e, e_lo));
}
WCE_ELEM_STAGES1(wce_hessian_elem_f32, f32)

/* dL/dz = w [q softplus(-x) - softplus(x)]: the loss's pair with a = -w, b = w q.  Written
 * as a difference of two non-negative terms, not as -x + (q - 1) softplus(-x), which cancels
 * for small q and large -x.  Independent of z, but a NaN label still gives NaN. */
WCE_ELEM double wce_label_gradient_elem_f32_e(double z, double x, double q, double w, double e,
                                              double e_lo)
{
    const double r = wce_softplus_pair_plain(-w, w * q, wce_parts_f32_e(x, e, e_lo));
    return (z != z) ? z : r;
}
WCE_ELEM_STAGES1(wce_label_gradient_elem_f32, f32)

WCE_ELEM void wce_loss_gradient_elem_f32_e(double z, double x, double q, double w, double e,
                                           double e_lo, double *loss, double *grad)
{
    const wce_parts p = wce_parts_f32_e(x, e, e_lo);
    const double a = w * (1.0 - z), b = w * (q * z);
    /* The gradient first: in this order the compiler keeps the vector loop's pieces in
     * registers, in the other it spills them. */
    *grad = wce_sigmoid_pair_f32(a, b, p);
    *loss = wce_softplus_pair_plain(a, b, p);
}
WCE_ELEM_STAGES2(wce_loss_gradient_elem_f32, f32)

WCE_ELEM void wce_gradient_hessian_elem_f32_e(double z, double x, double q, double w, double e,
                                              double e_lo, double *grad, double *hess)
{
    const wce_parts p = wce_parts_f32_e(x, e, e_lo);
    const double a = w * (1.0 - z), b = w * (q * z);
    *grad = wce_sigmoid_pair_f32(a, b, p);
    *hess = wce_sigmoid_product_f32(a + b, p);
}
WCE_ELEM_STAGES2(wce_gradient_hessian_elem_f32, f32)

/* float64 inputs, float32 results (gradient and hessian): the float32 combinations (see
 * wce_sigmoid_pair_f32) with the far-tail scale applied to l s, and the sample weight
 * applied last, so that w q z may exceed the double range where the result does not.  In
 * the far tail the scaled s is below 2^-480, so l s - (l s) s is l s to double precision.
 * Right to float32's accuracy wherever w l (l = 1 - z + q z) is a finite double, and for
 * |x| <= 885 beyond that (past |x| = 885 the scaled e^-|x| is taken as 0, which w l below
 * 2^1024 cannot lift to a float32 number).  Accurate to about 2^-48 (of the larger term, for
 * a soft label's gradient) before the rounding to float, so the float32 result is the exact
 * value correctly rounded except within that distance of a tie: the value a float64
 * evaluation rounded to float32 gives, in all but about one element in 10^7. */
WCE_ELEM void wce_gradient_hessian_elem_f64_to_f32_e(double z, double x, double q, double w,
                                                     double e, double e_lo, double *grad,
                                                     double *hess)
{
    const wce_parts p = wce_parts_f64_to_f32_e(x, e, e_lo);
    const double a = 1.0 - z, b = q * z;
    const double ls = ((a + b) * p.sg_small) * p.scale;
    *grad = w * (p.pos ? a - ls : ls - b);
    *hess = w * WCE_MADD(-ls, p.sg_small, ls);
}
WCE_ELEM_STAGES2(wce_gradient_hessian_elem_f64_to_f32, f64_to_f32)

WCE_END_DECLS

#endif /* WCE_C_ELEM_F32_H */
