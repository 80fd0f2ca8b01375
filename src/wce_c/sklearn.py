"""A scikit-learn classifier that trains an XGBoost, LightGBM or CatBoost classifier with the
weighted cross entropy and answers with probabilities under the data's own base rate.

>>> import numpy as np, xgboost as xgb
>>> from wce_c.sklearn import WCEClassifier
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((500, 3)); y = (X[:, 0] + rng.standard_normal(500) > 1.5)
>>> clf = WCEClassifier(xgb.XGBClassifier(n_estimators=20), pos_weight=5.0).fit(X, y)
>>> clf.predict_proba(X[:2]).shape, clf.classes_
((2, 2), array([False,  True]))

Why a wrapper.  Each library's own classifier, given the wce_c objective, answers in its own
way: XGBoost's ``predict_proba`` is the sigmoid of the margin (q-weighted odds, see
``wce_c.probability``), LightGBM's returns raw scores, CatBoost's ``classes_`` stays empty
unless ``class_names`` is given.  Scorers such as ``neg_log_loss``, and calibration plots, need
probabilities of the positive class.  ``WCEClassifier`` configures a clone of the given
estimator with the objective and metric of ``pos_weight`` (and the settings that make early
stopping watch that metric alone), starts it from the weighted loss's best constant margin
(``wce_c.intercept``) unless ``start="zero"``, and answers:

* ``decision_function(X)``: the model's margin, start included;
* ``predict_proba(X)``: ``[1 - p, p]`` with ``p = sigmoid(margin - log q)``, each column
  computed directly (no cancellation in ``1 - p``);
* ``predict(X)``: the class of the larger probability (p > 1/2, that is margin > log q).

Any estimator parameter is reached as ``estimator__name`` (``GridSearchCV``); ``pos_weight``
is a parameter too.  ``fit`` takes ``sample_weight`` and ``eval_set`` (a list of ``(X, y)``
pairs, labelled as ``y``), plus the library's own fit keywords; the eval sets start from the
same margin.
"""

from __future__ import annotations

import inspect
import sys
from typing import Optional

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from . import _probability
from . import catboost as _wcb
from . import lightgbm as _wl
from . import xgboost as _wx
from ._gbdt import check_pos_weight

__all__ = ["WCEClassifier"]

_LIBRARIES = ("xgboost", "lightgbm", "catboost")


def _library(estimator) -> str:
    root = type(estimator).__module__.split(".")[0]
    if root not in _LIBRARIES:
        raise TypeError(
            "estimator must be an XGBoost, LightGBM or CatBoost classifier (XGBClassifier, "
            f"LGBMClassifier, CatBoostClassifier), got {type(estimator).__name__}")
    return root


