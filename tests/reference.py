"""The mpmath reference table (reference_values.csv.gz) and ULP error measurement.

Made by gen_reference.py; see there for what the columns hold.  Shared by the accuracy tests
and by benchmarks/accuracy.py, which prints the README's accuracy table.
"""

from __future__ import annotations

import csv
import gzip
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np

PATH = Path(__file__).resolve().parent / "reference_values.csv.gz"
QUANTITIES = ("loss", "gradient", "hessian", "label_gradient")

# The contract (DESIGN section 1): worst error in ULP of the dtype, per quantity.
BOUNDS = {
    "float32": {"loss": 1.0, "gradient": 1.0, "hessian": 1.0, "label_gradient": 1.0},
    "float64": {"loss": 3.0, "gradient": 3.0, "hessian": 6.0, "label_gradient": 3.0},
}

# Quantities with a root, whose error is counted in ULP of their larger term.
SCALED = {"gradient": "gradient_scale", "label_gradient": "label_gradient_scale"}


@lru_cache(maxsize=None)
def load(dtype_name: str) -> SimpleNamespace:
    """Columns of the table for one dtype: inputs in that dtype, references in float64."""
    with gzip.open(PATH, "rt", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["dtype"] == dtype_name]
    if not rows:
        raise ValueError(f"no reference rows for {dtype_name}")
    dtype = np.dtype(dtype_name)
    cols = {}
    for key in rows[0]:
        if key == "dtype":
            continue
        values = np.array([float.fromhex(r[key]) for r in rows], dtype=np.float64)
        cols[key] = values.astype(dtype) if key in ("z", "x", "q", "w") else values
    return SimpleNamespace(**cols, n=len(rows), dtype=dtype)


def ulp_error(computed: np.ndarray, ref: SimpleNamespace, quantity: str) -> np.ndarray:
    """|computed - exact| in ULP of the dtype (of the larger term for a quantity with a root).

    Where the exact value is not finite in the dtype (NaN, or +-inf including overflow), the
    error is 0 for the same special value and inf otherwise.
    """
    dtype = ref.dtype
    hi = getattr(ref, f"{quantity}_hi")
    lo = getattr(ref, f"{quantity}_lo")
    c = np.asarray(computed).astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = hi.astype(dtype)  # overflow to inf is intended
        special = ~np.isfinite(rounded)
        same_special = (np.isnan(rounded) & np.isnan(c)) | (rounded == c)
        scale = np.abs(getattr(ref, SCALED[quantity])) if quantity in SCALED else np.abs(hi)
        scale = np.minimum(scale, np.finfo(dtype).max).astype(dtype)
        unit = np.spacing(scale).astype(np.float64)
        err = np.abs((c - hi) - lo) / unit
    err = np.where(special, np.where(same_special, 0.0, np.inf), err)
    return np.where(np.isnan(err), np.inf, err)


def describe(ref: SimpleNamespace, i: int, computed: np.ndarray, quantity: str) -> str:
    """The inputs and values of row i, for a failure message."""
    return (
        f"{ref.dtype} {quantity} at z={float(ref.z[i])!r} x={float(ref.x[i])!r} "
        f"q={float(ref.q[i])!r} w={float(ref.w[i])!r}: computed {float(computed[i])!r}, "
        f"exact {float(getattr(ref, quantity + '_hi')[i])!r} "
        f"(+ {float(getattr(ref, quantity + '_lo')[i])!r})"
    )
