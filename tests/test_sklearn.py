"""scikit-learn tools around the adapters: clone, cross_val_score and GridSearchCV with the
libraries' own classifiers and with wce_c.sklearn.WCEClassifier, probabilities that mean what
scikit-learn expects, and early stopping on the wce_c metric alone."""

import numpy as np
import pytest

import wce_c
import wce_c.catboost as wcb
import wce_c.lightgbm as wl
import wce_c.xgboost as wx

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402

Q = 5.0
LIBRARIES = ["xgboost", "lightgbm", "catboost"]


def known_probability(n, seed):
    """Rows whose positive-class probability is known: sigmoid(2 x0 - 3), about 13 %."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4))
    p = 1.0 / (1.0 + np.exp(-(2.0 * X[:, 0] - 3.0)))
    return X, (rng.random(n) < p).astype(int), p


def base_estimator(library, n=40, **kw):
    if library == "xgboost":
        xgb = pytest.importorskip("xgboost")
        return xgb.XGBClassifier(n_estimators=n, max_depth=3, learning_rate=0.2, n_jobs=1,
                                 random_state=0, **kw)
    if library == "lightgbm":
        lgb = pytest.importorskip("lightgbm")
        return lgb.LGBMClassifier(n_estimators=n, num_leaves=8, learning_rate=0.2, n_jobs=1,
                                  verbose=-1, random_state=0, **kw)
    cb = pytest.importorskip("catboost")
    return cb.CatBoostClassifier(iterations=n, depth=3, learning_rate=0.2, thread_count=1,
                                 verbose=0, allow_writing_files=False, random_seed=0, **kw)


def with_objective(library, n=40):
    """Each library's own classifier given the wce_c objective and metric directly."""
    if library == "xgboost":
        return base_estimator(library, n, objective=wx.objective(Q), eval_metric=wx.metric(Q))
    if library == "lightgbm":
        return base_estimator(library, n, objective=wl.objective(Q))
    # CatBoost's classes_ stays empty with a custom objective unless class_names is given;
    # a tuple, which survives clone (CatBoost's get_params deep-copies its parameters)
    return base_estimator(library, n, loss_function=wcb.objective(Q),
                          eval_metric=wcb.metric(Q), class_names=(0, 1))


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_libraries_own_classifiers_clone_and_cross_validate(library):
    est = with_objective(library)
    copy = clone(est)
    assert copy.get_params()["objective" if library != "catboost" else "loss_function"] == (
        wx.objective(Q) if library == "xgboost" else
        wl.objective(Q) if library == "lightgbm" else wcb.objective(Q))
    X, y, _ = known_probability(1500, 0)
    scores = cross_val_score(est, X, y, scoring="roc_auc", cv=3)
    assert np.all(scores > 0.75)


def wrapper(library, q=Q, **kw):
    from wce_c.sklearn import WCEClassifier
    return WCEClassifier(base_estimator(library, **kw), pos_weight=q)


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_wrapper_in_cross_val_score_and_grid_search(library):
    X, y, _ = known_probability(1500, 1)
    clf = wrapper(library)
    assert clone(clf).get_params()["pos_weight"] == Q
    auc = cross_val_score(clf, X, y, scoring="roc_auc", cv=3)
    nll = cross_val_score(clf, X, y, scoring="neg_log_loss", cv=3)
    assert np.all(auc > 0.75) and np.all(np.isfinite(nll)) and np.all(nll > -0.45)
    depth = {"xgboost": "max_depth", "lightgbm": "num_leaves", "catboost": "depth"}[library]
    grid = GridSearchCV(clf, {"pos_weight": [1.0, Q],
                              f"estimator__{depth}": [2, 4]},
                        scoring="neg_log_loss", cv=3).fit(X, y)
    assert set(grid.best_params_) == {"pos_weight", f"estimator__{depth}"}
    assert np.isfinite(grid.best_score_)
    assert grid.best_estimator_.estimator_ is not None


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_wrappers_probabilities_are_the_shifted_sigmoid(library):
    X, y, _ = known_probability(1200, 2)
    labels = np.where(y == 1, "yes", "no")  # any two classes; the positive one sorts last
    clf = wrapper(library).fit(X, labels)
    assert clf.classes_.tolist() == ["no", "yes"]
    margin = clf.decision_function(X)
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(proba[:, 1], wce_c.probability(margin, Q))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=4e-16)
    np.testing.assert_array_equal(clf.predict(X), np.where(margin > np.log(Q), "yes", "no"))
    # the start: the weighted loss's best constant, included in the margins
    assert clf.intercept_ == pytest.approx(float(wce_c.intercept(y, Q)))
    zero = wrapper(library)
    zero.set_params(start="zero")
    assert zero.fit(X, labels).intercept_ == 0.0


