"""``probability``: the positive-class probability under the data's own base rate, from the
margins of a model trained with the weighted loss; ``intercept``: the constant margin a model
trained with it should start from.

Why a shift.  For one input with true positive probability p, the expected weighted loss of
a margin x is (1 - p) softplus(x) + q p softplus(-x); its derivative in x is
(1 - p) sigma(x) - q p sigma(-x), zero where sigma(x) / sigma(-x) = e^x = q p / (1 - p), that
is x = logit(p) + log q.  So a model that minimises the weighted loss predicts q-weighted
odds, and p = sigma(x - log q).

How it stays exact.  log q is carried as a double-double L = L_hi + L_lo (from a 40-digit
decimal logarithm), and t = x - L as t_hi + t_lo with t_hi = x - L_hi rounded and t_lo its
exact rounding error (TwoSum) less L_lo.  With E = e^-|t_hi| (at most about one ULP from
NumPy's exp), e^-|t| = E (1 -+ t_lo) to second order in t_lo (|t_lo| is below one ULP of
t_hi), and sigma(t) = 1 / (1 + e^-t) for t >= 0, e^t / (1 + e^t) for t < 0: a few roundings,
each relative to the result, in every range: far below 0 sigma(t) is e^t itself (subnormal
results keep their absolute accuracy), far above it is 1.  float32 margins are computed in
float64 and rounded once.  The infinities give 0 and 1, NaN stays NaN.
"""

from __future__ import annotations

import sys
from decimal import Decimal, localcontext
from typing import Any, Optional, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _dask, _frames, _rules


