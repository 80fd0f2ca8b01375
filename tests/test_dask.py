"""Dask arrays in every argument, lazily; the adapters inside xgboost.dask and lightgbm.dask."""

import subprocess
import sys
import time

import numpy as np
import pytest

import wce_c

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

FUNCS = [wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient,
         wce_c.loss_gradient, wce_c.gradient_hessian]


def problem(dtype=np.float64, shape=(1000, 4), seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 6).astype(dtype)
    z = rng.choice([0.0, 1.0, 0.3], shape).astype(dtype)
    q = np.array([1.0, 2.5, 7.0, 0.5])[: shape[-1]]
    w = rng.uniform(0, 2, (shape[0], 1))
    return z, x, q, w


CHUNKINGS = {
    "one-block": ((1000, 4), (1000, 4), 4),
    "uneven-rows": ((137, 4), (250, 4), 4),
    "per-column": ((1000, 1), (1000, 1), 1),
    "mixed": ((333, 3), (500, 2), 2),
}


class CountingScheduler:
    """A scheduler that records being asked to compute anything."""

    def __init__(self):
        self.calls = 0

    def __call__(self, dsk, keys, **kwargs):
        self.calls += 1
        return dask.get(dsk, keys, **kwargs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("chunking", CHUNKINGS, ids=list(CHUNKINGS))
def test_elementwise_results_are_lazy_and_bitwise_equal_to_numpy(chunking, dtype):
    z, x, q, w = problem(dtype)
    cx, cz, cq = CHUNKINGS[chunking]
    X, Z = da.from_array(x, chunks=cx), da.from_array(z, chunks=cz)
    Q, W = da.from_array(q, chunks=cq), da.from_array(w, chunks=(cx[0], 1))
    sched = CountingScheduler()
    with dask.config.set(scheduler=sched):
        lazy = [f(Z, X, Q, sample_weight=W) for f in FUNCS]
    assert sched.calls == 0, "a wce_c call computed something"
    for f, result in zip(FUNCS, lazy):
        expected = f(z, x, q, sample_weight=w)
        pairs = zip(result, expected) if isinstance(expected, tuple) else [(result, expected)]
        for r, e in pairs:
            assert isinstance(r, da.Array) and r.dtype == e.dtype and r.shape == e.shape
            got = r.compute(scheduler="sync")
            assert got.tobytes() == e.tobytes(), f.__name__


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("chunking", CHUNKINGS, ids=list(CHUNKINGS))
def test_reductions_are_lazy_and_agree_within_float64_rounding(chunking, dtype):
    z, x, q, w = problem(dtype)
    cx, cz, cq = CHUNKINGS[chunking]
    X, Z, Q = (da.from_array(a, chunks=c) for a, c in ((x, cx), (z, cz), (q, cq)))
    for reduction in ("sum", "mean"):
        sched = CountingScheduler()
        with dask.config.set(scheduler=sched):
            lazy = wce_c.loss(Z, X, Q, sample_weight=w, reduction=reduction)
        assert sched.calls == 0 and isinstance(lazy, da.Array) and lazy.shape == ()
        assert lazy.dtype == dtype
        # compare the float64 partial sums, before the final cast to the compute dtype
        exact = float(wce_c.loss(z.astype(np.float64), x.astype(np.float64), q,
                                 sample_weight=w, reduction=reduction)) if dtype == np.float64 \
            else None
        got = float(lazy.compute(scheduler="sync"))
        ours = float(wce_c.loss(z, x, q, sample_weight=w, reduction=reduction))
        if exact is not None:
            assert got == pytest.approx(exact, rel=4e-16 * np.log2(x.size))
        assert got == pytest.approx(ours, rel=float(np.finfo(dtype).eps))


def test_importing_and_using_wce_c_does_not_import_dask():
    code = ("import sys, numpy as np, wce_c; wce_c.loss(np.zeros(3), np.zeros(3), "
            "reduction='sum'); wce_c.gradient_hessian(np.zeros(3), np.zeros(3)); "
            "print('dask' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60, check=True)
    assert r.stdout.strip() == "False"


def test_dask_errors_name_the_argument():
    z, x, q, w = problem()
    X, Z = da.from_array(x, chunks=100), da.from_array(z, chunks=100)
    with pytest.raises(ValueError, match="labels.*logits"):
        wce_c.loss(Z[:10], X, q)
    with pytest.raises(ValueError, match="pos_weight"):
        wce_c.loss(Z, X, -1.0)
    with pytest.raises(ValueError, match="sample_weight.*enlarge"):
        wce_c.gradient(Z, X, q, sample_weight=np.ones((2, 1000, 4)))
    with pytest.raises(ValueError, match="out"):
        wce_c.hessian(Z, X, q, out=np.empty_like(x))
    with pytest.raises(TypeError, match="logits"):
        wce_c.loss(Z, X.astype(complex))
    lazy = wce_c.loss(Z, X, da.from_array(-q, chunks=2))  # checked by the tasks
    with pytest.raises(ValueError, match="pos_weight"):
        lazy.compute(scheduler="sync")


# ------------------------------------------------------------------ distributed boosting

@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def dask_data(client, n=4000):
    from distributed import wait

    rng = np.random.default_rng(0)
    # Features on a grid of 25 values, all present in every partition: each worker's
    # histogram bins are then the same, whichever rank it gets in LightGBM's network.
    X = np.clip(np.round(rng.standard_normal((n, 6)) * 4) / 4, -3, 3)
    y = (X[:, 0] + 0.6 * rng.standard_normal(n) > 1.0).astype(np.float64)
    w = rng.uniform(0.2, 2.0, n)
    # persisted, so that every fit sees the same partitions on the same workers
    arrays = [da.from_array(X, chunks=(n // 4, 6)).persist(),
              da.from_array(y, chunks=n // 4).persist(), da.from_array(w, chunks=n // 4).persist()]
    wait(arrays)
    return X, arrays


def test_xgboost_dask_train_equals_builtin(client):
    xgb = pytest.importorskip("xgboost")
    pytest.importorskip("xgboost.dask")
    import wce_c.xgboost as wx

    start = time.perf_counter()
    X, (dX, dy, dw) = dask_data(client)
    dtrain = xgb.dask.DaskDMatrix(client, dX, dy, weight=dw)
    p = {"tree_method": "hist", "max_depth": 4, "eta": 0.3, "nthread": 1}
    builtin = xgb.dask.train(client, {**p, "objective": "binary:logistic",
                                      "scale_pos_weight": 4.0, "base_score": 0.5},
                             dtrain, 10)["booster"]
    ours = xgb.dask.train(client, {**p, "base_score": 0.0}, dtrain, 10,
                          obj=wx.objective(4.0))["booster"]
    d = xgb.DMatrix(X)
    np.testing.assert_allclose(ours.predict(d, output_margin=True),
                               builtin.predict(d, output_margin=True), rtol=0, atol=1e-5)
    assert time.perf_counter() - start < 120


def test_lightgbm_dask_classifier_equals_builtin(client):
    lgb = pytest.importorskip("lightgbm")
    pytest.importorskip("sklearn")
    import wce_c.lightgbm as wl

    X, (dX, dy, dw) = dask_data(client)
    kw = {"n_estimators": 10, "num_leaves": 15, "learning_rate": 0.2, "verbose": -1,
          "random_state": 0, "deterministic": True}
    builtin = lgb.DaskLGBMClassifier(objective="binary", scale_pos_weight=4.0,
                                     boost_from_average=False, **kw).fit(dX, dy, sample_weight=dw)
    ours = lgb.DaskLGBMClassifier(objective=wl.objective(4.0), **kw).fit(dX, dy, sample_weight=dw)
    # histograms are added across workers in network order: equal to rounding
    np.testing.assert_allclose(ours.to_local().predict(X, raw_score=True),
                               builtin.to_local().predict(X, raw_score=True), rtol=0, atol=1e-9)
