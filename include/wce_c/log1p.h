/*
 * wce_c/log1p.h -- log(1 + e) for 0 <= e <= 1 of two grades: float64 (about 1 ULP)
 * and float32 (2^-32).
 */
#ifndef WCE_C_LOG1P_H
#define WCE_C_LOG1P_H

#include "config.h"
#include "exp.h"

WCE_BEGIN_DECLS

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
WCE_ELEM double wce_log1p_f64(double e, double u)
{
    /* c / u, |c| <= 2^-53 u, needs 1/u only roughly: y = 1.5 - u/2 has 1 - u y =
     * -(u - 1)(2 - u) / 2, so it is exact at both ends of [1, 2] and within a relative 1/8
     * of 1/u (at u = 1.5); one Newton step y (2 - u y) squares that relative error, to at
     * most 1/64.  The error of the quotient is then 2^-53 ((u - 1)(2 - u) / 2)^2 / u at most,
     * which relative to the result log(u) peaks near u = 1.31 at 2^-57.95.  No division. */
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

/* log(1 + e) for 0 <= e <= 1 (or NaN), relative error below 2^-32.
 *
 * log1p(e) / e is analytic on [0, 1] (its nearest singularity is at e = -1), so a single
 * polynomial G of degree 11 fitted to it on [0, 1] (Chebyshev interpolation) errs by
 * 2^-32.8, and e G(e) keeps that relative error down to the smallest e: no range reduction,
 * no 1 + e, no division.  The coefficients alternate and fall off like 1/j, so Horner's
 * rounding errors stay near 2^-53. */
WCE_ELEM double wce_log1p_f32(double e)
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

WCE_END_DECLS

#endif /* WCE_C_LOG1P_H */
