"""No memory growth over many calls; inputs past 2**31 elements (slow, memory permitting)."""

import gc
import os
import tracemalloc

import numpy as np
import pytest

import wce_c

FUNCS = [wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient,
         wce_c.loss_gradient, wce_c.gradient_hessian]


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def calls(n):
    """Every function, small inputs (the fast path) and the general path (strided input,
    out=, a reduction, an error), n rounds."""
    x = np.linspace(-30, 30, 64)
    z = (x > 0).astype(np.float64)
    xs = np.linspace(-30, 30, 128)[::2]
    out = np.empty(64)
    for _ in range(n):
        for f in FUNCS:
            f(z, x, 2.0)
        wce_c.gradient(z, xs, 2.0, out=out)
        wce_c.loss(z, x, 2.0, sample_weight=0.5, reduction="mean")
        try:
            wce_c.hessian(z, x, -1.0)
        except ValueError:
            pass


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_no_growth_over_100k_calls_of_every_function():
    """RSS and Python allocations (tracemalloc) over the same 100,000 rounds.  A few KiB of
    caches (dtype names, the last exception) appear once and do not grow with the rounds."""
    calls(2_000)
    gc.collect()
    tracemalloc.start()
    try:
        first = tracemalloc.take_snapshot()
        rss_before = rss_bytes()
        calls(100_000)
        gc.collect()
        rss_grown = rss_bytes() - rss_before
        second = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    py_grown = sum(s.size_diff for s in second.compare_to(first, "filename"))
    assert py_grown < 64 * 1024, f"{py_grown} bytes of Python allocations left behind"
    assert rss_grown < 4 * 2**20, f"RSS grew by {rss_grown / 2**20:.1f} MiB"


def mem_available() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@pytest.mark.slow
@pytest.mark.skipif(mem_available() < 20 * 2**30,
                    reason="needs 20 GiB free: 2**31 + 17 float32 logits and labels")
def test_more_than_2_31_elements():
    n = 2**31 + 17
    x = np.zeros(n, dtype=np.float32)
    x[-17:] = np.arange(17, dtype=np.float32)
    z = np.broadcast_to(np.float32(0.0), (n,))  # a zero-stride label: copied once
    total = wce_c.loss(z, x, 1.0, reduction="sum")
    tail = float(np.sum(np.log1p(np.exp(np.arange(17, dtype=np.float64)))))
    expected = (n - 17) * np.log(2.0) + tail
    assert float(total) == pytest.approx(expected, rel=1e-6)
