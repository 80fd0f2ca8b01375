"""pandas and masked-array inputs: turned into plain arrays for the public functions, and the
results turned back.

pandas (never imported here: a pandas object can only exist once the caller has imported it,
so ``sys.modules`` is asked).  The *frame* of a call is the logits when they are a Series or
DataFrame, else the labels when they are; results are Series / DataFrames with the frame's
index (and columns).  Every other pandas argument is matched to the frame by label, never by
position:

* labels or logits (whichever is not the frame): the frame's index, and columns;
* a ``pos_weight`` Series: the frame's columns (one weight per class) when the frame is a
  DataFrame, its index when it is a Series;
* a ``sample_weight`` Series: the frame's index (one weight per row, applied to every column);
* a ``pos_weight`` or ``sample_weight`` DataFrame: index and columns.

The labels must be the same set on both sides (a ValueError names the missing and the extra
ones); the same labels in the same order need no reordering, and only then may they repeat.
Without a frame (plain-array labels and logits), a pandas weight is taken by position only if
its labels are the default 0, 1, ..., else it is a ValueError: the labels would be ignored.
pandas' missing values (``pd.NA`` in nullable dtypes) become NaN, which the value rules then
report for the weights and which gives NaN results elsewhere.

Masked arrays (``numpy.ma``).  Masked elements are computed from harmless fill values (label
0, logit 0, weights 1, so that whatever lies under a mask raises nothing) and masked in the
result, whose mask is the union of the inputs' masks broadcast to the logits' shape.  A sum
or mean covers the unmasked elements only, with the bits of the same call on those elements
alone; when every element is masked it is ``numpy.ma.masked``, as in ``numpy.ma``.  ``out``
must then be a masked array (or a pair of them), which receives the data and the mask.
"""

from __future__ import annotations

import sys
from typing import Any, Optional, Tuple

import numpy as np

from . import _rules


def _pd():
    return sys.modules.get("pandas")


def any_pandas(*values) -> bool:
    """True when one of the values is a pandas Series or DataFrame."""
    pd = _pd()
    if pd is None:
        return False
    return any(isinstance(v, (pd.Series, pd.DataFrame)) for v in values)


def any_masked(*values) -> bool:
    return any(isinstance(v, np.ma.MaskedArray) for v in values)


# ----------------------------------------------------------------------------- pandas

def _values(obj) -> np.ndarray:
    """A Series' or DataFrame's values as a NumPy array, nullable dtypes' NA as NaN."""
    pd = _pd()
    dtypes = [obj.dtype] if isinstance(obj, pd.Series) else list(obj.dtypes)
    if all(isinstance(d, np.dtype) for d in dtypes):
        return obj.to_numpy()
    numpy_dtypes = [getattr(d, "numpy_dtype", None) for d in dtypes]
    if any(d is None for d in numpy_dtypes):
        return obj.to_numpy()  # categorical, string, ...: the dtype rules decide
    common = np.result_type(*numpy_dtypes)
    if common.kind in "biu" and bool(np.asarray(obj.isna()).any()):
        common = np.dtype(np.float64)  # integers or booleans with NA: NaN needs a float
    return obj.to_numpy(dtype=common, na_value=np.nan if common.kind == "f" else None)


def _show(labels, limit: int = 5) -> str:
    items = list(labels[:limit])
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return f"{items!r}{more}"


def _indexer(name: str, own, target, where: str) -> Optional[np.ndarray]:
    """Positions in ``own`` (the argument's labels) of ``target``'s labels (the frame's), or
    None when they are already the same labels in the same order."""
    if own.equals(target):
        return None
    missing = target.difference(own, sort=False)
    extra = own.difference(target, sort=False)
    if len(missing) or len(extra):
        parts = []
        if len(missing):
            parts.append(f"lacks label(s) {_show(missing)} of {where}")
        if len(extra):
            parts.append(f"has label(s) {_show(extra)} not in {where}")
        raise ValueError(
            f"{name} {' and '.join(parts)}; pandas arguments are matched by label (select "
            f"or reindex {name} to {where} first, or pass .to_numpy() to match by position)")
    if not (own.is_unique and target.is_unique):
        raise ValueError(
            f"{name} and {where} hold the same labels in another order, with repeats, so they "
            f"cannot be matched by label; make the labels unique or pass .to_numpy()")
    return own.get_indexer(target)


