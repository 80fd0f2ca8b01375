"""The public functions: each picks its route (the C fast path, dask, or the general path
through ``_rules.prepare``), allocates the results and calls the kernels.  The input rules
themselves live in ``_rules.py``; the thread count is decided in ``_threads.py``.
"""

from __future__ import annotations

import math
from typing import Any, Literal, Optional, Tuple, Union, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _dask, _frames, _kernels, _rules, _threads
from ._rules import Inputs
from ._threads import threads_for

# The result types.  An array input gives an array; a 0-d input (a Python or NumPy number)
# or a reduction gives a NumPy scalar.  Typing overloads say so, for each function.
Scalar = np.floating[Any]
Array = NDArray[np.floating[Any]]
Reduction = Literal["none", "sum", "mean"]
# What a 0-d logits argument can be, for the overloads that return scalars.
ScalarLike = Union[float, int, np.number[Any], np.bool_]

__all__ = [
    "weighted_cross_entropy_with_logits",
    "loss",
    "gradient",
    "hessian",
    "label_gradient",
    "loss_gradient",
    "gradient_hessian",
]

def _buffer(out: Optional[np.ndarray], inp: Inputs) -> np.ndarray:
    """Where the kernel writes: ``out`` itself when it is C-contiguous and overlaps no input,
    else a fresh flat array (copied into ``out`` afterwards)."""
    if (
        out is not None
        and out.flags.c_contiguous
        and not any(np.may_share_memory(out, a) for a in inp.originals)
    ):
        return out.reshape(-1)
    return _kernels.empty((inp.n,), inp.dtype)


def _finish(buf: np.ndarray, out: Optional[np.ndarray], inp: Inputs):
    if out is not None:
        if not np.shares_memory(buf, out):
            np.copyto(out, buf.reshape(inp.shape))
        return out
    result = buf.reshape(inp.shape)
    return result[()] if result.ndim == 0 else result


def _compute(kind: int, count: int, inp: Inputs, out):
    """The general path's call of the kernels, after every check."""
    outs = _rules.check_outs(out, count, inp)
    if inp.n == 0:
        bufs = [np.empty(0, dtype=inp.dtype) for _ in range(count)]
    else:
        bufs = [_buffer(o, inp) for o in outs]
        second = bufs[1] if count == 2 else np.empty(0, dtype=inp.dtype)
        _kernels.elementwise(kind, inp.z, inp.x, inp.q, inp.w, bufs[0], second, inp.threads)
    results = tuple(_finish(b, o, inp) for b, o in zip(bufs, outs))
    return results[0] if count == 1 else results


def gradient_hessian_float32(labels, logits, pos_weight=1.0, sample_weight=None,
                             n_threads=None) -> Tuple[np.ndarray, np.ndarray]:
    """Gradient and hessian as float32 arrays, computed from the inputs as they are.

    For consumers that keep float32 gradients (the boosting libraries' gradient pairs): with
    float64 logits the results are those of the float64 inputs rounded once to float32 (not
    of inputs rounded to float32 first), evaluated to about 2^-48 so that they match a
    float64 evaluation rounded to float32 but for about one element in 10^7, at nearly the
    float32 kernels' speed; float32 logits take the float32 kernels.  The same checks as
    gradient_hessian.
    """
    if type(logits) is np.ndarray and logits.dtype == np.float32:
        # float32 logits take the float32 kernels by the public route, whose C fast path
        # spares a small call (XGBoost's, of a few thousand rows) the checks in Python
        g, h = gradient_hessian(labels, logits, pos_weight, sample_weight=sample_weight,
                                n_threads=n_threads)
        return np.asarray(g), np.asarray(h)  # arrays also for 0-d inputs, as below
    inp = _rules.prepare(labels, logits, pos_weight, sample_weight, n_threads)
    if inp.dtype == np.float32:
        return _compute(_KIND["gradient_hessian"], 2, inp, None)
    grad = _kernels.empty((inp.n,), np.float32)
    hess = _kernels.empty((inp.n,), np.float32)
    if inp.n:
        _kernels.gradient_hessian_to_float32(inp.z, inp.x, inp.q, inp.w, grad, hess,
                                             inp.threads)
    return grad.reshape(inp.shape), hess.reshape(inp.shape)


# Quantity numbers of the kernels, by the name of the public function that computes each.
_KIND = {name: k for k, name in enumerate(_kernels.QUANTITIES)}


