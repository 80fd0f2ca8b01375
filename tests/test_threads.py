"""Thread-count rules, the GIL released, fork safety and concurrent callers."""

import math
import os
import shutil
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import wce_c
from wce_c import _threads


@pytest.fixture(autouse=True)
def responsive_team(monkeypatch):
    """Each test starts as if no parallel region had been slow (an earlier test's region on
    a busy CI machine may have been)."""
    monkeypatch.setattr(_threads, "_team", {"seen": wce_c._kernels.team_timing(),
                                            "strikes": 0, "until": -math.inf,
                                            "backoff": _threads.TEAM_BACKOFF})


def test_none_uses_openmp_default_capped_by_usable_cpus(monkeypatch):
    monkeypatch.setattr(_threads, "runnable_elsewhere", lambda: 0)  # a quiet machine
    has_omp, _, omp_max = wce_c._kernels.openmp_info()
    expected = min(omp_max, _threads.usable_cpus()) if has_omp else 1
    assert _threads.threads_for(None, 10**7) == expected


@pytest.mark.parametrize("others", [1, 2, 5, 100])
def test_none_leaves_the_cpus_that_other_processes_run_on(monkeypatch, others):
    monkeypatch.setattr(_threads, "runnable_elsewhere", lambda: others)
    has_omp, _, omp_max = wce_c._kernels.openmp_info()
    cpus = _threads.usable_cpus()
    expected = max(1, min(omp_max, cpus - others)) if has_omp else 1
    assert _threads.threads_for(None, 10**7) == expected
    # an explicit count is still what was asked
    assert _threads.threads_for(2, 10**7) == (2 if has_omp else 1)


class _Clock:
    """A stand-in for the time module as _threads uses it: monotonic() returns ``t``."""

    def __init__(self):
        self.t = 1000.0

    def monotonic(self):
        return self.t


@pytest.fixture
def load_readings(monkeypatch):
    """_threads with a fresh load cache, a clock the test moves and raw readings it sets."""
    clock = _Clock()
    raw = {"others": 0}
    monkeypatch.setattr(_threads, "time", clock)
    monkeypatch.setattr(_threads, "_load",
                        {"at": -1.0, "others": 0.0, "last": 0.0, "last_at": -math.inf})
    monkeypatch.setattr(_threads, "_others_now", lambda: raw["others"])
    return clock, raw


def test_a_fresh_process_trusts_its_first_reading(load_readings):
    # A process that starts on a busy machine must not run its first calls on a team that
    # the machine cannot give (it had: the missing earlier reading counted as a quiet one).
    clock, raw = load_readings
    raw["others"] = 2
    assert _threads.runnable_elsewhere() == 2
    has_omp = wce_c._kernels.openmp_info()[0]
    if has_omp and _threads.usable_cpus() <= 2:
        assert _threads.threads_for(None, 10**7) == 1


def test_a_passing_task_costs_at_most_one_reading(load_readings):
    clock, raw = load_readings
    assert _threads.runnable_elsewhere() == 0
    clock.t += 0.05
    raw["others"] = 1  # a task that runs for an instant
    assert _threads.runnable_elsewhere() == 0  # tempered by the recent quiet reading
    clock.t += 0.05
    raw["others"] = 0
    assert _threads.runnable_elsewhere() == 0
    clock.t += 0.05
    raw["others"] = 3  # a process that keeps running shows from its second reading
    assert _threads.runnable_elsewhere() == 0
    clock.t += 0.05
    assert _threads.runnable_elsewhere() == 3


def test_an_old_quiet_reading_does_not_hide_a_busy_machine(load_readings):
    clock, raw = load_readings
    assert _threads.runnable_elsewhere() == 0
    clock.t += _threads.LOAD_PAIR + 0.01  # a pause between calls
    raw["others"] = 2
    assert _threads.runnable_elsewhere() == 2


def test_the_reading_is_cached_for_load_recheck(load_readings):
    clock, raw = load_readings
    raw["others"] = 2
    assert _threads.runnable_elsewhere() == 2
    raw["others"] = 0
    clock.t += _threads.LOAD_RECHECK / 2
    assert _threads.runnable_elsewhere() == 2  # the cached count, no new reading
    clock.t += _threads.LOAD_RECHECK
    assert _threads.runnable_elsewhere() == 0


class _Regions:
    """A stand-in for _kernels.team_timing: the test appends regions (ms, one-thread ms)."""

    def __init__(self):
        self.regions = []

    def __call__(self):
        return (len(self.regions), int(sum(r[0] for r in self.regions) * 1e6),
                int(sum(r[1] for r in self.regions) * 1e6))