def _align(name: str, obj, frame: "Frame", axes: Tuple[str, ...]) -> np.ndarray:
    """``obj``'s values with its labels matched to the frame's along ``axes`` (each "index"
    or "columns" of the frame, for the argument's axes in order)."""
    values = _values(obj)
    own_axes = (obj.index,) if obj.ndim == 1 else (obj.index, obj.columns)
    for axis, (own, frame_axis) in enumerate(zip(own_axes, axes)):
        target = getattr(frame.obj, frame_axis)
        take = _indexer(name, own, target, f"the {frame.role}' {frame_axis}")
        if take is not None:
            values = values.take(take, axis=axis)
    return values


def _default_labels(obj) -> bool:
    pd = _pd()
    axes = (obj.index,) if obj.ndim == 1 else (obj.index, obj.columns)
    return all(a.equals(pd.RangeIndex(len(a))) for a in axes)


class Frame:
    """The pandas object a call's results take their labels from, and its role (the
    "logits" or the "labels")."""

    __slots__ = ("obj", "role")

    def __init__(self, obj, role: str):
        self.obj = obj
        self.role = role

    def wrap(self, result):
        """Results (an array, or a tuple of them) as pandas objects; scalars unchanged."""
        if isinstance(result, tuple):
            return tuple(self.wrap(r) for r in result)
        if not isinstance(result, np.ndarray) or result.shape != self.obj.shape:
            return result
        pd = _pd()
        if result.ndim == 1:
            name = self.obj.name if self.role == "logits" else None
            return pd.Series(result, index=self.obj.index, name=name, copy=False)
        return pd.DataFrame(result, index=self.obj.index, columns=self.obj.columns,
                            copy=False)


def from_pandas(labels, logits, pos_weight, sample_weight):
    """(frame, labels, logits, pos_weight, sample_weight): every pandas argument as a NumPy
    array matched by label to the frame (None where there is no frame); ``labels`` and
    ``sample_weight`` may be None (absent)."""
    pd = _pd()
    kinds = (pd.Series, pd.DataFrame)
    frame = None
    if isinstance(logits, kinds):
        frame = Frame(logits, "logits")
    elif isinstance(labels, kinds):
        frame = Frame(labels, "labels")
    arrays = []
    for name, value in (("labels", labels), ("logits", logits), ("pos_weight", pos_weight),
                        ("sample_weight", sample_weight)):
        if not isinstance(value, kinds):
            arrays.append(value)
        elif frame is None:
            if not _default_labels(value):
                raise ValueError(
                    f"{name} is a pandas {type(value).__name__} with labels, but the logits "
                    f"and labels carry none to match them to: pass the logits as a pandas "
                    f"object, or {name}.to_numpy() to take {name} by position")
            arrays.append(_values(value))
        elif value is frame.obj:
            arrays.append(_values(value))
        else:
            arrays.append(_matched(name, value, frame))
    return (frame, *arrays)


def _matched(name: str, value, frame: Frame) -> np.ndarray:
    """A pandas argument other than the frame, matched to it by the rules of the note."""
    pd = _pd()
    frame_is_df = isinstance(frame.obj, pd.DataFrame)
    if isinstance(value, pd.DataFrame):
        if not frame_is_df:
            raise ValueError(
                f"{name} is a pandas DataFrame but the {frame.role} are a Series; pass a "
                f"Series, or {name}.to_numpy()")
        return _align(name, value, frame, ("index", "columns"))
    if not frame_is_df:
        return _align(name, value, frame, ("index",))
    if name == "pos_weight":
        return _align(name, value, frame, ("columns",))  # one weight per class
    if name == "sample_weight":
        return _align(name, value, frame, ("index",))[:, None]  # one weight per row
    raise ValueError(
        f"{name} is a pandas Series but the {frame.role} are a DataFrame; pass a DataFrame "
        f"with the same index and columns, or {name}.to_numpy()")


