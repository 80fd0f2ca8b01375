"""The seed formula (TensorFlow's documented one) and wce_c agree where it is well conditioned,
and wce_c keeps the digits where it is not."""

import numpy as np
import pytest

import wce_c
from numpy_reference import seed_loss


@pytest.mark.parametrize("dtype,rtol", [(np.float32, 2e-6), (np.float64, 5e-15)])
def test_agrees_with_seed_formula_where_it_is_well_conditioned(dtype, rtol):
    rng = np.random.default_rng(3)
    x = rng.uniform(-4, 4, 5000).astype(dtype)
    z = rng.choice([0.0, 1.0, 0.25, 0.6], 5000).astype(dtype)
    q = dtype(2.5)
    # Well conditioned: no cancellation between (1 - z) x and the rest, i.e. x >= 0 or z = 1.
    keep = (x >= 0) | (z == 1)
    np.testing.assert_allclose(wce_c.loss(z, x, q)[keep], seed_loss(z, x, q)[keep], rtol=rtol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_keeps_digits_where_seed_formula_returns_zero(dtype):
    x = -np.array([20, 30, 40, 60], dtype=dtype)
    z = np.zeros_like(x)
    seed = seed_loss(z, x, dtype(1))
    ours = wce_c.loss(z, x, 1.0)
    exact = np.log1p(np.exp(x.astype(np.float64)))
    assert np.any(seed == 0)
    np.testing.assert_allclose(ours, exact, rtol=np.finfo(dtype).eps)
