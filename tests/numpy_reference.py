"""An independent NumPy expression of the stable forms, for tests with a tolerance.

Written from DESIGN section 1 with NumPy's own functions (logaddexp, exp, float64 throughout),
not from the C core, so that agreement tests the core rather than restating it.
"""

import numpy as np


def _terms(z, x, q, w):
    """(1 - z), q z, x and w in float64.  The weight multiplies each quantity last, in one
    rounding, as in the core: with a subnormal weight, an earlier product would round at the
    subnormal scale and carry that absolute error through the rest."""
    z, x, q, w = (np.asarray(a, dtype=np.float64) for a in (z, x, q, w))
    return 1.0 - z, q * z, x, w


def loss(z, x, q=1.0, w=1.0):
    a, b, x, w = _terms(z, x, q, w)
    with np.errstate(invalid="ignore", over="ignore"):
        return w * (a * np.logaddexp(0.0, x) + b * np.logaddexp(0.0, -x))


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return np.where(x >= 0, 1.0 / (1.0 + np.exp(-np.abs(x))),
                        np.exp(-np.abs(x)) / (1.0 + np.exp(-np.abs(x))))


def gradient(z, x, q=1.0, w=1.0):
    a, b, x, w = _terms(z, x, q, w)
    return w * (a * _sigmoid(x) - b * _sigmoid(-x))


def hessian(z, x, q=1.0, w=1.0):
    a, b, x, w = _terms(z, x, q, w)
    return w * ((a + b) * _sigmoid(x) * _sigmoid(-x))


def label_gradient(z, x, q=1.0, w=1.0):
    _, _, x, w = _terms(z, x, q, w)
    return w * (np.asarray(q, dtype=np.float64) * np.logaddexp(0.0, -x) - np.logaddexp(0.0, x))


def seed_loss(z, x, q=1.0):
    """TensorFlow's documented formula, in the dtype of x."""
    one = x.dtype.type(1)
    l = (one - z) + q * z
    return (one - z) * x + l * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0))


def magnitude(quantity, z, x, q=1.0, w=1.0):
    """Sum of the absolute values of the terms of ``quantity``: the scale of its rounding
    error, which for the quantities with a root exceeds the value itself."""
    a, b, x, w = _terms(z, x, q, w)
    a, b = np.abs(w * a), np.abs(w * b)
    with np.errstate(invalid="ignore", over="ignore"):
        if quantity in ("loss", "label_gradient"):
            wq = np.abs(np.asarray(w, np.float64)) * (1 + np.asarray(q, np.float64))
            sp = np.logaddexp(0.0, x) + np.logaddexp(0.0, -x)
            return (a + b) * sp if quantity == "loss" else wq * sp
        return (a + b) * (_sigmoid(x) + _sigmoid(-x))
