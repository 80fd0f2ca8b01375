"""NumPy-style semantics: dtypes, 0-d and empty inputs, reductions, the TF drop-in."""

import math

import numpy as np
import pytest

import wce_c
import numpy_reference as ref


@pytest.mark.parametrize("logit_dtype,expected", [
    (np.float16, np.float32), (np.float32, np.float32), (np.float64, np.float64),
    (np.int32, np.float64), (np.int64, np.float64), (np.uint8, np.float64),
    (np.bool_, np.float64)])
def test_compute_dtype_follows_the_logits(logit_dtype, expected):
    x = np.array([0, 1, 1], dtype=logit_dtype)
    for func in (wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient):
        assert func(np.array([0, 1, 0]), x).dtype == expected
    assert wce_c.loss([0, 1, 0], x, reduction="sum").dtype == expected


@pytest.mark.parametrize("label_dtype", [np.bool_, np.int8, np.uint16, np.float16, np.float64])
def test_labels_of_any_real_dtype_are_cast(label_dtype):
    x = np.linspace(-3, 3, 7).astype(np.float32)
    z = np.array([0, 1, 1, 0, 1, 0, 1]).astype(label_dtype)
    np.testing.assert_array_equal(wce_c.loss(z, x, 2.0), wce_c.loss(z.astype(np.float32), x, 2.0))


def test_float32_parameters_are_cast_to_the_compute_dtype():
    x = np.float32([1.5, -2.0])
    z = np.float32([1, 0])
    np.testing.assert_array_equal(wce_c.loss(z, x, 0.3), wce_c.loss(z, x, np.float32(0.3)))


def test_zero_dimensional_inputs_give_numpy_scalars():
    for func in (wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient):
        r = func(1.0, 0.5, 2.0)
        assert isinstance(r, np.float64) and not isinstance(r, np.ndarray)
        r32 = func(np.float32(1.0), np.float32(0.5), 2.0)
        assert isinstance(r32, np.float32)
    g, h = wce_c.gradient_hessian(1.0, 0.0, 2.0)
    assert isinstance(g, np.float64) and (g, h) == (-1.0, 0.5)


def test_zero_dimensional_out_is_filled_and_returned():
    out = np.zeros(())
    r = wce_c.loss(1.0, 0.0, out=out)
    assert r is out and out[()] == math.log(2)


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 4, 2)])
def test_empty_inputs_give_empty_results(shape):
    z, x = np.zeros(shape), np.zeros(shape, np.float32)
    for func in (wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient):
        r = func(z, x, 2.0)
        assert r.shape == shape and r.dtype == np.float32
    g, h = wce_c.gradient_hessian(z, x)
    assert g.shape == h.shape == shape
    assert wce_c.loss(z, x, reduction="sum") == 0.0
    assert np.isnan(wce_c.loss(z, x, reduction="mean"))


def test_reductions_match_the_elementwise_values():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((300, 7)) * 4
    z = (rng.random((300, 7)) < 0.2) * 1.0
    w = rng.uniform(0, 3, 300)[:, None]
    elem = wce_c.loss(z, x, 5.0, sample_weight=w)
    assert wce_c.loss(z, x, 5.0, sample_weight=w, reduction="sum") == pytest.approx(math.fsum(elem.ravel()), rel=1e-15)
    assert wce_c.loss(z, x, 5.0, sample_weight=w, reduction="mean") == pytest.approx(math.fsum(elem.ravel()) / elem.size, rel=1e-15)


def test_per_class_pos_weight_for_multi_label():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((50, 4))
    z = (rng.random((50, 4)) < 0.3) * 1.0
    q = np.array([1.0, 2.0, 10.0, 0.5])
    got = wce_c.loss(z, x, q)
    for j in range(4):
        np.testing.assert_array_equal(got[:, j], wce_c.loss(z[:, j], x[:, j], q[j]))


def test_column_sample_weight_is_broadcast_along_rows():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((20, 3))
    z = (rng.random((20, 3)) < 0.5) * 1.0
    w = rng.uniform(0, 2, (20, 1))
    np.testing.assert_allclose(wce_c.gradient(z, x, sample_weight=w),
                               ref.gradient(z, x, 1.0, w), rtol=1e-14)


def test_python_lists_and_scalars_are_accepted():
    np.testing.assert_allclose(wce_c.loss([0, 1], [1.0, 2.0], [1, 3]),
                               ref.loss([0, 1], [1.0, 2.0], [1, 3]), rtol=1e-15)


def test_tf_drop_in_equals_loss_with_tf1_and_tf2_names():
    rng = np.random.default_rng(8)
    x = rng.standard_normal(20).astype(np.float32)
    z = (rng.random(20) < 0.5).astype(np.float32)
    expected = wce_c.loss(z, x, 3.0)
    f = wce_c.weighted_cross_entropy_with_logits
    np.testing.assert_array_equal(f(labels=z, logits=x, pos_weight=3.0), expected)
    np.testing.assert_array_equal(f(z, x, 3.0), expected)
    np.testing.assert_array_equal(f(targets=z, logits=x, pos_weight=3.0, name="wce"), expected)


def test_out_aliasing_an_input_gives_the_right_values():
    rng = np.random.default_rng(9)
    x = rng.standard_normal(1000)
    z = (rng.random(1000) < 0.5) * 1.0
    expected = wce_c.loss(z, x, 2.0)
    r = wce_c.loss(z, x, 2.0, out=x)
    assert r is x
    np.testing.assert_array_equal(x, expected)


def test_no_copy_for_contiguous_out_of_the_compute_dtype():
    x = np.linspace(-5, 5, 100)
    out = np.empty(100)
    assert wce_c.hessian(np.ones(100), x, out=out) is out


def test_input_arrays_are_not_modified():
    x = np.linspace(-5, 5, 100)
    z = np.ones(100)
    x0, z0 = x.copy(), z.copy()
    wce_c.loss_gradient(z, x, 2.0)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(z, z0)


@pytest.mark.parametrize("q,w", [(-1.0, None), (float("nan"), None), (1e39, None),
                                 (1.0, np.full((3, 2), np.inf, np.float32))])
def test_small_call_fast_path_still_raises_on_bad_values(q, w):
    x = np.zeros((3, 2), np.float32)
    with pytest.raises(ValueError, match="pos_weight" if w is None else "sample_weight"):
        wce_c.gradient(x, x, q, sample_weight=w)
