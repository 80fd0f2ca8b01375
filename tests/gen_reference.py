"""Generate tests/reference_values.csv.gz: the exact function, from mpmath, over the float range.

Run from the repository root:  python tests/gen_reference.py

For each dtype (float32, float64) a grid of inputs (x = logit, z = label, q = pos_weight,
w = sample weight) that are exactly representable in that dtype, and for each quantity the
mathematical value of the function at those exact inputs, computed with 200-bit arithmetic.
Each value is stored as a pair of doubles (hi, lo) with hi the correctly rounded double and
lo the correctly rounded rest, so that a test can measure an error far below one double ULP:
error = |computed - hi - lo| / ulp_dtype(hi).  The gradient and the label gradient are
differences of two terms with a root; their "scale" column is the larger term's magnitude,
in whose ULP their error is counted.

The grid covers x = +-0, subnormals, the float32 and float64 tails where exp(-|x|)
underflows, |x| up to the largest finite values, +-inf and NaN; hard and soft labels;
pos_weight 0 to 1e6; sample weights 0 to 1e3.  Seeded, so the output is reproducible.

Columns: dtype, then z, x, q, w, and (hi, lo) for loss, gradient, hessian, label_gradient,
then the two scales; all floats as float.hex().
"""

from __future__ import annotations

import csv
import gzip
import math
import random
from pathlib import Path

import mpmath as mp
import numpy as np

mp.mp.prec = 200
OUT = Path(__file__).resolve().parent / "reference_values.csv.gz"

QUANTITIES = ("loss", "gradient", "hessian", "label_gradient")


def logit_grid(dtype) -> list:
    """Logits over the whole range of ``dtype``, as exact values of that dtype."""
    finfo = np.finfo(dtype)
    tiny_sub = float(np.nextafter(dtype(0), dtype(1)))
    mags = [
        0.0, tiny_sub, 1e-310, 1e-300, 1e-40, 1e-20, 1e-8, 1e-3, 0.1, 0.5, 1.0, 2.0, 3.5,
        7.0, 10.0, 15.0, 17.0, 20.0, 25.0, 30.0, 36.7, 40.0, 50.0, 80.0, 87.3, 88.7, 100.0,
        103.3, 103.9, 104.5, 200.0, 300.0, 500.0, 511.9, 512.0, 512.5, 600.0, 700.0, 708.4,
        720.0, 740.0, 745.1, 746.0, 800.0, 1000.0, 1e4, 1e10, 1e38, 1e300,
        float(finfo.max), float(finfo.tiny),
    ]
    rng = random.Random(20261122 + finfo.bits)
    mags += [10 ** rng.uniform(-3, math.log10(800)) for _ in range(40)]
    values = set()
    with np.errstate(over="ignore"):
        for m in mags:
            for s in (1.0, -1.0):
                v = dtype(s * m)
                if np.isfinite(v):
                    values.add(float(v))
    values.add(float(dtype(-0.0)))
    out = sorted(values, key=lambda v: (v, math.copysign(1.0, v)))
    # -0.0 and 0.0 compare equal in a set; keep both explicitly.
    out = [v for v in out if v != 0.0] + [0.0, -0.0]
    return out + [math.inf, -math.inf, math.nan]


def grid(dtype):
    """Rows (z, x, q, w) of exact ``dtype`` values."""
    xs = logit_grid(dtype)
    main = [(z, x, q, 1.0) for x in xs for z in (0.0, 1.0, 0.3, 0.75) for q in (1.0, 0.25, 3.0, 0.0, 1e6)]
    weighted = [(z, x, q, w) for x in xs for z in (0.0, 1.0, 0.6) for q in (2.0,) for w in (0.0, 0.37, 1e3)]
    label_nan = [(math.nan, x, 1.0, 1.0) for x in (-1.0, 0.0, 2.0)]
    rows = main + weighted + label_nan
    return [tuple(float(dtype(v)) for v in row) for row in rows]


def softplus(t):
    """log(1 + e^t) at 200 bits, stable for any t, including +-inf."""
    if mp.isinf(t):
        return t if t > 0 else mp.mpf(0)
    return max(t, 0) + mp.log1p(mp.exp(-abs(t)))


def sigmoid(t):
    if mp.isinf(t):
        return mp.mpf(1) if t > 0 else mp.mpf(0)
    return 1 / (1 + mp.exp(-t))


def term(c, v):
    """c * v, with an exactly zero coefficient contributing exactly zero."""
    return mp.mpf(0) if c == 0 else c * v


def reference(z, x, q, w):
    """(values, scales) of the four quantities at exact inputs; NaN in, NaN out."""
    if math.isnan(z) or math.isnan(x):
        nan = mp.mpf("nan")
        return (nan,) * 4, (nan, nan)
    z, x, q, w = (mp.mpf(v) for v in (z, x, q, w))
    a = w * (1 - z)
    b = w * q * z
    loss = term(a, softplus(x)) + term(b, softplus(-x))
    g1, g2 = a * sigmoid(x), b * sigmoid(-x)
    grad = g1 - g2
    hess = (a + b) * sigmoid(x) * sigmoid(-x)
    l1, l2 = term(-w, softplus(x)), term(w * q, softplus(-x))
    lgrad = l1 + l2
    return (loss, grad, hess, lgrad), (max(abs(g1), abs(g2)), max(abs(l1), abs(l2)))


def to_double(v) -> float:
    """Correctly rounded double of an mpf (through a 60-digit decimal string)."""
    if mp.isnan(v):
        return math.nan
    if mp.isinf(v):
        return math.inf if v > 0 else -math.inf
    if v == 0:
        return 0.0
    return float(mp.nstr(v, 60, min_fixed=1, max_fixed=0))


def split(v):
    hi = to_double(v)
    if not math.isfinite(hi) or v == 0:
        return hi, 0.0
    return hi, to_double(v - mp.mpf(hi))


def main() -> None:
    n = 0
    with gzip.open(OUT, "wt", newline="", compresslevel=9) as f:
        wr = csv.writer(f)
        header = ["dtype", "z", "x", "q", "w"]
        for name in QUANTITIES:
            header += [f"{name}_hi", f"{name}_lo"]
        header += ["gradient_scale", "label_gradient_scale"]
        wr.writerow(header)
        for dtype in (np.float32, np.float64):
            for z, x, q, w in grid(dtype):
                values, scales = reference(z, x, q, w)
                row = [np.dtype(dtype).name] + [float.hex(v) for v in (z, x, q, w)]
                for v in values:
                    row += [float.hex(p) for p in split(v)]
                row += [float.hex(to_double(s)) for s in scales]
                wr.writerow(row)
                n += 1
    print(f"wrote {n} rows to {OUT}")


if __name__ == "__main__":
    main()
