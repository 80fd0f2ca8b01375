"""The one place where the number of threads is decided.

Rules (DESIGN section 3):

* ``None``: OpenMP's default, ``omp_get_max_threads()``, which follows ``OMP_NUM_THREADS``
  and any limit set through ``threadpoolctl``; capped by the CPUs this process may use.
* ``-1``: every usable CPU.
* a positive integer: that many threads, as asked.
* ``0``, a negative number other than -1, or anything that is not an integer: an error.

Inputs smaller than ``PARALLEL_MIN_SIZE`` run on one thread, without starting a thread team.

Fork safety: GNU libgomp leaves a forked child hung at its first parallel region when the
parent had run one before the fork.  So once this process has run a parallel region, a child
forked from it runs every kernel on one thread, outside any parallel region.
"""

from __future__ import annotations

import numbers
import os

from . import _kernels

# Below this many elements a thread team costs more than it saves.  Measured on 2 cores
# (AMD EPYC, AVX-512 kernels, one equal share per thread, the C fast path): two threads ran
# the float32 loss 1.57x as fast as one at 8192 elements, 1.74x at 16384, 1.85x at 32768;
# float64 gradient + hessian 1.78x, 1.89x, 1.96x.  Below 8192 there are not two shares of
# CHUNK_MIN (4096) elements to hand out anyway.
PARALLEL_MIN_SIZE = 1 << 13

_state = {"parallel_ran": False, "forked_after_parallel": False}


def _after_fork_in_child() -> None:
    if _state["parallel_ran"]:
        _state["forked_after_parallel"] = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def validate_n_threads(n_threads) -> None:
    """Raise TypeError or ValueError for an n_threads that the rules above do not allow."""
    if n_threads is None:
        return
    if isinstance(n_threads, bool) or not isinstance(n_threads, numbers.Integral):
        raise TypeError(
            f"n_threads must be None or an integer, got {type(n_threads).__name__}"
        )
    if n_threads == 0 or n_threads < -1:
        raise ValueError(
            f"n_threads must be None, -1 (all CPUs) or a positive integer, got {n_threads}"
        )


def threads_for(n_threads, n_elements: int) -> int:
    """The number of threads for a call on ``n_elements`` elements: the one decision, which
    the fast path, the general path, the sums and the dask blocks all take.  Raises for an
    ``n_threads`` that the rules above do not allow."""
    if n_threads is not None and not (type(n_threads) is int
                                      and (n_threads >= 1 or n_threads == -1)):
        validate_n_threads(n_threads)  # raises, or passes an integer of another type
        n_threads = int(n_threads)
    if n_elements < PARALLEL_MIN_SIZE:
        return 1
    has_openmp, _, omp_default = _kernels.openmp_info()
    if not has_openmp or _state["forked_after_parallel"]:
        return 1
    if n_threads is None:
        threads = min(omp_default, usable_cpus())
    elif n_threads == -1:
        threads = usable_cpus()
    else:
        threads = n_threads
    threads = max(1, threads)
    if threads > 1:
        _state["parallel_ran"] = True
    return threads


def default_threads() -> int:
    """What ``n_threads=None`` gives for a large input."""
    has_openmp, _, omp_default = _kernels.openmp_info()
    if not has_openmp or _state["forked_after_parallel"]:
        return 1
    return max(1, min(omp_default, usable_cpus()))
