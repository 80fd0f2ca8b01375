"""The boosting adapters against each library's built-in objective (DESIGN section 5).

Equalities used:
* XGBoost: binary:logistic with scale_pos_weight = q, base_score = 0.5 is the same model as
  the adapter started from margin 0 (base_score = 0.0 for a custom objective).
* LightGBM: binary with scale_pos_weight = q, boost_from_average = False: identical scores.
* Soft labels: WCE(z, q) = l CE(z') with z' = q z / l, l = (1 - z) + q z, so the built-in
  cross entropy on labels z' with weights l (times any sample weights) is the same model.
Each library is optional: its tests skip when it is not installed.
"""

import copy
import pickle

import numpy as np
import pytest

import wce_c
import wce_c.catboost as wcb
import wce_c.lightgbm as wl
import wce_c.xgboost as wx

Q = 4.0


def data(n=1500, seed=0, k=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 6))
    if k is None:
        y = (X[:, 0] + 0.6 * rng.standard_normal(n) > 1.0).astype(np.float64)
    else:
        y = (X[:, :k] + 0.7 * rng.standard_normal((n, k)) > 0.8).astype(np.float64)
    w = rng.uniform(0.2, 2.0, n)
    return X, y, w


# --------------------------------------------------------------------------------- XGBoost

XGB_PARAMS = {"tree_method": "hist", "max_depth": 4, "eta": 0.3, "nthread": 1, "seed": 0}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_xgboost_native_equals_builtin_logistic(weighted):
    xgb = pytest.importorskip("xgboost")
    X, y, w = data()
    d = xgb.DMatrix(X, label=y, weight=w if weighted else None)
    builtin = xgb.train({**XGB_PARAMS, "objective": "binary:logistic",
                         "scale_pos_weight": Q, "base_score": 0.5}, d, 15)
    ours = xgb.train({**XGB_PARAMS, "base_score": 0.0}, d, 15, obj=wx.objective(Q))
    np.testing.assert_allclose(ours.predict(d, output_margin=True),
                               builtin.predict(d, output_margin=True), rtol=0, atol=1e-5)


def test_xgboost_sklearn_with_sample_weight_equals_builtin():
    xgb = pytest.importorskip("xgboost")
    pytest.importorskip("sklearn")
    X, y, w = data(seed=1)
    kw = {"n_estimators": 15, "max_depth": 4, "learning_rate": 0.3, "n_jobs": 1,
          "random_state": 0, "tree_method": "hist"}
    builtin = xgb.XGBClassifier(objective="binary:logistic", scale_pos_weight=Q,
                                base_score=0.5, **kw).fit(X, y, sample_weight=w)
    # XGBClassifier keeps binary:logistic as the booster's objective beside a callable one,
    # so its base_score stays a probability: the default 0.5 is margin 0.
    ours = xgb.XGBClassifier(objective=wx.objective(Q), **kw)
    ours.fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.predict(X, output_margin=True),
                               builtin.predict(X, output_margin=True), rtol=0, atol=1e-5)


def test_xgboost_multi_output_equals_per_class_builtin_models():
    xgb = pytest.importorskip("xgboost")
    X, Y, _ = data(k=3, seed=2)
    qv = np.array([1.0, 3.0, 8.0])
    d = xgb.DMatrix(X, label=Y)
    ours = xgb.train({**XGB_PARAMS, "multi_strategy": "one_output_per_tree",
                      "base_score": 0.0, "num_target": 3}, d, 10, obj=wx.objective(qv))
    margins = ours.predict(d, output_margin=True)
    assert margins.shape == (X.shape[0], 3)
    for j in range(3):
        dj = xgb.DMatrix(X, label=Y[:, j])
        bj = xgb.train({**XGB_PARAMS, "objective": "binary:logistic",
                        "scale_pos_weight": qv[j], "base_score": 0.5}, dj, 10)
        np.testing.assert_allclose(margins[:, j], bj.predict(dj, output_margin=True),
                                   rtol=0, atol=1e-5)


def test_pos_weight_vector_length_must_match_outputs():
    m = np.zeros((5, 3), np.float32)
    with pytest.raises(ValueError, match="3 outputs"):
        wx.objective([1.0, 2.0])(np.zeros((5, 3), np.float32), m)
    with pytest.raises(ValueError, match="single output"):
        wl.objective([1.0, 2.0])(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="scalar"):
        wcb.objective([1.0, 2.0])
    with pytest.raises(ValueError, match="pos_weight"):
        wx.objective(-1.0)


