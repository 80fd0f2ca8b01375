"""The polynomials in the header are the ones tools/fit_polynomials.py fits, and they are as
accurate as the header's comments say."""

import pathlib
import re
import sys

import pytest

pytest.importorskip("mpmath")

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import fit_polynomials  # noqa: E402

CORE = ROOT / "include" / "wce_c"


def header_coefficients(function, var):
    """The coefficients of the Horner steps `var = ...` in a function of the core headers."""
    text = "\n".join(h.read_text() for h in sorted(CORE.glob("*.h")))
    start = text.index(f"WCE_ELEM double {function}(")
    body = text[start:text.index("\n}\n", start)]
    # "double Q = c;" then "Q = WCE_MADD(Q, r, c);" (c possibly negative)
    found = re.findall(rf"\b{var} = (?:WCE_MADD\({var}, \w+, )?(-?)(0x[0-9a-f.]+p[+-]?\d+)\)?;",
                       body)
    return [float.fromhex(lit) * (-1.0 if sign == "-" else 1.0) for sign, lit in found]


def chained_coefficients(function, names):
    """The coefficients of a polynomial evaluated as k Horner chains in v^k, chain j holding
    the powers j, j + k, ...: reassembled highest power first."""
    chains = [header_coefficients(function, name)[::-1] for name in names]  # lowest first
    k = len(chains)
    degree = sum(len(c) for c in chains) - 1
    return [chains[j % k][j // k] for j in range(degree, -1, -1)]


def test_exp_coefficients_are_the_fitted_ones():
    fitted = fit_polynomials.exp_minus_coefficients()
    assert header_coefficients("wce_exp_minus_f32", "R") == fitted
    assert fitted[-1] == -1.0  # so that e^-0 = 1 + 0 R(0) is exactly 1


def test_fine_exp_coefficients_are_the_fitted_ones():
    assert (header_coefficients("wce_exp_minus_f64_to_f32", "R")
            == fit_polynomials.exp_minus_coefficients(fit_polynomials.EXP_FINE_DEGREE))


def test_float64_grade_coefficients_are_the_fitted_ones():
    assert (chained_coefficients("wce_exp_minus_f64_reduced", ["p0", "p1"])
            == fit_polynomials.exp_coefficients())
    header = chained_coefficients("wce_log1p_f64", ["g0", "g1", "g2", "g3"])
    text = (CORE / "log1p.h").read_text()
    c0_hi, c0_lo = (float.fromhex(m) for m in
                    re.search(r"c0_hi = (-?0x[0-9a-f.p+-]+), c0_lo = (-?0x[0-9a-f.p+-]+);",
                              text).groups())
    assert header + [c0_hi] == fit_polynomials.log1p_double_coefficients()
    assert c0_lo == fit_polynomials.log1p_double_c0_lo()


def test_float64_grade_fits_within_the_stated_error():
    exp_err, log_err = fit_polynomials.double_grade_fit_errors(points=801)
    assert 0 < exp_err < 2.0**-61
    assert 0 < log_err < 2.0**-57.5


def test_log1p_coefficients_are_the_fitted_ones():
    assert header_coefficients("wce_log1p_f32", "G") == fit_polynomials.log1p_coefficients()


def test_pieces_within_the_stated_error():
    exp_err, fine_err, log1p_err = fit_polynomials.worst_relative_errors(points=4001)
    assert 0 < exp_err < 2.0**-33
    assert 0 < fine_err < 2.0**-50
    assert 0 < log1p_err < 2.0**-32
