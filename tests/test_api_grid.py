"""Every combination of dtype, threads, pos_weight and sample_weight modes, out=, read-only
inputs and memory layouts gives bitwise the values of the plain call (C-contiguous full
arrays, one thread); sizes around the chunk and sum-block boundaries give the same bits for
every thread count, reductions included."""

import itertools

import numpy as np
import pytest

import wce_c
from wce_c import _kernels

K = 3
ROWS = (4 * _kernels.CHUNK + 2) // K + 1  # several shares per thread count, four sum blocks
SHAPE = (ROWS, K)
SINGLE = [wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient]
FUSED = [wce_c.loss_gradient, wce_c.gradient_hessian]


def make_inputs(dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(SHAPE) * 12).astype(dtype)
    x.flat[:6] = [0.0, -0.0, 40.0, -40.0, 100.0, -100.0]
    z = rng.choice(np.array([0.0, 1.0, 0.3]), SHAPE).astype(dtype)
    return z, x


def param(mode, shape, rng, low):
    if mode is None:
        return None
    if mode == "scalar":
        return 2.5
    if mode == "vector":
        return rng.uniform(low, 4, shape[-1])
    if mode == "column":
        return rng.uniform(low, 4, (shape[0], 1))
    return rng.uniform(low, 4, shape)


def layout(a, how):
    if how == "C":
        return np.ascontiguousarray(a)
    if how == "F":
        return np.asfortranarray(a)
    big = np.zeros((a.shape[0] * 2,) + a.shape[1:], dtype=a.dtype)
    big[::2] = a
    return big[::2]


def read_only(a):
    if isinstance(a, np.ndarray):
        a.flags.writeable = False
    return a


CASES = [
    c for c in itertools.product(
        ["float32", "float64"], [1, 2], ["scalar", "vector", "full", "column"],
        [None, "scalar", "vector", "full"], [None, "fresh", "alias"], [False, True],
        ["C", "F", "strided"])
    if not (c[4] == "alias" and c[5])  # an aliased out must be writable
]


def case_id(c):
    dtype, n_threads, q_mode, w_mode, out_mode, ro, how = c
    return (f"{dtype}-threads{n_threads}-q_{q_mode}-w_{w_mode or 'none'}-out_{out_mode or 'none'}"
            f"-{'readonly' if ro else 'writable'}-{how}")


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_all_variants_equal_the_plain_call_bitwise(case, threads_on_small_inputs):
    dtype, n_threads, q_mode, w_mode, out_mode, ro, how = case
    dtype = np.dtype(dtype)
    rng = np.random.default_rng(1)
    z, x = make_inputs(dtype)
    q = param(q_mode, SHAPE, rng, 0.0)
    w = param(w_mode, SHAPE, rng, -1.0)
    full = lambda p: None if p is None else np.ascontiguousarray(np.broadcast_to(np.asarray(p, dtype), SHAPE))  # noqa: E731
    plain_args = (z.copy(), x.copy(), full(q))
    plain_w = full(w)
    for func in SINGLE + FUSED:
        expected = func(*plain_args, sample_weight=plain_w, n_threads=1)
        zz, xx = layout(z, how), layout(x, how)
        qq = layout(np.asarray(q, dtype), how) if isinstance(q, np.ndarray) and q.ndim == 2 else q
        ww = layout(np.asarray(w, dtype), how) if isinstance(w, np.ndarray) and w.ndim == 2 else w
        if ro:
            zz, xx, qq, ww = (read_only(a) for a in (zz, xx, qq, ww))
        fused = func in FUSED
        if out_mode is None:
            out = None
        elif out_mode == "fresh":
            out = tuple(layout(np.full(SHAPE, 7, dtype), how) for _ in range(2 if fused else 1))
        else:
            out = (xx, zz) if fused else (xx,)
        got = func(zz, xx, qq, sample_weight=ww, n_threads=n_threads,
                   out=None if out is None else (out if fused else out[0]))
        if not fused:
            expected, got = (expected,), (got,)
        for k, (e, g) in enumerate(zip(expected, got)):
            assert g.dtype == dtype and g.shape == SHAPE
            if out is not None:
                assert g is out[k]
            mismatch = np.flatnonzero(~((e == g) | (np.isnan(e) & np.isnan(g))).ravel())
            assert mismatch.size == 0, (
                f"{func.__name__} output {k}: first mismatch at flat index {mismatch[0]}: "
                f"{e.ravel()[mismatch[0]]!r} != {g.ravel()[mismatch[0]]!r}")
        if out_mode == "alias":  # the inputs were overwritten: restore them for the next func
            z, x = make_inputs(dtype)


