"""Dask arrays in, lazy Dask arrays out.

Every public function accepts dask arrays for any of labels, logits, pos_weight and
sample_weight.  The call builds a graph and computes nothing:

* elementwise quantities: one task per block, the inputs' chunks unified first; a fused pair
  (loss + gradient, gradient + hessian) comes from one task per block that computes both;
* ``probability``: one task per block of the logits, pos_weight broadcast to their chunks;
* reductions: one task per block computes that block's sum in double (the same kernel sum as
  in memory, so float32 inputs keep their float64 partial sums), and the partial sums are
  added by Dask's tree reduction in float64; "mean" divides by the number of elements.

Shapes and dtypes are checked when the graph is built; the values of a dask pos_weight or
sample_weight (finite, >= 0) are checked by each task, so their errors surface at compute.
Nothing here is imported unless an input already is a dask array: importing wce_c never
imports dask.
"""

from __future__ import annotations

import sys

import numpy as np

from . import _kernels, _rules
from ._threads import validate_n_threads


def any_dask(*values) -> bool:
    """True when one of the values is a dask array (dask.array must then be imported)."""
    da = sys.modules.get("dask.array")
    if da is None:
        return False
    return any(isinstance(v, da.Array) for v in values)


def _check_known_shape(name: str, arr) -> None:
    """A dask array whose chunk sizes are unknown (after boolean indexing, say) cannot be
    matched to the others: say so, and how to get them."""
    if any(s != s for s in arr.shape):  # NaN
        raise ValueError(
            f"{name} has unknown chunk sizes (shape {arr.shape}), as after boolean indexing: "
            f"call {name}.compute_chunk_sizes() (or pass lengths= to to_dask_array) first")


def _broadcast_param(name: str, value, shape, dtype, nonnegative: bool):
    """A pos_weight or sample_weight as a dask array of ``shape``, checked as in memory."""
    import dask.array as da

    if isinstance(value, da.Array):
        _rules.check_real_dtype(name, value.dtype)
        _check_known_shape(name, value)
        _rules.check_broadcast(name, value.shape, shape)
        return da.broadcast_to(value, shape)
    arr = _rules.real_array(name, value)
    _rules.check_values(name, _rules.flatten(_rules.cast(arr, dtype), dtype), nonnegative)
    _rules.check_broadcast(name, arr.shape, shape)
    return da.broadcast_to(da.asarray(arr), shape)


def _prepare(labels, logits, pos_weight, sample_weight, n_threads, out):
    import dask.array as da

    if out is not None:
        raise ValueError("out is not supported with dask arrays: the results are lazy")
    validate_n_threads(n_threads)
    x = logits if isinstance(logits, da.Array) else da.asarray(_rules.real_array("logits", logits))
    z = labels if isinstance(labels, da.Array) else da.asarray(_rules.real_array("labels", labels))
    _rules.check_real_dtype("logits", x.dtype)
    _rules.check_real_dtype("labels", z.dtype)
    _check_known_shape("logits", x)
    _check_known_shape("labels", z)
    _rules.check_same_shape(z.shape, x.shape)
    dtype = _rules.compute_dtype(x.dtype)
    q = _broadcast_param("pos_weight", pos_weight, x.shape, dtype, True)
    arrays = [z, x, q]
    if sample_weight is not None:
        arrays.append(_broadcast_param("sample_weight", sample_weight, x.shape, dtype, False))
    # One chunking for all inputs: the logits' where they are already chunked finer.
    index = tuple(range(x.ndim))
    pairs = []
    for a in arrays:
        pairs += [a, index]
    chunks, unified = da.core.unify_chunks(*pairs)
    return unified, dtype


def _elementwise_block(func, has_weight, n_threads, fused):
    def block(z, x, q, *w):
        res = func(z, x, q, sample_weight=w[0] if has_weight else None, n_threads=n_threads)
        if fused:
            return np.stack(res)
        return np.asarray(res)
    return block


def elementwise(func, count: int, labels, logits, pos_weight, sample_weight, n_threads, out):
    """Lazy result(s) of ``func`` (one of the public elementwise functions)."""
    import dask.array as da

    arrays, dtype = _prepare(labels, logits, pos_weight, sample_weight, n_threads, out)
    x = arrays[1]
    block = _elementwise_block(func, len(arrays) == 4, n_threads, count == 2)
    meta = np.empty((0,) * x.ndim, dtype=dtype)
    name = f"wce-{func.__name__}"
    if count == 1:
        return da.map_blocks(block, *arrays, dtype=dtype, meta=meta, name=name)
    stacked = da.map_blocks(block, *arrays, dtype=dtype, new_axis=0,
                            chunks=((2,),) + x.chunks, meta=np.empty((0,) * (x.ndim + 1), dtype),
                            name=name)
    return stacked[0], stacked[1]


def _sum_block(n_threads, has_weight):
    def block(z, x, q, *w):
        inp = _rules.prepare(z, x, q, w[0] if has_weight else None, n_threads)
        return np.full((1,) * x.ndim, _kernels.loss_sum(inp.z, inp.x, inp.q, inp.w, inp.threads),
                       dtype=np.float64)
    return block


def loss_reduction(labels, logits, pos_weight, sample_weight, reduction, n_threads, out):
    """Lazy 0-d sum or mean of the loss: per-block double sums, then a float64 tree."""
    import dask.array as da

    arrays, dtype = _prepare(labels, logits, pos_weight, sample_weight, n_threads, out)
    x = arrays[1]
    partial = da.map_blocks(_sum_block(n_threads, len(arrays) == 4), *arrays,
                            dtype=np.float64, chunks=tuple((1,) * len(c) for c in x.chunks),
                            meta=np.empty((0,) * x.ndim, np.float64), name="wce-loss-sum")
    total = partial.sum(dtype=np.float64)
    if reduction == "mean":
        total = total / x.size if x.size else da.full((), np.nan, dtype=np.float64)
    return total.astype(dtype)


def probability(func, logits, pos_weight, out):
    """Lazy ``probability`` (``func``): one task per block of the logits."""
    import dask.array as da

    if out is not None:
        raise ValueError("out is not supported with dask arrays: the results are lazy")
    x = logits if isinstance(logits, da.Array) else da.asarray(_rules.real_array("logits", logits))
    _rules.check_real_dtype("logits", x.dtype)
    _check_known_shape("logits", x)
    dtype = _rules.compute_dtype(x.dtype)
    if isinstance(pos_weight, da.Array):
        _rules.check_real_dtype("pos_weight", pos_weight.dtype)
        _rules.check_broadcast("pos_weight", pos_weight.shape, x.shape)
        q = da.broadcast_to(pos_weight, x.shape).rechunk(x.chunks)
    else:
        q_np = _rules.real_array("pos_weight", pos_weight)
        func(np.zeros(q_np.shape), q_np)  # the checks of its values, now rather than at compute
        _rules.check_broadcast("pos_weight", q_np.shape, x.shape)
        q = da.broadcast_to(da.asarray(q_np), x.shape).rechunk(x.chunks)
    return da.map_blocks(lambda xb, qb: np.asarray(func(xb, qb)), x, q, dtype=dtype,
                         meta=np.empty((0,) * x.ndim, dtype=dtype), name="wce-probability")
