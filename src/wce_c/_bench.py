"""``python -m wce_c bench``: wce_c against its peers, in one run, as ratios.

Peers, each timed on the same inputs in the same process:

* ``numpy-seed``: the documented formula ``(1 - z) x + l (log1p(exp(-|x|)) + max(-x, 0))``
  (and, for gradient + hessian, the textbook ``l p - q z`` and ``l p (1 - p)``);
* ``numpy-stable``: NumPy's ``logaddexp`` form of the same loss, and a sigmoid computed
  without overflow for the derivatives;
* ``scipy``: ``scipy.special.log_expit`` / ``expit``, when SciPy is installed;
* ``torch``: ``binary_cross_entropy_with_logits(..., pos_weight=...)`` and a sigmoid-based
  gradient + hessian, one thread, when PyTorch is installed;
* ``tensorflow``: ``tf.nn.weighted_cross_entropy_with_logits``, when TensorFlow is installed.

Every timing is the median of several runs; ± is half the spread, (max - min) / median / 2.
Ratios are peer time / wce_c time with one thread (> 1: wce_c is faster); the speed-up is
wce_c's one-thread time over its time with all threads.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from typing import Any, Callable, Dict, List, Optional

import numpy as np

import wce_c

QUANTITIES = ("loss", "grad_hess")


def _progress(done: int, total: int, label: str) -> None:
    if not sys.stderr.isatty() and os.environ.get("WCE_C_BENCH_PROGRESS") != "1":
        # Not a terminal: one line per tenth, so logs stay readable.
        if total and (done == total or done % max(1, total // 10) == 0):
            print(f"[{done}/{total}] {label}", file=sys.stderr, flush=True)
        return
    width = 30
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "." * (width - filled)
    end = "\n" if done == total else ""
    print(f"\r[{bar}] {done}/{total} {label[:40]:<40}", end=end, file=sys.stderr, flush=True)


def _timeit(fn: Callable[[], object], repeats: int, budget: float) -> Dict[str, float]:
    """Median, min and max over ``repeats`` timings of one call each (fewer if they exceed
    ``budget`` s); each timing loops over enough calls to last about 20 ms."""
    t0 = time.perf_counter()
    fn()  # warm-up: page faults, lazy imports, thread start-up
    one = max(time.perf_counter() - t0, 1e-7)
    number = max(1, int(0.02 / one))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
        if sum(times) * number > budget and len(times) >= 3:
            break
    arr = np.array(times)
    med = float(np.median(arr))
    return {"median": med, "spread": float((arr.max() - arr.min()) / med) if med else 0.0,
            "runs": len(times)}


def _numpy_peers(z, x, q) -> Dict[str, Dict[str, Callable]]:
    one = x.dtype.type(1)
    qd = x.dtype.type(q)

    def seed_loss():
        l = (one - z) + qd * z
        return (one - z) * x + l * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0))

    def seed_gh():
        l = (one - z) + qd * z
        p = one / (one + np.exp(-x))
        return l * p - qd * z, l * p * (one - p)

    def stable_loss():
        return (one - z) * np.logaddexp(0, x) + qd * z * np.logaddexp(0, -x)

    def stable_gh():
        e = np.exp(-np.abs(x))
        s_big = one / (one + e)
        s_small = e * s_big
        pos = x >= 0
        s_x = np.where(pos, s_big, s_small)
        s_mx = np.where(pos, s_small, s_big)
        return (one - z) * s_x - qd * z * s_mx, ((one - z) + qd * z) * s_x * s_mx

    return {"numpy-seed": {"loss": seed_loss, "grad_hess": seed_gh},
            "numpy-stable": {"loss": stable_loss, "grad_hess": stable_gh}}


def _optional_peers(z, x, q) -> Dict[str, Dict[str, Callable]]:
    peers: Dict[str, Dict[str, Callable]] = {}
    try:
        from scipy import special
    except ImportError:
        special = None
    if special is not None:
        one = x.dtype.type(1)
        qd = x.dtype.type(q)

        def scipy_loss():
            return -(one - z) * special.log_expit(-x) - qd * z * special.log_expit(x)

        def scipy_gh():
            p = special.expit(x)
            l = (one - z) + qd * z
            return l * p - qd * z, l * p * (one - p)

        peers["scipy"] = {"loss": scipy_loss, "grad_hess": scipy_gh}
    try:
        import torch
        have_torch = True
    except ImportError:
        have_torch = False
    if have_torch:
        torch.set_num_threads(1)
        tz, tx = torch.from_numpy(z), torch.from_numpy(x)
        tq = torch.tensor([q], dtype=tx.dtype)
        fn = torch.nn.functional.binary_cross_entropy_with_logits

        def torch_loss():
            with torch.no_grad():
                return fn(tx, tz, pos_weight=tq, reduction="none").numpy()

        def torch_gh():
            with torch.no_grad():
                p = torch.sigmoid(tx)
                l = (1 - tz) + tq * tz
                return (l * p - tq * tz).numpy(), (l * p * (1 - p)).numpy()

        peers["torch"] = {"loss": torch_loss, "grad_hess": torch_gh}
    try:
        import tensorflow as tf  # noqa: F401
    except ImportError:
        tf = None
    if tf is not None:
        tz, tx = tf.constant(z), tf.constant(x)

        def tf_loss():
            return tf.nn.weighted_cross_entropy_with_logits(tz, tx, q).numpy()

        peers["tensorflow"] = {"loss": tf_loss}
    return peers


def run(sizes: List[int], dtypes: List[str], repeats: int, budget: float,
        progress: bool = True) -> Dict[str, Any]:
    """Time everything; return a JSON-able dictionary."""
    rng = np.random.default_rng(0)
    q = 5.0
    plan = []
    for dtype in dtypes:
        for n in sizes:
            for quantity in QUANTITIES:
                plan.append((dtype, n, quantity))
    results = []
    max_threads = wce_c.show_config("dicts")["default_threads"]
    total = len(plan)
    for i, (dtype, n, quantity) in enumerate(plan):
        x = (rng.standard_normal(n) * 4).astype(dtype)
        z = (rng.random(n) < 0.1).astype(dtype)
        ours: Dict[int, Callable[[], object]]
        if quantity == "loss":
            ours = {1: lambda: wce_c.loss(z, x, q, n_threads=1),
                    max_threads: lambda: wce_c.loss(z, x, q, n_threads=max_threads)}
        else:
            ours = {1: lambda: wce_c.gradient_hessian(z, x, q, n_threads=1),
                    max_threads: lambda: wce_c.gradient_hessian(z, x, q, n_threads=max_threads)}
        row: Dict[str, Any] = {"dtype": dtype, "n": n, "quantity": quantity, "times": {}}
        for threads, fn in ours.items():
            row["times"][f"wce_c[{threads}T]"] = _timeit(fn, repeats, budget)
        peers = {**_numpy_peers(z, x, q), **_optional_peers(z, x, q)}
        with np.errstate(all="ignore"):
            for name, fns in peers.items():
                if quantity in fns:
                    row["times"][name] = _timeit(fns[quantity], repeats, budget)
        base = row["times"]["wce_c[1T]"]["median"]
        row["ratios"] = {k: v["median"] / base for k, v in row["times"].items()
                         if not k.startswith("wce_c")}
        row["thread_speedup"] = base / row["times"][f"wce_c[{max_threads}T]"]["median"]
        row["threads"] = max_threads
        results.append(row)
        if progress:
            _progress(i + 1, total, f"{dtype} {quantity} n={n:.0e}")
    overhead = _timeit(lambda: wce_c.loss(np.zeros(3), np.zeros(3)), max(repeats, 200), 1.0)
    cfg = wce_c.show_config("dicts")
    return {
        "config": {k: cfg[k] for k in ("version", "simd", "openmp", "default_threads",
                                       "usable_cpus", "numpy")},
        "machine": {"processor": platform.processor() or platform.machine(),
                    "cpu": _cpu_name(), "python": platform.python_version()},
        "call_overhead_us": overhead["median"] * 1e6,
        "results": results,
    }


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def format_table(report: Dict[str, Any]) -> str:
    """Markdown: ns per element of wce_c, and every peer's time over wce_c's (one thread)."""
    results = report["results"]
    peers = list(dict.fromkeys(name for row in results for name in row["ratios"]))
    threads = results[0]["threads"] if results else 1
    head = (f"| dtype | quantity | n | wce_c 1 thread ns/elem | {threads} threads speed-up | "
            + " | ".join(f"{p} time / wce_c" for p in peers) + " |")
    sep = "|---" * (5 + len(peers)) + "|"
    lines = [head, sep]
    for row in results:
        t = row["times"]["wce_c[1T]"]
        cells = [row["dtype"], row["quantity"], f"{row['n']:.0e}",
                 f"{t['median'] / row['n'] * 1e9:.2f} (±{t['spread'] * 50:.0f}%)",
                 f"{row['thread_speedup']:.2f}x"]
        for p in peers:
            r = row["ratios"].get(p)
            cells.append("" if r is None else
                         f"{r:.2f} (±{row['times'][p]['spread'] * 50:.0f}%)")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Call overhead for 3 elements: {report['call_overhead_us']:.2f} µs. "
                 f"Kernels: {report['config']['simd']}; {report['machine']['cpu']}.")
    return "\n".join(lines)


def plot(report: Dict[str, Any], path: str) -> bool:
    """Throughput against size, one panel per (dtype, quantity); False without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    results = report["results"]
    panels = sorted({(r["dtype"], r["quantity"]) for r in results})
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4), squeeze=False)
    for ax, (dtype, quantity) in zip(axes[0], panels):
        rows = [r for r in results if r["dtype"] == dtype and r["quantity"] == quantity]
        names = list(dict.fromkeys(k for r in rows for k in r["times"]))
        for name in names:
            pts = [(r["n"], r["n"] / r["times"][name]["median"] / 1e6) for r in rows
                   if name in r["times"]]
            ax.plot(*zip(*pts), marker="o", label=name)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("elements")
        ax.set_ylabel("million elements / s")
        ax.set_title(f"{quantity}, {dtype}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wce_c bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1e3,1e4,1e5,1e6,1e7",
                        help="comma-separated element counts (default 1e3,...,1e7)")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--repeats", type=int, default=7, help="runs per timing (median)")
    parser.add_argument("--budget", type=float, default=2.0,
                        help="seconds per timing before fewer repeats are taken")
    parser.add_argument("--quick", action="store_true", help="sizes 1e3..1e5, 3 repeats")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--plot", metavar="FILE.png", help="draw throughput against size")
    args = parser.parse_args(argv)
    sizes = [int(float(s)) for s in ("1e3,1e4,1e5" if args.quick else args.sizes).split(",")]
    repeats = 3 if args.quick else args.repeats
    dtypes = [d.strip() for d in args.dtypes.split(",")]
    for d in dtypes:
        if d not in ("float32", "float64"):
            parser.error(f"--dtypes: {d!r} is not float32 or float64")
    if any(n < 1 for n in sizes):
        parser.error("--sizes must be positive")
    report = run(sizes, dtypes, repeats, args.budget, progress=True)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(format_table(report))
    if args.plot:
        if plot(report, args.plot):
            print(f"plot written to {args.plot}", file=sys.stderr)
        else:
            print("--plot needs matplotlib, which is not installed", file=sys.stderr)
            return 1
    return 0
