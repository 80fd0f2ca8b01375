"""What the three boosting adapters share: parameters, derivatives, the weighted mean loss.

The adapters are plain Python classes (the libraries inspect a callable's signature, which a
Cython class would hide), hold only a pos_weight and a thread count (and caches), and so pickle
cleanly, also to dask workers; a deep copy is the object itself (see ``Params.__deepcopy__``).  They never import a boosting library: the native APIs are told
apart from the scikit-learn ones by duck typing (a DMatrix or Dataset has ``get_label``).
"""

from __future__ import annotations

import ctypes
import sys
import weakref
from typing import Any, Optional, Tuple, Union

import numpy as np

from . import _api
from ._threads import validate_n_threads

PosWeight = Union[float, np.ndarray]


def check_pos_weight(pos_weight) -> PosWeight:
    """A finite, non-negative scalar, or a 1-D vector of them (one per output)."""
    try:
        q = np.asarray(pos_weight, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"pos_weight must be a number or a 1-D array of numbers, got "
                        f"{type(pos_weight).__name__}") from None
    if q.ndim > 1:
        raise ValueError(f"pos_weight must be a scalar or a 1-D vector (one per output), got "
                         f"shape {q.shape}")
    if not np.all(np.isfinite(q)) or np.any(q < 0):
        raise ValueError("pos_weight must be finite and >= 0")
    return float(q) if q.ndim == 0 else q.copy()


def is_native_dataset(obj) -> bool:
    """True for an XGBoost DMatrix or a LightGBM Dataset (what the native APIs pass)."""
    return hasattr(obj, "get_label") and hasattr(obj, "get_weight")


def _xgboost_view(dmatrix, field: str) -> Optional[np.ndarray]:
    """A read-only view of an XGBoost DMatrix's float field ("label", "weight") in XGBoost's
    own memory, through its C API (XGDMatrixGetFloatInfo), or None where that is not to be
    had.  ``get_label`` and ``get_weight`` copy the field on every call, that is every round;
    the view is taken afresh on every call too, so it always shows the current field (after
    ``set_label`` or ``set_weight`` as well), and it is used only during the call."""
    core = sys.modules.get("xgboost.core")
    lib = getattr(core, "_LIB", None)
    handle = getattr(dmatrix, "handle", None)
    if lib is None or handle is None:
        return None
    length = ctypes.c_uint64()
    data = ctypes.POINTER(ctypes.c_float)()
    try:
        status = lib.XGDMatrixGetFloatInfo(handle, field.encode(), ctypes.byref(length),
                                           ctypes.byref(data))
    except (AttributeError, TypeError, ctypes.ArgumentError):
        return None
    if status != 0:
        return None
    if length.value == 0:
        return np.empty(0, dtype=np.float32)
    view = np.ctypeslib.as_array(data, shape=(length.value,))
    view.flags.writeable = False
    return view


def native_labels_and_weights(data):
    """Labels and weights of a DMatrix or Dataset as the objective reads them every round: an
    XGBoost DMatrix's in place (no copy), a LightGBM Dataset's as it keeps them (its
    ``get_label`` returns the same array every round, and a new one after ``set_label``)."""
    if type(data).__module__.split(".")[0] == "xgboost":
        labels = _xgboost_view(data, "label")
        weights = _xgboost_view(data, "weight")
        if labels is not None and weights is not None:
            return labels, weights
    return data.get_label(), data.get_weight()


def _weights(weight) -> Optional[np.ndarray]:
    if weight is None:
        return None
    w = np.asarray(weight)
    return None if w.size == 0 else w


def shaped(labels, margins, pos_weight: PosWeight, weight):
    """Labels, margins, pos_weight and weights made to fit each other, or a ValueError.

    Margins of shape (n,) or (n, k) (multi-output); labels arrive flat or with the margins'
    shape; a per-output pos_weight needs k entries; per-row weights apply to every output.
    """
    margins = np.asarray(margins)
    labels = np.asarray(labels)
    if labels.shape != margins.shape:
        if labels.size != margins.size:
            raise ValueError(f"the labels have {labels.size} values but the margins have "
                             f"shape {margins.shape}")
        labels = labels.reshape(margins.shape)
    if isinstance(pos_weight, np.ndarray):
        k = margins.shape[-1] if margins.ndim == 2 else 1
        if margins.ndim != 2 and pos_weight.shape[0] != 1:
            raise ValueError(f"pos_weight has {pos_weight.shape[0]} entries but the model has "
                             "a single output; give a scalar, or train a multi-output model")
        if pos_weight.shape[0] != k:
            raise ValueError(f"pos_weight has {pos_weight.shape[0]} entries but the model has "
                             f"{k} outputs (margins of shape {margins.shape})")
    w = _weights(weight)
    if w is not None:
        if w.shape[0] != margins.shape[0]:
            raise ValueError(f"{w.shape[0]} sample weights for {margins.shape[0]} rows")
        if margins.ndim == 2 and w.ndim == 1:
            w = w[:, None]
    return labels, margins, w


