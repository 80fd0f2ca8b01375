"""Fit the float32-grade polynomials of include/wce_c/wce.h and measure their error.

    python tools/fit_polynomials.py

prints the coefficients of wce_exp_minus_f32 and wce_exp_minus_f64_to_f32 (R), wce_log1p_f32
(G) and the float64-grade wce_exp_minus_f64_reduced (p) and wce_log1p_f64 (R) as C hex literals,
highest power first, and the worst relative error of each piece evaluated as the header's
baseline level evaluates it (double Horner, two roundings per step; the FMA levels round
once per step), against mpmath at 200 bits on a dense grid.

All are Chebyshev interpolants (mpmath.chebyfit), near-minimax for functions this smooth:
    R(r) ~ (e^-r - 1) / r        on |r| <= ln2 / 2, degree 6 (float32 grade) or 9 (fine)
    Q(r) ~ (e^r - 1 - r) / r^2   on |r| <= ln2 / 2, degree 10 (float64 grade)
    G(e) ~ log1p(e) / e          on 0 <= e <= 1,    degree 11
Needs mpmath (a test dependency).
"""

from __future__ import annotations

import math

import mpmath as mp

EXP_MINUS_DEGREE = 6
EXP_FINE_DEGREE = 9
EXP_DOUBLE_DEGREE = 10   # wce_exp_minus_f64_reduced (float64 grade)
LOG_DOUBLE_DEGREE = 7    # wce_log1p_f64 (float64 grade)
# |s| = |f / (2 + f)| <= (sqrt 2 - 1) / (sqrt 2 + 1) in wce_log1p_f64; fit a hair wider
S_MAX = (math.sqrt(2) - 1) / (math.sqrt(2) + 1) * (1 + 1e-7)
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


def log_atanh_coefficients():
    """T's coefficients for wce_log1p_f64, highest power first: log(1 + f) = 2 atanh(s) =
    2 s + s R(z) with z = s^2 and R(z) = z T(z)."""

    def f(z):
        if z == 0:
            return mp.mpf(2) / 3
        s = mp.sqrt(z)
        return (2 * mp.atanh(s) - 2 * s) / (s * z)

    return _fit(f, 0, S_MAX**2, LOG_DOUBLE_DEGREE)


def double_grade_fit_errors(points=2001):
    """(exp, log): the worst relative error of the float64-grade fits with their double
    coefficients, evaluated exactly (their rounding in double is the header's business):
    1 + r + r^2 Q(r) against e^r, and 2 s + s z T(z) against 2 atanh(s)."""
    q = exp_coefficients()
    t = log_atanh_coefficients()
    worst_exp = worst_log = mp.mpf(0)
    with mp.workprec(200):
        for i in range(points):
            r = mp.mpf(-EXP_HALF_WIDTH + 2 * EXP_HALF_WIDTH * i / (points - 1))
            approx = 1 + r + r * r * _horner([mp.mpf(c) for c in q], r)
            worst_exp = max(worst_exp, abs(approx / mp.exp(r) - 1))
            s = mp.mpf(S_MAX * (i + 1) / points)
            z = s * s
            ref = 2 * mp.atanh(s)
            approx = 2 * s + s * z * _horner([mp.mpf(c) for c in t], z)
            worst_log = max(worst_log, abs(approx / ref - 1))
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
                         ("R (wce_log1p_f64)", log_atanh_coefficients())):
        print(f"{name}, highest power first:")
        for c in coeffs:
            print(f"    {c.hex()}")
    errors = zip(("exp", "exp fine", "log1p"), worst_relative_errors())
    print("worst relative error: " + ", ".join(f"{name} {err:.3g} (2^{math.log2(err):.1f})"
                                               for name, err in errors))
    errors = zip(("exp", "log"), double_grade_fit_errors())
    print("float64-grade fits, evaluated exactly: "
          + ", ".join(f"{name} {err:.3g} (2^{math.log2(err):.1f})" for name, err in errors))


if __name__ == "__main__":
    main()
