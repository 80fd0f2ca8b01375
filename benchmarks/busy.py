"""The default call (n_threads=None, fresh output) beside one thread, on a busy machine.

Starts one CPU-bound process per usable CPU (``--hogs``, default: the CPU count), waits for
them to run, then times calls alternating between the default call and ``n_threads=1``, for the loss
and gradient + hessian, float32 and float64, 1e3 to 1e7 elements.  Prints per cell the
median of each, the default's median and 95th percentile over the one-thread median and 95th
percentile, and ends exactly the processes it started.  ``--hogs 0`` measures a quiet machine
(then the ratio shows what the second thread buys).

    python benchmarks/busy.py [--hogs N] [--sizes 1e3,1e4,...] [--repeats 400]
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np

import wce_c


def hog_processes(n):
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    time.sleep(0.5)
    return procs


def paired_timings(func, args, repeats, budget, threads=None):
    """Timings of the one-thread call and the default call, alternating call by call (so that
    a change of load hits both alike), up to ``repeats`` pairs or ``budget`` seconds."""
    one, default = [], []
    start = time.perf_counter()
    for _ in range(repeats):
        t0 = time.perf_counter()
        func(*args, n_threads=1)
        t1 = time.perf_counter()
        func(*args, n_threads=threads)
        t2 = time.perf_counter()
        one.append(t1 - t0)
        default.append(t2 - t1)
        if t2 - start > budget:
            break
    return np.array(one), np.array(default)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hogs", type=int, default=len(os.sched_getaffinity(0)),
                        help="CPU-bound processes to run beside the benchmark")
    parser.add_argument("--sizes", default="1e3,1e4,1e5,1e6,1e7",
                        help="comma-separated element counts")
    parser.add_argument("--repeats", type=int, default=400, help="call pairs per cell, at most")
    parser.add_argument("--threads", type=int, default=None,
                        help="n_threads of the timed call instead of the default (None)")
    parser.add_argument("--budget", type=float, default=3.0,
                        help="seconds at most per cell and mode")
    args = parser.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    procs = hog_processes(args.hogs)
    try:
        print(f"timed call: n_threads={args.threads}; hogs: {args.hogs} "
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
                                                  args.threads)
                    m1, md = np.median(one), np.median(default)
                    p1, pd = np.percentile(one, 95), np.percentile(default, 95)
                    print(f"{dtype:8} {name:10} {n:9.0e} {m1 * 1e3:12.4f} {md * 1e3:11.4f} "
                          f"{md / m1:13.2f} {pd / p1:10.2f} {len(one):6d}", flush=True)
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()


if __name__ == "__main__":
    main()