@pytest.mark.parametrize("library", LIBRARIES)
def test_corrected_probabilities_score_like_an_unweighted_model(library):
    """On data with a known probability, a pos_weight-trained model's corrected probabilities
    score close to an unweighted model's log loss, and far better than its raw sigmoid."""
    X, y, _ = known_probability(6000, 3)
    Xt, yt, pt = known_probability(6000, 4)
    weighted = wrapper(library, n=60).fit(X, y)
    unweighted = wrapper(library, q=1.0, n=60).fit(X, y)
    raw = 1.0 / (1.0 + np.exp(-weighted.decision_function(Xt)))
    corrected = weighted.predict_proba(Xt)[:, 1]
    plain = unweighted.predict_proba(Xt)[:, 1]
    best = log_loss(yt, pt)  # the truth's own score
    ll_raw, ll_corr, ll_plain = (log_loss(yt, p) for p in (raw, corrected, plain))
    assert ll_corr < 1.05 * ll_plain and ll_corr < best * 1.1
    assert ll_raw > 1.25 * ll_corr
    assert abs(corrected.mean() - yt.mean()) < 0.02 < abs(raw.mean() - yt.mean())


def test_the_wrapper_refuses_what_it_cannot_train():
    from wce_c.sklearn import WCEClassifier
    X, y, _ = known_probability(200, 5)
    with pytest.raises(TypeError, match="XGBoost, LightGBM or CatBoost"):
        WCEClassifier(sklearn.linear_model.LogisticRegression()).fit(X, y)
    with pytest.raises(TypeError, match="estimator is required"):
        WCEClassifier().fit(X, y)
    with pytest.raises(ValueError, match="exactly two classes"):
        wrapper("lightgbm").fit(X, np.zeros(200))
    with pytest.raises(ValueError, match="pos_weight must be a number > 0"):
        wrapper("lightgbm", q=0.0).fit(X, y)
    with pytest.raises(ValueError, match="not one of the classes"):
        wrapper("lightgbm").fit(X, y, eval_set=[(X, y + 1)])


# --------------------------------------------------------------------------- early stopping

def split(n=6000, seed=6):
    X, y, _ = known_probability(n, seed)
    rng = np.random.default_rng(seed)
    X = np.c_[X, rng.standard_normal((n, 8))]  # noise features, so that it overfits
    k = n * 2 // 3
    return X[:k], y[:k].astype(float), X[k:], y[k:].astype(float)


def wce_valid(yv, margins):
    return float(wce_c.loss(yv, margins, Q, reduction="mean"))


def check_stopped_on_wce(history, best_iteration, patience, rounds):
    """Stopped by the wce metric: its best round is the best iteration, and training went
    on exactly ``patience`` rounds past it (not stopped early by another metric)."""
    history = np.asarray(history)
    assert int(np.argmin(history)) == best_iteration
    assert len(history) == min(rounds, best_iteration + 1 + patience)


ROUNDS, PATIENCE = 400, 15


def test_xgboost_recipes_stop_on_the_wce_metric():
    xgb = pytest.importorskip("xgboost")
    X, y, Xv, yv = split()
    dtrain, dvalid = xgb.DMatrix(X, label=y), xgb.DMatrix(Xv, label=yv)
    params = {"tree_method": "hist", "max_depth": 4, "eta": 0.15, "nthread": 1, "seed": 0}
    record = {}
    booster = xgb.train({**params, "base_score": 0.0, "disable_default_eval_metric": 1},
                        dtrain, ROUNDS, obj=wx.objective(Q), custom_metric=wx.metric(Q),
                        evals=[(dvalid, "valid")], early_stopping_rounds=PATIENCE,
                        evals_result=record, verbose_eval=False)
    assert list(record["valid"]) == ["wce"]
    check_stopped_on_wce(record["valid"]["wce"], booster.best_iteration, PATIENCE, ROUNDS)
    ours = wce_valid(yv, booster.predict(dvalid, output_margin=True,
                                         iteration_range=(0, booster.best_iteration + 1)))
    builtin = xgb.train({**params, "objective": "binary:logistic", "scale_pos_weight": Q},
                        dtrain, ROUNDS, evals=[(dvalid, "valid")],
                        early_stopping_rounds=PATIENCE, verbose_eval=False)
    theirs = wce_valid(yv, builtin.predict(dvalid, output_margin=True,
                                           iteration_range=(0, builtin.best_iteration + 1)))
    assert ours <= theirs * 1.01
    clf = xgb.XGBClassifier(n_estimators=ROUNDS, max_depth=4, learning_rate=0.15, n_jobs=1,
                            random_state=0, objective=wx.objective(Q),
                            eval_metric=wx.metric(Q), disable_default_eval_metric=True,
                            early_stopping_rounds=PATIENCE)
    clf.fit(X, y, eval_set=[(Xv, yv)], verbose=False)
    history = clf.evals_result()["validation_0"]
    assert list(history) == ["wce"]
    check_stopped_on_wce(history["wce"], clf.best_iteration, PATIENCE, ROUNDS)