def test_xgboost_soft_labels_equal_builtin_on_transformed_labels():
    xgb = pytest.importorskip("xgboost")
    X, _, w = data(seed=3)
    z = np.random.default_rng(3).uniform(0, 1, X.shape[0])
    l = (1 - z) + Q * z
    params = {**XGB_PARAMS, "tree_method": "exact"}  # no weighted sketch: the same splits
    d = xgb.DMatrix(X, label=z, weight=w)
    ours = xgb.train({**params, "base_score": 0.0}, d, 10, obj=wx.objective(Q))
    d2 = xgb.DMatrix(X, label=Q * z / l, weight=w * l)
    builtin = xgb.train({**params, "objective": "binary:logistic", "base_score": 0.5}, d2, 10)
    np.testing.assert_allclose(ours.predict(d, output_margin=True),
                               builtin.predict(d2, output_margin=True), rtol=0, atol=1e-5)


def test_xgboost_metric_equals_wce_mean():
    xgb = pytest.importorskip("xgboost")
    X, y, w = data(seed=4)
    for weight in (None, w):
        d = xgb.DMatrix(X, label=y, weight=weight)
        log = {}
        b = xgb.train({**XGB_PARAMS, "base_score": 0.0, "disable_default_eval_metric": 1},
                      d, 5, obj=wx.objective(Q), custom_metric=wx.metric(Q),
                      evals=[(d, "train")], evals_result=log, verbose_eval=False)
        margins = b.predict(d, output_margin=True)
        if weight is None:
            expected = float(wce_c.loss(y.astype(np.float32), margins, Q, reduction="mean"))
        else:
            expected = float(np.sum(wce_c.loss(y, margins.astype(np.float64), Q,
                                               sample_weight=w)) / w.sum())
        assert log["train"]["wce"][-1] == pytest.approx(expected, rel=1e-5)


# -------------------------------------------------------------------------------- LightGBM

LGB_PARAMS = {"num_leaves": 15, "learning_rate": 0.2, "num_threads": 1, "verbose": -1,
              "seed": 0, "deterministic": True}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_lightgbm_native_identical_to_builtin_binary(weighted):
    lgb = pytest.importorskip("lightgbm")
    X, y, w = data(seed=5)
    ds = lambda: lgb.Dataset(X, label=y, weight=w if weighted else None,  # noqa: E731
                             params={"verbose": -1})
    builtin = lgb.train({**LGB_PARAMS, "objective": "binary", "scale_pos_weight": Q,
                         "boost_from_average": False}, ds(), 15)
    ours = lgb.train({**LGB_PARAMS, "objective": wl.objective(Q)}, ds(), 15)
    np.testing.assert_array_equal(ours.predict(X), builtin.predict(X, raw_score=True))


def test_lightgbm_sklearn_with_sample_weight_identical_to_builtin():
    lgb = pytest.importorskip("lightgbm")
    pytest.importorskip("sklearn")
    X, y, w = data(seed=6)
    kw = {"n_estimators": 15, "num_leaves": 15, "learning_rate": 0.2, "n_jobs": 1,
          "random_state": 0, "verbose": -1, "deterministic": True}
    builtin = lgb.LGBMClassifier(objective="binary", scale_pos_weight=Q,
                                 boost_from_average=False, **kw).fit(X, y, sample_weight=w)
    ours = lgb.LGBMClassifier(objective=wl.objective(Q), **kw).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(ours.predict(X, raw_score=True),
                                  builtin.predict(X, raw_score=True))


def test_lightgbm_soft_labels_equal_builtin_cross_entropy():
    lgb = pytest.importorskip("lightgbm")
    X, _, _ = data(seed=7)
    z = np.random.default_rng(7).uniform(0, 1, X.shape[0])
    l = (1 - z) + Q * z
    ours = lgb.train({**LGB_PARAMS, "objective": wl.objective(Q)},
                     lgb.Dataset(X, label=z, params={"verbose": -1}), 10)
    builtin = lgb.train({**LGB_PARAMS, "objective": "cross_entropy", "boost_from_average": False},
                        lgb.Dataset(X, label=Q * z / l, weight=l, params={"verbose": -1}), 10)
    np.testing.assert_allclose(ours.predict(X), builtin.predict(X, raw_score=True),
                               rtol=0, atol=1e-6)


def test_lightgbm_multiclass_model_is_refused_with_the_shapes():
    """LightGBM has no multi-label model: its multiclass objective takes one class index per
    row, which is not this loss; the (n, k) scores it passes meet n labels and are refused."""
    lgb = pytest.importorskip("lightgbm")
    X, _, _ = data(seed=9)
    classes = np.random.default_rng(9).integers(0, 3, X.shape[0]).astype(np.float64)
    for q in (Q, [1.0, 2.0, 3.0]):
        with pytest.raises(ValueError, match=rf"{X.shape[0]} values but the margins have "
                                             rf"shape \({X.shape[0]}, 3\)"):
            lgb.train({**LGB_PARAMS, "objective": wl.objective(q), "num_class": 3},
                      lgb.Dataset(X, label=classes, params={"verbose": -1}), 2)


