"""The default call (n_threads=None, fresh output) beside one thread, on a busy machine.

Starts one CPU-bound process per usable CPU (``--hogs``, default: the CPU count), waits for
them to run, then times calls alternating between the default call and ``n_threads=1``, for the loss
and gradient + hessian, float32 and float64, 1e3 to 1e7 elements.  Prints per cell the
median of each, the default's median and 95th percentile over the one-thread median and 95th
percentile; then the first call of fresh processes (default and one thread); and ends exactly
the processes it started.  ``--hogs 0`` measures a quiet machine
(then the ratio shows what the second thread buys); ``--pause`` sleeps before every call, as
a caller does that calls now and then (the CPUs idle in between).

    python benchmarks/busy.py [--hogs N] [--sizes 1e3,1e4,...] [--repeats 400] [--fresh 8]
                              [--pause SECONDS]
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np

import wce_c


def hog_processes(n):
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(n)]
    time.sleep(0.5)
    return procs


def paired_timings(func, args, repeats, budget, threads=None, min_seconds=0.0, pause=0.0):
    """Timings of the one-thread call and the default call, alternating call by call (so that
    a change of load hits both alike): ``repeats`` pairs, or more until ``min_seconds`` have
    passed, and at most ``budget`` seconds; ``pause`` seconds of sleep before each call."""
    one, default = [], []
    start = time.perf_counter()
    while len(one) < repeats or time.perf_counter() - start < min_seconds:
        for times, n_threads in ((one, 1), (default, threads)):
            if pause:
                time.sleep(pause)
            t0 = time.perf_counter()
            func(*args, n_threads=n_threads)
            times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget:
            break
    return np.array(one), np.array(default)


# A new process: builds its inputs, then times its first call of gradient + hessian on 1e5
# elements (a script's, a worker's first call) with the n_threads given as argv[2].
FIRST_CALL = """
import sys, time
import numpy as np
import wce_c
rng = np.random.default_rng(0)
x = (rng.standard_normal(100000) * 4).astype(sys.argv[1])
z = (rng.random(x.size) < 0.2).astype(x.dtype)
threads = None if sys.argv[2] == "None" else int(sys.argv[2])
t0 = time.perf_counter()
wce_c.gradient_hessian(z, x, 3.0, n_threads=threads)
print(time.perf_counter() - t0)
"""


def first_calls(processes, threads=None):
    """Prints the median first-call time of ``processes`` fresh processes, default call and
    one thread alternating, per dtype."""
    print(f"first call of a fresh process, gradient + hessian, 1e5 elements, median of "
          f"{processes} processes per mode:")
    for dtype in ("float32", "float64"):
        times = {"1": [], str(threads): []}
        for _ in range(processes):
            for mode in times:
                out = subprocess.run([sys.executable, "-c", FIRST_CALL, dtype, mode],
                                     capture_output=True, text=True, check=True)
                times[mode].append(float(out.stdout))
        m1, md = np.median(times["1"]), np.median(times[str(threads)])
        print(f"{dtype:8} 1 thread {m1 * 1e3:8.3f} ms   n_threads={threads} {md * 1e3:8.3f} ms"
              f"   ratio {md / m1:6.2f}   (max {max(times[str(threads)]) * 1e3:.3f} ms)",
              flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hogs", type=int, default=len(os.sched_getaffinity(0)),
                        help="CPU-bound processes to run beside the benchmark")
    parser.add_argument("--sizes", default="1e3,1e4,1e5,1e6,1e7",
                        help="comma-separated element counts")
    parser.add_argument("--repeats", type=int, default=400,
                        help="call pairs per cell, at least (more until --min-seconds have "
                             "passed; --budget ends a cell sooner)")
    parser.add_argument("--threads", type=int, default=None,
                        help="n_threads of the timed call instead of the default (None)")
    parser.add_argument("--budget", type=float, default=3.0,
                        help="seconds at most per cell")
    parser.add_argument("--min-seconds", type=float, default=1.0,
                        help="seconds at least per cell, so that its 95th percentile spans "
                             "many of the scheduler's time slices (a preempted call takes "
                             "one slice, some milliseconds, longer)")
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds of sleep before each call, for sporadic calls (the "
                             "CPUs left idle in between)")
    parser.add_argument("--fresh", type=int, default=8,
                        help="fresh processes per dtype and mode whose first call is timed "
                             "(0: none)")
    args = parser.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    procs = hog_processes(args.hogs)
    try:
        print(f"timed call: n_threads={args.threads}; pause {args.pause} s; hogs: {args.hogs} "
              f"(pids {[p.pid for p in procs]}); load "
              f"{open('/proc/loadavg').read().split()[3] if os.path.exists('/proc/loadavg') else '?'}")
        print(f"{'dtype':8} {'quantity':10} {'n':>9} {'1 thread ms':>12} {'default ms':>11} "
              f"{'median ratio':>13} {'p95 ratio':>10} {'pairs':>6}")
        rng = np.random.default_rng(0)
        for dtype in ("float32", "float64"):
            for n in sizes:
                x = (rng.standard_normal(n) * 4).astype(dtype)
                z = (rng.random(n) < 0.2).astype(dtype)
                for name, func in (("loss", wce_c.loss), ("grad_hess", wce_c.gradient_hessian)):
                    func(z, x, 3.0)
                    one, default = paired_timings(func, (z, x, 3.0), args.repeats, args.budget,
                                                  args.threads, args.min_seconds, args.pause)
                    m1, md = np.median(one), np.median(default)
                    p1, pd = np.percentile(one, 95), np.percentile(default, 95)
                    print(f"{dtype:8} {name:10} {n:9.0e} {m1 * 1e3:12.4f} {md * 1e3:11.4f} "
                          f"{md / m1:13.2f} {pd / p1:10.2f} {len(one):6d}", flush=True)
        if args.fresh:
            first_calls(args.fresh, args.threads)
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()


if __name__ == "__main__":
    main()
