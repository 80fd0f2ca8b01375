"""The one place where the number of threads is decided.

Rules (DESIGN section 3):

* ``None``: OpenMP's default, ``omp_get_max_threads()``, which follows ``OMP_NUM_THREADS``
  and any limit set through ``threadpoolctl``; capped by the CPUs this process may use, and
  by the CPUs the machine has free right now: the usable CPUs less the tasks of other
  processes that are running or waiting to run (Linux: ``/proc/loadavg``'s runnable count
  less this process's own runnable threads, read at most every ``LOAD_RECHECK`` seconds;
  a reading is tempered by the one before it only when that one is at most ``LOAD_PAIR``
  seconds old, so a fresh process, or one that has not called for a while, trusts what it
  reads now).
  A team member that the scheduler does not run stalls the whole call at the region's end,
  so on a busy machine the default is one thread, which is never much slower than asked.
  The load does not show every such stall: on a virtual machine a CPU left idle for some
  milliseconds can take milliseconds to run a woken thread again, and the woken thread may
  share the calling one's CPU.  So every elementwise parallel region is timed
  (``_kernels.team_timing``), and when it took more than ``TEAM_SLOWDOWN`` times what one
  thread would have (estimated from its fastest chunk) plus ``TEAM_SLACK``, twice in a row,
  the default is one thread for ``TEAM_BACKOFF`` seconds; after that, each region that is
  slow again doubles the time, up to ``TEAM_BACKOFF_MAX``, and one that is not resets it.
* ``-1``: every usable CPU.
* a positive integer: that many threads, as asked (not cut to the CPUs free now).
* ``-1`` and a positive integer alike give way to one thread during the backoff above: a
  team of k that has just stalled calls twice in a row would stall the next ones too.
* ``0``, a negative number other than -1, or anything that is not an integer: an error.

Inputs smaller than ``parallel_min_size()`` (PARALLEL_MIN_SIZE float64 elements, twice as many
float32 ones) run on one thread, without starting a thread team.

Fork safety: GNU libgomp leaves a forked child hung at its first parallel region when the
parent had run one before the fork, whoever ran it: this package, or another library that
shares the system's libgomp (LightGBM does).  A region leaves its pool threads behind, so a
child forked from a process that had run a parallel region here, or that had any thread
besides the forking one (counted in ``/proc/self/task`` at the fork; where that cannot be
read, any fork counts), runs every kernel on one thread, outside any parallel region.
"""

from __future__ import annotations

import math
import numbers
import os
import time
from typing import Any, Dict, Optional

from . import _kernels

# Below this many float64 elements a thread team costs more than it saves; a float32
# element costs about half as much, so float32 inputs need twice as many (see
# parallel_min_size).  The default call's team (the thread decision, waking the team, closing
# it) costs some microseconds; measured with the default call on 2 cores (AMD EPYC, AVX-512
# kernels, fresh results) against one thread, float64 gains from 8192 elements, float32 from
# 16384 (at 8192 and 12288 it did not).  Below 8192 there are not two shares of CHUNK_MIN
# (4096) elements to hand out anyway.
PARALLEL_MIN_SIZE = 1 << 13

_state = {"parallel_ran": False, "threads_at_fork": 1, "forked_after_parallel": False}

# How long a reading of the machine's load stays good: short beside a change of load, long
# beside the reading's own cost (tens of microseconds).
LOAD_RECHECK = 0.02
# How long a reading may temper the next (the smaller count taken): long enough that a task
# which runs for an instant does not cost more than one reading, short enough that a reading
# from a quiet moment long ago does not hand a thread team to a busy machine now.
LOAD_PAIR = 0.25
# at: when the cached count was taken (-1: take a new one); others: that count; last, last_at:
# the raw count of the latest reading and when it was taken (-inf: none yet).
_load = {"at": -1.0, "others": 0.0, "last": 0.0, "last_at": -math.inf}

# How much longer than one thread a parallel region may take before its team counts as slow:
# TEAM_SLOWDOWN times the one-thread estimate (which is low by the spread of the chunks'
# times, so a region that merely gained nothing is not counted), plus TEAM_SLACK seconds, far
# above what starting and closing a team costs (microseconds).
TEAM_SLOWDOWN = 1.5
TEAM_SLACK = 0.0002
# One thread by default for this long after a slow region (seconds), doubling while the
# regions that try two threads again stay slow: a caller that keeps meeting a slow team
# pays one slow call per TEAM_BACKOFF_MAX seconds at most.
TEAM_BACKOFF = 0.1
TEAM_BACKOFF_MAX = 2.0
# seen: team_timing() when last looked at; strikes: slow looks in a row; until: one thread
# until then; backoff: the next such time.
_team: Dict[str, Any] = {"seen": (0, 0, 0), "strikes": 0, "until": -math.inf,
                         "backoff": TEAM_BACKOFF}


def team_responsive(now: float) -> bool:
    """Whether the default may take a team now: not within a backoff (see the rules above).
    Looks at the regions timed since the last look, together (a call of several stretches
    is several regions).  A single slow look among good ones (a vCPU the host paused for a
    moment) is let pass; two in a row, or one right after a backoff, start one."""
    timing = _kernels.team_timing()
    seen = _team["seen"]
    if timing[0] != seen[0]:
        _team["seen"] = timing
        if timing[1] - seen[1] > TEAM_SLOWDOWN * (timing[2] - seen[2]) + TEAM_SLACK * 1e9:
            _team["strikes"] += 1
            if _team["strikes"] >= 2 or _team["backoff"] > TEAM_BACKOFF:
                _team["until"] = now + _team["backoff"]
                _team["backoff"] = min(2.0 * _team["backoff"], TEAM_BACKOFF_MAX)
        else:
            _team["strikes"] = 0
            _team["backoff"] = TEAM_BACKOFF
    return now >= _team["until"]


