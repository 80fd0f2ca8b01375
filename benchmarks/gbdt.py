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
thread pools).  Beside each objective call, the memory floor of that call: reading the labels
and margins and writing two float32 arrays, with no arithmetic.

    python benchmarks/gbdt.py --only calibration [--plot reliability.png]

Calibration and start, on rows whose positive-class probability is known: for each library,
the log loss and calibration error of a pos_weight-trained model's raw sigmoid, of its
``wce_c.probability`` and of an unweighted model's probabilities; and the rounds a wce_c
model needs to come within 1 % of the built-in objective's best validation loss, started
from margin 0 and from ``wce_c.intercept``.  ``--plot`` draws the reliability diagram.
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

import wce_c
import wce_c.catboost as wcb
import wce_c.lightgbm as wl
import wce_c.xgboost as wx
from wce_c._gbdt import native_labels_and_weights

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


def memory_floor(labels, margins):
    """What any objective call must at least do: read the labels and the margins, write two
    float32 arrays of their length (one pass each, no arithmetic)."""
    g = np.empty(margins.shape, np.float32)
    h = np.empty(margins.shape, np.float32)
    np.copyto(g, margins, casting="unsafe")
    np.copyto(h, labels, casting="unsafe")


class CallTimes:
    """The duration and page faults of each objective call the trainings make, and the memory
    floor of the same call (``memory_floor``).  On even rounds the floor runs first after
    tree building, on odd rounds the objective does, and each is recorded only where it ran
    first, so that both meet caches as tree building leaves them."""

    def __init__(self):
        self.times, self.faults, self.floor = [], [], []

    def wrap(self, objective, library_side=lambda gh: gh, labels_of=None):
        # A plain function, not a callable object: LightGBM deep-copies its params, which
        # would copy an object (and its records) but leaves a function shared.
        rounds = [0]

        def timed(margins, data):
            first = rounds[0] % 2 == 0
            rounds[0] += 1
            if labels_of is not None and first:
                labels = labels_of(data)
                t0 = time.perf_counter()
                memory_floor(labels, margins)
                self.floor.append(time.perf_counter() - t0)
            f0, t0 = minor_faults(), time.perf_counter()
            out = library_side(objective(margins, data))
            if labels_of is None or not first:
                self.times.append(time.perf_counter() - t0)
                self.faults.append(minor_faults() - f0)
            return out

        return timed

    def summary(self):
        return statistics.median(self.times), statistics.median(self.faults)

    def spread(self):
        q = statistics.quantiles(self.times, n=4)
        return q[0], q[2]


def report_calls(name, n, threads, calls):
    (t_ours, f_ours), (t_np, f_np) = calls["wce_c"].summary(), calls["numpy"].summary()
    lo, hi = calls["wce_c"].spread()
    floor = statistics.median(calls["wce_c"].floor) if calls["wce_c"].floor else float("nan")
    print(f"{name}, {n:.0e} rows, {threads} thread(s): objective call inside training "
          f"(median of {len(calls['wce_c'].times)}): wce_c {t_ours * 1e3:.2f} ms "
          f"(quartiles {lo * 1e3:.2f}-{hi * 1e3:.2f}, {f_ours:.0f} faults/call), NumPy "
          f"{t_np * 1e3:.2f} ms ({f_np:.0f} faults/call): {t_np / t_ours:.1f}x; memory floor "
          f"{floor * 1e3:.2f} ms (wce_c {t_ours / floor:.2f}x the floor)")


def bench_xgboost(X, y, rounds, threads):
    import xgboost as xgb

    d = xgb.DMatrix(X, label=y, nthread=threads)
    p = {"tree_method": "hist", "max_depth": 6, "nthread": threads, "eta": 0.1}
    calls = {"wce_c": CallTimes(), "numpy": CallTimes()}
    ours = calls["wce_c"].wrap(wx.objective(Q, n_threads=threads),
                               labels_of=lambda dm: native_labels_and_weights(dm)[0])
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
    ours = calls["wce_c"].wrap(wl.objective(Q, n_threads=threads), as_float32,
                               labels_of=lambda d: native_labels_and_weights(d)[0])
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


# ------------------------------------------------------------------ calibration and start