def _elementwise(func, labels, logits, pos_weight, sample_weight, out, n_threads):
    """The one route of every elementwise call (``func`` is the public function, whose name
    is the quantity's): the C fast path for contiguous NumPy calls with a scalar pos_weight
    (the same rules written in C, for the call overhead), dask inputs to lazy graphs, pandas
    and masked inputs back through ``func`` as plain arrays (``_frames``), everything else
    through ``_rules.prepare``."""
    kind = _KIND[func.__name__]
    if type(logits) is np.ndarray:
        n = logits.size  # the dtype matters from the float64 threshold on (threads_for)
        threads = threads_for(n_threads, n, n >= _threads.PARALLEL_MIN_SIZE
                              and _rules.computes_in_float32(logits.dtype))
        fast = _kernels.fast_call(kind, labels, logits, pos_weight, sample_weight, threads, out)
        if fast is not None:
            return fast
    count = _kernels.OUTPUTS[kind]
    if _dask.any_dask(labels, logits, pos_weight, sample_weight):
        return _dask.elementwise(func, count, labels, logits, pos_weight, sample_weight,
                                 n_threads, out)
    if _frames.any_pandas(labels, logits, pos_weight, sample_weight):
        return _frames.pandas_call(func, labels, logits, pos_weight, sample_weight, out,
                                   n_threads=n_threads)
    if _frames.any_masked(labels, logits, pos_weight, sample_weight):
        args = dict(labels=labels, logits=logits, pos_weight=pos_weight,
                    sample_weight=sample_weight)
        return _frames.masked_call(func, count, args, out, n_threads=n_threads)
    inp = _rules.prepare(labels, logits, pos_weight, sample_weight, n_threads)
    return _compute(kind, count, inp, out)


@overload
def loss(  # type: ignore[overload-overlap]
    labels: ArrayLike, logits: ScalarLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., reduction: Reduction = ..., out: None = ...,
    n_threads: Optional[int] = ...,
) -> Scalar: ...
@overload
def loss(
    labels: ArrayLike, logits: ArrayLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., reduction: Literal["sum", "mean"],
    out: None = ..., n_threads: Optional[int] = ...,
) -> Scalar: ...
@overload
def loss(
    labels: ArrayLike, logits: ArrayLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., reduction: Literal["none"] = ...,
    out: Optional[np.ndarray] = ..., n_threads: Optional[int] = ...,
) -> Array: ...


def loss(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    reduction: Reduction = "none",
    out: Optional[np.ndarray] = None,
    n_threads: Optional[int] = None,
) -> Union[Scalar, Array]:
    """Weighted binary cross entropy with logits.

    ``w [(1 - z) softplus(x) + q z softplus(-x)]`` per element, with z = labels, x = logits,
    q = pos_weight, w = sample_weight; the same function as TensorFlow's
    ``weighted_cross_entropy_with_logits`` (times w), computed without cancellation, so
    confident predictions keep all their digits (see the README's accuracy table).

    Parameters
    ----------
    labels : array_like
        Targets in [0, 1] (0/1 or soft labels), of any real or bool dtype; same shape as
        ``logits``.
    logits : array_like
        Raw scores.  float32 and float16 logits compute in float32, everything else in
        float64.
    pos_weight : array_like, default 1.0
        Weight of the positive term, finite and >= 0.  A scalar, a per-class vector along
        the last axis, or anything that broadcasts to the logits' shape without growing it.
    sample_weight : array_like, optional
        Finite weight of each element, broadcast like ``pos_weight``.
    reduction : {"none", "sum", "mean"}
        "sum" and "mean" (sum / number of elements) add up in double, pairwise, giving the
        same bits for every ``n_threads``.
    out : ndarray, optional
        Where to write the elementwise result (right shape and compute dtype, writable; may
        be one of the inputs).  Not allowed with a reduction.
    n_threads : int, optional
        None: OpenMP's default, capped by the usable CPUs and those free now; -1: all CPUs;
        k > 0: k threads.  Any of them runs on one thread for a while after thread teams
        have stalled calls (busy processes beside this one).  The result is bitwise the same
        for every value.

    Returns
    -------
    ndarray or scalar of the compute dtype (a NumPy scalar for 0-d inputs and reductions).
    pandas inputs give a Series or DataFrame with the logits' labels, every other pandas
    argument matched to them by label; ``numpy.ma`` inputs give a masked result, reductions
    over the unmasked elements (the rules: ``wce_c._frames``, and the README's API section).

    Examples
    --------
    >>> import numpy as np, wce_c
    >>> wce_c.loss([0.0, 1.0], np.array([-20.0, 3.0], dtype=np.float32), pos_weight=2.0)
    array([2.0611537e-09, 9.7174704e-02], dtype=float32)
    >>> float(wce_c.loss([0, 1, 1], [0.5, -1.0, 2.0], 3.0, reduction="mean"))
    1.76488202...
    """
    if isinstance(reduction, str) and reduction == "none":
        return _elementwise(loss, labels, logits, pos_weight, sample_weight, out, n_threads)
    if _dask.any_dask(labels, logits, pos_weight, sample_weight):
        return _dask.loss_reduction(labels, logits, pos_weight, sample_weight,
                                    _rules.check_reduction(reduction), n_threads, out)
    if _frames.any_pandas(labels, logits, pos_weight, sample_weight):
        return _frames.pandas_call(loss, labels, logits, pos_weight, sample_weight, out,
                                   reduction=reduction, n_threads=n_threads)
    if _frames.any_masked(labels, logits, pos_weight, sample_weight):
        return _frames.masked_loss_reduction(loss, labels, logits, pos_weight, sample_weight,
                                             reduction, n_threads, out)
    inp = _rules.prepare(labels, logits, pos_weight, sample_weight, n_threads)
    checked = _rules.check_reduction(reduction)
    if out is not None:
        raise ValueError(f"out cannot be used with reduction={checked!r}; it needs 'none'")
    total = _kernels.loss_sum(inp.z, inp.x, inp.q, inp.w, inp.threads)
    if checked == "mean":
        total = total / inp.n if inp.n else math.nan
    return inp.dtype.type(total)