def test_lightgbm_metric_equals_wce_mean():
    lgb = pytest.importorskip("lightgbm")
    X, y, w = data(seed=8)
    for weight in (None, w):
        ds = lgb.Dataset(X, label=y, weight=weight, params={"verbose": -1})
        log = {}
        b = lgb.train({**LGB_PARAMS, "objective": wl.objective(Q), "metric": "None"}, ds, 5,
                      valid_sets=[ds], valid_names=["train"], feval=wl.metric(Q),
                      callbacks=[lgb.record_evaluation(log)])
        margins = b.predict(X)
        elem = wce_c.loss(y, margins, Q)
        expected = elem.mean() if weight is None else np.sum(elem * w) / w.sum()
        # training-time scores and predict() sum the trees in different orders
        assert log["train"]["wce"][-1] == pytest.approx(expected, rel=1e-7)


# -------------------------------------------------------------------------------- CatBoost

class NumpyWCE:
    """An independent NumPy implementation of the same derivatives, for CatBoost."""

    no_jit = True

    def calc_ders_range(self, approxes, targets, weights):
        x = np.asarray(approxes, dtype=np.float64)
        z = np.asarray(targets, dtype=np.float64)
        p = 1.0 / (1.0 + np.exp(-x))
        l = (1 - z) + Q * z
        g = l * p - Q * z
        h = l * p * (1 - p)
        if weights is not None:
            g, h = g * np.asarray(weights), h * np.asarray(weights)
        return np.column_stack((-g, -h))


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_catboost_equals_numpy_implementation(weighted):
    cb = pytest.importorskip("catboost")
    X, y, w = data(n=1200, seed=9)
    pool = cb.Pool(X, y, weight=w if weighted else None)
    kw = {"iterations": 20, "depth": 4, "learning_rate": 0.2, "random_seed": 0,
          "thread_count": 2, "verbose": False, "eval_metric": wcb.metric(Q),
          "allow_writing_files": False}
    ours = cb.CatBoostClassifier(loss_function=wcb.objective(Q), **kw).fit(pool)
    ref = cb.CatBoostClassifier(loss_function=NumpyWCE(), **kw).fit(pool)
    np.testing.assert_allclose(ours.predict(pool, prediction_type="RawFormulaVal"),
                               ref.predict(pool, prediction_type="RawFormulaVal"),
                               rtol=0, atol=1e-6)
    # the metric CatBoost reports is the weighted mean loss on its raw predictions
    raw = ours.predict(pool, prediction_type="RawFormulaVal")
    reported = ours.get_best_score()["learn"]
    value = next(v for k, v in reported.items() if k != "Logloss")
    assert value == pytest.approx(wcb.metric(Q).mean(y, raw, w if weighted else None),
                                  rel=1e-6)


def test_catboost_objective_never_writes_its_inputs():
    x = np.linspace(-5, 5, 11)
    z = (x > 0).astype(float)
    w = np.full(11, 2.0)
    before = (x.copy(), z.copy(), w.copy())
    ders = wcb.objective(3.0).calc_ders_range(x, z, w)
    for a, b in zip((x, z, w), before):
        np.testing.assert_array_equal(a, b)
    g, h = wce_c.gradient_hessian(z, x, 3.0, sample_weight=w)
    np.testing.assert_array_equal(ders, np.column_stack((-g, -h)))


def test_catboost_float32_targets_and_weights_beside_float64_approxes():
    """What CatBoost passes (float32 targets and weights, float64 approxes): the values of
    the float64 computation, soft labels included."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal(1000) * 4
    z = rng.uniform(0, 1, 1000).astype(np.float32)
    w = rng.uniform(0.5, 2.0, 1000).astype(np.float32)
    for weights in (None, w):
        ders = wcb.objective(3.0).calc_ders_range(x, z, weights)
        assert ders.dtype == np.float64 and ders.shape == (1000, 2)
        g, h = wce_c.gradient_hessian(z.astype(np.float64), x, 3.0,
                                      sample_weight=None if weights is None
                                      else weights.astype(np.float64))
        np.testing.assert_array_equal(ders, np.column_stack((-g, -h)))


def test_xgboost_objective_runs_on_one_thread_unless_told(monkeypatch):
    """XGBoost brings its own OpenMP runtime, whose workers a multithreaded objective would
    compete with: n_threads=None means one thread there, OpenMP's default elsewhere."""
    from wce_c import _gbdt

    seen = []
    real = _gbdt.gradient_hessian_float32
    monkeypatch.setattr(_gbdt, "gradient_hessian_float32",
                        lambda *args: seen.append(args[-1]) or real(*args))
    z, m = np.array([0.0, 1.0], np.float32), np.zeros(2, np.float32)
    g1, _ = wx.objective(2.0)(z, m)
    g2, _ = wx.objective(2.0, n_threads=2)(z, m)
    wl.objective(2.0)(z, m.astype(np.float64))
    assert seen == [1, 2, None]
    np.testing.assert_array_equal(g1, g2)


