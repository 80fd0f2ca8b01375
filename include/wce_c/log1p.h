/*
 * wce_c/log1p.h -- log(1 + e) for 0 <= e <= 1 of two grades: float64 (a pair, to below a
 * ULP) and float32 (2^-32).
 */
#ifndef WCE_C_LOG1P_H
#define WCE_C_LOG1P_H

#include "config.h"
#include "dd.h"

WCE_BEGIN_DECLS

/* log(1 + e) for 0 <= e <= 1 (or NaN) as a pair: the result, and in *lo the part of the
 * exact value beyond it.
 *
 * log1p(e) = e + e^2 G2(e), G2(e) = (log1p(e) - e) / e^2, which falls from -1/2 at e = 0
 * to log 2 - 1 at e = 1.  G2 is analytic on [0, 1] (the nearest singularity is at
 * e = -1), so one polynomial of degree 21 in v = e - 1/2 (exact) fitted on |v| <= 1/2
 * (Chebyshev interpolation, tools/fit_polynomials.py) serves the whole interval with no
 * range reduction and no division: with its constant term c0 as a pair, e + e^2 G2 errs by
 * 2^-57.8 relative to log1p(e), evaluated exactly.  G2 = c0 + v H(v): in v the coefficients
 * of H fall off like 3^-j, and |v H| <= 0.08, so H's rounding errors are a few units of
 * 2^-57 or less.  H is evaluated as four Horner chains in v^4, h0 + v h1 + v^2 h2 + v^3 h3:
 * the operations of one chain plus three, but four independent chains of five steps
 * instead of one of 20, which the vector units overlap (these kernels are bound by the
 * latency of such chains, not by their count).
 *
 * The sum, largest terms exactly: e^2 = E + E_lo (wce_two_product), E c0_hi = P + P_lo
 * (ditto), e + P = S + S_lo (Fast2Sum: |P| <= e^2 / 2 <= e / 2), and the small terms
 * S_lo + P_lo + E (v H + c0_lo) + E_lo G2 rounded together (they are below 2^-53 e, all
 * but E v H, which is below 0.08 e^2), then split exactly off S (Fast2Sum).  So the pair is
 * off by the error of v H and the rounding of the small terms: well below a ULP of the
 * result (the C tests measure it), and x = 0 (e = 1) gives log 2 correctly rounded.  Small
 * e need no series of their own: the terms beside e fall below its last bit, and e^2 may
 * even underflow. */
WCE_ELEM double wce_log1p_f64(double e, double *lo)
{
    const double c0_hi = -0x1.833704d019ed0p-2, c0_lo = -0x1.d1b92de57d667p-57;
    const double v = e - 0.5;
    const double v2 = v * v;
    const double v4 = v2 * v2;
    double g0 = 0x1.f9f2cb626decdp-17;
    g0 = WCE_MADD(g0, v4, 0x1.b84526ab4cb93p-15);
    g0 = WCE_MADD(g0, v4, 0x1.5292b278874afp-12);
    g0 = WCE_MADD(g0, v4, 0x1.1ebcf501a62b1p-9);
    g0 = WCE_MADD(g0, v4, 0x1.131116f859f99p-6);
    g0 = WCE_MADD(g0, v4, 0x1.6f0d7bd624bd7p-3);
    double g1 = -0x1.aab6e156061b4p-16;
    g1 = WCE_MADD(g1, v4, -0x1.a77959c2fe8ccp-13);
    g1 = WCE_MADD(g1, v4, -0x1.607349cc55133p-10);
    g1 = WCE_MADD(g1, v4, -0x1.44ba45b687236p-7);
    g1 = WCE_MADD(g1, v4, -0x1.7ddf1fe86aa4cp-4);
    double g2 = 0x1.0ed3a9c2aeec6p-16;
    g2 = WCE_MADD(g2, v4, 0x1.0a7ccaee16ae0p-13);
    g2 = WCE_MADD(g2, v4, 0x1.b3ea35294a5dep-11);
    g2 = WCE_MADD(g2, v4, 0x1.849050e7f3441p-8);
    g2 = WCE_MADD(g2, v4, 0x1.a279c04c7e5f2p-5);
    double g3 = -0x1.8b43016a53ef8p-16;
    g3 = WCE_MADD(g3, v4, -0x1.5b909f11b2493p-14);
    g3 = WCE_MADD(g3, v4, -0x1.0f0bbf3f54cfdp-11);
    g3 = WCE_MADD(g3, v4, -0x1.d5fb0441effb5p-9);
    g3 = WCE_MADD(g3, v4, -0x1.da348248c9748p-6);
    const double vh = v * WCE_MADD(WCE_MADD(g3, v, g2), v2, WCE_MADD(g1, v, g0));
    const wce_dd e2 = wce_two_product(e, e);
    const wce_dd p = wce_two_product(e2.hi, c0_hi);
    const double s = e + p.hi;
    const double s_lo = (e - s) + p.hi;
    const double small =
        s_lo + (p.lo + WCE_MADD(e2.hi, vh + c0_lo, e2.lo * ((c0_hi + c0_lo) + vh)));
    const double m = s + small;
    *lo = (s - m) + small;
    return m;
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
