"""wce_c.probability: sigma(x - log q) against mpmath in ULP, its limits and errors, vector
pos_weight, out=, dask, and the property it exists for (the weighted loss's minimiser);
wce_c.intercept against its closed form and as the zero of the total gradient."""

import numpy as np
import pytest

import wce_c

mp = pytest.importorskip("mpmath")


def exact(x, q):
    with mp.workprec(200):
        return mp.mpf(1) / (1 + mp.exp(-(mp.mpf(x) - mp.log(mp.mpf(q)))))


def ulps(got, ref, dtype):
    r = dtype(float(ref))
    unit = float(np.spacing(np.abs(r))) if r != 0 else float(np.spacing(dtype(0)))
    with mp.workprec(200):
        return float(abs(mp.mpf(float(got)) - ref)) / unit


@pytest.mark.parametrize("dtype,bound", [(np.float64, 3.0), (np.float32, 1.0)])
@pytest.mark.parametrize("q", [1.0, 3.0, 0.25, 1e4, 1e-7, 7.3e12])
def test_within_a_few_ulp_of_the_exact_value(dtype, bound, q):
    rng = np.random.default_rng(5)
    tail = 760.0 if dtype is np.float64 else 110.0
    x = np.concatenate([rng.uniform(-40, 40, 300), rng.uniform(-tail, tail, 300),
                        np.linspace(-tail, tail, 101)]).astype(dtype)
    got = wce_c.probability(x, q)
    assert got.dtype == dtype
    worst = max(ulps(g, exact(float(v), q), dtype) for v, g in zip(x.tolist(), got.tolist()))
    assert worst <= bound, worst


def test_limits_and_nan():
    got = wce_c.probability(np.array([np.inf, -np.inf, np.nan, 1e308, -1e308]), 5.0)
    assert got[0] == 1.0 and got[1] == 0.0 and np.isnan(got[2])
    assert got[3] == 1.0 and got[4] == 0.0
    f = wce_c.probability(np.array([3e38, -3e38, np.inf, -np.inf], np.float32), 1e6)
    assert f.dtype == np.float32 and f.tolist() == [1.0, 0.0, 1.0, 0.0]
    assert wce_c.probability(-745.0, 0.5) > 0  # subnormal, not flushed


def test_plain_sigmoid_for_pos_weight_one_and_the_minimiser():
    x = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(wce_c.probability(x), 1 / (1 + np.exp(-x)), rtol=1e-15)
    # the constant margin that minimises the weighted loss on data with base rate p is
    # logit(p) + log q; probability turns it back into p
    p, q = 0.092, 9.0
    margins = np.linspace(-5, 5, 200_001)
    z = np.r_[np.ones(92), np.zeros(908)]
    losses = [float(wce_c.loss(z, np.full(z.size, m), q, reduction="mean")) for m in
              margins[::1000]]
    best = margins[::1000][int(np.argmin(losses))]
    assert abs(best - (np.log(p / (1 - p)) + np.log(q))) < 0.05
    assert abs(float(wce_c.probability(np.log(p / (1 - p)) + np.log(q), q)) - p) < 1e-15


def test_per_class_vector_and_broadcast():
    x = np.random.default_rng(1).standard_normal((50, 3)) * 5
    q = np.array([1.0, 4.0, 0.5])
    got = wce_c.probability(x, q)
    for k in range(3):
        np.testing.assert_array_equal(got[:, k], wce_c.probability(x[:, k], q[k]))


@pytest.mark.parametrize("q", [0.0, -1.0, np.nan, np.inf, [1.0, 0.0, 2.0]])
def test_bad_pos_weight_is_a_value_error_naming_it(q):
    with pytest.raises(ValueError, match="pos_weight") as info:
        wce_c.probability(np.zeros(3), q)
    assert "> 0" in str(info.value)


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="pos_weight"):
        wce_c.probability(np.zeros(3), np.ones(4))
    with pytest.raises(TypeError, match="logits"):
        wce_c.probability(np.zeros(3, complex))
    with pytest.raises(ValueError, match="out"):
        wce_c.probability(np.zeros(3), out=np.zeros(3, np.float32))
    with pytest.raises(TypeError, match="out"):
        wce_c.probability(np.zeros(3), out=[0.0, 0.0, 0.0])


def test_out_is_written_and_returned():
    x = np.linspace(-3, 3, 7, dtype=np.float32)
    out = np.full_like(x, -1.0)
    assert wce_c.probability(x, 2.0, out=out) is out
    np.testing.assert_array_equal(out, wce_c.probability(x, 2.0))


def test_dask_gives_the_same_bits():
    da = pytest.importorskip("dask.array")
    x = np.random.default_rng(2).standard_normal((1000, 4)) * 20
    q = np.array([1.0, 2.0, 3.0, 0.1])
    lazy = wce_c.probability(da.from_array(x, chunks=(300, 2)), q)
    assert isinstance(lazy, da.Array)
    np.testing.assert_array_equal(lazy.compute(), wce_c.probability(x, q))
    with pytest.raises(ValueError, match="pos_weight"):
        wce_c.probability(da.from_array(x, chunks=(300, 2)), 0.0)


def test_intercept_closed_form_and_zero_of_the_total_gradient():
    rng = np.random.default_rng(4)
    n = 5000
    z = (rng.random(n) < 0.07) * 1.0
    z[:50] = 0.35  # soft labels too
    w = rng.uniform(0.2, 3.0, n)
    q = 6.5
    m = wce_c.intercept(z, q, sample_weight=w)
    w_pos, w_neg = np.sum(w * z), np.sum(w * (1 - z))
    assert abs(m - np.log(q * w_pos / w_neg)) <= 4 * np.spacing(abs(m))
    g = wce_c.gradient(z, np.full(n, m), q, sample_weight=w)
    scale = np.sum(np.abs(g))
    assert abs(np.sum(g)) <= 1e-12 * scale  # the total gradient vanishes there
    # and probability of it is the weighted base rate
    assert abs(float(wce_c.probability(m, q)) - w_pos / (w_pos + w_neg)) < 1e-15


def test_intercept_per_column_with_per_class_pos_weight():
    rng = np.random.default_rng(6)
    z = (rng.random((2000, 3)) < [0.02, 0.3, 0.9]) * 1.0
    q = np.array([20.0, 1.0, 0.1])
    m = wce_c.intercept(z, q)
    assert m.shape == (3,)
    for k in range(3):
        assert m[k] == wce_c.intercept(z[:, k], q[k])
    w = rng.uniform(0, 1, 2000)
    np.testing.assert_array_equal(wce_c.intercept(z, q, sample_weight=w),
                                  wce_c.intercept(z, q, sample_weight=np.c_[w, w, w]))


def test_intercept_errors_name_the_problem():
    with pytest.raises(ValueError, match="no positive"):
        wce_c.intercept(np.zeros(10))
    with pytest.raises(ValueError, match="no negative weight in column 1"):
        wce_c.intercept(np.c_[np.r_[1.0, 0.0], np.r_[1.0, 1.0]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        wce_c.intercept(np.array([0.0, 1.5]))
    with pytest.raises(ValueError, match="pos_weight"):
        wce_c.intercept(np.array([0.0, 1.0]), 0.0)
    with pytest.raises(ValueError, match="sample_weight"):
        wce_c.intercept(np.array([0.0, 1.0]), sample_weight=[1.0, -1.0])
    with pytest.raises(ValueError, match="shape"):
        wce_c.intercept(np.zeros((2, 2, 2)))