@pytest.fixture
def timed_regions(monkeypatch, load_readings):
    """_threads with a clock the test moves, a quiet machine and regions the test times."""
    clock, _ = load_readings
    regions = _Regions()
    monkeypatch.setattr(_threads._kernels, "team_timing", regions)
    monkeypatch.setattr(_threads, "_team", {"seen": (0, 0, 0), "strikes": 0,
                                            "until": -math.inf, "backoff": _threads.TEAM_BACKOFF})
    return clock, regions


@pytest.mark.skipif(_threads.default_threads() < 2, reason="needs a team by default")
def test_a_team_slower_than_one_thread_gives_way_for_a_while(timed_regions):
    clock, regions = timed_regions
    big = 10**7
    assert _threads.threads_for(None, big) > 1
    regions.regions.append((0.3, 0.4))  # a team that gained: nothing changes
    assert _threads.threads_for(None, big) > 1
    regions.regions.append((5.6, 0.4))  # a worker that ran 5 ms late, once: let pass
    assert _threads.threads_for(None, big) > 1
    regions.regions.append((0.3, 0.4))
    assert _threads.threads_for(None, big) > 1
    regions.regions.append((5.6, 0.4))  # twice in a row: one thread for a while
    assert _threads.threads_for(None, big) > 1
    regions.regions.append((5.6, 0.4))
    assert _threads.threads_for(None, big) == 1
    # an explicit count gives way too, and small inputs stay on one thread as ever
    assert _threads.threads_for(3, big) == 1
    assert _threads.threads_for(-1, big) == 1
    clock.t += _threads.TEAM_BACKOFF * 0.9
    assert _threads.threads_for(None, big) == 1
    assert _threads.threads_for(3, big) == 1
    clock.t += _threads.TEAM_BACKOFF * 0.2
    assert _threads.threads_for(None, big) > 1  # tried again after the backoff
    assert _threads.threads_for(3, big) == 3  # and the explicit count is what was asked
    # slow again: twice as long, and so on up to TEAM_BACKOFF_MAX
    waits = []
    for _ in range(8):
        regions.regions.append((5.6, 0.4))
        start = clock.t
        while _threads.threads_for(None, big) == 1:
            clock.t += 0.001
        waits.append(round(clock.t - start, 2))
    assert waits[0] == pytest.approx(2 * _threads.TEAM_BACKOFF, abs=0.01)
    assert waits[1] == pytest.approx(4 * _threads.TEAM_BACKOFF, abs=0.01)
    assert max(waits) == pytest.approx(_threads.TEAM_BACKOFF_MAX, abs=0.01)
    # a region that gains resets the backoff (and the strikes)
    regions.regions.append((0.3, 0.4))
    assert _threads.threads_for(None, big) > 1
    regions.regions.append((5.6, 0.4))
    assert _threads.threads_for(None, big) > 1
    regions.regions.append((5.6, 0.4))
    start = clock.t
    while _threads.threads_for(None, big) == 1:
        clock.t += 0.001
    assert clock.t - start == pytest.approx(_threads.TEAM_BACKOFF, abs=0.01)


@pytest.mark.skipif(_threads.default_threads() < 2, reason="needs a team by default")
def test_the_regions_of_one_call_count_together(timed_regions):
    _, regions = timed_regions
    call = [(6.0, 1.0), (0.5, 1.0), (0.3, 0.5)]  # a slow first stretch, two quick later ones
    regions.regions += call
    assert _threads.threads_for(None, 10**7) > 1  # one slow call: let pass
    regions.regions += call
    assert _threads.threads_for(None, 10**7) == 1  # the last region alone would look quick


@pytest.mark.skipif(_threads.default_threads() < 2, reason="needs a team by default")
def test_a_region_within_the_margin_is_not_slow(timed_regions):
    _, regions = timed_regions
    margin = 0.4 * _threads.TEAM_SLOWDOWN + _threads.TEAM_SLACK * 1e3
    regions.regions.append((margin * 0.99, 0.4))
    assert _threads.threads_for(None, 10**7) > 1
    regions.regions.append((margin * 1.01, 0.4))
    assert _threads.threads_for(None, 10**7) > 1  # one slow region is let pass
    regions.regions.append((margin * 1.01, 0.4))
    assert _threads.threads_for(None, 10**7) == 1


@pytest.mark.skipif(not wce_c._kernels.openmp_info()[0], reason="needs OpenMP")
def test_regions_are_timed():
    x = np.linspace(-20.0, 20.0, 1 << 16)
    z = (x > 0).astype(np.float64)
    before = wce_c._kernels.team_timing()[0]
    sums = wce_c._kernels.team_timing()
    wce_c.gradient_hessian(z, x, 2.0, n_threads=2)
    regions, total, one = wce_c._kernels.team_timing()
    assert regions == before + 1
    assert total > sums[1] and one > sums[2]
    wce_c.gradient_hessian(z, x, 2.0, n_threads=1)  # no region
    assert wce_c._kernels.team_timing()[0] == regions


