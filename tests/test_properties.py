"""Property tests: random shapes, strides, memory orders and broadcasts against the NumPy
reference of the stable forms."""

import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import wce_c
import numpy_reference as ref
from strategies import laid_out

QUANTITIES = ["loss", "gradient", "hessian", "label_gradient"]


@st.composite
def problems(draw):
    dtype = np.dtype(draw(st.sampled_from(["float32", "float64"])))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
    x = draw(laid_out(shape, dtype, st.floats(-80, 80, width=32)))
    # labels exact in both dtypes (NumPy 1.x hypothesis refuses a float32 array of 0.9)
    z = draw(laid_out(shape, dtype, st.sampled_from([0.0, 1.0, 0.25, 0.5, 0.875])))
    if draw(st.booleans()):
        q = draw(st.floats(0, 50))
    else:
        qs = draw(hnp.broadcastable_shapes(shape, min_dims=0, max_dims=len(shape), max_side=5)
                  .filter(lambda s: np.broadcast_shapes(s, shape) == shape))
        q = draw(hnp.arrays(np.float64, qs, elements=st.floats(0, 50)))
    w = None
    if draw(st.booleans()):
        ws = draw(hnp.broadcastable_shapes(shape, min_dims=0, max_dims=len(shape), max_side=5)
                  .filter(lambda s: np.broadcast_shapes(s, shape) == shape))
        w = draw(hnp.arrays(np.float64, ws, elements=st.floats(-3, 3)))
    n_threads = draw(st.sampled_from([None, 1, 2, -1]))
    return dtype, z, x, q, w, n_threads


@settings(max_examples=300, deadline=None, derandomize=True)
@given(problems(), st.sampled_from(QUANTITIES))
def test_matches_numpy_reference_of_stable_forms(problem, quantity):
    dtype, z, x, q, w, n_threads = problem
    got = getattr(wce_c, quantity)(z, x, q, sample_weight=w, n_threads=n_threads)
    assert got.dtype == dtype and np.shape(got) == x.shape
    # The reference sees the inputs exactly as the kernel does: cast to the compute dtype.
    qc = np.asarray(q).astype(dtype)
    wc = 1.0 if w is None else np.asarray(w).astype(dtype)
    expected = getattr(ref, quantity)(z, x, qc, wc)
    tol = 8 * np.finfo(dtype).eps * (np.abs(expected) + ref.magnitude(quantity, z, x, qc, wc))
    tol = tol + np.finfo(dtype).smallest_subnormal
    assert np.all(np.abs(got - expected) <= tol), (got, expected)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(problems())
def test_reductions_and_fused_pairs_agree_with_elementwise(problem):
    dtype, z, x, q, w, n_threads = problem
    elem = wce_c.loss(z, x, q, sample_weight=w, n_threads=n_threads)
    total = wce_c.loss(z, x, q, sample_weight=w, reduction="sum", n_threads=n_threads)
    mean = wce_c.loss(z, x, q, sample_weight=w, reduction="mean", n_threads=n_threads)
    exact = float(np.sum(np.asarray(elem, np.float64)))
    scale = float(np.sum(np.abs(np.asarray(elem, np.float64))))
    assert abs(float(total) - exact) <= 4 * np.finfo(dtype).eps * scale + 1e-300
    if x.size:
        assert abs(float(mean) - exact / x.size) <= 4 * np.finfo(dtype).eps * scale / x.size + 1e-300
    else:
        assert np.isnan(mean)
    l, g = wce_c.loss_gradient(z, x, q, sample_weight=w, n_threads=n_threads)
    g2, h = wce_c.gradient_hessian(z, x, q, sample_weight=w, n_threads=n_threads)
    np.testing.assert_array_equal(l, elem)
    np.testing.assert_array_equal(g, g2)
    np.testing.assert_array_equal(h, wce_c.hessian(z, x, q, sample_weight=w))


def test_subnormal_sample_weights_match_the_reference():
    """Weights at the bottom of each dtype's range, where a reference that multiplied them
    in early would be off by many subnormal steps: the results stay within the tolerance."""
    for dtype in (np.float32, np.float64):
        tiny = np.finfo(dtype).smallest_subnormal
        w = np.array([tiny, 3 * tiny, 1000 * tiny, np.finfo(dtype).tiny / 3], dtype)
        x = np.array([-7.0, 0.3, 12.0, 40.0], dtype)
        z = np.array([0.25, 0.5, 0.875, 1.0], dtype)
        for quantity in QUANTITIES:
            got = getattr(wce_c, quantity)(z, x, 3.0, sample_weight=w)
            expected = getattr(ref, quantity)(z, x, 3.0, w)
            tol = 8 * np.finfo(dtype).eps * (np.abs(expected) + ref.magnitude(quantity, z, x, 3.0, w))
            assert np.all(np.abs(got - expected) <= tol + tiny), (quantity, dtype, got, expected)
