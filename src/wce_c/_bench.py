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

wce_c is timed as users call it: the default call (a fresh result, ``n_threads=None``), and
beside it with ``out=`` (a result reused) and on one thread.  Every timing is the median of
several runs; ± is half the spread, (max - min) / median / 2.  Ratios are a time over the
default call's (> 1: the default call is faster).  The machine's load is read during the run:
other processes running beside it make every figure a busy machine's, and the report says so.
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
from wce_c import _threads

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
    ``budget`` s); each timing loops over enough calls to last about 20 ms.  Untimed calls
    first, for at least 3 calls and 10 ms: page faults, lazy imports and the start of a
    thread team belong to a first call, not to the steady state timed here."""
    warm: List[float] = []
    start = time.perf_counter()
    while len(warm) < 3 or time.perf_counter() - start < 0.01:
        t0 = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - t0)
        if time.perf_counter() - start > budget:
            break
    one = max(float(np.median(warm)), 1e-7)
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


def _numpy_peers(z, x, q) -> Dict[str, Dict[str, Any]]:
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


def _optional_peers(z, x, q) -> Dict[str, Dict[str, Any]]:
    peers: Dict[str, Dict[str, Any]] = {}
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

        # One thread for PyTorch while it is timed, and its own setting back afterwards:
        # torch.set_num_threads also sets the OpenMP default of the libgomp that this
        # package shares with it, which would limit wce_c's default call too.
        peers["torch"] = {"loss": torch_loss, "grad_hess": torch_gh,
                          "threads": (torch.get_num_threads, torch.set_num_threads)}
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


def _ours(quantity: str, z, x, q) -> Dict[str, Callable[[], object]]:
    """wce_c's calls for one cell: the default call, out=, one thread."""
    if quantity == "loss":
        out = np.empty_like(x)
        return {"wce_c": lambda: wce_c.loss(z, x, q),
                "wce_c out=": lambda: wce_c.loss(z, x, q, out=out),
                "wce_c 1 thread": lambda: wce_c.loss(z, x, q, n_threads=1)}
    pair = (np.empty_like(x), np.empty_like(x))
    return {"wce_c": lambda: wce_c.gradient_hessian(z, x, q),
            "wce_c out=": lambda: wce_c.gradient_hessian(z, x, q, out=pair),
            "wce_c 1 thread": lambda: wce_c.gradient_hessian(z, x, q, n_threads=1)}


def _load_now() -> int:
    """Runnable tasks of other processes now: the smaller of two fresh readings 5 ms apart,
    so that a task that runs for an instant does not make the run look busy."""
    first = _threads._others_now()
    time.sleep(0.005)
    return min(first, _threads._others_now())


def _settle_threads(seconds: float = 0.1) -> None:
    """Default calls on a small array for ``seconds`` before anything is timed.  A new
    process's first parallel regions stall now and then for 8 to 16 ms (a thread team that
    is starting, CPUs waking), which would otherwise land in the first cell's timings."""
    a = np.zeros(4 * _threads.PARALLEL_MIN_SIZE)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        wce_c.loss(a, a)


def run(sizes: List[int], dtypes: List[str], repeats: int, budget: float,
        progress: bool = True) -> Dict[str, Any]:
    """Time everything; return a JSON-able dictionary."""
    rng = np.random.default_rng(0)
    q = 5.0
    _settle_threads()
    plan = [(dtype, n, quantity) for dtype in dtypes for n in sizes for quantity in QUANTITIES]
    results = []
    loads = [_load_now()]
    total = len(plan)
    for i, (dtype, n, quantity) in enumerate(plan):
        x = (rng.standard_normal(n) * 4).astype(dtype)
        z = (rng.random(n) < 0.1).astype(dtype)
        row: Dict[str, Any] = {"dtype": dtype, "n": n, "quantity": quantity, "times": {},
                               "threads": _threads.threads_for(None, n, dtype == "float32")}
        for name, fn in _ours(quantity, z, x, q).items():
            row["times"][name] = _timeit(fn, repeats, budget)
        loads.append(_load_now())
        peers = {**_numpy_peers(z, x, q), **_optional_peers(z, x, q)}
        with np.errstate(all="ignore"):
            for name, fns in peers.items():
                if quantity in fns:
                    get_threads, set_threads = fns.get("threads", (None, None))
                    before = get_threads() if get_threads else None
                    if set_threads:
                        set_threads(1)
                    try:
                        row["times"][name] = _timeit(fns[quantity], repeats, budget)
                    finally:
                        if set_threads:
                            set_threads(before)
        loads.append(_load_now())
        base = row["times"]["wce_c"]["median"]
        row["ratios"] = {k: v["median"] / base for k, v in row["times"].items() if k != "wce_c"}
        results.append(row)
        if progress:
            _progress(i + 1, total, f"{dtype} {quantity} n={n:.0e}")
    three = np.zeros(3)
    overhead = _timeit(lambda: wce_c.loss(three, three), max(repeats, 200), 1.0)
    cfg = wce_c.show_config("dicts")
    return {
        "config": {k: cfg[k] for k in ("version", "simd", "openmp", "default_threads",
                                       "usable_cpus", "numpy")},
        "machine": {"processor": platform.processor() or platform.machine(),
                    "cpu": _cpu_name(), "python": platform.python_version()},
        "call_overhead_us": overhead["median"] * 1e6,
        "busy": {"max_runnable_elsewhere": max(loads),
                 "readings_with_others": sum(1 for v in loads if v > 0),
                 "readings": len(loads)},
        "results": results,
    }