def known_probability(n, seed):
    """Rows with a known positive-class probability, sigmoid(2 x0 + x1 x2 - 3.5): about 8 %."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 6))
    p = 1.0 / (1.0 + np.exp(-(2.0 * X[:, 0] + X[:, 1] * X[:, 2] - 3.5)))
    return X, (rng.random(n) < p).astype(np.float64), p


def log_loss(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def calibration_error(y, p, bins=20):
    """Expected calibration error over equal-count bins of the predicted probability: the
    share-weighted mean |mean prediction - observed frequency|."""
    order = np.argsort(p)
    return float(sum(abs(p[b].mean() - y[b].mean()) * len(b) / len(p)
                     for b in np.array_split(order, bins)))


def reliability(y, p, bins=20):
    order = np.argsort(p)
    parts = np.array_split(order, bins)
    return [p[b].mean() for b in parts], [y[b].mean() for b in parts]


def staged_margins(library, q, X, y, Xv, rounds, start, lr):
    """Validation margins after each round (start included) of a wce_c-trained model."""
    m = float(wce_c.intercept(y, q)) if start == "intercept" else 0.0
    if library == "xgboost":
        import xgboost as xgb
        d = xgb.DMatrix(X, label=y, base_margin=np.full(len(y), m))
        dv = xgb.DMatrix(Xv, base_margin=np.full(len(Xv), m))
        b = xgb.train({"tree_method": "hist", "max_depth": 4, "eta": lr, "nthread": 1,
                       "base_score": 0.0}, d, rounds, obj=wx.objective(q))
        return [b.predict(dv, output_margin=True, iteration_range=(0, k + 1))
                for k in range(rounds)]
    if library == "lightgbm":
        import lightgbm as lgb
        b = lgb.train({"objective": wl.objective(q), "num_leaves": 15, "learning_rate": lr,
                       "num_threads": 1, "verbose": -1},
                      lgb.Dataset(X, label=y, init_score=np.full(len(y), m)), rounds)
        return [b.predict(Xv, raw_score=True, num_iteration=k + 1) + m for k in range(rounds)]
    import catboost as cb
    model = cb.CatBoost({"loss_function": wcb.objective(q), "eval_metric": wcb.metric(q),
                         "iterations": rounds, "depth": 4, "learning_rate": lr,
                         "thread_count": 1, "verbose": 0, "allow_writing_files": False})
    model.fit(cb.Pool(X, y, baseline=np.full(len(y), m)))
    return [r + m for r in model.staged_predict(Xv, prediction_type="RawFormulaVal")]


def builtin_margins(library, q, X, y, Xv, rounds, lr):
    """Validation margins after each round of the library's built-in weighted logloss."""
    if library == "xgboost":
        import xgboost as xgb
        b = xgb.train({"tree_method": "hist", "max_depth": 4, "eta": lr, "nthread": 1,
                       "objective": "binary:logistic", "scale_pos_weight": q},
                      xgb.DMatrix(X, label=y), rounds)
        dv = xgb.DMatrix(Xv)
        return [b.predict(dv, output_margin=True, iteration_range=(0, k + 1))
                for k in range(rounds)]
    if library == "lightgbm":
        import lightgbm as lgb
        b = lgb.train({"objective": "binary", "scale_pos_weight": q, "num_leaves": 15,
                       "learning_rate": lr, "num_threads": 1, "verbose": -1},
                      lgb.Dataset(X, label=y), rounds)
        return [b.predict(Xv, raw_score=True, num_iteration=k + 1) for k in range(rounds)]
    import catboost as cb
    model = cb.CatBoostClassifier(loss_function="Logloss", scale_pos_weight=q,
                                  iterations=rounds, depth=4, learning_rate=lr,
                                  thread_count=1, verbose=0, allow_writing_files=False)
    model.fit(X, y)
    return list(model.staged_predict(Xv, prediction_type="RawFormulaVal"))


def rounds_to(curve, target):
    hit = np.flatnonzero(np.asarray(curve) <= target)
    return int(hit[0]) + 1 if hit.size else None