@overload
def gradient(  # type: ignore[overload-overlap]
    labels: ArrayLike, logits: ScalarLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: None = ..., n_threads: Optional[int] = ...,
) -> Scalar: ...
@overload
def gradient(
    labels: ArrayLike, logits: ArrayLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: Optional[np.ndarray] = ...,
    n_threads: Optional[int] = ...,
) -> Array: ...


def gradient(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[np.ndarray] = None,
    n_threads: Optional[int] = None,
) -> Union[Scalar, Array]:
    """Gradient of the loss with respect to the logits.

    ``w [(1 - z) sigma(x) - q z sigma(-x)]``, exact in both tails (the textbook
    ``l sigma(x) - q z`` returns 0 where this returns -q z e^x).  At x = +-inf it is the finite
    limit; at x = 0 it is exactly ``(1 - z) - l / 2``.  Arguments as in :func:`loss`.

    Examples
    --------
    >>> import wce_c
    >>> wce_c.gradient([0.0, 1.0, 1.0], [0.0, 40.0, -40.0], pos_weight=2.0)
    array([ 5.00000000e-01, -8.49670851e-18, -2.00000000e+00])
    """
    return _elementwise(gradient, labels, logits, pos_weight, sample_weight, out, n_threads)


@overload
def hessian(  # type: ignore[overload-overlap]
    labels: ArrayLike, logits: ScalarLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: None = ..., n_threads: Optional[int] = ...,
) -> Scalar: ...
@overload
def hessian(
    labels: ArrayLike, logits: ArrayLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: Optional[np.ndarray] = ...,
    n_threads: Optional[int] = ...,
) -> Array: ...


def hessian(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[np.ndarray] = None,
    n_threads: Optional[int] = None,
) -> Union[Scalar, Array]:
    """Second derivative of the loss with respect to the logits.

    ``w l sigma(x) sigma(-x)`` with ``l = (1 - z) + q z``; positive wherever it is
    representable (no 0 from ``p (1 - p)`` rounding at |x| > 17), 0 at +-inf.  Arguments as
    in :func:`loss`.

    Examples
    --------
    >>> import wce_c
    >>> wce_c.hessian([1.0, 1.0], [0.0, 40.0], pos_weight=2.0)
    array([5.00000000e-01, 8.49670851e-18])
    """
    return _elementwise(hessian, labels, logits, pos_weight, sample_weight, out, n_threads)


@overload
def label_gradient(  # type: ignore[overload-overlap]
    labels: ArrayLike, logits: ScalarLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: None = ..., n_threads: Optional[int] = ...,
) -> Scalar: ...
@overload
def label_gradient(
    labels: ArrayLike, logits: ArrayLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: Optional[np.ndarray] = ...,
    n_threads: Optional[int] = ...,
) -> Array: ...


def label_gradient(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[np.ndarray] = None,
    n_threads: Optional[int] = None,
) -> Union[Scalar, Array]:
    """Gradient of the loss with respect to the labels.

    ``w [q softplus(-x) - softplus(x)]`` (= ``w [-x + (q - 1) softplus(-x)]``), for learned or
    distilled soft labels.  Arguments as in :func:`loss`.

    Examples
    --------
    >>> import wce_c
    >>> wce_c.label_gradient([0.5, 0.5], [0.0, 2.0], pos_weight=1.0)
    array([ 0., -2.])
    """
    return _elementwise(label_gradient, labels, logits, pos_weight, sample_weight, out, n_threads)


