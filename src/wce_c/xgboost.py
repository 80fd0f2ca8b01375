"""XGBoost custom objective and metric for the weighted cross entropy with logits.

>>> import wce_c.xgboost as wx
>>> obj = wx.objective(pos_weight=5.0)
>>> metric = wx.metric(pos_weight=5.0)
>>> import numpy as np
>>> g, h = obj(np.array([0.0, 1.0], np.float32), np.zeros(2, np.float32))  # sklearn style
>>> g, h
(array([ 0.5, -2.5], dtype=float32), array([0.25, 1.25], dtype=float32))

Native API: ``xgboost.train(params, dtrain, obj=obj, custom_metric=metric)``;
scikit-learn API: ``XGBClassifier(objective=obj, eval_metric=metric)``.  The same objects
serve both: called with a DMatrix they read its labels and weights, called with arrays they
take ``sample_weight`` as XGBoost's wrapper passes it.  Margins of shape (n, k)
(multi-output models) take a pos_weight vector of length k.

Where training starts: ``xgboost.train`` with a custom objective and no ``objective``
parameter reads ``base_score`` as a raw margin, 0.5 by default: pass ``base_score=0.0`` to
start at probability 1/2 as ``binary:logistic`` does.  ``XGBClassifier`` keeps
``binary:logistic`` beside a callable objective, so its default already starts at margin 0
(``XGBRegressor`` does not: give it ``base_score=0.0``).  The metric receives raw margins,
which XGBoost passes whenever the objective is custom.  ``XGBClassifier.predict_proba`` is
the sigmoid of the pos_weight-trained margin (q-weighted odds): ``wce_c.probability(margins,
pos_weight)`` gives the probability under the data's base rate, and
``wce_c.sklearn.WCEClassifier`` answers with it.
"""

from __future__ import annotations

from typing import Any, Optional, Tuple, Union

from ._gbdt import (NativeOrSklearnObjective, Params, is_native_dataset, mean_loss,
                    native_labels_and_weights)

__all__ = ["objective", "metric", "WCEObjective", "WCEMetric"]


class WCEObjective(NativeOrSklearnObjective):
    """Gradient and hessian of the weighted cross entropy for XGBoost (native and sklearn).

    Runs on one thread unless ``n_threads`` says otherwise: XGBoost's wheel brings its own
    OpenMP runtime, and its idle workers and this objective's would compete for the cores
    (XGBoost on two threads, 1e6 rows: 59 ms per round with a one-thread objective, 69 with
    a two-thread one, whose call itself is only 0.4 ms shorter).
    """

    threads_when_none = 1


class WCEMetric(Params):
    """The (weighted) mean loss on raw margins, as XGBoost passes them with a custom objective.

    Native ``custom_metric``: returns ``("wce", value)``; sklearn ``eval_metric``: the value.
    Lower is better.
    """

    takes_n_threads = False

    __name__ = "wce"  # XGBoost's scikit-learn wrapper names the metric after the callable

    def __call__(self, y_true_or_margins: Any, y_pred_or_dmatrix: Any,
                 sample_weight: Any = None) -> Union[float, Tuple[str, float]]:
        if is_native_dataset(y_pred_or_dmatrix):
            labels, weights = native_labels_and_weights(y_pred_or_dmatrix)
            return "wce", mean_loss(labels, y_true_or_margins, self.pos_weight, weights)
        return mean_loss(y_true_or_margins, y_pred_or_dmatrix, self.pos_weight, sample_weight)


def objective(pos_weight=1.0, *, n_threads: Optional[int] = None) -> WCEObjective:
    """A custom objective for ``xgboost.train(obj=...)`` or ``XGBClassifier(objective=...)``.

    ``n_threads=None`` runs it on one thread (see ``WCEObjective``); give a number to use
    more, for example when XGBoost itself trains on one thread.

    Examples
    --------
    >>> import wce_c.xgboost as wx
    >>> wx.objective(3.0)
    wce_c.xgboost.WCEObjective(pos_weight=3.0, n_threads=None)
    """
    return WCEObjective(pos_weight, n_threads=n_threads)


def metric(pos_weight=1.0) -> WCEMetric:
    """A custom metric for ``xgboost.train(custom_metric=...)`` or ``eval_metric=...``.

    Examples
    --------
    >>> import numpy as np, wce_c.xgboost as wx
    >>> round(wx.metric(3.0)(np.array([1.0, 0.0]), np.array([0.0, 0.0])), 6)
    1.386294
    """
    return WCEMetric(pos_weight)
