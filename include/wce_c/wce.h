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
 * argument as a correction (see wce_exp_minus_f64).  C - |x| is exact for
 * 512 < |x| < 1024: both are multiples of 2^-43 = ulp(|x|) and the difference is below
 * 1024 (beyond, the exponential underflows to 0 anyway).
 * 1 + e rounds to 1 for the scaled e <= e^(C - 512) = e^-334.55, as it does unscaled, so the
 * sigma pieces need no other change.
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
 * once.  float64 kernels evaluate e^-|x| to about half a ULP and log1p(e^-|x|) as a pair to
 * below half a ULP, and combine them in double-double, rounding once; a plain double
 * combination of the same pieces would exceed 3 ULP with soft labels and sample weights,
 * which is why the float64 path pays for it.  The README gives the measured worst errors.
 *
 * Array kernels.  Each kernel works on the index range [start, stop) of flat, contiguous
 * arrays, so a caller can split work into chunks.  pos_weight q and sample weight w are
 * periodic arrays: element i uses q[i % q_len] (q_len = 1: a scalar; q_len = k: a vector
 * along the last axis of a (..., k) array; q_len = n: a full array).  w == NULL (w_len
 * ignored) means no sample weight.  Sizes and offsets are 64-bit.
 */
#ifndef WCE_C_WCE_H

#include "config.h"
#include "exp.h"
#include "log1p.h"
#include "dd.h"
#include "parts.h"
#include "elem_f32.h"
#include "elem_f64.h"
#include "kernels.h"
#include "sum.h"

#endif /* WCE_C_WCE_H */
