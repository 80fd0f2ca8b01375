"""Accuracy against the mathematical function (mpmath, 200 bits), in ULP of each dtype."""

import math

import numpy as np
import pytest

import wce_c
from reference import BOUNDS, QUANTITIES, describe, load, ulp_error

DTYPES = ["float32", "float64"]


def compute(quantity, ref):
    return getattr(wce_c, quantity)(ref.z, ref.x, ref.q, sample_weight=ref.w)


@pytest.mark.parametrize("quantity", QUANTITIES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_error_within_ulp_bound_over_whole_range(dtype, quantity, simd_level):
    ref = load(dtype)
    got = compute(quantity, ref)
    assert got.dtype == ref.dtype
    err = ulp_error(got, ref, quantity)
    worst = int(np.argmax(err))
    bound = BOUNDS[dtype][quantity]
    assert err[worst] <= bound, (
        f"{err[worst]:.3g} ULP > {bound} ({simd_level}): " + describe(ref, worst, got, quantity)
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_fused_pairs_equal_separate_calls_bitwise(dtype, simd_level):
    ref = load(dtype)
    args = (ref.z, ref.x, ref.q)
    kw = {"sample_weight": ref.w}
    l, g = wce_c.loss_gradient(*args, **kw)
    g2, h = wce_c.gradient_hessian(*args, **kw)
    for fused, single in ((l, wce_c.loss), (g, wce_c.gradient), (g2, wce_c.gradient),
                          (h, wce_c.hessian)):
        np.testing.assert_array_equal(fused, single(*args, **kw))


@pytest.mark.parametrize("dtype", DTYPES)
def test_tails_are_never_flushed_to_zero(dtype, simd_level):
    """Where the exact value is a positive normal or subnormal number of the dtype, so is
    the result: the failure of the seed formula, ruled out row by row."""
    ref = load(dtype)
    for quantity in ("loss", "hessian"):
        got = compute(quantity, ref)
        with np.errstate(over="ignore"):
            exact = getattr(ref, quantity + "_hi").astype(ref.dtype)
        positive = np.isfinite(exact) & (exact > 0)
        bad = np.flatnonzero(positive & ~(got > 0))
        assert bad.size == 0, describe(ref, int(bad[0]), got, quantity)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_is_accurate_in_double(dtype, simd_level):
    """reduction='sum' adds in double: within 1 ULP of the dtype of the exact sum."""
    ref = load(dtype)
    hi, lo = ref.loss_hi, ref.loss_lo
    finite = np.isfinite(hi) & (np.abs(hi) < 1e30) & (ref.w == 1)
    exact = math.fsum(list(hi[finite]) + list(lo[finite]))
    got = wce_c.loss(ref.z[finite], ref.x[finite], ref.q[finite], reduction="sum")
    assert got.dtype == ref.dtype
    unit = float(np.spacing(ref.dtype.type(abs(exact))))
    assert abs(float(got) - exact) <= unit, (float(got), exact)


def test_special_values_follow_the_contract(simd_level):
    """The documented special values, exactly, in both dtypes."""
    inf, nan = math.inf, math.nan
    for dt in (np.float32, np.float64):
        z = np.array([0, 1, 0, 1, 0, 1], dt)
        x = np.array([-inf, inf, inf, -inf, 0.0, -0.0], dt)
        q = dt(3.0)
        np.testing.assert_array_equal(wce_c.loss(z, x, q), dt([0, 0, inf, inf, math.log(2), 3 * math.log(2)]))
        np.testing.assert_array_equal(wce_c.gradient(z, x, q), dt([0, 0, 1, -3, 0.5, -1.5]))
        np.testing.assert_array_equal(wce_c.hessian(z, x, q), dt([0, 0, 0, 0, 0.25, 0.75]))
        for f in (wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient):
            assert np.isnan(f(dt(nan), dt(1.0), q))
            assert np.isnan(f(dt(1.0), dt(nan), q))


def test_float32_results_from_float64_inputs(simd_level):
    """The boosting adapters' path (float64 inputs, float32 gradient and hessian): within
    float32's bound of the exact function of the float64 inputs, over the float64 table."""
    from types import SimpleNamespace

    from wce_c._api import gradient_hessian_float32

    ref = load("float64")
    g, h = gradient_hessian_float32(ref.z, ref.x, ref.q, ref.w)
    in32 = SimpleNamespace(**{**vars(ref), "dtype": np.dtype(np.float32)})
    for got, quantity in ((g, "gradient"), (h, "hessian")):
        assert got.dtype == np.float32
        err = ulp_error(got, in32, quantity)
        worst = int(np.argmax(err))
        assert err[worst] <= BOUNDS["float32"][quantity], (
            f"{err[worst]:.3g} ULP ({simd_level}): " + describe(in32, worst, got, quantity))


@pytest.mark.parametrize("z, x, q, w", [
    (1.0, 800.0, 1e300, 1e40),     # e^-800 below double's range, times a huge weight
    (1.0, 870.0, 1e308, 1e100),    # w q z beyond double, the result a float32 number
    (0.0, -800.0, 1.0, 1e300),     # the far tail's small sigma, weighted
    (0.3, 700.0, 1e200, 1e150),
    (1.0, 900.0, 1e300, 1e10),     # past the scaled range: 0, as exactly
])
def test_float32_results_from_huge_float64_weights(z, x, q, w, simd_level):
    import mpmath as mp

    from wce_c._api import gradient_hessian_float32

    g, h = gradient_hessian_float32(z, x, q, w)
    with mp.workprec(200):
        Z, X, Q, W = (mp.mpf(v) for v in (z, x, q, w))
        s_pos, s_neg = 1 / (1 + mp.exp(-X)), 1 / (1 + mp.exp(X))
        exact = (W * ((1 - Z) * s_pos - Q * Z * s_neg), W * ((1 - Z) + Q * Z) * s_pos * s_neg)
    for got, ex in zip((g, h), exact):
        want = np.float32(float(ex)) if abs(ex) < 1e39 else np.float32(np.sign(float(ex)) * np.inf)
        if np.isinf(want) or want == 0:
            assert got == want, (got, ex)
        else:
            assert abs(float(got) - ex) <= np.spacing(np.float32(abs(want))), (got, ex)


@pytest.mark.parametrize("q, w", [(1.0, 1.0), (1e4, 0.37), (3.0, 7.0)])
def test_float64_loss_where_log1p_of_e_is_about_e(q, w, simd_level):
    """|x| from 17 to 38: e^-|x| from 4e-8 down to 3e-17, where 1 + e is 1 plus a few ULP
    and log1p(e) rests on the rounding error of 1 + e (or on the small-e series).  The
    weighted loss stays within 2.5 ULP of mpmath's (bound 3; 2.66 at x = 36.70069222408131,
    q = 1e4, w = 0.37 before the series, a point the dense sweep found)."""
    import mpmath as mp

    rng = np.random.default_rng(3)
    x = np.sort(np.concatenate([np.linspace(17.0, 38.0, 200), rng.uniform(17, 38, 300),
                                [36.70069222408131]]))
    got = wce_c.loss(np.ones_like(x), x, q, sample_weight=np.full_like(x, w))
    with mp.workprec(200):
        err = [abs(float((mp.mpf(g) - mp.mpf(w) * mp.mpf(q) * mp.log1p(mp.exp(-mp.mpf(t))))
                         / mp.mpf(np.spacing(g)))) for t, g in zip(x, got)]
    assert max(err) <= 2.5, (simd_level, max(err), x[int(np.argmax(err))])