def _log_pair(q: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """log q as hi + lo, |lo| <= ulp(hi) / 2, for positive finite float64 values."""
    values, inverse = np.unique(q, return_inverse=True)
    hi = np.empty(values.size)
    lo = np.empty(values.size)
    with localcontext() as ctx:
        ctx.prec = 40
        for k, v in enumerate(values.tolist()):
            exact = Decimal(v).ln()
            hi[k] = float(exact)
            lo[k] = float(exact - Decimal(hi[k]))
    return hi[inverse].reshape(q.shape), lo[inverse].reshape(q.shape)


def _check_pos_weight(value, shape) -> np.ndarray:
    q = _rules.real_array("pos_weight", value)
    _rules.check_broadcast("pos_weight", q.shape, shape)
    q64 = q.astype(np.float64)
    bad = ~(np.isfinite(q64) & (q64 > 0))
    if bad.any():
        first = q64.reshape(-1)[int(np.flatnonzero(bad.reshape(-1))[0])]
        raise ValueError(
            f"pos_weight must be finite and > 0 for probability (log q shifts the margins), "
            f"got {first!r}")
    return q64


def _shifted_sigmoid(x: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """sigma(x - (hi + lo)) in float64, by the steps of the module note."""
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        t_hi = x - hi
        bb = t_hi - x
        err = (x - (t_hi - bb)) + (-hi - bb)  # TwoSum: x - hi = t_hi + err exactly
        t_lo = err - lo
        big = np.abs(t_hi) < np.inf
        t_lo = np.where(big, t_lo, 0.0)  # at infinite t the correction does not apply
        pos = t_hi >= 0
        e = np.exp(-np.abs(t_hi))
        e = e * np.where(pos, 1.0 - t_lo, 1.0 + t_lo)  # e^-|t| to second order in t_lo
        return np.where(pos, 1.0 / (1.0 + e), e / (1.0 + e))


def probability(
    logits: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    out: Optional[np.ndarray] = None,
) -> Union[np.floating[Any], NDArray[np.floating[Any]]]:
    """Probability of the positive class, from margins trained with ``pos_weight``.

    A model that minimises the weighted loss with pos_weight q predicts q-weighted odds:
    the minimiser of ``(1 - p) softplus(x) + q p softplus(-x)`` is ``x = logit(p) + log q``.
    This returns ``p = sigmoid(x - log q)``, the probability under the data's own base
    rate, with the shift carried in double-double so that the result stays within a few
    ULP of the exact value at every margin (including ``|x|`` beyond 745 in float64, where
    the result is subnormal or 1).  ``pos_weight=1`` gives the plain sigmoid.

    Parameters
    ----------
    logits : array_like
        Raw margins (XGBoost's ``output_margin=True``, LightGBM's ``raw_score=True``,
        CatBoost's ``prediction_type="RawFormulaVal"``).  float32 and float16 compute in
        float32, everything else in float64; dask arrays give a lazy result.
    pos_weight : array_like, default 1.0
        The pos_weight the model was trained with: finite and > 0; a scalar, a per-class
        vector along the last axis (multi-label), or anything that broadcasts to the
        logits' shape without growing it.
    out : ndarray, optional
        Where to write the result (the logits' shape and compute dtype, writable).

    pandas logits give a Series or DataFrame (a pos_weight Series matched to the columns by
    label), masked logits a masked result, as in :func:`wce_c.loss`.

    Examples
    --------
    >>> import numpy as np, wce_c
    >>> wce_c.probability(np.array([0.0, np.log(9.0), 800.0, -np.inf]), pos_weight=9.0)
    array([0.1, 0.5, 1. , 0. ])
    >>> float(wce_c.probability(-740.0, pos_weight=0.5))  # subnormal, not 0
    8.4e-322
    """
    if _dask.any_dask(logits, pos_weight):
        return _dask.probability(probability, logits, pos_weight, out)
    if _frames.any_pandas(logits, pos_weight):
        if out is not None:
            raise TypeError("out cannot be used with pandas inputs (the result is a new Series "
                            "or DataFrame); pass .to_numpy() arrays to write into out")
        frame, _, x, q, _ = _frames.from_pandas(None, logits, pos_weight, None)
        result = probability(x, q)
        return result if frame is None else frame.wrap(result)
    if _frames.any_masked(logits, pos_weight):
        return _frames.masked_call(probability, 1, {"logits": logits, "pos_weight": pos_weight},
                                   out)
    x = _rules.real_array("logits", logits)
    dtype = _rules.compute_dtype(x.dtype)
    q = _check_pos_weight(pos_weight, x.shape)
    if out is not None:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"out must be a numpy.ndarray, got {type(out).__name__}")
        if out.shape != x.shape or out.dtype != dtype or not out.flags.writeable:
            raise ValueError(
                f"out must be a writable array of the logits' shape {x.shape} and the compute "
                f"dtype {dtype}, got shape {out.shape}, dtype {out.dtype}")
    hi, lo = _log_pair(np.asarray(q, order="C"))
    result = _shifted_sigmoid(x.astype(np.float64), hi, lo).astype(dtype)
    if out is not None:
        np.copyto(out, result)
        return out
    return result[()] if result.ndim == 0 else result


def intercept(
    labels: ArrayLike,
    pos_weight: ArrayLike = 1.0,
    *,
    sample_weight: Optional[ArrayLike] = None,
) -> Union[np.floating[Any], NDArray[np.floating[Any]]]:
    """The constant margin that minimises the weighted loss: where a model should start.

    The total loss of a constant margin x is ``W- softplus(x) + q W+ softplus(-x)`` with
    ``W+ = sum w z`` and ``W- = sum w (1 - z)``; its derivative ``W- sigma(x) - q W+ sigma(-x)``
    is zero where ``e^x = q W+ / W-``, so the minimiser is ``log(q W+ / W-)``, computed as
    ``log q + log(W+ / W-)`` (with ``log q`` in double-double).  ``probability`` of it is the
    weighted base rate ``W+ / (W+ + W-)``.

    Parameters
    ----------
    labels : array_like
        Labels in [0, 1] (0/1 or soft), shape (n,) for one output or (n, k) for k outputs
        (then one margin per column).
    pos_weight : array_like, default 1.0
        Finite and > 0: a scalar, or a vector of length k for (n, k) labels.
    sample_weight : array_like, optional
        Finite and >= 0, shape (n,) (the same weight for every column) or the labels' shape.

    Returns
    -------
    A float64 scalar for (n,) labels, a float64 array of k margins for (n, k) labels.
    A ValueError names the column where the minimiser does not exist: no positive (W+ = 0,
    the loss falls toward margin -inf) or no negative weight (W- = 0).

    Examples
    --------
    >>> import numpy as np, wce_c
    >>> z = np.r_[np.ones(10), np.zeros(90)]
    >>> round(float(wce_c.intercept(z, pos_weight=9.0)), 12)   # log(9 * 10 / 90) = 0
    0.0
    >>> wce_c.intercept(np.c_[z, 1 - z], pos_weight=[1.0, 2.0])
    array([-2.19722458,  2.89037176])
    """
    if _frames.any_pandas(labels, pos_weight, sample_weight):
        frame, z, _, q, w = _frames.from_pandas(labels, None, pos_weight, sample_weight)
        if w is not None and np.ndim(w) == 2 and np.shape(w)[1] == 1 and np.ndim(z) == 2:
            w = w[:, 0]  # a per-row Series, matched to the labels' index
        margin = intercept(z, q, sample_weight=w)
        pd = sys.modules["pandas"]
        if frame is not None and isinstance(frame.obj, pd.DataFrame):
            return pd.Series(margin, index=frame.obj.columns)  # one margin per column
        return margin
    if _frames.any_masked(labels, pos_weight, sample_weight):
        return _masked_intercept(labels, pos_weight, sample_weight)
    z = _rules.real_array("labels", labels)
    if z.ndim not in (1, 2) or z.shape[0] == 0:
        raise ValueError(f"labels must have shape (n,) or (n, k) with n > 0, got {z.shape}")
    z = z.astype(np.float64)
    bad = ~((z >= 0) & (z <= 1))
    if bad.any():
        i = int(np.flatnonzero(bad.reshape(-1))[0])
        raise ValueError(f"labels must lie in [0, 1], got {z.reshape(-1)[i]!r} at flat index {i}")
    cols = z.shape[1:]
    q = _check_pos_weight(pos_weight, cols if cols else ())
    if sample_weight is None:
        w = np.ones(z.shape[0])
    else:
        w = _rules.real_array("sample_weight", sample_weight).astype(np.float64)
        if w.shape not in ((z.shape[0],), z.shape):
            raise ValueError(
                f"sample_weight must have shape ({z.shape[0]},) or the labels' shape "
                f"{z.shape}, got {w.shape}")
        bad = ~(np.isfinite(w) & (w >= 0))
        if bad.any():
            i = int(np.flatnonzero(bad.reshape(-1))[0])
            raise ValueError(
                f"sample_weight must be finite and >= 0, got {w.reshape(-1)[i]!r} at flat "
                f"index {i}")
    if w.ndim == 1 and z.ndim == 2:
        w = w[:, None]
    w_pos = np.sum(w * z, axis=0)
    w_neg = np.sum(w * (1.0 - z), axis=0)
    for name, total in (("positive", w_pos), ("negative", w_neg)):
        empty = np.flatnonzero(np.atleast_1d(total) <= 0)
        if empty.size:
            where = f" in column {int(empty[0])}" if z.ndim == 2 else ""
            raise ValueError(
                f"the labels carry no {name} weight{where}: the weighted loss has no minimising "
                f"constant margin")
    hi, lo = _log_pair(np.asarray(q, order="C"))
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        ratio = w_pos / w_neg
        # log of the quotient (one rounding less), or of each sum where the quotient would
        # leave the range
        safe = (ratio > 0) & (ratio < np.inf)
        log_ratio = np.where(safe, np.log(np.where(safe, ratio, 1.0)),
                             np.log(w_pos) - np.log(w_neg))
        margin = (hi + lo) + log_ratio
    return margin if z.ndim == 2 else np.float64(margin)


def _masked_intercept(labels, pos_weight, sample_weight):
    """intercept over the unmasked elements: masked labels and sample weights count with
    weight 0; a masked pos_weight masks its column's margin."""
    z = np.ma.filled(labels, 0) if isinstance(labels, np.ma.MaskedArray) else labels
    shape = np.shape(z)
    w = np.ones(shape) if sample_weight is None else sample_weight
    if not isinstance(w, np.ndarray):
        w = _rules.real_array("sample_weight", w)
    w_data = np.ma.filled(w, 0) if isinstance(w, np.ma.MaskedArray) else np.asarray(w)
    if w_data.ndim == 1 and len(shape) == 2 and w_data.shape[0] == shape[0]:
        w, w_data = w[:, None], w_data[:, None]  # one weight per row, for every column
    try:
        keep = ~_frames.union_mask((labels, w), shape)
        w_data = np.where(keep, np.broadcast_to(w_data, shape), 0)
    except ValueError:
        pass  # shapes that do not fit: intercept's own message follows
    q = np.ma.filled(pos_weight, 1) if isinstance(pos_weight, np.ma.MaskedArray) else pos_weight
    margin = intercept(z, q, sample_weight=w_data)
    if isinstance(pos_weight, np.ma.MaskedArray):
        mask = np.broadcast_to(np.ma.getmaskarray(pos_weight), np.shape(margin))
        return _frames.masked_result(margin, mask)
    return margin