# ----------------------------------------------------------------------------- masked arrays

# What masked elements are computed from: harmless values of each argument.
_FILL = {"labels": 0, "logits": 0, "pos_weight": 1, "sample_weight": 1}


def _filled(name: str, value):
    if isinstance(value, np.ma.MaskedArray):
        return np.ma.filled(value, _FILL[name])
    return value


def union_mask(values, shape: tuple) -> np.ndarray:
    """The union of the masked arguments' masks, broadcast to ``shape``."""
    mask = np.zeros(shape, dtype=bool)
    for v in values:
        if isinstance(v, np.ma.MaskedArray):
            mask |= np.broadcast_to(np.ma.getmaskarray(v), shape)
    return mask


def masked_result(result, mask: np.ndarray):
    if np.ndim(result) == 0:
        return np.ma.masked if mask.item() else result
    return np.ma.MaskedArray(result, mask=mask.copy())


def _data_outs(out, count: int):
    """The data arrays of masked ``out`` arguments (a pair for two outputs)."""
    if out is None:
        return None
    outs = out if count == 2 and isinstance(out, tuple) else (out,)
    for k, o in enumerate(outs):
        if not isinstance(o, np.ma.MaskedArray):
            label = "out" if count == 1 else f"out[{k}]"
            raise TypeError(
                f"{label} must be a numpy.ma.MaskedArray when an input is masked (a plain "
                f"array cannot carry the result's mask), got {type(o).__name__}")
    data = tuple(o.data for o in outs)
    return data if count == 2 and isinstance(out, tuple) else data[0]


def masked_call(func, count: int, args: dict, out, **kw) -> Any:
    """``func`` (a public function) on the arguments ``args`` (name -> value, some masked),
    passed by name with ``kw``; masked results, or ``out`` (masked arrays) filled."""
    filled = {name: _filled(name, v) for name, v in args.items()}
    data_out = _data_outs(out, count)
    if data_out is not None:
        kw["out"] = data_out
    result = func(**filled, **kw)
    first = result[0] if count == 2 else result
    mask = union_mask(args.values(), np.shape(first))
    if out is not None:
        for o in (out if count == 2 else (out,)):
            o.mask = mask.copy()
        return out
    if count == 2:
        return tuple(masked_result(r, mask) for r in result)
    return masked_result(result, mask)


def pandas_call(func, labels, logits, pos_weight, sample_weight, out, **kw) -> Any:
    """``func`` (a public elementwise function or a loss reduction) on pandas arguments
    matched by label; pandas results with the frame's labels."""
    if out is not None:
        raise TypeError(
            "out cannot be used with pandas inputs (the result is a new Series or DataFrame); "
            "pass .to_numpy() arrays to write into out")
    frame, z, x, q, w = from_pandas(labels, logits, pos_weight, sample_weight)
    result = func(z, x, q, sample_weight=w, **kw)
    return result if frame is None else frame.wrap(result)


def masked_loss_reduction(loss, labels, logits, pos_weight, sample_weight, reduction,
                          n_threads, out):
    """Sum or mean of the loss over the unmasked elements (``loss`` is the public
    function), after every check on the whole, filled inputs."""
    named = {"labels": labels, "logits": logits, "pos_weight": pos_weight,
             "sample_weight": sample_weight}
    filled = {name: _filled(name, v) for name, v in named.items()}
    inp = _rules.prepare(filled["labels"], filled["logits"], filled["pos_weight"],
                         filled["sample_weight"], n_threads)
    checked = _rules.check_reduction(reduction)
    if out is not None:
        raise ValueError(f"out cannot be used with reduction={checked!r}; it needs 'none'")
    keep = ~union_mask(named.values(), inp.shape)
    if not keep.any():
        return np.ma.masked

    def pick(value):
        return None if value is None else np.broadcast_to(np.asarray(value), inp.shape)[keep]

    return loss(pick(filled["labels"]), pick(filled["logits"]), pick(filled["pos_weight"]),
                sample_weight=pick(filled["sample_weight"]), reduction=checked,
                n_threads=n_threads)