# ------------------------------------------------------------------------- all adapters

ADAPTERS = [wx.objective(2.0), wx.metric(2.0), wl.objective([1.0, 3.0], n_threads=1),
            wl.metric(2.0), wcb.objective(2.0), wcb.metric(2.0)]


@pytest.mark.parametrize("obj", ADAPTERS, ids=repr)
def test_adapters_pickle_and_deepcopy(obj):
    for clone in (pickle.loads(pickle.dumps(obj)), copy.deepcopy(obj), copy.copy(obj)):
        assert clone == obj and type(clone) is type(obj)
        assert repr(clone) == repr(obj)


def test_objective_calls_work_without_the_libraries():
    """sklearn-style calls need none of the libraries, and give wce_c's own numbers."""
    z = np.array([0.0, 1.0, 1.0])
    x32 = np.array([-2.0, 0.5, 3.0], np.float32)
    g, h = wx.objective(2.0)(z, x32, sample_weight=np.array([1.0, 2.0, 0.5]))
    assert g.dtype == np.float32
    eg, eh = wce_c.gradient_hessian(z, x32, 2.0, sample_weight=np.array([1.0, 2.0, 0.5]))
    np.testing.assert_array_equal(g, eg)
    np.testing.assert_array_equal(h, eh)
    g64, h64 = wl.objective(2.0)(z, x32.astype(np.float64), None)
    # float64 scores give float32 gradients (what LightGBM keeps), from the float64 values
    assert g64.dtype == np.float32 and h64.dtype == np.float32
    eg, eh = wce_c.gradient_hessian(z, x32.astype(np.float64), 2.0)
    assert_within_one_float32_ulp(g64, eg)
    assert_within_one_float32_ulp(h64, eh)


def assert_within_one_float32_ulp(got, exact64, max_fraction_off=1e-3):
    """got (float32) is exact64 (float64, within 3 ULP of the truth) rounded to float32 but
    for rare elements next to a rounding tie, which may land one float32 ULP off."""
    assert got.dtype == np.float32
    rounded = exact64.astype(np.float32)
    off = got != rounded
    assert off.sum() <= max(1, max_fraction_off * got.size), (off.sum(), got.size)
    np.testing.assert_array_less(np.abs(got[off].astype(np.float64) - exact64[off]),
                                 np.spacing(np.abs(rounded[off])).astype(np.float64))


def test_float32_labels_and_weights_with_float64_scores_are_cast_once():
    obj = wl.objective(3.0)
    rng = np.random.default_rng(12)
    y = (rng.random(50_000) < 0.2).astype(np.float32)
    wt = rng.uniform(0.5, 2.0, 50_000).astype(np.float32)
    m = rng.standard_normal(50_000) * 4
    first = obj(y, m, wt)
    again = obj(y, m, wt)  # from the cached copies
    cached = obj.__dict__["_float64_cache"]
    assert cached["labels"][0]() is y and cached["weights"][0]() is wt
    expected = wce_c.gradient_hessian(y.astype(np.float64), m, 3.0,
                                      sample_weight=wt.astype(np.float64))
    for got in (first, again):
        assert_within_one_float32_ulp(got[0], expected[0])
        assert_within_one_float32_ulp(got[1], expected[1])
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    y2 = y.copy()
    y2[:10] = 1.0  # a different array: a fresh copy, not the cached one
    assert_within_one_float32_ulp(
        obj(y2, m, wt)[0],
        wce_c.gradient_hessian(y2.astype(np.float64), m, 3.0,
                               sample_weight=wt.astype(np.float64))[0])
    clone = pickle.loads(pickle.dumps(obj))  # the cache does not travel
    assert clone == obj and "_float64_cache" not in clone.__dict__
    assert copy.deepcopy(obj) is obj  # a value: its deep copy is itself (see Params)


# ------------------------------------------------------- labels read in place, every round

