"""Dense accuracy sweeps against an 80-bit long double reference (x86; where long double is
plain double the reference is too coarse and the script says so).

    python benchmarks/dense_accuracy.py [--logits 1000000] [--seed 1]

Random logits over the ranges where each dtype's formulas are hardest (|x| < 20, the tails up
to where exp(-|x|) underflows, and a wide normal), times every combination of labels
(0, 1, soft), pos_weight (1, 3, 0.25, 1e4) and sample weight (none, 1, 0.37; with labels
of 0 and 1 alone, the float64 kernels take their hard-label form).  Prints the worst error
per dtype and quantity in ULP of the dtype (a soft label's gradient and the label
gradient in ULP of their larger term), with the inputs where it occurs.  The mpmath table of
the test suite is the authority; this is the wide net.
"""

from __future__ import annotations

import argparse

import numpy as np

import wce_c

L = np.longdouble


def softplus(t):
    return np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def sweep(dtype, x, labels, pos_weights, weights):
    worst = {}
    xl = x.astype(L)
    e = np.exp(-np.abs(xl))
    for z in labels:
        for q in pos_weights:
            for w in weights:
                zd, qd, wd = (L(dtype(v)) for v in (z, q, 1.0 if w is None else w))
                a, b = wd * (1 - zd), wd * qd * zd
                refs = {
                    "loss": (a * softplus(xl) + b * softplus(-xl), None),
                    "gradient": (a * sigmoid(xl) - b * sigmoid(-xl),
                                 np.maximum(np.abs(a * sigmoid(xl)), np.abs(b * sigmoid(-xl)))),
                    "hessian": ((a + b) * e / (1 + e) ** 2, None),
                    "label_gradient": (wd * (qd * softplus(-xl) - softplus(xl)),
                                       wd * np.maximum(qd * softplus(-xl), softplus(xl))),
                }
                zz = np.full_like(x, dtype(z))
                for name, (ref, scale) in refs.items():
                    got = getattr(wce_c, name)(zz, x, dtype(q),
                                               sample_weight=None if w is None else dtype(w))
                    sc = np.abs(ref if scale is None else scale).astype(dtype)
                    ok = np.isfinite(sc) & (sc > 0)
                    err = (np.abs(got.astype(L) - ref)[ok]
                           / np.spacing(sc[ok]).astype(L)).astype(np.float64)
                    i = int(np.argmax(err))
                    if err[i] > worst.get(name, (-1,))[0]:
                        worst[name] = (err[i], float(x[ok][i]), z, q, w)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logits", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if np.finfo(L).nmant < 63:
        print("long double is not wider than double here: the reference is too coarse")
        return
    rng = np.random.default_rng(args.seed)
    n = args.logits
    for dtype, tail in ((np.float32, 110.0), (np.float64, 750.0)):
        x = np.concatenate([rng.uniform(-20, 20, n), rng.uniform(-tail, tail, n),
                            rng.standard_normal(n) * 3]).astype(dtype)
        worst = sweep(dtype, x, (0.0, 1.0, 0.3, 0.7), (1.0, 3.0, 0.25, 1e4), (None, 1.0, 0.37))
        print(f"{np.dtype(dtype).name} ({x.size} logits x 48 label/pos_weight/weight sets, "
              f"kernels {wce_c.show_config('dicts')['simd']}):")
        for name, (err, xv, z, q, w) in worst.items():
            print(f"  {name:15s} {err:.3f} ULP  (x={xv!r}, z={z}, q={q}, w={w})")


if __name__ == "__main__":
    main()