@overload
def loss_gradient(  # type: ignore[overload-overlap]
    labels: ArrayLike, logits: ScalarLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: None = ..., n_threads: Optional[int] = ...,
) -> Tuple[Scalar, Scalar]: ...
@overload
def loss_gradient(
    labels: ArrayLike, logits: ArrayLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: Optional[Tuple[np.ndarray,
    np.ndarray]] = ..., n_threads: Optional[int] = ...,
) -> Tuple[Array, Array]: ...


def loss_gradient(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[Tuple[np.ndarray, np.ndarray]] = None,
    n_threads: Optional[int] = None,
) -> Union[Tuple[Scalar, Scalar], Tuple[Array, Array]]:
    """Loss and gradient in one pass over memory; bitwise equal to the separate calls.

    ``out`` is None or a tuple ``(loss_out, grad_out)`` of two non-overlapping arrays.
    Other arguments as in :func:`loss`.

    Examples
    --------
    >>> import wce_c
    >>> l, g = wce_c.loss_gradient([1.0], [0.0])
    >>> float(l[0]), float(g[0])
    (0.6931471805599453, -0.5)
    """
    return _elementwise(loss_gradient, labels, logits, pos_weight, sample_weight, out, n_threads)


@overload
def gradient_hessian(  # type: ignore[overload-overlap]
    labels: ArrayLike, logits: ScalarLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: None = ..., n_threads: Optional[int] = ...,
) -> Tuple[Scalar, Scalar]: ...
@overload
def gradient_hessian(
    labels: ArrayLike, logits: ArrayLike, pos_weight: ArrayLike = ..., *,
    sample_weight: Optional[ArrayLike] = ..., out: Optional[Tuple[np.ndarray,
    np.ndarray]] = ..., n_threads: Optional[int] = ...,
) -> Tuple[Array, Array]: ...


def gradient_hessian(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[Tuple[np.ndarray, np.ndarray]] = None,
    n_threads: Optional[int] = None,
) -> Union[Tuple[Scalar, Scalar], Tuple[Array, Array]]:
    """Gradient and hessian in one pass over memory: what a boosting objective returns.

    Bitwise equal to :func:`gradient` and :func:`hessian` called separately.  ``out`` is None
    or a tuple ``(grad_out, hess_out)`` of two non-overlapping arrays.  Other arguments as in
    :func:`loss`.

    Examples
    --------
    >>> import numpy as np, wce_c
    >>> g, h = wce_c.gradient_hessian(np.array([0, 1]), np.zeros(2), pos_weight=3.0)
    >>> g, h
    (array([ 0.5, -1.5]), array([0.25, 0.75]))
    """
    return _elementwise(gradient_hessian, labels, logits, pos_weight, sample_weight, out,
                        n_threads)


@overload
def weighted_cross_entropy_with_logits(  # type: ignore[overload-overlap]
    labels: ArrayLike, logits: ScalarLike, pos_weight: ArrayLike, name: Optional[str] = ...,
    targets: None = ...,
) -> Scalar: ...
@overload
def weighted_cross_entropy_with_logits(
    labels: Optional[ArrayLike] = ..., logits: Optional[ArrayLike] = ...,
    pos_weight: Optional[ArrayLike] = ..., name: Optional[str] = ...,
    targets: Optional[ArrayLike] = ...,
) -> Array: ...


def weighted_cross_entropy_with_logits(
    labels: Optional[ArrayLike] = None,
    logits: Optional[ArrayLike] = None,
    pos_weight: Optional[ArrayLike] = None,
    name: Optional[str] = None,
    targets: Optional[ArrayLike] = None,
) -> Union[Scalar, Array]:
    """Drop-in for TensorFlow's ``tf.nn.weighted_cross_entropy_with_logits``.

    Same names and order (``labels, logits, pos_weight, name``), with ``targets`` accepted
    as TF1's name for ``labels``.  Returns the elementwise loss as :func:`loss` does, with
    three deliberate differences from TF: exact in the tails (TF returns 0 for confident
    negatives in float32), the limits at +-inf instead of NaN, and labels of another real
    dtype are cast instead of rejected.  ``name`` is accepted and ignored.

    Examples
    --------
    >>> import numpy as np, wce_c
    >>> wce_c.weighted_cross_entropy_with_logits(
    ...     labels=np.array([0.0, 1.0], np.float32),
    ...     logits=np.array([-20.0, -np.inf], np.float32), pos_weight=2.0)
    array([2.0611537e-09,           inf], dtype=float32)
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string or None, got {type(name).__name__}")
    if targets is not None:
        if labels is not None:
            raise ValueError("give labels or targets (its TF1 name), not both")
        labels = targets
    if labels is None:
        raise TypeError("labels (or targets) is required")
    if logits is None:
        raise TypeError("logits is required")
    if pos_weight is None:
        raise TypeError("pos_weight is required")
    return loss(labels, logits, pos_weight)
