"""Derivatives against central finite differences of the function they differentiate.

In float64, with a step h = 1e-5 (1 + |x|): the O(h^2) truncation and the rounding of the
differenced values (accurate to a few ULP even in the tails) stay far below rtol 1e-6.
"""

import numpy as np
import pytest

import wce_c

RNG = np.random.default_rng(12)
X = np.concatenate([np.linspace(-35, 35, 141), RNG.normal(scale=6, size=200)])
Z = np.array([0.0, 1.0, 0.3, 0.85])
Q = [1.0, 0.2, 7.5]


def central(f, v, h):
    return (f(v + h) - f(v - h)) / (2 * h)


@pytest.mark.parametrize("q", Q)
@pytest.mark.parametrize("z", Z)
def test_gradient_is_derivative_of_loss(z, q, simd_level):
    h = 1e-5 * (1 + np.abs(X))
    fd = central(lambda v: wce_c.loss(np.full_like(v, z), v, q, sample_weight=0.7), X, h)
    got = wce_c.gradient(np.full_like(X, z), X, q, sample_weight=0.7)
    scale = np.maximum(np.abs(got), 1e-300)
    # Where the gradient has a root (soft labels) compare on the larger term's scale.
    scale = np.maximum(scale, 1e-6 * (1 - z + q * z) * 0.7) if 0 < z < 1 else scale
    np.testing.assert_array_less(np.abs(fd - got) / scale, 1e-6)


@pytest.mark.parametrize("q", Q)
@pytest.mark.parametrize("z", Z)
def test_hessian_is_derivative_of_gradient(z, q, simd_level):
    h = 1e-5 * (1 + np.abs(X))
    fd = central(lambda v: wce_c.gradient(np.full_like(v, z), v, q), X, h)
    got = wce_c.hessian(np.full_like(X, z), X, q)
    # The gradient tends to a non-zero constant in one tail, where differencing it loses
    # digits in absolute terms (about eps * l / h): allow that, relative 1e-6 elsewhere.
    l = (1 - z) + q * z
    np.testing.assert_array_less(np.abs(fd - got), 1e-6 * got + 1e-9 * l)


@pytest.mark.parametrize("q", Q)
def test_label_gradient_is_derivative_of_loss_in_labels(q):
    z = np.full_like(X, 0.4)
    h = 1e-6
    fd = central(lambda v: wce_c.loss(v, X, q, sample_weight=1.3), z, h)
    got = wce_c.label_gradient(z, X, q, sample_weight=1.3)
    scale = np.maximum(np.abs(got), 1.0)
    np.testing.assert_array_less(np.abs(fd - got) / scale, 1e-6)


def test_hessian_is_positive_everywhere_it_is_representable():
    x = np.linspace(-700, 700, 2801)
    assert np.all(wce_c.hessian(np.zeros_like(x), x, 2.0) > 0)
    xf = np.linspace(-100, 100, 801).astype(np.float32)
    assert np.all(wce_c.hessian(np.ones_like(xf), xf, 2.0) > 0)
