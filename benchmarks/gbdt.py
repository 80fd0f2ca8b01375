"""Boosting with the wce_c objective against the built-in one and a plain NumPy objective.

    python benchmarks/gbdt.py [--rows 100000,1000000] [--rounds 20] [--threads 1]

For each installed library (XGBoost, LightGBM, CatBoost): training time per round with the
built-in weighted logloss, with the wce_c adapter and with the NumPy objective people write
today, medians of three trainings.  For XGBoost and LightGBM also the objective calls those
trainings make, timed inside them (median over every call, with the cast each library
applies to what it gets back): the process is then in the state a training leaves it in,
which matters for NumPy.  Its expression makes about 14 temporaries per call; where the
allocator hands them out as fresh pages, each costs page faults (the column "faults/call"),
and the same objective takes several times longer than where it reuses memory.  Which of
the two a process sees depends on its allocation history.  Libraries and the wce_c adapter
run with --threads threads (1 by default: the ratios then compare the objectives, not the
thread pools).
"""

from __future__ import annotations

import argparse
import statistics
import time

try:
    import resource
except ImportError:  # not on Windows: no page-fault counts there
    resource = None

import numpy as np

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


def minor_faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


class CallTimes:
    """The duration and page faults of each objective call the trainings make."""

    def __init__(self):
        self.times, self.faults = [], []

    def wrap(self, objective, library_side=lambda gh: gh):
        # A plain function, not a callable object: LightGBM deep-copies its params, which
        # would copy an object (and its records) but leaves a function shared.
        def timed(margins, data):
            f0, t0 = minor_faults(), time.perf_counter()
            out = library_side(objective(margins, data))
            self.times.append(time.perf_counter() - t0)
            self.faults.append(minor_faults() - f0)
            return out

        return timed

    def summary(self):
        return statistics.median(self.times), statistics.median(self.faults)


def report_calls(name, n, threads, calls):
    (t_ours, f_ours), (t_np, f_np) = calls["wce_c"].summary(), calls["numpy"].summary()
    print(f"{name}, {n:.0e} rows, {threads} thread(s): objective call inside training "
          f"(median of {len(calls['wce_c'].times)}): wce_c {t_ours * 1e3:.2f} ms "
          f"({f_ours:.0f} faults/call), NumPy {t_np * 1e3:.2f} ms ({f_np:.0f} faults/call): "
          f"{t_np / t_ours:.1f}x")


def bench_xgboost(X, y, rounds, threads):
    import xgboost as xgb

    d = xgb.DMatrix(X, label=y, nthread=threads)
    p = {"tree_method": "hist", "max_depth": 6, "nthread": threads, "eta": 0.1}
    calls = {"wce_c": CallTimes(), "numpy": CallTimes()}
    ours = calls["wce_c"].wrap(wx.objective(Q, n_threads=threads))
    theirs = calls["numpy"].wrap(lambda m, dm: numpy_grad_hess(dm.get_label(), m))
    runs = {
        "built-in": lambda: xgb.train({**p, "objective": "binary:logistic",
                                       "scale_pos_weight": Q}, d, rounds),
        "wce_c": lambda: xgb.train({**p, "base_score": 0.0}, d, rounds, obj=ours),
        "numpy": lambda: xgb.train({**p, "base_score": 0.0}, d, rounds, obj=theirs),
    }
    return {k: median_time(f) for k, f in runs.items()}, calls


def bench_lightgbm(X, y, rounds, threads):
    import lightgbm as lgb

    p = {"num_leaves": 63, "num_threads": threads, "verbose": -1, "learning_rate": 0.1}
    ds = lambda: lgb.Dataset(X, label=y, params={"verbose": -1})  # noqa: E731
    # LightGBM casts float64 gradients and hessians to float32 itself; done here instead, it
    # is timed with the objective (and LightGBM's own cast then has nothing left to do).
    as_float32 = lambda gh: tuple(np.asarray(a, dtype=np.float32) for a in gh)  # noqa: E731
    calls = {"wce_c": CallTimes(), "numpy": CallTimes()}
    ours = calls["wce_c"].wrap(wl.objective(Q, n_threads=threads), as_float32)
    theirs = calls["numpy"].wrap(lambda m, d: numpy_grad_hess(d.get_label(), m), as_float32)
    runs = {
        "built-in": lambda: lgb.train({**p, "objective": "binary", "scale_pos_weight": Q,
                                       "boost_from_average": False}, ds(), rounds),
        "wce_c": lambda: lgb.train({**p, "objective": ours}, ds(), rounds),
        "numpy": lambda: lgb.train({**p, "objective": theirs}, ds(), rounds),
    }
    return {k: median_time(f) for k, f in runs.items()}, calls


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
    return {k: median_time(f) for k, f in runs.items()}, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    libraries = {"xgboost": bench_xgboost, "lightgbm": bench_lightgbm,
                 "catboost": bench_catboost}
    for n in (int(float(r)) for r in args.rows.split(",")):
        rng = np.random.default_rng(1)
        X = rng.standard_normal((n, 20)).astype(np.float32)
        y = (X[:, 0] + rng.standard_normal(n) > 1.5).astype(np.float64)
        for name, fn in libraries.items():
            try:
                __import__(name)
            except ImportError:
                print(f"{name}: not installed, skipped")
                continue
            res, calls = fn(X, y, args.rounds, args.threads)
            base = res["built-in"][0]
            cells = ", ".join(f"{k} {t / args.rounds * 1e3:.1f} ms/round (±{s * 50:.0f}%, "
                              f"{t / base:.2f}x built-in)" for k, (t, s) in res.items())
            print(f"{name}, {n:.0e} rows, {args.threads} thread(s): {cells}")
            if calls:
                report_calls(name, n, args.threads, calls)


if __name__ == "__main__":
    main()