def gradient_hessian_float32(labels, margins, pos_weight: PosWeight, weight,
                             n_threads: Optional[int]) -> Tuple[np.ndarray, np.ndarray]:
    """Gradient and hessian as float32 in the margins' shape: what XGBoost and LightGBM keep
    (their gradient pairs are float32; LightGBM casts float64 ones itself).  From float64
    margins, computed from them as they are and rounded once."""
    labels, margins, w = shaped(labels, margins, pos_weight, weight)
    return _api.gradient_hessian_float32(labels, margins, pos_weight, w, n_threads)


def mean_loss(labels, margins, pos_weight: PosWeight, weight) -> float:
    """The loss averaged over the elements, weighted by the sample weights when given
    (sum w l / sum w over every output: the convention of the libraries' own logloss)."""
    labels, margins, w = shaped(labels, margins, pos_weight, weight)
    if margins.size == 0:
        return float("nan")
    if w is None:
        return float(_api.loss(labels, margins, pos_weight, reduction="mean"))
    total = float(_api.loss(labels, margins, pos_weight, sample_weight=w, reduction="sum"))
    return total / float(np.sum(np.broadcast_to(w, margins.shape), dtype=np.float64))


class Params:
    """pos_weight and n_threads, checked once; equality and repr for the adapters."""

    def __init__(self, pos_weight=1.0, *, n_threads: Optional[int] = None):
        self.pos_weight = check_pos_weight(pos_weight)
        validate_n_threads(n_threads)
        self.n_threads = n_threads

    # Whether the factory that makes this object takes n_threads (the metrics' does not), and
    # so whether the repr shows it.
    takes_n_threads = True

    def __repr__(self) -> str:
        q = self.pos_weight
        q = q.tolist() if isinstance(q, np.ndarray) else q
        threads = f", n_threads={self.n_threads!r}" if self.takes_n_threads else ""
        return f"{type(self).__module__}.{type(self).__name__}(pos_weight={q!r}{threads})"

    def __eq__(self, other) -> bool:
        return (type(self) is type(other)
                and np.array_equal(np.asarray(self.pos_weight), np.asarray(other.pos_weight))
                and self.n_threads == other.n_threads)

    # mutable objects that compare by value: no hash
    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo) -> "Params":
        # What an adapter holds is fixed when it is made (the float64 label copies are caches,
        # remade as needed), so a deep copy may be the object itself.  scikit-learn's clone
        # needs that with CatBoost, whose get_params deep-copies every parameter: clone checks
        # that the new estimator holds the very objects it was given.
        return self


class NativeOrSklearnObjective(Params):
    """One callable for both APIs of XGBoost and LightGBM: ``f(margins, dataset)`` natively
    (labels and weights read from the DMatrix or Dataset), ``f(y_true, y_pred,
    sample_weight)`` from the scikit-learn wrappers (which inspect this signature).

    Returns float32 gradients and hessians, what both libraries store (XGBoost's margins are
    float32 already; LightGBM's float64 raw scores give float32 results rounded once from
    the float64 computation, which LightGBM would otherwise cast itself).

    LightGBM passes float32 labels and weights beside float64 scores, the same arrays every
    round: the float64 copies the kernels need are made once and reused while those arrays
    live (a weak reference to each, so a new array, even at a recycled address, gets a new
    copy).  The copies are not pickled.

    ``n_threads=None`` means ``threads_when_none``: OpenMP's default here, one thread in the
    XGBoost adapter (see there).
    """

    threads_when_none: Optional[int] = None

    def __call__(self, y_true_or_margins: Any, y_pred_or_dataset: Any,
                 sample_weight: Any = None) -> Tuple[np.ndarray, np.ndarray]:
        if is_native_dataset(y_pred_or_dataset):
            margins, data = y_true_or_margins, y_pred_or_dataset
            labels, weight = native_labels_and_weights(data)
        else:
            labels, margins, weight = y_true_or_margins, y_pred_or_dataset, sample_weight
        labels = self._as_float64("labels", labels, margins)
        weight = self._as_float64("weights", weight, margins)
        threads = self.threads_when_none if self.n_threads is None else self.n_threads
        return gradient_hessian_float32(labels, margins, self.pos_weight, weight, threads)

    def _as_float64(self, slot: str, arr, margins):
        """A float32 array beside float64 margins, as a float64 copy made once per array."""
        if not (isinstance(arr, np.ndarray) and isinstance(margins, np.ndarray)
                and arr.dtype == np.float32 and margins.dtype == np.float64):
            return arr
        caches = self.__dict__.setdefault("_float64_cache", {})
        cached = caches.get(slot)
        if cached is not None and cached[0]() is arr and cached[1].shape == arr.shape:
            return cached[1]
        as64 = np.ascontiguousarray(arr, dtype=np.float64)
        caches[slot] = (weakref.ref(arr), as64)
        return as64

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_float64_cache", None)
        return state
