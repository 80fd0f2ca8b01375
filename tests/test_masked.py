"""numpy.ma inputs: masked elements never leak into results; reductions cover the unmasked
elements only; ``out`` must be able to carry the mask."""

import numpy as np
import pytest

import wce_c

ELEMENTWISE = [wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient]
PAIRS = [wce_c.loss_gradient, wce_c.gradient_hessian]


@pytest.fixture
def inputs():
    rng = np.random.default_rng(5)
    x = rng.normal(0, 5, (6, 3))
    z = rng.integers(0, 2, (6, 3)).astype(float)
    # garbage under the masks: values that would raise or give NaN if computed
    x_masked = np.ma.array(x, mask=np.zeros_like(x, bool))
    x_masked[0, 1] = np.ma.masked
    x_masked.data[0, 1] = np.nan
    z_masked = np.ma.array(z, mask=np.zeros_like(z, bool))
    z_masked[4, 2] = np.ma.masked
    z_masked.data[4, 2] = 7.0
    w = np.ma.array(np.linspace(0.5, 3.0, 6)[:, None], mask=[[0], [0], [1], [0], [0], [0]])
    w.data[2, 0] = np.inf
    return z_masked, x_masked, w


def expected_mask(shape):
    mask = np.zeros(shape, bool)
    mask[0, 1] = mask[4, 2] = True
    mask[2, :] = True
    return mask


@pytest.mark.parametrize("func", ELEMENTWISE + PAIRS)
def test_the_result_is_masked_by_the_union_of_the_masks(func, inputs):
    z, x, w = inputs
    got = func(z, x, 2.0, sample_weight=w)
    want = func(z.filled(0), x.filled(0), 2.0, sample_weight=w.filled(1))
    mask = expected_mask(x.shape)
    for g, v in zip(got if isinstance(got, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,)):
        assert isinstance(g, np.ma.MaskedArray)
        np.testing.assert_array_equal(np.ma.getmaskarray(g), mask)
        np.testing.assert_array_equal(g.data[~mask], v[~mask])
        assert np.isfinite(g.data).all()


def test_a_masked_per_class_pos_weight_masks_its_column(inputs):
    z, x, _ = inputs
    q = np.ma.array([1.0, -5.0, 3.0], mask=[0, 1, 0])  # the masked value would be refused
    got = wce_c.gradient(z.data, x.data, q)
    assert np.ma.getmaskarray(got)[:, 1].all() and not np.ma.getmaskarray(got)[:, [0, 2]].any()
    np.testing.assert_array_equal(got[:, [0, 2]], wce_c.gradient(z.data, x.data, [1.0, 1.0, 3.0])[:, [0, 2]])


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_reductions_cover_the_unmasked_elements_with_their_bits(reduction, inputs):
    z, x, w = inputs
    got = wce_c.loss(z, x, 2.0, sample_weight=w, reduction=reduction)
    keep = ~expected_mask(x.shape)
    want = wce_c.loss(z.data[keep], x.data[keep], 2.0,
                      sample_weight=np.broadcast_to(w.data, x.shape)[keep], reduction=reduction)
    assert got == want and np.isfinite(got)
    everything = np.ma.array(x.data, mask=True)
    assert wce_c.loss(z.data, everything, reduction=reduction) is np.ma.masked


def test_out_takes_the_data_and_the_mask(inputs):
    z, x, w = inputs
    out = np.ma.array(np.zeros(x.shape), mask=False)
    got = wce_c.loss(z, x, 2.0, sample_weight=w, out=out)
    assert got is out
    np.testing.assert_array_equal(np.ma.getmaskarray(out), expected_mask(x.shape))
    want = wce_c.loss(z, x, 2.0, sample_weight=w)
    np.testing.assert_array_equal(out.data, want.data)
    g_out, h_out = np.ma.zeros(x.shape), np.ma.zeros(x.shape)
    g, h = wce_c.gradient_hessian(z, x, out=(g_out, h_out))
    assert g is g_out and h is h_out and h_out.mask[0, 1]


def test_a_plain_out_beside_masked_inputs_is_refused_untouched(inputs):
    z, x, _ = inputs
    out = np.full(x.shape, 9.0)
    with pytest.raises(TypeError, match="out must be a numpy.ma.MaskedArray"):
        wce_c.loss(z, x, out=out)
    with pytest.raises(TypeError, match=r"out\[0\] must be a numpy.ma.MaskedArray"):
        wce_c.gradient_hessian(z, x, out=(out, np.ma.zeros(x.shape)))
    assert (out == 9.0).all()


def test_unmasked_bad_values_are_still_reported(inputs):
    z, x, _ = inputs
    w = np.ma.array(np.ones(6), mask=False)
    w.data[3] = np.nan
    with pytest.raises(ValueError, match="sample_weight must be finite.*at index 3"):
        wce_c.loss(z[:, 0], x[:, 0], sample_weight=w)
    with pytest.raises(ValueError, match="same shape"):
        wce_c.loss(z, x[:, :2])


def test_probability_and_intercept_skip_masked_elements():
    x = np.ma.array([0.0, np.log(4.0), np.nan], mask=[0, 0, 1])
    p = wce_c.probability(x, 4.0)
    assert p.mask.tolist() == [False, False, True] and p[1] == pytest.approx(0.5)
    z = np.ma.array([1.0, 0.0, 0.0, 1.0], mask=[0, 0, 0, 1])
    assert wce_c.intercept(z) == pytest.approx(np.log(1 / 2))
    zz = np.ma.array([[1.0, 1.0], [0.0, 0.0], [0.0, 1.0]], mask=[[0, 0], [0, 0], [1, 0]])
    np.testing.assert_allclose(wce_c.intercept(zz, sample_weight=[1.0, 2.0, 4.0]),
                               [np.log(1 / 2), np.log(5 / 2)])