@pytest.mark.skipif(not wce_c._kernels.openmp_info()[0], reason="needs OpenMP")
def test_an_explicit_count_gives_way_while_teams_stall(monkeypatch):
    """Through the public API: during a backoff an explicit n_threads=2 call opens no
    parallel region (and gives the same bits); after it, the call takes its two threads."""
    x = np.linspace(-20.0, 20.0, 1 << 16)
    z = (x > 0).astype(np.float64)
    g1, h1 = wce_c.gradient_hessian(z, x, 2.0, n_threads=1)
    monkeypatch.setitem(_threads._team, "until", _threads.time.monotonic() + 60.0)
    before = wce_c._kernels.team_timing()[0]
    g2, h2 = wce_c.gradient_hessian(z, x, 2.0, n_threads=2)
    assert wce_c._kernels.team_timing()[0] == before
    monkeypatch.setitem(_threads._team, "until", -math.inf)
    g3, h3 = wce_c.gradient_hessian(z, x, 2.0, n_threads=2)
    assert wce_c._kernels.team_timing()[0] == before + 1
    for a, b in ((g1, g2), (g1, g3), (h1, h2), (h1, h3)):
        assert a.tobytes() == b.tobytes()


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="needs /proc/loadavg")
def test_the_load_reading_sees_busy_processes(monkeypatch):
    monkeypatch.setattr(_threads, "LOAD_RECHECK", 0.0)
    assert _threads._own_runnable_threads() >= 1  # this thread is running
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        seen = 0
        for _ in range(100):  # until both have started
            seen = max(seen, _threads.runnable_elsewhere())
            if seen >= 2:
                break
            threading.Event().wait(0.02)
        assert seen >= 2
    finally:
        for p in hogs:
            p.kill()
            p.wait()


def test_minus_one_uses_every_usable_cpu_and_k_uses_k():
    has_omp = wce_c._kernels.openmp_info()[0]
    assert _threads.threads_for(-1, 10**7) == (_threads.usable_cpus() if has_omp else 1)
    assert _threads.threads_for(3, 10**7) == (3 if has_omp else 1)


def test_small_inputs_run_on_one_thread():
    assert _threads.threads_for(4, _threads.PARALLEL_MIN_SIZE - 1) == 1


def test_float32_inputs_need_twice_the_elements_for_a_team():
    has_omp = wce_c._kernels.openmp_info()[0]
    n = _threads.PARALLEL_MIN_SIZE
    assert _threads.parallel_min_size(True) == 2 * n == 2 * _threads.parallel_min_size()
    assert _threads.threads_for(2, n, float32=True) == 1
    assert _threads.threads_for(2, 2 * n - 1, float32=True) == 1
    assert _threads.threads_for(2, 2 * n, float32=True) == (2 if has_omp else 1)
    assert _threads.threads_for(2, n) == (2 if has_omp else 1)


@pytest.mark.parametrize("contiguous", [True, False], ids=["fast-path", "general-path"])
def test_calls_between_the_thresholds_run_float32_on_one_thread(contiguous):
    has_omp = wce_c._kernels.openmp_info()[0]
    n = 3 * _threads.PARALLEL_MIN_SIZE // 2  # past float64's threshold, below float32's
    for dt, team in [(np.float32, False), (np.float16, False), (np.float64, has_omp),
                     (np.int32, has_omp)]:
        a = np.zeros(2 * n, dt)
        x = a[:n] if contiguous else a[::2]
        before = wce_c._kernels.team_timing()[0]
        wce_c.loss(x, x, n_threads=2)
        assert (wce_c._kernels.team_timing()[0] > before) == team, dt


def test_results_do_not_depend_on_omp_num_threads():
    code = textwrap.dedent("""
        import numpy as np, wce_c
        x = np.linspace(-30, 30, 200_001); z = (np.arange(x.size) % 3 == 0) * 1.0
        g, h = wce_c.gradient_hessian(z, x, 4.0)
        s = wce_c.loss(z, x, 4.0, reduction="sum")
        print(hash(g.tobytes()), hash(h.tobytes()), s.hex(), wce_c.show_config("dicts")["default_threads"])
    """)
    outputs = []
    for n in ("1", "2"):
        env = dict(os.environ, OMP_NUM_THREADS=n, PYTHONHASHSEED="0")
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, timeout=60, check=True)
        outputs.append(r.stdout.split())
    assert outputs[0][:3] == outputs[1][:3]
    assert outputs[0][3] == "1"