def test_xgboost_labels_and_weights_are_read_in_place_and_stay_current(monkeypatch):
    xgb = pytest.importorskip("xgboost")
    X, y, w = data(seed=21)
    d = xgb.DMatrix(X, label=y, weight=w)
    margins = np.random.default_rng(0).standard_normal(len(y)).astype(np.float32)
    expected = wce_c.gradient_hessian(y.astype(np.float32), margins, Q,
                                      sample_weight=w.astype(np.float32))
    # the objective and the metric no longer copy through get_label / get_weight
    monkeypatch.setattr(xgb.DMatrix, "get_label", lambda self: pytest.fail("copied"))
    monkeypatch.setattr(xgb.DMatrix, "get_weight", lambda self: pytest.fail("copied"))
    for _ in range(3):
        g, h = wx.objective(Q)(margins, d)
        np.testing.assert_array_equal(g, expected[0])
        np.testing.assert_array_equal(h, expected[1])
    name, value = wx.metric(Q)(margins, d)
    assert value == pytest.approx(float(
        wce_c.loss(y, margins.astype(np.float64), Q, sample_weight=w, reduction="sum")
        / w.sum()), rel=1e-6)
    monkeypatch.undo()
    # changed between trainings: the next training sees the new labels and weights, as an
    # objective that copies them with get_label / get_weight does on a twin DMatrix (not a
    # fresh one: XGBoost keeps the histogram cuts of the first training's weights)
    def copying(margins, dm):
        return wce_c.gradient_hessian(dm.get_label(), margins, Q, sample_weight=dm.get_weight())

    params = {**XGB_PARAMS, "base_score": 0.0}
    twin = xgb.DMatrix(X, label=y, weight=w)
    y2, w2 = 1.0 - y, w[::-1].copy()
    models = []
    for dm, obj in ((d, wx.objective(Q)), (twin, copying)):
        xgb.train(params, dm, 5, obj=obj)
        dm.set_label(y2)
        dm.set_weight(w2)
        models.append(xgb.train(params, dm, 5, obj=obj).predict(d, output_margin=True))
    np.testing.assert_array_equal(models[0], models[1])
    old = xgb.train(params, xgb.DMatrix(X, label=y, weight=w), 5, obj=copying)
    assert not np.array_equal(models[0], old.predict(d, output_margin=True))  # labels changed
    # and a DMatrix without weights reads none
    g, _ = wx.objective(Q)(margins, xgb.DMatrix(X, label=y))
    np.testing.assert_array_equal(g, wce_c.gradient(y.astype(np.float32), margins, Q))


def test_lightgbm_set_label_and_set_weight_between_trainings():
    lgb = pytest.importorskip("lightgbm")
    X, y, w = data(seed=22)
    params = {**LGB_PARAMS, "objective": wl.objective(Q)}
    ds = lgb.Dataset(X, label=y, weight=w, free_raw_data=False)
    lgb.train(params, ds, 5)
    y2, w2 = 1.0 - y, w[::-1].copy()
    ds.set_label(y2)
    ds.set_weight(w2)
    again = lgb.train(params, ds, 5)
    fresh = lgb.train(params, lgb.Dataset(X, label=y2, weight=w2), 5)
    np.testing.assert_array_equal(again.predict(X, raw_score=True),
                                  fresh.predict(X, raw_score=True))


def test_objective_outputs_reuse_memory_across_rounds_with_identical_results():
    """Inside training, each round's gradient and hessian land in the memory of an earlier
    round's (the result pool takes them back once the library has copied them), and the
    model is the one an objective with fresh NumPy outputs trains."""
    xgb = pytest.importorskip("xgboost")
    rng = np.random.default_rng(23)
    X = rng.standard_normal((100_000, 4)).astype(np.float32)
    y = (X[:, 0] + rng.standard_normal(100_000) > 1.0).astype(np.float32)
    addresses = []
    obj = wx.objective(Q)

    def recording(margins, dm):
        g, h = obj(margins, dm)
        addresses.append((g.ctypes.data, h.ctypes.data))
        return g, h

    def fresh(margins, dm):
        g, h = obj(margins, dm)
        return np.array(g), np.array(h)

    d = xgb.DMatrix(X, label=y)
    params = {**XGB_PARAMS, "base_score": 0.0}
    ours = xgb.train(params, d, 12, obj=recording).predict(d, output_margin=True)
    theirs = xgb.train(params, d, 12, obj=fresh).predict(d, output_margin=True)
    np.testing.assert_array_equal(ours, theirs)
    seen = {a for pair in addresses[:2] for a in pair}
    assert all(set(pair) <= seen for pair in addresses[2:]), "fresh memory in later rounds"
