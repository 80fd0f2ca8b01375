"""Boosting with the wce_c objective against the built-in one and a plain NumPy objective.

    python benchmarks/gbdt.py [--rows 100000,1000000] [--rounds 20] [--threads 1]

For each installed library (XGBoost, LightGBM, CatBoost): training time per round with the
built-in weighted logloss, with the wce_c adapter and with the NumPy objective people write
today, medians of three trainings; and the cost of one gradient + hessian call at each size,
wce_c against NumPy.  Libraries run with --threads threads (1 by default: the ratios then
compare the objectives, not the thread pools).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import wce_c
import wce_c.catboost as wcb
import wce_c.lightgbm as wl
import wce_c.xgboost as wx

Q = 5.0


def numpy_grad_hess(y, margins, q=Q):
    p = 1.0 / (1.0 + np.exp(-margins))
    l = (1 - y) + q * y
    return l * p - q * y, l * p * (1 - p)


class NumpyCatBoost:
    no_jit = True

    def calc_ders_range(self, approxes, targets, weights):
        g, h = numpy_grad_hess(np.asarray(targets), np.asarray(approxes))
        return np.column_stack((-g, -h))


def median_time(fn, repeats=3):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), (max(times) - min(times)) / statistics.median(times)


def bench_call(n, threads):
    """The objective call at n rows as each library makes it, with the conversion each library
    applies to what it gets back (LightGBM casts gradients and hessians to float32; XGBoost
    copies them into its float32 gradient pairs whatever their dtype), against a NumPy
    objective.  One untimed call of each first: training calls the objective every round, so
    the steady state is what counts (the first call also pays for fresh pages and, with
    LightGBM, for the float64 copy of the float32 labels that later rounds reuse)."""
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.1).astype(np.float32)  # both libraries hand out float32 labels
    cases = (("XGBoost", np.float32, wx.objective(Q, n_threads=threads), lambda gh: gh),
             ("LightGBM", np.float64, wl.objective(Q, n_threads=threads),
              lambda gh: tuple(np.asarray(a, dtype=np.float32) for a in gh)))
    for name, dtype, obj, library_side in cases:
        m = (rng.standard_normal(n) * 2).astype(dtype)
        library_side(obj(y, m))
        library_side(numpy_grad_hess(y, m))
        t_ours, s1 = median_time(lambda: library_side(obj(y, m)), 15)
        t_np, s2 = median_time(lambda: library_side(numpy_grad_hess(y, m)), 15)
        print(f"objective call as {name} makes it, {n:.0e} rows, {np.dtype(dtype).name} "
              f"margins, {threads} thread(s): wce_c {t_ours * 1e3:.2f} ms (±{s1 * 50:.0f}%), "
              f"NumPy {t_np * 1e3:.2f} ms (±{s2 * 50:.0f}%): {t_np / t_ours:.1f}x")


def bench_xgboost(X, y, rounds, threads):
    import xgboost as xgb

    d = xgb.DMatrix(X, label=y, nthread=threads)
    p = {"tree_method": "hist", "max_depth": 6, "nthread": threads, "eta": 0.1}
    runs = {
        "built-in": lambda: xgb.train({**p, "objective": "binary:logistic",
                                       "scale_pos_weight": Q}, d, rounds),
        "wce_c": lambda: xgb.train({**p, "base_score": 0.0}, d, rounds, obj=wx.objective(Q)),
        "numpy": lambda: xgb.train({**p, "base_score": 0.0}, d, rounds,
                                   obj=lambda m, dm: numpy_grad_hess(dm.get_label(), m)),
    }
    return {k: median_time(f) for k, f in runs.items()}


def bench_lightgbm(X, y, rounds, threads):
    import lightgbm as lgb

    p = {"num_leaves": 63, "num_threads": threads, "verbose": -1, "learning_rate": 0.1}
    ds = lambda: lgb.Dataset(X, label=y, params={"verbose": -1})  # noqa: E731
    runs = {
        "built-in": lambda: lgb.train({**p, "objective": "binary", "scale_pos_weight": Q,
                                       "boost_from_average": False}, ds(), rounds),
        "wce_c": lambda: lgb.train({**p, "objective": wl.objective(Q)}, ds(), rounds),
        "numpy": lambda: lgb.train({**p, "objective": lambda m, d: numpy_grad_hess(
            d.get_label(), m)}, ds(), rounds),
    }
    return {k: median_time(f) for k, f in runs.items()}


def bench_catboost(X, y, rounds, threads):
    import catboost as cb

    pool = cb.Pool(X, y)
    kw = {"iterations": rounds, "depth": 6, "thread_count": threads, "verbose": False,
          "learning_rate": 0.1, "allow_writing_files": False}
    runs = {
        "built-in": lambda: cb.CatBoostClassifier(loss_function="Logloss",
                                                  scale_pos_weight=Q, **kw).fit(pool),
        "wce_c": lambda: cb.CatBoostClassifier(loss_function=wcb.objective(Q),
                                               eval_metric=wcb.metric(Q), **kw).fit(pool),
        "numpy": lambda: cb.CatBoostClassifier(loss_function=NumpyCatBoost(),
                                               eval_metric=wcb.metric(Q), **kw).fit(pool),
    }
    return {k: median_time(f) for k, f in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    libraries = {"xgboost": bench_xgboost, "lightgbm": bench_lightgbm,
                 "catboost": bench_catboost}
    for n in (int(float(r)) for r in args.rows.split(",")):
        bench_call(n, args.threads)
        rng = np.random.default_rng(1)
        X = rng.standard_normal((n, 20)).astype(np.float32)
        y = (X[:, 0] + rng.standard_normal(n) > 1.5).astype(np.float64)
        for name, fn in libraries.items():
            try:
                __import__(name)
            except ImportError:
                print(f"{name}: not installed, skipped")
                continue
            res = fn(X, y, args.rounds, args.threads)
            base = res["built-in"][0]
            cells = ", ".join(f"{k} {t / args.rounds * 1e3:.1f} ms/round (±{s * 50:.0f}%, "
                              f"{t / base:.2f}x built-in)" for k, (t, s) in res.items())
            print(f"{name}, {n:.0e} rows, {args.threads} thread(s): {cells}")


if __name__ == "__main__":
    main()
