"""LightGBM custom objective and metric for the weighted cross entropy with logits.

>>> import numpy as np, wce_c.lightgbm as wl
>>> obj = wl.objective(pos_weight=5.0)
>>> obj(np.array([0.0, 1.0]), np.zeros(2))  # sklearn style: (y_true, raw scores)
(array([ 0.5, -2.5], dtype=float32), array([0.25, 1.25], dtype=float32))

The gradients come back as float32, the type LightGBM keeps them in (it casts float64 ones
itself): computed from the float64 raw scores and rounded once, so they are the values a
float64 evaluation rounded to float32 gives (bar about one element in 10^7).

Native API: ``params["objective"] = obj`` in ``lightgbm.train`` and ``feval=metric``;
scikit-learn API: ``LGBMClassifier(objective=obj)`` and ``fit(..., eval_metric=metric)``.
The same objects serve both.  With a custom objective ``boost_from_average`` does nothing
(training starts from raw score 0: start from ``wce_c.intercept`` through ``init_score``), and
``LGBMClassifier.predict_proba`` returns raw scores: ``wce_c.probability(scores, pos_weight)``
gives the probability under the data's base rate, and ``wce_c.sklearn.WCEClassifier`` wraps
the classifier so that ``predict_proba`` does.
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

from ._gbdt import (NativeOrSklearnObjective, Params, is_native_dataset, mean_loss,
                    native_labels_and_weights)

__all__ = ["objective", "metric", "WCEObjective", "WCEMetric"]


class WCEObjective(NativeOrSklearnObjective):
    """Gradient and hessian for LightGBM: ``f(preds, dataset)`` or ``f(y_true, y_pred, weight)``."""


class WCEMetric(Params):
    """The (weighted) mean loss on raw scores: ``("wce", value, False)`` (lower is better)."""

    takes_n_threads = False

    def __call__(self, y_true_or_preds: Any, y_pred_or_dataset: Any,
                 sample_weight: Any = None) -> Tuple[str, float, bool]:
        if is_native_dataset(y_pred_or_dataset):
            labels, weights = native_labels_and_weights(y_pred_or_dataset)
            value = mean_loss(labels, y_true_or_preds, self.pos_weight, weights)
        else:
            value = mean_loss(y_true_or_preds, y_pred_or_dataset, self.pos_weight,
                              sample_weight)
        return "wce", value, False


def objective(pos_weight=1.0, *, n_threads: Optional[int] = None) -> WCEObjective:
    """A custom objective for ``lightgbm.train`` (``params["objective"]``) or ``LGBMClassifier``.

    Examples
    --------
    >>> import wce_c.lightgbm as wl
    >>> wl.objective([1.0, 4.0]).pos_weight
    array([1., 4.])
    """
    return WCEObjective(pos_weight, n_threads=n_threads)


def metric(pos_weight=1.0) -> WCEMetric:
    """A custom metric for ``lightgbm.train(feval=...)`` or ``fit(eval_metric=...)``.

    Examples
    --------
    >>> import numpy as np, wce_c.lightgbm as wl
    >>> name, value, higher_is_better = wl.metric(3.0)(np.array([1.0]), np.array([0.0]))
    >>> name, round(value, 6), higher_is_better
    ('wce', 2.079442, False)
    """
    return WCEMetric(pos_weight)
