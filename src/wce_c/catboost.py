"""CatBoost custom objective and metric for the weighted cross entropy with logits.

>>> import numpy as np, wce_c.catboost as wcb
>>> obj = wcb.objective(pos_weight=5.0)
>>> obj.calc_ders_range(np.zeros(2), np.array([0.0, 1.0]), None)  # der1 = -grad, der2 = -hess
array([[-0.5 , -0.25],
       [ 2.5 , -1.25]])

Use ``CatBoostClassifier(loss_function=obj, eval_metric=wcb.metric(5.0))`` (CatBoost requires
an eval_metric with a custom objective).  CatBoost maximises, so the derivatives come back
negated; it calls the objective from its own threads in blocks of up to 1000 rows, so each
call runs on one thread by default and goes straight to the kernel.  ``no_jit`` is set:
nothing here is for numba to compile.  CatBoost's automatic learning rate is tuned for its
built-in losses: set ``learning_rate`` yourself with a custom objective.  For scikit-learn's
tools (clone, cross_val_score, scorers) give ``class_names=(0, 1)``, a tuple: with a custom
objective ``classes_`` stays empty otherwise, and a list does not survive clone.
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from . import _api
from ._gbdt import Params, mean_loss

__all__ = ["objective", "metric", "WCEObjective", "WCEMetric"]


class WCEObjective(Params):
    """``calc_ders_range(approxes, targets, weights)`` -> (n, 2) array of (-grad, -hess)."""

    no_jit = True

    def __init__(self, pos_weight=1.0, *, n_threads: Optional[int] = 1):
        super().__init__(pos_weight, n_threads=n_threads)
        if isinstance(self.pos_weight, np.ndarray):
            raise ValueError("CatBoost's custom objectives are single-output here: give a "
                             "scalar pos_weight")

    def calc_ders_range(self, approxes: Any, targets: Any, weights: Any) -> np.ndarray:
        # CatBoost's arrays are views of its own memory: read, never written.  Its targets
        # (and weights) arrive as float32 beside float64 approxes; cast to the approxes' dtype
        # here, a call takes the C fast path (1000 rows: 14 -> 6 us), which matters most
        # when CatBoost's threads take turns at the GIL.
        approxes = np.asarray(approxes)
        targets = np.asarray(targets, dtype=approxes.dtype)
        if weights is not None:
            weights = np.asarray(weights, dtype=approxes.dtype)
        g, h = _api.gradient_hessian(targets, approxes, self.pos_weight,
                                     sample_weight=weights, n_threads=self.n_threads)
        ders = np.empty((g.shape[0], 2), dtype=np.float64)
        np.negative(g, out=ders[:, 0])
        np.negative(h, out=ders[:, 1])
        return ders


class WCEMetric(Params):
    """The (weighted) mean loss on raw approxes; lower is better."""

    takes_n_threads = False

    no_jit = True

    def __init__(self, pos_weight=1.0):
        super().__init__(pos_weight)

    def is_max_optimal(self) -> bool:
        return False

    def evaluate(self, approxes: Any, target: Any, weight: Any) -> Tuple[float, float]:
        """(sum of w * loss, sum of w) over this block, as CatBoost accumulates them."""
        x = np.asarray(approxes[0], dtype=np.float64)
        if weight is None:
            return float(_api.loss(target, x, self.pos_weight, reduction="sum")), float(x.size)
        w = np.asarray(weight, dtype=np.float64)
        return (float(_api.loss(target, x, self.pos_weight, sample_weight=w,
                                reduction="sum")), float(np.sum(w)))

    def get_final_error(self, error: float, weight: float) -> float:
        return error / weight if weight else float("nan")

    def mean(self, targets: Any, approxes: Any, weights: Any = None) -> float:
        """The metric over whole arrays (the same number CatBoost reports)."""
        return mean_loss(targets, approxes, self.pos_weight, weights)


def objective(pos_weight=1.0, *, n_threads: Optional[int] = 1) -> WCEObjective:
    """A custom ``loss_function`` for CatBoost.

    Examples
    --------
    >>> import wce_c.catboost as wcb
    >>> wcb.objective(2.0).no_jit
    True
    """
    return WCEObjective(pos_weight, n_threads=n_threads)


def metric(pos_weight=1.0) -> WCEMetric:
    """A custom ``eval_metric`` for CatBoost.

    Examples
    --------
    >>> import numpy as np, wce_c.catboost as wcb
    >>> m = wcb.metric(3.0)
    >>> err, wsum = m.evaluate([np.array([0.0])], np.array([1.0]), None)
    >>> round(m.get_final_error(err, wsum), 6)
    2.079442
    """
    return WCEMetric(pos_weight)