@pytest.mark.parametrize("shape", [(40, 25), (3, 7000)], ids=["small", "threaded"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
def test_fast_path_equals_general_path_bitwise(dtype, weighted, shape):
    """The two routes of a call agree bit for bit: contiguous inputs with a Python number as
    pos_weight take the C fast path (threads from the parallel threshold, with or without
    out=), which is the rules of _rules.py written in C; a pos_weight given as an array
    takes the general path."""
    rng = np.random.default_rng(17)
    x = (rng.standard_normal(shape) * 20).astype(dtype)
    z = rng.choice([0.0, 1.0, 0.35], shape).astype(dtype)
    w = rng.uniform(0, 3, shape).astype(dtype) if weighted else None
    for func in (wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient,
                 wce_c.loss_gradient, wce_c.gradient_hessian):
        for q in (0.3, 7, 0):
            general = func(z, x, np.asarray(q), sample_weight=w, n_threads=1)
            pair = isinstance(general, tuple)
            for threads in (None, 1, 2):
                fast = func(z, x, q, sample_weight=w, n_threads=threads)
                out = (np.empty_like(x), np.empty_like(x)) if pair else np.empty_like(x)
                into = func(z, x, q, sample_weight=w, n_threads=threads, out=out)
                if pair:
                    assert into[0] is out[0] and into[1] is out[1]
                else:
                    assert into is out
                for got in (fast, into):
                    for a, b in zip(got if pair else (got,), general if pair else (general,)):
                        assert a.dtype == dtype and a.shape == x.shape
                        assert a.tobytes() == b.tobytes()


SIZES = [1, 2, 7, 4095, 4096, 4097, 8191, 8193, 12289, 16385, 32771, 65536 + 13]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", SIZES)
def test_same_bits_for_every_thread_count_around_boundaries(n, dtype, threads_on_small_inputs,
                                                           simd_level):
    rng = np.random.default_rng(n)
    x = (rng.standard_normal(n) * 10).astype(dtype)
    z = (rng.random(n) < 0.3).astype(dtype)
    w = rng.uniform(0, 2, n)
    for n_threads in (2, 3):
        for func in SINGLE:
            np.testing.assert_array_equal(func(z, x, 3.0, sample_weight=w, n_threads=1),
                                          func(z, x, 3.0, sample_weight=w, n_threads=n_threads))
        for func in FUSED:
            for a, b in zip(func(z, x, 3.0, n_threads=1), func(z, x, 3.0, n_threads=n_threads)):
                np.testing.assert_array_equal(a, b)
        for reduction in ("sum", "mean"):
            one = wce_c.loss(z, x, 3.0, sample_weight=w, reduction=reduction, n_threads=1)
            many = wce_c.loss(z, x, 3.0, sample_weight=w, reduction=reduction,
                              n_threads=n_threads)
            assert one.tobytes() == many.tobytes(), (reduction, n_threads, one, many)


@pytest.mark.parametrize("k", [1, 2, 5, 1023, 1025, 4097])
def test_periodic_pos_weight_equals_expanded_for_any_period(k, threads_on_small_inputs,
                                                            simd_level):
    """A per-class vector of any length (tiled internally when short) matches the full array,
    also for the sum, whose blocks cut through the periods."""
    rows = 9000 // k + 3
    rng = np.random.default_rng(k)
    x = rng.standard_normal((rows, k)) * 5
    z = (rng.random((rows, k)) < 0.5) * 1.0
    q = rng.uniform(0, 5, k)
    w = rng.uniform(0, 5, k)
    q_full = np.ascontiguousarray(np.broadcast_to(q, x.shape))
    w_full = np.ascontiguousarray(np.broadcast_to(w, x.shape))
    for n_threads in (1, 2):
        np.testing.assert_array_equal(
            wce_c.gradient(z, x, q, sample_weight=w, n_threads=n_threads),
            wce_c.gradient(z, x, q_full, sample_weight=w_full, n_threads=1))
        assert wce_c.loss(z, x, q, sample_weight=w, reduction="sum", n_threads=n_threads) == \
            wce_c.loss(z, x, q_full, sample_weight=w_full, reduction="sum", n_threads=1)
