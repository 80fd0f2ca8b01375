"""The public functions: validation, dtype and shape rules, allocation; the kernels do the rest.

Every rule of the API lives here, once:

* compute dtype: float32 when the logits are float32 or float16, else float64; every other
  input (labels, pos_weight, sample_weight) is cast to it.  Complex, object, string and other
  non-real dtypes raise TypeError.
* shapes: labels must have exactly the logits' shape.  pos_weight and sample_weight broadcast
  to the logits' shape by NumPy's rules but may not enlarge it.  A scalar, or any trailing
  block of the logits' shape (a per-class vector along the last axis, say), is handed to the
  kernels as a periodic array without being expanded; other broadcasts are expanded once.
* values: pos_weight finite and >= 0, sample_weight finite, else ValueError.
* every check happens before anything is written; ``out`` is never left half-written.
* dask arrays anywhere make the result a lazy dask array (``_dask.py``).
"""

from __future__ import annotations

import math
from typing import Optional, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _kernels
from . import _dask, _threads
from ._threads import resolve_threads, validate_n_threads

__all__ = [
    "weighted_cross_entropy_with_logits",
    "loss",
    "gradient",
    "hessian",
    "label_gradient",
    "loss_gradient",
    "gradient_hessian",
]

_REDUCTIONS = ("none", "sum", "mean")

# A periodic parameter shorter than this is tiled (whole periods) so that the kernels' inner
# runs stay long; the result is the same since element i still reads q[i % period].
_MIN_PERIOD = 1024

Floating = Union[np.floating, NDArray[np.floating]]


class _Inputs:
    """Validated inputs, flat, contiguous and of the compute dtype."""

    __slots__ = ("shape", "dtype", "n", "z", "x", "q", "w", "originals", "threads")
    shape: Tuple[int, ...]
    dtype: np.dtype
    n: int
    z: np.ndarray
    x: np.ndarray
    q: np.ndarray
    w: np.ndarray
    originals: Tuple[np.ndarray, ...]
    threads: int


# The checks, one function each; the dask path (_dask.py) uses the same ones.

def _check_real_dtype(name: str, dtype) -> None:
    if np.dtype(dtype).kind not in "biuf":
        raise TypeError(
            f"{name} must have a real or bool dtype, got {dtype} "
            "(complex, object, string and datetime inputs are not supported)"
        )


def _check_same_shape(labels_shape: tuple, logits_shape: tuple) -> None:
    if labels_shape != logits_shape:
        raise ValueError(
            f"labels and logits must have the same shape, got labels of shape {labels_shape} "
            f"and logits of shape {logits_shape}"
        )


def _check_broadcast(name: str, param_shape: tuple, shape: tuple) -> None:
    """``param_shape`` broadcasts to the logits' ``shape`` without enlarging it."""
    try:
        full = np.broadcast_shapes(param_shape, shape)
    except ValueError:
        raise ValueError(
            f"{name} of shape {param_shape} does not broadcast to the logits' shape {shape}"
        ) from None
    if full != shape:
        raise ValueError(
            f"{name} of shape {param_shape} would enlarge the logits' shape {shape} to {full}; "
            "it may broadcast to the logits' shape but not grow it"
        )


def _check_values(name: str, flat: np.ndarray, nonnegative: bool) -> None:
    """Every element of a flat contiguous array of the compute dtype finite (and >= 0)."""
    if flat.size and not _kernels.all_finite(flat, nonnegative):
        need = "finite and >= 0" if nonnegative else "finite"
        raise ValueError(f"{name} must be {need} (after casting to {flat.dtype})")


def _real_array(name: str, value) -> np.ndarray:
    """``value`` as an array of a real or bool dtype, else TypeError naming ``name``."""
    if value is None:
        raise TypeError(f"{name} must be an array-like of real numbers, got None")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"{name} cannot be converted to a numeric array: {exc}") from None
    _check_real_dtype(name, arr.dtype)
    return arr


