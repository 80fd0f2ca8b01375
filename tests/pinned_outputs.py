"""Digests of every public function's outputs over fixed inputs, per instruction-set level.

``tests/pinned_outputs.json`` holds the digests taken before a change that must not alter a
bit (a refactoring, say); ``test_pinned_outputs.py`` recomputes them and compares.  Run this
file to rewrite the JSON, and only when a change of results is intended and checked.

The inputs are built without a random generator (whose streams may change between NumPy
versions): grids over the whole logit range, the tails and the special values, periodic
patterns of labels and weights, and the stored reference inputs.  NaNs are hashed as one
pattern, since a NaN's sign and payload are not part of the contract.
"""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

import wce_c
from wce_c import _simd

HERE = Path(__file__).resolve().parent
PINNED = HERE / "pinned_outputs.json"
FUNCS = ("loss", "gradient", "hessian", "label_gradient", "loss_gradient", "gradient_hessian")


def inputs(dtype):
    sys.path.insert(0, str(HERE))
    from reference import load

    ref = load(dtype)
    grid = np.linspace(-900.0, 900.0, 60_001)
    # Python's float power, not np.geomspace, whose last bits differ between NumPy versions
    tails = np.array([10.0 ** (-300.0 + 303.0 * k / 3999) for k in range(4_000)])
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 708.4, -708.4, 745.1, -745.1,
                        512.0, -512.0, 1023.9, 88.7, -88.7, 103.9, -103.9, 17.0, -17.0])
    x = np.concatenate([grid, tails, -tails, special]).astype(dtype)
    n = x.size
    i = np.arange(n)
    z = np.array([0.0, 1.0, 0.3, 0.5, 1.0, 0.0, 0.999, 1e-7])[i % 8].astype(dtype)
    q = np.array([1.0, 3.0, 0.0, 0.25, 1e30, 7.5, 1e-30])[i % 7].astype(dtype)
    big = 1e300 if dtype == "float64" else 1e30
    w = np.array([1.0, 0.5, -2.0, 0.0, 1e20, 3.0, 1e-20, 11.0, big])[i % 9].astype(dtype)
    x = np.concatenate([ref.x, x])
    z = np.concatenate([ref.z, z])
    q = np.concatenate([ref.q, q])
    w = np.concatenate([ref.w, w])
    return z, x, q, w


def digest(a):
    a = np.ascontiguousarray(np.atleast_1d(np.asarray(a)))
    if a.dtype.kind == "f":
        a = np.where(np.isnan(a), np.array(np.nan, a.dtype), a)
    return hashlib.sha256(a.dtype.str.encode() + a.tobytes()).hexdigest()[:24]


def outputs():
    """{call name: digest} for the level in use."""
    result = {}
    for dtype in ("float32", "float64"):
        z, x, q, w = inputs(dtype)
        n = x.size
        mat = (n // 4) * 4
        z4, x4 = z[:mat].reshape(-1, 4), x[:mat].reshape(-1, 4)
        qv = np.array([1.0, 2.0, 0.5, 9.0], dtype)
        cases = {
            "scalar_q": lambda f: f(z, x, 2.5),
            "full_q_w": lambda f: f(z, x, q, sample_weight=w),
            "vector_q": lambda f: f(z4, x4, qv),
            "small_fast": lambda f: f(z[:3000], x[:3000], 3.0, sample_weight=w[:3000]),
            "one_thread": lambda f: f(z, x, q, sample_weight=w, n_threads=1),
            "two_threads": lambda f: f(z, x, q, sample_weight=w, n_threads=2),
            "strided": lambda f: f(z[::3], x[::3], q[::3], sample_weight=w[::3]),
        }
        for fname in FUNCS:
            f = getattr(wce_c, fname)
            for cname, call in cases.items():
                r = call(f)
                parts = r if isinstance(r, tuple) else (r,)
                result[f"{dtype}/{fname}/{cname}"] = [digest(p) for p in parts]
        for red in ("sum", "mean"):
            result[f"{dtype}/loss/{red}"] = [digest(wce_c.loss(z, x, q, sample_weight=w,
                                                                reduction=red))]
            result[f"{dtype}/loss/{red}_small"] = [digest(wce_c.loss(
                z[:5000], x[:5000], 2.0, reduction=red))]
        g, h = wce_c._api.gradient_hessian_float32(z, x, q, sample_weight=w)
        result[f"{dtype}/gradient_hessian_float32"] = [digest(g), digest(h)]
    return result


def outputs_per_level():
    return _simd.for_each_level(outputs)


if __name__ == "__main__":
    PINNED.write_text(json.dumps(outputs_per_level(), indent=1, sort_keys=True) + "\n")
    print("wrote", PINNED)
