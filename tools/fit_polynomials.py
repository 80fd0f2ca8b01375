"""Fit the polynomials of include/wce_c/wce.h and measure their error.

    python tools/fit_polynomials.py

prints the coefficients of wce_exp_minus_f32 and wce_exp_minus_f64_to_f32 (R), wce_log1p_f32
(G) and the float64-grade wce_exp_minus_f64_reduced (Q, the header's p) and wce_log1p_f64
(G2) as C hex literals, highest power first; then the worst relative error of each
float32-grade piece evaluated as the header's baseline level evaluates it (double Horner,
two roundings per step; the FMA levels round once per step), and of each float64-grade fit
evaluated exactly, against mpmath at 200 bits on a dense grid.  (The header evaluates the
float64-grade polynomials in two or four interleaved Horner chains, whose rounding the C
tests measure.)

All are Chebyshev interpolants (mpmath.chebyfit), near-minimax for functions this smooth:
    R(r) ~ (e^-r - 1) / r        on |r| <= ln2 / 2, degree 6 (float32 grade) or 9 (fine)
    Q(r) ~ (e^r - 1 - r) / r^2   on |r| <= ln2 / 2, degree 10 (float64 grade)
    G(e) ~ log1p(e) / e          on 0 <= e <= 1,    degree 11
    G2(v) ~ (log1p(e) - e) / e^2 with v = e - 1/2 on |v| <= 1/2, degree 21 (float64 grade)
Needs mpmath (a test dependency).
"""

from __future__ import annotations

import math

import mpmath as mp

EXP_MINUS_DEGREE = 6
EXP_FINE_DEGREE = 9
EXP_DOUBLE_DEGREE = 10   # wce_exp_minus_f64_reduced (float64 grade)
LOG_DOUBLE_DEGREE = 21   # wce_log1p_f64 (float64 grade)
LOG1P_DEGREE = 11
# the reduced argument of the exponential reaches ln2/2 plus its rounding; fit a hair wider
EXP_HALF_WIDTH = math.log(2) / 2 * (1 + 1e-7)


def _fit(f, lo, hi, degree):
    with mp.workprec(200):
        try:
            coeffs = mp.chebyfit(f, [lo, hi], degree + 1, asc=True)
        except TypeError:  # mpmath before 1.4 knows only descending order
            coeffs = mp.chebyfit(f, [lo, hi], degree + 1)[::-1]
    return [float(c) for c in reversed(coeffs)]


def exp_minus_coefficients(degree=EXP_MINUS_DEGREE):
    """R's coefficients for wce_exp_minus_f32 (EXP_FINE_DEGREE: wce_exp_minus_f64_to_f32),
    highest power first: e^-r = 1 + r R(r), exactly 1 at r = 0."""

    def f(r):
        return (mp.exp(-r) - 1) / r if r != 0 else mp.mpf(-1)

    return _fit(f, -EXP_HALF_WIDTH, EXP_HALF_WIDTH, degree)


def exp_coefficients():
    """Q's coefficients for wce_exp_minus_f64_reduced, highest power first."""

    def f(r):
        return (mp.exp(r) - 1 - r) / r**2 if r != 0 else mp.mpf(0.5)

    return _fit(f, -EXP_HALF_WIDTH, EXP_HALF_WIDTH, EXP_DOUBLE_DEGREE)


def log1p_double_coefficients():
    """G2's coefficients for wce_log1p_f64, highest power first: log1p(e) = e + e^2 G2(v)
    with v = e - 1/2, on 0 <= e <= 1.  The last (the constant term) is the high part of a
    pair; log1p_double_c0_lo() gives its low part."""
    return [float(c) for c in _log1p_double_fit()]


def log1p_double_c0_lo():
    """The constant term of G2 less its double (the header's c0_lo)."""
    c0 = _log1p_double_fit()[-1]
    with mp.workprec(200):
        return float(c0 - mp.mpf(float(c0)))


def _log1p_double_fit():
    def f(v):
        e = v + mp.mpf(1) / 2
        return (mp.log1p(e) - e) / (e * e) if e != 0 else mp.mpf(-1) / 2

    with mp.workprec(200):
        try:
            coeffs = mp.chebyfit(f, [-0.5, 0.5], LOG_DOUBLE_DEGREE + 1, asc=True)
        except TypeError:  # mpmath before 1.4 knows only descending order
            coeffs = mp.chebyfit(f, [-0.5, 0.5], LOG_DOUBLE_DEGREE + 1)[::-1]
    return list(reversed(coeffs))


