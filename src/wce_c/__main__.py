"""Command line: ``python -m wce_c [info | bench ...]``.

``bench`` times wce_c against NumPy (and SciPy, PyTorch, TensorFlow when installed) in one
run; ``python -m wce_c bench --help`` lists its options.

``info`` (the default) prints the version and build configuration (kernel variant, OpenMP
and its runtime, threads) and runs a self-check: a few values in the tails where the textbook
formula fails, compared with their exact values (computed with mpmath to 200 bits), and a
check that one and several threads give the same bits.  Exit status 1 if a check fails.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

# (function, dtype, label, logit, pos_weight, exact value as float.hex, what it shows)
_SELF_CHECK = (
    ("loss", "float32", 0.0, -20.0, 1.0, "0x1.1b48655a5141ep-29",
     "confident negative, float32 (textbook formula: 0)"),
    ("loss", "float64", 0.0, -40.0, 1.0, "0x1.39792499b1a24p-58",
     "confident negative, float64 (textbook formula: 0)"),
    ("gradient", "float64", 1.0, 40.0, 2.0, "-0x1.39792499b1a24p-57",
     "confident positive gradient (textbook formula: 0)"),
    ("hessian", "float32", 1.0, -100.0, 1e6, "0x1.951495446ff05p-125",
     "float32 hessian near the smallest normal float32"),
    ("hessian", "float64", 1.0, -745.0, 1.0, "0x0.0000000000001p-1022",
     "smallest subnormal hessian"),
    ("loss", "float64", 0.0, -730.0, 1e6, "0x0.00000001c7ea3p-1022",
     "subnormal loss with a large pos_weight"),
    ("gradient", "float64", 0.3, 0.0, 3.0, "-0x1.9999999999998p-4",
     "soft label at x = 0"),
    ("loss", "float64", 0.0, float("-inf"), 3.0, "0x0.0p+0",
     "x = -inf with z = 0 (textbook formula: NaN)"),
)


def self_check(verbose: bool = True) -> bool:
    """Run the checks above and the thread-determinism check; True when all pass."""
    import wce_c

    ok = True
    for func, dtype, z, x, q, exact_hex, what in _SELF_CHECK:
        dt = np.dtype(dtype).type
        got = getattr(wce_c, func)(dt(z), dt(x), q)
        exact = float.fromhex(exact_hex)
        unit = float(np.spacing(dt(abs(exact))))
        err = abs(float(got) - exact) / unit
        passed = err <= (1.0 if dtype == "float32" else 3.0)
        ok &= passed
        if verbose:
            print(f"  {'ok  ' if passed else 'FAIL'} {func}({z}, {x}, {q}) {dtype} = {float(got):.9g}"
                  f"  [{err:.2f} ULP]  {what}")
    rng = np.random.default_rng(0)
    n = 300_001
    xs = rng.normal(scale=8.0, size=n)
    zs = (rng.random(n) < 0.2).astype(np.float64)
    one = wce_c.gradient_hessian(zs, xs, 5.0, n_threads=1)
    many = wce_c.gradient_hessian(zs, xs, 5.0, n_threads=-1)
    s1 = wce_c.loss(zs, xs, 5.0, reduction="sum", n_threads=1)
    sn = wce_c.loss(zs, xs, 5.0, reduction="sum", n_threads=-1)
    same = all(np.array_equal(a, b) for a, b in zip(one, many)) and s1 == sn
    ok &= same
    if verbose:
        print(f"  {'ok  ' if same else 'FAIL'} 1 thread and all threads give the same bits "
              f"(gradient, hessian and sum over {n} elements)")
    return ok


def main(argv=None) -> int:
    import wce_c

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "bench":
        from ._bench import main as bench_main

        return bench_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m wce_c",
        description="Weighted binary cross entropy with logits: configuration and self-check.",
    )
    parser.add_argument("command", nargs="?", default="info", choices=["info", "bench"],
                        help="info (default): version, build, threads and a self-check; "
                             "bench: speed against the peers (bench --help)")
    parser.parse_args(argv)  # "bench" went to its own parser above
    start = time.perf_counter()
    wce_c.show_config()
    print("self-check against exact values:")
    ok = self_check()
    print(f"{'all checks passed' if ok else 'SELF-CHECK FAILED'} "
          f"in {time.perf_counter() - start:.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
