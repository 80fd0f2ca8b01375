"""Every rule of the API's inputs, once: dtype, shape and broadcasting, values, ``out``,
reductions.  The NumPy path (``_api.py``) and the dask path (``_dask.py``) both call these;
the C fast path (``_kernels.fast_call``) is the same rules written in C for the one case it
takes, and hands every other case here (a test checks that both routes give the same bits).

* compute dtype: float32 when the logits are float32 or float16, else float64; every other
  input (labels, pos_weight, sample_weight) is cast to it.  Complex, object, string and other
  non-real dtypes raise TypeError.
* shapes: labels must have exactly the logits' shape.  pos_weight and sample_weight broadcast
  to the logits' shape by NumPy's rules but may not enlarge it.  A scalar, or any trailing
  block of the logits' shape (a per-class vector along the last axis, say), is handed to the
  kernels as a periodic array without being expanded; other broadcasts are expanded once.
* values: pos_weight finite and >= 0, sample_weight finite, else ValueError.
* ``out``: right shape, compute dtype, writable; a pair does not overlap itself.
* every check happens before anything is written; ``out`` is never left half-written.
* the thread count: ``_threads.threads_for``.
"""

from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np

from . import _kernels
from ._threads import threads_for

REDUCTIONS = ("none", "sum", "mean")

# A periodic parameter shorter than this is tiled (whole periods) so that the kernels' inner
# runs stay long; the result is the same since element i still reads q[i % period].
MIN_PERIOD = 1024



class Inputs:
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


def check_real_dtype(name: str, dtype) -> None:
    if np.dtype(dtype).kind not in "biuf":
        raise TypeError(
            f"{name} must have a real or bool dtype, got {dtype} "
            "(complex, object, string and datetime inputs are not supported)"
        )


def check_same_shape(labels_shape: tuple, logits_shape: tuple) -> None:
    if labels_shape != logits_shape:
        raise ValueError(
            f"labels and logits must have the same shape, got labels of shape {labels_shape} "
            f"and logits of shape {logits_shape}"
        )


def check_broadcast(name: str, param_shape: tuple, shape: tuple) -> None:
    """``param_shape`` broadcasts to the logits' ``shape`` without enlarging it."""
    try:
        full = np.broadcast_shapes(param_shape, shape)
    except ValueError:
        hint = ""
        if len(param_shape) == 1 and len(shape) == 2 and param_shape[0] == shape[0]:
            hint = (f"; for one value per row of the ({shape[0]}, {shape[1]}) logits pass "
                    f"{name}[:, None], of shape ({shape[0]}, 1)")
        raise ValueError(
            f"{name} of shape {param_shape} does not broadcast to the logits' shape {shape}"
            f"{hint}") from None
    if full != shape:
        raise ValueError(
            f"{name} of shape {param_shape} would enlarge the logits' shape {shape} to {full}; "
            "it may broadcast to the logits' shape but not grow it"
        )


def check_values(name: str, flat: np.ndarray, nonnegative: bool,
                 given: Optional[np.ndarray] = None) -> None:
    """Every element of a flat contiguous array of the compute dtype finite (and >= 0);
    else a ValueError naming the first offending value and its index in ``given`` (the
    parameter as the caller gave it, cast to the compute dtype; ``flat`` itself if None)."""
    if flat.size and not _kernels.all_finite(flat, nonnegative):
        need = "finite and >= 0" if nonnegative else "finite"
        where = flat if given is None else given
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(where) | ((where < 0) if nonnegative else False)
        first = np.argwhere(bad)[0] if where.ndim else ()
        index = tuple(int(i) for i in first)
        at = "" if where.ndim == 0 else (
            f" at index {index[0]}" if len(index) == 1 else f" at index {index}")
        raise ValueError(f"{name} must be {need} (after casting to {flat.dtype}), got "
                         f"{where[index].item()!r}{at}")


def real_array(name: str, value) -> np.ndarray:
    """``value`` as an array of a real or bool dtype, else TypeError naming ``name``."""
    if value is None:
        raise TypeError(f"{name} must be an array-like of real numbers, got None")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"{name} cannot be converted to a numeric array: {exc}") from None
    check_real_dtype(name, arr.dtype)
    return arr