def calibration(libraries, n, q, rounds, lr, plot):
    X, y, _ = known_probability(n, 11)
    Xv, yv, pv = known_probability(n, 12)
    print(f"calibration and start: {n} training and {n} validation rows, "
          f"{y.mean():.1%} positives, pos_weight {q:g}, {rounds} rounds at learning rate "
          f"{lr:g}; the true probability's own log loss {log_loss(yv, pv):.4f}")
    curves = {}
    for library in libraries:
        weighted = staged_margins(library, q, X, y, Xv, rounds, "intercept", lr)[-1]
        plain = staged_margins(library, 1.0, X, y, Xv, rounds, "intercept", lr)[-1]
        probs = {"raw sigmoid": 1.0 / (1.0 + np.exp(-weighted)),
                 "wce_c.probability": wce_c.probability(weighted, q),
                 "unweighted model": wce_c.probability(plain, 1.0)}
        for kind, p in probs.items():
            print(f"  {library:8s} {kind:18s} log loss {log_loss(yv, p):.4f}  calibration "
                  f"error {calibration_error(yv, p):.4f}  mean {p.mean():.4f} "
                  f"(base rate {yv.mean():.4f})")
        curves[library] = probs
        for weight in sorted({q, 1.0}, reverse=True):
            wce = lambda ms: [float(wce_c.loss(yv, m, weight, reduction="mean"))  # noqa: E731
                              for m in ms]
            builtin = wce(builtin_margins(library, weight, X, y, Xv, rounds, lr))
            target = min(builtin) * 1.01
            zero = wce(staged_margins(library, weight, X, y, Xv, rounds, "zero", lr))
            start = wce(staged_margins(library, weight, X, y, Xv, rounds, "intercept", lr))
            r0, r1, rb = (rounds_to(c, target) for c in (zero, start, builtin))
            saved = f"{r0 - r1} rounds saved" if r0 and r1 else "not reached"
            at = min(10, rounds)
            print(f"  {library:8s} pos_weight {weight:g}: rounds to within 1 % of the "
                  f"built-in's best validation loss ({target:.4f}): built-in {rb}, wce_c from "
                  f"0 {r0}, from wce_c.intercept {r1} ({saved}); after {at} rounds: built-in "
                  f"{builtin[at - 1]:.4f}, from 0 {zero[at - 1]:.4f}, from the intercept "
                  f"{start[at - 1]:.4f}")
    if plot:
        plot_reliability(curves, yv, q, plot)


def plot_reliability(curves, yv, q, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
    fig, axes = plt.subplots(1, len(curves), figsize=(5 * len(curves), 4.6), squeeze=False)
    for ax, (library, probs) in zip(axes[0], curves.items()):
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls=":", label="perfect calibration")
        for kind, p in probs.items():
            xs, ys = reliability(yv, p)
            ys = [v if v > 0 else np.nan for v in ys]  # no positives in the bin: off the log axis
            ax.plot(xs, ys, marker="o", ms=3, label=f"{kind} (ECE "
                                                    f"{calibration_error(yv, p):.3f})")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(1e-4, 1)
        ax.set_ylim(1e-4, 1)
        ax.set_title(f"{library}, pos_weight {q:g}")
        ax.set_xlabel("mean predicted probability (20 equal-count bins)")
        ax.set_ylabel("observed frequency of positives")
        ax.legend(fontsize=8, loc="upper left")
    fig.suptitle(f"Reliability of probabilities from models trained with wce_c "
                 f"{wce_c.__version__} (validation rows, true probability known)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", choices=["speed", "calibration"],
                        help="run one part (default: both)")
    parser.add_argument("--calibration-rows", type=int, default=20_000,
                        help="training (and validation) rows of the calibration part")
    parser.add_argument("--calibration-rounds", type=int, default=300)
    parser.add_argument("--pos-weight", type=float, default=10.0,
                        help="pos_weight of the calibration part (the start figures also "
                             "at pos_weight 1)")
    parser.add_argument("--plot", metavar="FILE.png",
                        help="write the reliability plot there (needs matplotlib)")
    args = parser.parse_args()
    libraries = {"xgboost": bench_xgboost, "lightgbm": bench_lightgbm,
                 "catboost": bench_catboost}
    installed = []
    for name in libraries:
        try:
            __import__(name)
            installed.append(name)
        except ImportError:
            print(f"{name}: not installed, skipped")
    if args.only != "speed":
        calibration(installed, args.calibration_rows, args.pos_weight,
                    args.calibration_rounds, 0.1, args.plot)
    if args.only == "calibration":
        return
    for n in (int(float(r)) for r in args.rows.split(",")):
        rng = np.random.default_rng(1)
        X = rng.standard_normal((n, 20)).astype(np.float32)
        y = (X[:, 0] + rng.standard_normal(n) > 1.5).astype(np.float64)
        for name in installed:
            res, calls = libraries[name](X, y, args.rounds, args.threads)
            base = res["built-in"][0]
            cells = ", ".join(f"{k} {t / args.rounds * 1e3:.1f} ms/round (±{s * 50:.0f}%, "
                              f"{t / base:.2f}x built-in)" for k, (t, s) in res.items())
            print(f"{name}, {n:.0e} rows, {args.threads} thread(s): {cells}")
            if calls:
                report_calls(name, n, args.threads, calls)


if __name__ == "__main__":
    main()