class WCEClassifier(ClassifierMixin, BaseEstimator):
    """A boosting classifier trained with the weighted cross entropy (see the module note).

    Parameters
    ----------
    estimator : XGBClassifier, LGBMClassifier or CatBoostClassifier
        Cloned at ``fit``; its objective, metric and starting margin are set here.
    pos_weight : float, default 1.0
        The weight q of the positive class in the loss (finite, > 0).
    start : {"intercept", "zero"}, default "intercept"
        The margin training starts from: the weighted loss's best constant
        (``wce_c.intercept``), or 0 as a custom objective does by itself.
    n_threads : int, optional
        Threads of the objective, as in each adapter's ``objective``.

    Attributes
    ----------
    estimator_ : the fitted clone.  classes_ : the two classes, the positive one last.
    intercept_ : the starting margin.

    Examples
    --------
    >>> import numpy as np, lightgbm as lgb
    >>> from sklearn.model_selection import cross_val_score
    >>> from wce_c.sklearn import WCEClassifier
    >>> rng = np.random.default_rng(1)
    >>> X = rng.standard_normal((600, 3)); y = (X[:, 0] + rng.standard_normal(600) > 1.5)
    >>> clf = WCEClassifier(lgb.LGBMClassifier(n_estimators=20, verbose=-1), pos_weight=4.0)
    >>> scores = cross_val_score(clf, X, y, scoring="neg_log_loss", cv=3)
    >>> bool(np.all(np.isfinite(scores)))
    True
    """

    def __init__(self, estimator=None, pos_weight: float = 1.0, *, start: str = "intercept",
                 n_threads: Optional[int] = None):
        self.estimator = estimator
        self.pos_weight = pos_weight
        self.start = start
        self.n_threads = n_threads

    def _q(self) -> float:
        q = check_pos_weight(self.pos_weight)
        if isinstance(q, np.ndarray) or not q > 0:
            raise ValueError(f"pos_weight must be a number > 0, got {self.pos_weight!r}")
        return q

    def _encode(self, y, name: str = "y") -> np.ndarray:
        """0/1 labels: 1 for the positive class ``classes_[1]``."""
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"{name} must be one label per row, got shape {y.shape}")
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(f"{name} holds {y[unknown][0]!r}, not one of the classes "
                             f"{self.classes_.tolist()} seen in fit's y")
        return (y == self.classes_[1]).astype(np.float64)

    def fit(self, X, y, sample_weight=None, eval_set=None, **fit_params):
        """Train a clone of ``estimator``; ``eval_set`` is a list of ``(X, y)`` pairs."""
        if self.estimator is None:
            raise TypeError("estimator is required: an XGBClassifier, LGBMClassifier or "
                            "CatBoostClassifier")
        if self.start not in ("intercept", "zero"):
            raise ValueError(f"start must be 'intercept' or 'zero', got {self.start!r}")
        library = _library(self.estimator)
        q = self._q()
        classes = np.unique(np.asarray(y))
        if classes.size != 2:
            raise ValueError(f"y must hold exactly two classes, got {classes.tolist()}")
        self.classes_ = classes
        z = self._encode(y)
        if sample_weight is not None:  # by position, as scikit-learn passes rows
            sample_weight = np.asarray(sample_weight, dtype=np.float64)
        m = (float(_probability.intercept(z, q, sample_weight=sample_weight))
             if self.start == "intercept" else 0.0)
        self.intercept_ = m
        evals = [] if eval_set is None else [(Xe, self._encode(ye, "eval_set's y"))
                                             for Xe, ye in eval_set]
        est = clone(self.estimator)
        starts = [np.full(len(Xe), m) for Xe, _ in evals]
        kw = dict(fit_params)
        if library == "xgboost":
            est.set_params(objective=_wx.objective(q, n_threads=self.n_threads),
                           eval_metric=_wx.metric(q), disable_default_eval_metric=True)
            kw.update(base_margin=np.full(len(z), m))
            if evals:
                kw.update(eval_set=evals, base_margin_eval_set=starts)
            est.fit(X, z, sample_weight=sample_weight, **kw)
        elif library == "lightgbm":
            est.set_params(objective=_wl.objective(q, n_threads=self.n_threads),
                           metric="None")
            kw.update(init_score=np.full(len(z), m), eval_metric=_wl.metric(q))
            if evals:
                kw.update(eval_init_score=starts)
                if "eval_X" in inspect.signature(est.fit).parameters:  # LightGBM >= 4.7
                    kw.update(eval_X=tuple(Xe for Xe, _ in evals),
                              eval_y=tuple(ze for _, ze in evals))
                else:
                    kw.update(eval_set=evals)
            est.fit(X, z, sample_weight=sample_weight, **kw)
        else:
            cb = sys.modules["catboost"]
            threads = 1 if self.n_threads is None else self.n_threads
            est.set_params(loss_function=_wcb.objective(q, n_threads=threads),
                           eval_metric=_wcb.metric(q), class_names=(0.0, 1.0))
            if evals:
                kw.update(eval_set=[cb.Pool(Xe, ze, baseline=s)
                                    for (Xe, ze), s in zip(evals, starts)])
            est.fit(cb.Pool(X, z, weight=sample_weight, baseline=np.full(len(z), m)), **kw)
        self.estimator_ = est
        self._library = library
        return self

    def decision_function(self, X) -> np.ndarray:
        """The margin of each row, the starting margin included."""
        check_is_fitted(self, "estimator_")
        est, m = self.estimator_, self.intercept_
        if self._library == "xgboost":
            n = X.shape[0] if hasattr(X, "shape") else len(X)
            return np.asarray(est.predict(X, output_margin=True, base_margin=np.full(n, m)),
                              dtype=np.float64)
        if self._library == "lightgbm":
            return np.asarray(est.predict(X, raw_score=True), dtype=np.float64) + m
        return np.asarray(est.predict(X, prediction_type="RawFormulaVal"),
                          dtype=np.float64) + m

    def predict_proba(self, X) -> np.ndarray:
        """``[1 - p, p]`` per row, p the positive class's probability under the data's own
        base rate (``wce_c.probability`` of the margin)."""
        x = self.decision_function(X)
        q = self._q()
        p = _probability.probability(x, q)
        not_p = _probability.probability(-x, 1.0 / q)  # sigma(log q - x), directly
        return np.column_stack([not_p, p])

    def predict(self, X) -> np.ndarray:
        """The more probable class of each row (p > 1/2, that is margin > log q)."""
        proba = self.predict_proba(X)
        return self.classes_[(proba[:, 1] > proba[:, 0]).astype(int)]