def computes_in_float32(logits_dtype) -> bool:
    """Whether logits of this dtype are computed in float32 (float32 and float16; every other
    dtype in float64)."""
    return logits_dtype == np.float32 or logits_dtype == np.float16


def compute_dtype(logits_dtype) -> np.dtype:
    return np.dtype(np.float32 if computes_in_float32(logits_dtype) else np.float64)


def flatten(arr: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Flat C-order copy in ``dtype``; no copy when already C-contiguous of that dtype."""
    return np.ascontiguousarray(arr, dtype=dtype).reshape(-1)


def cast(arr: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``arr`` in ``dtype``; overflow to inf is left for the value checks to report."""
    if arr.dtype == dtype:
        return arr
    with np.errstate(over="ignore", invalid="ignore"):
        return arr.astype(dtype, copy=False)


def periodic(name: str, value, shape: tuple, dtype: np.dtype, nonnegative: bool):
    """Validate a broadcast parameter; return (flat periodic array, the array as given).

    Element i of the flat logits uses element ``i % len(flat)`` of the first."""
    original = real_array(name, value)
    if original.size == 1 and original.ndim <= len(shape):
        # a single value (a scalar, or an array of ones in its shape) broadcasts to any shape
        # of at least its rank without growing it
        flat = np.ascontiguousarray(cast(original, dtype).reshape(1))
        check_values(name, flat, nonnegative, cast(original, dtype))
        return flat, original
    check_broadcast(name, original.shape, shape)
    arr = cast(original, dtype)
    trailing = arr.shape
    while trailing and trailing[0] == 1:
        trailing = trailing[1:]
    n = math.prod(shape)
    if trailing == shape[len(shape) - len(trailing):]:
        # A trailing block of the logits' shape: element i of the flat logits uses
        # element i % period of the flat block (C order), with no expansion.
        flat = flatten(arr.reshape(trailing), dtype)
    else:
        flat = flatten(np.broadcast_to(arr, shape), dtype)
    check_values(name, flat, nonnegative, arr)
    period = flat.size
    if 1 < period < MIN_PERIOD and n > period:
        reps = -(-min(n, MIN_PERIOD) // period)
        flat = np.tile(flat, reps)
    return flat, original


def prepare(labels, logits, pos_weight, sample_weight, n_threads) -> Inputs:
    """Every input checked, cast to the compute dtype and flattened, and the thread count
    decided, before anything is computed or written."""
    x = real_array("logits", logits)
    threads = threads_for(n_threads, x.size, computes_in_float32(x.dtype))
    z = real_array("labels", labels)
    check_same_shape(z.shape, x.shape)
    inp = Inputs()
    inp.shape = x.shape
    inp.dtype = compute_dtype(x.dtype)
    inp.n = x.size
    q, q_orig = periodic("pos_weight", pos_weight, x.shape, inp.dtype, nonnegative=True)
    if sample_weight is None:
        w, w_orig = np.empty(0, dtype=inp.dtype), None
    else:
        w, w_orig = periodic("sample_weight", sample_weight, x.shape, inp.dtype, False)
    inp.q, inp.w = q, w
    inp.z = flatten(cast(z, inp.dtype), inp.dtype)
    inp.x = flatten(x, inp.dtype)
    inp.originals = tuple(a for a in (z, x, q_orig, w_orig) if a is not None)
    inp.threads = threads
    return inp


def check_out(name: str, out, inp: Inputs) -> None:
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


def check_outs(out, count: int, inp: Inputs) -> Tuple[Optional[np.ndarray], ...]:
    """Validate ``out`` for a function with ``count`` outputs; returns a tuple of them."""
    if out is None:
        return (None,) * count
    if count == 1:
        check_out("out", out, inp)
        return (out,)
    if not isinstance(out, tuple) or len(out) != count:
        raise TypeError(f"out must be a tuple of {count} numpy.ndarrays or None")
    for k, o in enumerate(out):
        check_out(f"out[{k}]", o, inp)
    for a in range(count):
        for b in range(a + 1, count):
            if np.may_share_memory(out[a], out[b]):
                raise ValueError(f"out[{a}] and out[{b}] must not overlap")
    return out


def check_reduction(reduction) -> str:
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'none', 'sum', 'mean', got {reduction!r}")
    return reduction