def test_lightgbm_recipes_stop_on_the_wce_metric():
    lgb = pytest.importorskip("lightgbm")
    X, y, Xv, yv = split()
    params = {"num_leaves": 15, "learning_rate": 0.15, "num_threads": 1, "verbose": -1,
              "seed": 0}
    record = {}
    booster = lgb.train({**params, "objective": wl.objective(Q), "metric": "None"},
                        lgb.Dataset(X, label=y), ROUNDS, valid_sets=[lgb.Dataset(Xv, yv)],
                        valid_names=["valid"], feval=wl.metric(Q),
                        callbacks=[lgb.early_stopping(PATIENCE, verbose=False),
                                   lgb.record_evaluation(record)])
    assert list(record["valid"]) == ["wce"]
    check_stopped_on_wce(record["valid"]["wce"], booster.best_iteration - 1, PATIENCE, ROUNDS)
    ours = wce_valid(yv, booster.predict(Xv, raw_score=True,
                                         num_iteration=booster.best_iteration))
    builtin = lgb.train({**params, "objective": "binary", "scale_pos_weight": Q},
                        lgb.Dataset(X, label=y), ROUNDS, valid_sets=[lgb.Dataset(Xv, yv)],
                        callbacks=[lgb.early_stopping(PATIENCE, verbose=False)])
    theirs = wce_valid(yv, builtin.predict(Xv, raw_score=True,
                                           num_iteration=builtin.best_iteration))
    assert ours <= theirs * 1.01
    clf = lgb.LGBMClassifier(n_estimators=ROUNDS, num_leaves=15, learning_rate=0.15, n_jobs=1,
                             verbose=-1, random_state=0, objective=wl.objective(Q),
                             metric="None")
    clf.fit(X, y, eval_set=[(Xv, yv)], eval_metric=wl.metric(Q),
            callbacks=[lgb.early_stopping(PATIENCE, verbose=False)])
    history = clf.evals_result_["valid_0"]
    assert list(history) == ["wce"]
    check_stopped_on_wce(history["wce"], clf.best_iteration_ - 1, PATIENCE, ROUNDS)


def test_catboost_recipe_stops_on_the_wce_metric():
    cb = pytest.importorskip("catboost")
    X, y, Xv, yv = split(4500)
    kw = {"iterations": ROUNDS, "depth": 4, "learning_rate": 0.15, "thread_count": 1,
          "verbose": 0, "allow_writing_files": False, "random_seed": 0}
    model = cb.CatBoostClassifier(**kw, loss_function=wcb.objective(Q),
                                  eval_metric=wcb.metric(Q), early_stopping_rounds=PATIENCE,
                                  class_names=(0, 1))
    model.fit(X, y, eval_set=(Xv, yv))
    history = model.get_evals_result()["validation"]
    assert list(history) == ["WCEMetric"]
    check_stopped_on_wce(history["WCEMetric"], model.get_best_iteration(), PATIENCE, ROUNDS)
    ours = wce_valid(yv, model.predict(Xv, prediction_type="RawFormulaVal"))  # best model
    builtin = cb.CatBoostClassifier(**kw, loss_function="Logloss", scale_pos_weight=Q,
                                    early_stopping_rounds=PATIENCE)
    builtin.fit(X, y, eval_set=(Xv, yv))
    theirs = wce_valid(yv, builtin.predict(Xv, prediction_type="RawFormulaVal"))
    assert ours <= theirs * 1.01


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_wrapper_stops_on_the_wce_metric(library):
    X, y, Xv, yv = split(4500)
    kw = {"xgboost": {"early_stopping_rounds": PATIENCE},
          "lightgbm": {}, "catboost": {"early_stopping_rounds": PATIENCE}}[library]
    clf = wrapper(library, n=ROUNDS, **kw)
    fit_kw = {}
    if library == "lightgbm":
        import lightgbm as lgb
        fit_kw["callbacks"] = [lgb.early_stopping(PATIENCE, verbose=False)]
    if library == "xgboost":
        fit_kw["verbose"] = False
    clf.fit(X, y, eval_set=[(Xv, yv)], **fit_kw)
    est = clf.estimator_
    if library == "xgboost":
        history, best = est.evals_result()["validation_0"], est.best_iteration
    elif library == "lightgbm":
        history, best = est.evals_result_["valid_0"], est.best_iteration_ - 1
    else:
        history, best = est.get_evals_result()["validation"], est.get_best_iteration()
    assert len(history) == 1  # the wce metric alone
    check_stopped_on_wce(next(iter(history.values())), best, PATIENCE, ROUNDS)


def test_the_wrapper_takes_pandas_rows_with_any_index():
    pd = pytest.importorskip("pandas")
    X, y, _ = known_probability(900, 8)
    index = np.random.default_rng(0).permutation(900) + 1000  # as after train_test_split
    Xf = pd.DataFrame(X, index=index, columns=[f"f{i}" for i in range(X.shape[1])])
    yf, wf = pd.Series(y, index=index), pd.Series(np.linspace(0.5, 2, 900), index=index)
    clf = wrapper("lightgbm").fit(Xf, yf, sample_weight=wf)
    assert clf.intercept_ == pytest.approx(float(wce_c.intercept(y, Q, sample_weight=wf.to_numpy())))
    assert clf.predict_proba(Xf).shape == (900, 2)