def double_grade_fit_errors(points=2001):
    """(exp, log): the worst relative error of the float64-grade fits with their double
    coefficients, evaluated exactly (their rounding in double is the header's business):
    1 + r + r^2 Q(r) against e^r, and e + e^2 G2(e - 1/2) against log1p(e), G2's constant term
    a pair."""
    q = exp_coefficients()
    g2 = log1p_double_coefficients()
    c0_lo = log1p_double_c0_lo()
    worst_exp = worst_log = mp.mpf(0)
    with mp.workprec(200):
        for i in range(points):
            r = mp.mpf(-EXP_HALF_WIDTH + 2 * EXP_HALF_WIDTH * i / (points - 1))
            approx = 1 + r + r * r * _horner([mp.mpf(c) for c in q], r)
            worst_exp = max(worst_exp, abs(approx / mp.exp(r) - 1))
            e = mp.mpf(i + 1) / points
            g = _horner([mp.mpf(c) for c in g2], e - mp.mpf(1) / 2) + mp.mpf(c0_lo)
            approx = e + e * e * g
            worst_log = max(worst_log, abs(approx / mp.log1p(e) - 1))
    return float(worst_exp), float(worst_log)


def log1p_coefficients():
    """G's coefficients, highest power first."""

    def f(e):
        return mp.log1p(e) / e if e != 0 else mp.mpf(1)

    return _fit(f, 0, 1, LOG1P_DEGREE)


def _horner(coeffs, v):
    acc = coeffs[0]
    for c in coeffs[1:]:
        acc = acc * v + c
    return acc


def exp_minus_reduced(r, coeffs):
    """e^-r as wce_exp_minus_f32 forms it before the scaling by 2^-k (plain double)."""
    return 1.0 + r * _horner(coeffs, r)


def log1p_unit(e, coeffs):
    """log1p(e) as wce_log1p_f32 forms it (plain double)."""
    return e * _horner(coeffs, e)


def worst_relative_errors(points=20001):
    """(exp, exp fine, log1p): the worst relative error over an even grid of each interval
    (exp and exp fine: e^-r as wce_exp_minus_f32 and wce_exp_minus_f64_to_f32 form it)."""
    rr = exp_minus_coefficients()
    r_fine = exp_minus_coefficients(EXP_FINE_DEGREE)
    g = log1p_coefficients()
    worst_exp = worst_fine = worst_log1p = 0.0
    with mp.workprec(200):
        for i in range(points):
            r = -EXP_HALF_WIDTH + 2 * EXP_HALF_WIDTH * i / (points - 1)
            ref = mp.exp(-r)
            worst_exp = max(worst_exp,
                            float(abs((mp.mpf(exp_minus_reduced(r, rr)) - ref) / ref)))
            worst_fine = max(worst_fine,
                             float(abs((mp.mpf(exp_minus_reduced(r, r_fine)) - ref) / ref)))
            e = i / (points - 1)
            if e > 0:
                ref = mp.log1p(e)
                worst_log1p = max(worst_log1p,
                                  float(abs((mp.mpf(log1p_unit(e, g)) - ref) / ref)))
    return worst_exp, worst_fine, worst_log1p


def main():
    for name, coeffs in (("R (wce_exp_minus_f32)", exp_minus_coefficients()),
                         ("R (wce_exp_minus_f64_to_f32)", exp_minus_coefficients(EXP_FINE_DEGREE)),
                         ("G (wce_log1p_f32)", log1p_coefficients()),
                         ("p (wce_exp_minus_f64_reduced)", exp_coefficients()),
                         ("G2 (wce_log1p_f64)", log1p_double_coefficients())):
        print(f"{name}, highest power first:")
        for c in coeffs:
            print(f"    {c.hex()}")
    print(f"G2's constant term, low part: {log1p_double_c0_lo().hex()}")
    errors = zip(("exp", "exp fine", "log1p"), worst_relative_errors())
    print("worst relative error: " + ", ".join(f"{name} {err:.3g} (2^{math.log2(err):.1f})"
                                               for name, err in errors))
    errors = zip(("exp", "log"), double_grade_fit_errors())
    print("float64-grade fits, evaluated exactly: "
          + ", ".join(f"{name} {err:.3g} (2^{math.log2(err):.1f})" for name, err in errors))


if __name__ == "__main__":
    main()
