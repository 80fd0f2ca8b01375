"""Labels of 0 and 1 take a shorter evaluation in the float64 kernels, for whole blocks and
patched into mixed ones (include/wce_c/kernels.h, "Hard labels"), so an element's result must
not depend on the other elements of its block.  Here through the public functions: the same
inputs with a soft label in every block (so that every block is mixed) agree bit for bit on
the other elements, at every instruction-set level, with every kind of pos_weight and sample
weight, on one and two threads.  (Their accuracy is the mpmath tests'.)"""

import numpy as np
import pytest

import wce_c

N_ROWS, N_COLS = 700, 5  # 3,500 elements: 13 blocks of 256 and a partial one


def logits(rng, n):
    """Logits over the whole range the hard-label form admits, and past it (|x| > 512),
    with exact zeros of both signs."""
    x = rng.standard_normal(n) * 6.0
    x[::11] = rng.uniform(-600.0, 600.0, x[::11].size)
    x[::13] = np.ldexp(1.0, rng.integers(-60, 9, x[::13].size)) * rng.choice([-1, 1], x[::13].size)
    x[5] = 0.0
    x[6] = -0.0
    x[7] = 512.0
    x[8] = -512.0
    return x.reshape(N_ROWS, N_COLS)


def weights(kind, rng):
    if kind == "none":
        return 2.5, None
    if kind == "columns":
        return np.array([0.5, 1.0, 3.0, 1e-300, 2.0 ** 400]), rng.uniform(0.1, 5.0, N_ROWS)[:, None]
    # full arrays, with a negative weight, a zero weight and a zero pos_weight among them
    q = rng.uniform(0.1, 20.0, (N_ROWS, N_COLS))
    w = rng.uniform(-2.0, 5.0, (N_ROWS, N_COLS))
    q[3, 1] = 0.0
    w[4, 2] = 0.0
    return q, w


def bits(a):
    return np.ascontiguousarray(a).view(np.uint64)


QUANTITIES = {
    "loss": lambda z, x, q, w, t: (wce_c.loss(z, x, q, sample_weight=w, n_threads=t),),
    "gradient": lambda z, x, q, w, t: (wce_c.gradient(z, x, q, sample_weight=w, n_threads=t),),
    "hessian": lambda z, x, q, w, t: (wce_c.hessian(z, x, q, sample_weight=w, n_threads=t),),
    "loss_gradient": lambda z, x, q, w, t: wce_c.loss_gradient(z, x, q, sample_weight=w,
                                                               n_threads=t),
    "gradient_hessian": lambda z, x, q, w, t: wce_c.gradient_hessian(z, x, q, sample_weight=w,
                                                                     n_threads=t),
}


@pytest.mark.parametrize("quantity", sorted(QUANTITIES))
@pytest.mark.parametrize("kind", ["none", "columns", "full"])
def test_hard_label_elements_keep_their_bits_in_mixed_blocks(simd_level, threads_on_small_inputs, quantity, kind):
    rng = np.random.default_rng(20261201)
    x = logits(rng, N_ROWS * N_COLS)
    q, w = weights(kind, rng)
    z = rng.integers(0, 2, x.shape).astype(np.float64)
    z.flat[::17] = -0.0
    fn = QUANTITIES[quantity]
    hard = fn(z, x, q, w, 1)
    mixed_z = z.copy()
    mixed_z.flat[3::97] = 0.5  # at least two soft labels in every block of 256
    soft = mixed_z != 0.5
    mixed = fn(mixed_z, x, q, w, 1)
    for a, b in zip(hard, mixed):
        assert np.array_equal(bits(a)[soft], bits(b)[soft])
    for a, b in zip(hard, fn(z, x, q, w, 2)):
        assert np.array_equal(bits(a), bits(b))