FORK_CHILD = textwrap.dedent("""
    import multiprocessing as mp, os, sys
    import numpy as np, wce_c

    def work(_):
        x = np.linspace(-10, 10, 300_000)
        return float(wce_c.loss(np.ones_like(x), x, 2.0, reduction="sum", n_threads=2))

    if __name__ == "__main__":
        parent = work(0)                 # the parent runs a parallel region first
        ctx = mp.get_context("fork")
        with ctx.Pool(2) as pool:
            children = pool.map(work, range(4))
        pid = os.fork()
        if pid == 0:
            os._exit(0 if work(0) == parent else 3)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0, status
        assert children == [parent] * 4
        print("ok")
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_children_do_not_hang_and_get_the_same_result(tmp_path):
    script = tmp_path / "fork_child.py"
    script.write_text(FORK_CHILD)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


FORK_AFTER_LIGHTGBM = textwrap.dedent("""
    import os, sys
    import numpy as np
    import lightgbm as lgb
    import wce_c

    rng = np.random.default_rng(0)
    X = rng.standard_normal((2000, 5)); y = (X[:, 0] > 0) * 1.0
    lgb.train({"objective": "binary", "num_threads": 2, "verbose": -1},
              lgb.Dataset(X, y), num_boost_round=3)   # LightGBM runs libgomp regions
    x = np.linspace(-10, 10, 300_000)
    pid = os.fork()
    if pid == 0:
        r = wce_c.loss(np.ones_like(x), x, 2.0, reduction="sum", n_threads=2)
        os._exit(0 if np.isfinite(r) else 3)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0, status
    print("ok")
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_child_forked_after_lightgbm_ran_does_not_hang(tmp_path):
    """The parent never ran a parallel region of this package, but LightGBM, which shares
    the system's libgomp, did: the child must still not hang."""
    pytest.importorskip("lightgbm")
    script = tmp_path / "fork_lgb.py"
    script.write_text(FORK_AFTER_LIGHTGBM)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_concurrent_python_threads_get_the_serial_bits():
    rng = np.random.default_rng(11)
    x = rng.standard_normal(100_000) * 8
    z = (rng.random(100_000) < 0.4) * 1.0
    funcs = [wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient]
    expected = [f(z, x, 3.0, n_threads=1) for f in funcs]
    expected_sum = wce_c.loss(z, x, 3.0, reduction="sum", n_threads=1)
    failures = []

    def worker(seed):
        for i in range(10):
            k = (seed + i) % 4
            if not np.array_equal(funcs[k](z, x, 3.0, n_threads=2), expected[k]):
                failures.append((seed, k))
            if wce_c.loss(z, x, 3.0, reduction="sum") != expected_sum:
                failures.append((seed, "sum"))

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures


def test_kernels_release_the_gil():
    """While one Python thread runs a long kernel, another makes progress."""
    x = np.linspace(-10, 10, 4_000_000)
    z = np.ones_like(x)
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(1)
            done.wait(0.0005)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        for _ in range(3):
            wce_c.loss(z, x, 2.0, n_threads=1)
    finally:
        done.set()
        t.join()
    assert len(ticks) > 5


OMP_LIBRARY = """
int omp_work(int n)
{
    int s = 0;
#pragma omp parallel for reduction(+ : s)
    for (int i = 0; i < n; i++) s += i % 7;
    return s;
}
"""

FORK_AFTER_CTYPES = textwrap.dedent("""
    import ctypes, os, sys
    import numpy as np
    import wce_c

    lib = ctypes.CDLL(sys.argv[1])
    assert lib.omp_work(1_000_000) > 0   # its own libgomp parallel region, in the parent
    x = np.linspace(-10, 10, 300_000)
    pid = os.fork()
    if pid == 0:
        r = wce_c.gradient(np.ones_like(x), x, 2.0, n_threads=2)
        os._exit(0 if np.isfinite(r).all() else 3)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0, status
    print("ok")
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_child_forked_after_a_ctypes_openmp_library_ran_does_not_hang(tmp_path):
    """A small OpenMP library of our own, loaded by ctypes, runs a parallel region on the
    system's libgomp in the parent; a child forked after it computes on two threads' worth
    of input without hanging (it runs on one)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("needs a C compiler")
    src = tmp_path / "omp_work.c"
    src.write_text(OMP_LIBRARY)
    lib = tmp_path / "libomp_work.so"
    built = subprocess.run([cc, "-shared", "-fPIC", "-fopenmp", "-O1", str(src), "-o", str(lib)],
                           capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip(f"the compiler cannot build OpenMP code here: {built.stderr[:200]}")
    script = tmp_path / "fork_ctypes.py"
    script.write_text(FORK_AFTER_CTYPES)
    r = subprocess.run([sys.executable, str(script), str(lib)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
