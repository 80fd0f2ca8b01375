"""Large fresh results come from a bounded pool of reused memory: each result owns its
memory while any view of it lives, two live results never share memory, and the pool keeps
no more than it says."""

import gc
import pickle

import numpy as np

import wce_c
from wce_c import _kernels

N = 200_000  # 1.6 MB of float64: above the pool's threshold


def test_large_results_are_pooled_and_reused():
    x = np.linspace(-5, 5, N)
    z = (x > 0) * 1.0
    expected = wce_c.loss(z, x, 2.0, n_threads=1).copy()
    first = wce_c.loss(z, x, 2.0)
    assert type(first.base).__name__ == "_PooledMemory" and not first.flags.owndata
    address = first.__array_interface__["data"][0]
    del first
    gc.collect()
    kept, _ = _kernels.pool_state()
    again = wce_c.loss(z, x, 2.0)
    assert again.__array_interface__["data"][0] == address  # the same memory, reused
    assert _kernels.pool_state()[0] == kept - 1
    np.testing.assert_array_equal(again, expected)


def test_live_results_never_share_memory_and_views_keep_theirs():
    x = np.linspace(-5, 5, N)
    z = np.ones_like(x)
    g, h = wce_c.gradient_hessian(z, x, 3.0)
    l1 = wce_c.loss(z, x, 3.0)
    view = l1[10:20]
    saved = view.copy()
    del l1
    gc.collect()
    l2 = wce_c.loss(z, x + 1.0, 3.0)
    for a, b in [(g, h), (g, l2), (h, l2), (view, l2), (view, g)]:
        assert not np.shares_memory(a, b)
    np.testing.assert_array_equal(view, saved)
    assert pickle.loads(pickle.dumps(view)).tolist() == saved.tolist()


def test_the_pool_stays_bounded():
    for k in range(40):
        n = N + 4096 * k  # a new size every time
        r = wce_c.gradient(np.zeros(n), np.zeros(n))
        del r
    count, total = _kernels.pool_state()
    assert count <= 16 and total <= _kernels.POOL_BYTES


def test_mid_sized_pairs_are_pooled():
    # Two 240 kB float64 outputs: sizes at which glibc's malloc maps or trims and maps again
    # at every call (its dynamic thresholds), so that each call page-faults them in.
    n = 30_000
    g, h = wce_c.gradient_hessian(np.zeros(n), np.zeros(n))
    for r in (g, h):
        assert type(r.base).__name__ == "_PooledMemory" and not r.flags.owndata
    small = wce_c.loss(np.zeros(8191, np.float32), np.zeros(8191, np.float32))
    assert small.flags.owndata  # 32 kB


def test_small_results_are_plain_numpy_arrays():
    r = wce_c.loss(np.zeros(100), np.zeros(100))
    assert r.flags.owndata
    e = _kernels.empty((3, 4), np.float32)
    assert e.shape == (3, 4) and e.dtype == np.float32 and e.flags.c_contiguous
