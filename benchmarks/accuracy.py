"""Worst error in ULP per dtype and quantity, wce_c against the mpmath reference table.

    python benchmarks/accuracy.py

Prints a Markdown table (the README's accuracy table) and, for comparison, the same measure
for NumPy expressions of the textbook formulas (TensorFlow's documented loss, the gradient
l sigma(x) - q z and the hessian l p (1 - p)).  Counts rows with finite inputs and a finite
exact value; a soft label's gradient and the label gradient in ULP of their larger term.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import wce_c  # noqa: E402
from reference import BOUNDS, QUANTITIES, load, ulp_error  # noqa: E402


def textbook(quantity: str, z, x, q, w):
    """The formulas as usually written in NumPy, in the inputs' dtype."""
    with np.errstate(all="ignore"):
        one = x.dtype.type(1)
        l = (one - z) + q * z
        if quantity == "loss":
            return w * ((one - z) * x + l * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)))
        p = one / (one + np.exp(-x))
        if quantity == "gradient":
            return w * (l * p - q * z)
        if quantity == "hessian":
            return w * l * p * (one - p)
        return w * (-x + (q - one) * np.log1p(np.exp(-x)))


def main() -> None:
    print("| dtype | quantity | wce_c worst ULP | bound | textbook NumPy worst ULP | rows |")
    print("|---|---|---|---|---|---|")
    for dtype in ("float32", "float64"):
        ref = load(dtype)
        finite = np.isfinite(ref.x) & np.isfinite(ref.z)
        for quantity in QUANTITIES:
            got = getattr(wce_c, quantity)(ref.z, ref.x, ref.q, sample_weight=ref.w)
            with np.errstate(over="ignore"):
                exact = getattr(ref, quantity + "_hi").astype(ref.dtype)
            rows = finite & np.isfinite(exact)
            ours = ulp_error(got, ref, quantity)[rows].max()
            theirs = ulp_error(textbook(quantity, ref.z, ref.x, ref.q, ref.w), ref, quantity)[rows]
            theirs = theirs.max()
            theirs_s = "inf (NaN or inf returned)" if not np.isfinite(theirs) else f"{theirs:.3g}"
            print(f"| {dtype} | {quantity} | {ours:.2f} | {BOUNDS[dtype][quantity]:g} | "
                  f"{theirs_s} | {int(rows.sum())} |")


if __name__ == "__main__":
    main()
