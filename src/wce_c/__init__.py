"""wce_c: weighted binary cross entropy with logits, its gradient and hessian.

Exact to the last bit or two over the whole float range (where the textbook formula returns 0
or NaN), multithreaded, for NumPy code and for gradient-boosting custom objectives.

>>> import numpy as np, wce_c
>>> labels = np.array([0.0, 1.0, 1.0])
>>> logits = np.array([-20.0, 0.0, 3.0])
>>> wce_c.loss(labels, logits, pos_weight=2.0)
array([2.06115362e-09, 1.38629436e+00, 9.71747031e-02])
>>> g, h = wce_c.gradient_hessian(labels, logits, pos_weight=2.0)
"""

from . import _simd  # noqa: F401  (chooses the instruction-set level at import)
from ._api import (
    gradient,
    gradient_hessian,
    hessian,
    label_gradient,
    loss,
    loss_gradient,
    weighted_cross_entropy_with_logits,
)
from ._config import get_include, show_config
from ._probability import intercept, probability

__version__ = "0.1.0"

__all__ = [
    "weighted_cross_entropy_with_logits",
    "loss",
    "gradient",
    "hessian",
    "label_gradient",
    "loss_gradient",
    "gradient_hessian",
    "probability",
    "intercept",
    "get_include",
    "show_config",
    "__version__",
]