def _before_fork() -> None:
    try:
        _state["threads_at_fork"] = len(os.listdir("/proc/self/task"))
    except OSError:
        _state["threads_at_fork"] = 2  # unknown: as if another thread pool existed


def _after_fork_in_child() -> None:
    if _state["parallel_ran"] or _state["threads_at_fork"] > 1:
        _state["forked_after_parallel"] = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


# at: when the affinity mask was last read (-inf: never); count: its CPUs.
_cpus: Dict[str, float] = {"at": -math.inf, "count": 1}


def usable_cpus(now: Optional[float] = None) -> int:
    """CPUs this process may run on (its affinity mask where the OS has one).  Read again at
    most every LOAD_RECHECK seconds (``now``: time.monotonic(), taken if not given): the
    system call and the set it builds cost about as much as the rest of the thread
    decision, and a mask changes far less often than a call comes."""
    if now is None:
        now = time.monotonic()
    if now - _cpus["at"] >= LOAD_RECHECK:
        try:
            count = max(1, len(os.sched_getaffinity(0)))
        except (AttributeError, OSError):
            count = max(1, os.cpu_count() or 1)
        _cpus.update(at=now, count=count)
    return int(_cpus["count"])


def _own_runnable_threads() -> int:
    """This process's threads that are running or runnable (state R), this one included."""
    n = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 1
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        end = stat.rfind(b")")
        if stat[end + 2:end + 3] == b"R":
            n += 1
    return max(n, 1)


def _others_now() -> int:
    """One raw reading: tasks of other processes that are running or runnable (0 where the
    OS does not say)."""
    try:
        # This process's runnable threads are counted before and after the machine's, and
        # the larger count taken: one of its idle OpenMP workers that stops spinning (or
        # starts) in between must not pass for another process's task.
        before = _own_runnable_threads()
        with open("/proc/loadavg", "rb") as f:
            running = int(f.read().split()[3].split(b"/")[0])
        return max(0, running - max(before, _own_runnable_threads()))
    except (OSError, ValueError, IndexError):
        return 0


def runnable_elsewhere() -> int:
    """Tasks of other processes that are running or waiting for a CPU now (0 where the OS
    does not say: then the default is the usable CPUs, as before): the smaller of this
    reading and the one before it when that one is recent (at most LOAD_PAIR seconds), so
    that a task that runs for an instant (a kernel worker, a shell) does not cost a call its
    threads while a process that keeps running shows in both; this reading alone otherwise
    (the first call of a process, or the first after a pause, must not take its threads from
    a moment it did not see).  Cached for LOAD_RECHECK seconds."""
    now = time.monotonic()
    if now - _load["at"] < LOAD_RECHECK:
        return int(_load["others"])
    others = _others_now()
    recent = now - _load["last_at"] <= LOAD_PAIR
    steady = min(others, int(_load["last"])) if recent else others
    _load.update(at=now, others=steady, last=others, last_at=now)
    return steady


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


def parallel_min_size(float32: bool = False) -> int:
    """The fewest elements that may take a thread team: PARALLEL_MIN_SIZE float64 elements,
    or twice as many float32 ones."""
    return PARALLEL_MIN_SIZE * 2 if float32 else PARALLEL_MIN_SIZE


def threads_for(n_threads, n_elements: int, float32: bool = False) -> int:
    """The number of threads for a call on ``n_elements`` elements (computed in float32 if
    ``float32``, which only matters from PARALLEL_MIN_SIZE elements on): the one decision,
    which the fast path, the general path, the sums and the dask blocks all take.  Raises
    for an ``n_threads`` that the rules above do not allow."""
    if n_threads is not None and not (type(n_threads) is int
                                      and (n_threads >= 1 or n_threads == -1)):
        validate_n_threads(n_threads)  # raises, or passes an integer of another type
        n_threads = int(n_threads)
    if n_elements < (PARALLEL_MIN_SIZE * 2 if float32 else PARALLEL_MIN_SIZE):
        return 1
    has_openmp, _, omp_default = _kernels.openmp_info()
    if not has_openmp or _state["forked_after_parallel"]:
        return 1
    if n_threads is None:
        now = time.monotonic()
        cpus = usable_cpus(now)
        if cpus < 2 or omp_default < 2 or not team_responsive(now):
            return 1
        threads = min(omp_default, cpus, max(1, cpus - runnable_elsewhere()))
    else:
        threads = usable_cpus() if n_threads == -1 else n_threads
        # An explicit count is not cut to the free CPUs, but a team that has just stalled
        # calls (team_responsive) gives way to one thread as the default's does: beside busy
        # processes a team of k can hold every call for a time slice.
        if threads > 1 and not team_responsive(time.monotonic()):
            return 1
    threads = max(1, threads)
    if threads > 1:
        _state["parallel_ran"] = True
    return threads


def default_threads() -> int:
    """What ``n_threads=None`` gives for a large input on a quiet machine."""
    has_openmp, _, omp_default = _kernels.openmp_info()
    if not has_openmp or _state["forked_after_parallel"]:
        return 1
    return max(1, min(omp_default, usable_cpus()))