def busy_warning(report: Dict[str, Any]) -> Optional[str]:
    """A warning when other processes ran during the run, else None."""
    busy = report.get("busy", {})
    if not busy.get("readings_with_others"):
        return None
    return (f"warning: the machine was busy during this run (up to "
            f"{busy['max_runnable_elsewhere']} runnable tasks of other processes beside "
            f"{report['config']['usable_cpus']} usable CPUs, in {busy['readings_with_others']} "
            f"of {busy['readings']} readings): these figures are a busy machine's, not the "
            "library's speed")


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
    """Markdown: ns per element of the default call, and every other time over it."""
    results = report["results"]
    others = list(dict.fromkeys(name for row in results for name in row["ratios"]))
    head = ("| dtype | quantity | n | threads | wce_c ns/elem | "
            + " | ".join(f"{p} / wce_c" for p in others) + " |")
    sep = "|---" * (5 + len(others)) + "|"
    lines = [head, sep]
    for row in results:
        t = row["times"]["wce_c"]
        cells = [row["dtype"], row["quantity"], f"{row['n']:.0e}", str(row["threads"]),
                 f"{t['median'] / row['n'] * 1e9:.2f} (±{t['spread'] * 50:.0f}%)"]
        for p in others:
            r = row["ratios"].get(p)
            cells.append("" if r is None else
                         f"{r:.2f} (±{row['times'][p]['spread'] * 50:.0f}%)")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"wce_c: the default call (fresh result, n_threads=None). Call overhead for 3 "
                 f"elements: {report['call_overhead_us']:.2f} µs. wce_c "
                 f"{report['config']['version']}, kernels {report['config']['simd']}, "
                 f"{report['config']['usable_cpus']} usable CPUs; {report['machine']['cpu']}.")
    warning = busy_warning(report)
    if warning:
        lines.append("")
        lines.append(warning)
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
            have = [r for r in rows if name in r["times"]]
            n = np.array([r["n"] for r in have], dtype=float)
            med = np.array([r["times"][name]["median"] for r in have])
            spread = np.array([r["times"][name]["spread"] for r in have])
            rate = n / med / 1e6
            # the spread as an error bar: (max - min) / median, drawn half either way
            err = rate * spread / 2
            ax.errorbar(n, rate, yerr=err, marker="o", capsize=3, label=name,
                        linewidth=2.5 if name == "wce_c" else 1.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("elements")
        ax.set_ylabel("million elements / s")
        ax.set_title(f"{quantity}, {dtype} (higher is faster)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    cfg, machine = report["config"], report["machine"]
    title = (f"wce_c {cfg['version']}, kernels {cfg['simd']}, {cfg['usable_cpus']} CPUs: "
             f"{machine['cpu']}; medians, bars = spread")
    if busy_warning(report):
        title += " (busy machine)"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def _size_list(text: str) -> List[int]:
    try:
        sizes = [int(float(s)) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of numbers such as 1e3,1e5") from None
    if any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError(f"{text!r}: every size must be at least 1")
    return sizes


def _dtype_list(text: str) -> List[str]:
    dtypes = [d.strip() for d in text.split(",")]
    for d in dtypes:
        if d not in ("float32", "float64"):
            raise argparse.ArgumentTypeError(f"{d!r} is not float32 or float64")
    return dtypes


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
        return value
    return parse


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wce_c bench",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=_size_list, default=_size_list("1e3,1e4,1e5,1e6,1e7"),
                        help="comma-separated element counts (default 1e3,1e4,1e5,1e6,1e7)")
    parser.add_argument("--dtypes", type=_dtype_list, default=["float32", "float64"],
                        help="comma-separated dtypes among float32 and float64 (default both)")
    parser.add_argument("--repeats", type=_positive(int), default=7,
                        help="timings per cell, of which the median is shown (default 7)")
    parser.add_argument("--budget", type=_positive(float), default=2.0,
                        help="seconds per timing before fewer repeats are taken (default 2)")
    parser.add_argument("--quick", action="store_true",
                        help="a short run: sizes 1e3,1e4,1e5 and 3 repeats")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--plot", metavar="FILE.png",
                        help="also draw throughput against size (needs matplotlib)")
    args = parser.parse_args(argv)
    sizes = _size_list("1e3,1e4,1e5") if args.quick else args.sizes
    repeats = 3 if args.quick else args.repeats
    dtypes = args.dtypes
    report = run(sizes, dtypes, repeats, args.budget, progress=True)
    if args.json:
        print(json.dumps(report, indent=1))
        warning = busy_warning(report)
        if warning:
            print(warning, file=sys.stderr)
    else:
        print(format_table(report))
    if args.plot:
        if plot(report, args.plot):
            print(f"plot written to {args.plot}", file=sys.stderr)
        else:
            print("--plot needs matplotlib, which is not installed", file=sys.stderr)
            return 1
    return 0