def _compute_dtype(logits_dtype) -> np.dtype:
    if logits_dtype == np.float32 or logits_dtype == np.float16:
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _flat(arr: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Flat C-order copy in ``dtype``; no copy when already C-contiguous of that dtype."""
    return np.ascontiguousarray(arr, dtype=dtype).reshape(-1)


def _cast(arr: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``arr`` in ``dtype``; overflow to inf is left for the value checks to report."""
    if arr.dtype == dtype:
        return arr
    with np.errstate(over="ignore", invalid="ignore"):
        return arr.astype(dtype, copy=False)


def _periodic(name: str, value, shape: tuple, dtype: np.dtype, nonnegative: bool):
    """Validate a broadcast parameter; return (flat periodic array, the array as given).

    Element i of the flat logits uses element ``i % len(flat)`` of the first."""
    original = _real_array(name, value)
    if original.size == 1 and original.ndim <= len(shape):
        # a single value (a scalar, or an array of ones in its shape) broadcasts to any shape
        # of at least its rank without growing it
        flat = np.ascontiguousarray(_cast(original, dtype).reshape(1))
        _check_values(name, flat, nonnegative)
        return flat, original
    _check_broadcast(name, original.shape, shape)
    arr = _cast(original, dtype)
    trailing = arr.shape
    while trailing and trailing[0] == 1:
        trailing = trailing[1:]
    n = math.prod(shape)
    if arr.size == 1:
        flat = np.ascontiguousarray(arr.reshape(1))
    elif trailing == shape[len(shape) - len(trailing):]:
        # A trailing block of the logits' shape: element i of the flat logits uses
        # element i % period of the flat block (C order), with no expansion.
        flat = _flat(arr.reshape(trailing), dtype)
    else:
        flat = _flat(np.broadcast_to(arr, shape), dtype)
    _check_values(name, flat, nonnegative)
    period = flat.size
    if 1 < period < _MIN_PERIOD and n > period:
        reps = -(-min(n, _MIN_PERIOD) // period)
        flat = np.tile(flat, reps)
    return flat, original


def _prepare(labels, logits, pos_weight, sample_weight, n_threads) -> _Inputs:
    validate_n_threads(n_threads)
    x = _real_array("logits", logits)
    z = _real_array("labels", labels)
    _check_same_shape(z.shape, x.shape)
    inp = _Inputs()
    inp.shape = x.shape
    inp.dtype = _compute_dtype(x.dtype)
    inp.n = x.size
    q, q_orig = _periodic("pos_weight", pos_weight, x.shape, inp.dtype, nonnegative=True)
    if sample_weight is None:
        w, w_orig = np.empty(0, dtype=inp.dtype), None
    else:
        w, w_orig = _periodic("sample_weight", sample_weight, x.shape, inp.dtype, False)
    inp.q, inp.w = q, w
    inp.z = _flat(_cast(z, inp.dtype), inp.dtype)
    inp.x = _flat(x, inp.dtype)
    inp.originals = tuple(a for a in (z, x, q_orig, w_orig) if a is not None)
    inp.threads = resolve_threads(n_threads, inp.n)
    return inp


def _check_out(name: str, out, inp: _Inputs) -> None:
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != inp.shape:
        raise ValueError(
            f"{name} must have the logits' shape {inp.shape}, got shape {out.shape}"
        )
    if out.dtype != inp.dtype:
        raise ValueError(
            f"{name} must have the compute dtype {inp.dtype}, got dtype {out.dtype}"
        )
    if not out.flags.writeable:
        raise ValueError(f"{name} must be writable, got a read-only array")


def _check_outs(out, count: int, inp: _Inputs) -> Tuple[Optional[np.ndarray], ...]:
    """Validate ``out`` for a function with ``count`` outputs; returns a tuple of them."""
    if out is None:
        return (None,) * count
    if count == 1:
        _check_out("out", out, inp)
        return (out,)
    if not isinstance(out, tuple) or len(out) != count:
        raise TypeError(f"out must be a tuple of {count} numpy.ndarrays or None")
    for k, o in enumerate(out):
        _check_out(f"out[{k}]", o, inp)
    for a in range(count):
        for b in range(a + 1, count):
            if np.may_share_memory(out[a], out[b]):
                raise ValueError(f"out[{a}] and out[{b}] must not overlap")
    return out


def _buffer(out: Optional[np.ndarray], inp: _Inputs) -> np.ndarray:
    """Where the kernel writes: ``out`` itself when it is C-contiguous and overlaps no input,
    else a fresh flat array (copied into ``out`` afterwards)."""
    if (
        out is not None
        and out.flags.c_contiguous
        and not any(np.may_share_memory(out, a) for a in inp.originals)
    ):
        return out.reshape(-1)
    return np.empty(inp.n, dtype=inp.dtype)


def _finish(buf: np.ndarray, out: Optional[np.ndarray], inp: _Inputs):
    if out is not None:
        if not np.shares_memory(buf, out):
            np.copyto(out, buf.reshape(inp.shape))
        return out
    result = buf.reshape(inp.shape)
    return result[()] if result.ndim == 0 else result


def _run(kind: int, count: int, inp: _Inputs, out):
    outs = _check_outs(out, count, inp)
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
        # spares a small call (XGBoost's at 3000 rows) about 12 us of checks in Python
        g, h = gradient_hessian(labels, logits, pos_weight, sample_weight=sample_weight,
                                n_threads=n_threads)
        return np.asarray(g), np.asarray(h)  # arrays also for 0-d inputs, as below
    inp = _prepare(labels, logits, pos_weight, sample_weight, n_threads)
    if inp.dtype == np.float32:
        return _run(_kernels.GRADIENT_HESSIAN, 2, inp, None)
    grad = np.empty(inp.n, dtype=np.float32)
    hess = np.empty(inp.n, dtype=np.float32)
    if inp.n:
        _kernels.gradient_hessian_to_float32(inp.z, inp.x, inp.q, inp.w, grad, hess,
                                             inp.threads)
    return grad.reshape(inp.shape), hess.reshape(inp.shape)


def _loss_sum(inp: _Inputs) -> float:
    """The loss summed in double (also for float32 inputs): blocks, then a fixed tree."""
    return 0.0 if inp.n == 0 else _kernels.loss_sum(inp.z, inp.x, inp.q, inp.w, inp.threads)


def _plain_threads_ok(n_threads) -> bool:
    """n_threads values that need no error (None, -1 or a positive int)."""
    return n_threads is None or (type(n_threads) is int and (n_threads >= 1 or n_threads == -1))


def _elementwise(func, kind: int, count: int, labels, logits, pos_weight, sample_weight, out,
                 n_threads):
    """The one route of every elementwise call: the C fast path for contiguous NumPy calls
    with a scalar pos_weight (its checks in C; about 0.5 us instead of 10), dask inputs to
    lazy graphs, everything else through the checks of ``_prepare``."""
    if _plain_threads_ok(n_threads):
        threads = 1
        if type(logits) is np.ndarray and logits.size >= _threads.PARALLEL_MIN_SIZE:
            threads = resolve_threads(n_threads, logits.size)
        fast = _kernels.fast_call(kind, labels, logits, pos_weight, sample_weight, threads, out)
        if fast is not None:
            return fast
    if _dask.any_dask(labels, logits, pos_weight, sample_weight):
        return _dask.elementwise(func, count, labels, logits, pos_weight, sample_weight,
                                 n_threads, out)
    inp = _prepare(labels, logits, pos_weight, sample_weight, n_threads)
    return _run(kind, count, inp, out)


def _check_reduction(reduction) -> str:
    if not isinstance(reduction, str) or reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of 'none', 'sum', 'mean', got {reduction!r}")
    return reduction


def loss(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    reduction: str = "none",
    out: Optional[np.ndarray] = None,
    n_threads: Optional[int] = None,
) -> Floating:
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
        None: OpenMP's default, capped by the usable CPUs; -1: all CPUs; k > 0: k threads.
        The result is bitwise the same for every value.

    Returns
    -------
    ndarray or scalar of the compute dtype (a NumPy scalar for 0-d inputs and reductions).

    Examples
    --------
    >>> import numpy as np, wce_c
    >>> wce_c.loss([0.0, 1.0], np.array([-20.0, 3.0], dtype=np.float32), pos_weight=2.0)
    array([2.0611537e-09, 9.7174704e-02], dtype=float32)
    >>> float(wce_c.loss([0, 1, 1], [0.5, -1.0, 2.0], 3.0, reduction="mean"))
    1.76488202...
    """
    if isinstance(reduction, str) and reduction == "none":
        return _elementwise(loss, _kernels.LOSS, 1, labels, logits, pos_weight, sample_weight,
                            out, n_threads)
    if _dask.any_dask(labels, logits, pos_weight, sample_weight):
        return _dask.loss_reduction(labels, logits, pos_weight, sample_weight,
                                    _check_reduction(reduction), n_threads, out)
    inp = _prepare(labels, logits, pos_weight, sample_weight, n_threads)
    reduction = _check_reduction(reduction)
    if out is not None:
        raise ValueError(f"out cannot be used with reduction={reduction!r}; it needs 'none'")
    total = _loss_sum(inp)
    if reduction == "mean":
        total = total / inp.n if inp.n else math.nan
    return inp.dtype.type(total)


def gradient(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[np.ndarray] = None,
    n_threads: Optional[int] = None,
) -> Floating:
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
    return _elementwise(gradient, _kernels.GRADIENT, 1, labels, logits, pos_weight,
                        sample_weight, out, n_threads)


def hessian(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[np.ndarray] = None,
    n_threads: Optional[int] = None,
) -> Floating:
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
    return _elementwise(hessian, _kernels.HESSIAN, 1, labels, logits, pos_weight,
                        sample_weight, out, n_threads)


def label_gradient(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[np.ndarray] = None,
    n_threads: Optional[int] = None,
) -> Floating:
    """Gradient of the loss with respect to the labels.

    ``w [q softplus(-x) - softplus(x)]`` (= ``w [-x + (q - 1) softplus(-x)]``), for learned or
    distilled soft labels.  Arguments as in :func:`loss`.

    Examples
    --------
    >>> import wce_c
    >>> wce_c.label_gradient([0.5, 0.5], [0.0, 2.0], pos_weight=1.0)
    array([ 0., -2.])
    """
    return _elementwise(label_gradient, _kernels.LABEL_GRADIENT, 1, labels, logits, pos_weight,
                        sample_weight, out, n_threads)


def loss_gradient(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[Tuple[np.ndarray, np.ndarray]] = None,
    n_threads: Optional[int] = None,
) -> Tuple[Floating, Floating]:
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
    return _elementwise(loss_gradient, _kernels.LOSS_GRADIENT, 2, labels, logits, pos_weight,
                        sample_weight, out, n_threads)


def gradient_hessian(
    labels: ArrayLike,
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
    out: Optional[Tuple[np.ndarray, np.ndarray]] = None,
    n_threads: Optional[int] = None,
) -> Tuple[Floating, Floating]:
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
    return _elementwise(gradient_hessian, _kernels.GRADIENT_HESSIAN, 2, labels, logits, pos_weight,
                        sample_weight, out, n_threads)


def weighted_cross_entropy_with_logits(
    labels: Optional[ArrayLike] = None,
    logits: Optional[ArrayLike] = None,
    pos_weight: Optional[ArrayLike] = None,
    name: Optional[str] = None,
    targets: Optional[ArrayLike] = None,
) -> Floating:
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
