"""Instruction-set levels: chosen at import, forced lower by WCE_C_SIMD.  The levels with FMA
(avx2, avx512) give the same bits; baseline, whose polynomial steps round twice, can differ
from them in the last bit of rare elements, every level within the accuracy bounds (a NaN's
sign and payload may differ)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import wce_c
from wce_c import _simd
from reference import load

FUNCS = [wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient,
         wce_c.loss_gradient, wce_c.gradient_hessian]


def inputs():
    """The reference inputs and a random sample, per dtype: (z, x, q, w)."""
    rng = np.random.default_rng(21)
    for dtype in ("float32", "float64"):
        ref = load(dtype)
        x = np.concatenate([ref.x, (rng.standard_normal(50_000) * 30).astype(dtype)])
        z = np.concatenate([ref.z, rng.choice([0.0, 1.0, 0.4], 50_000).astype(dtype)])
        q = np.concatenate([ref.q, rng.uniform(0, 9, 50_000).astype(dtype)])
        w = np.concatenate([ref.w, rng.uniform(-2, 2, 50_000).astype(dtype)])
        yield z, x, q, w


def outputs():
    """Every quantity over the inputs above, both dtypes."""
    result = []
    for z, x, q, w in inputs():
        for f in FUNCS:
            r = f(z, x, q, sample_weight=w)
            result += list(r) if isinstance(r, tuple) else [r]
        result.append(np.asarray(wce_c.loss(z, x, q, sample_weight=w, reduction="sum")))
    return result


def scales():
    """What each output of outputs() is measured against, as the accuracy contract measures
    it: the label gradient, a difference w [q softplus(-x) - softplus(x)] with a root, in
    ULP of its larger term; every other output in ULP of itself (None)."""
    result = []
    for z, x, q, w in inputs():
        x64, q64, w64 = (a.astype(np.float64) for a in (x, q, w))
        with np.errstate(all="ignore"):
            terms = np.abs(w64) * np.maximum(q64 * np.logaddexp(0, -x64), np.logaddexp(0, x64))
            terms = terms.astype(x.dtype)
        for f in FUNCS:
            n = 2 if f in (wce_c.loss_gradient, wce_c.gradient_hessian) else 1
            result += [terms if f is wce_c.label_gradient else None] * n
        result.append(None)
    return result


def outputs_per_level():
    return _simd.for_each_level(outputs)


def differing(a, b):
    """Indices where a and b differ, NaN aside (a NaN's sign and payload are not specified)."""
    a, b = np.atleast_1d(a), np.atleast_1d(b)
    same = (a.view(np.uint8) == b.view(np.uint8)).reshape(a.shape + (-1,)).all(-1)
    same |= np.isnan(a) & np.isnan(b)
    return np.flatnonzero(~same)


def test_fma_levels_give_the_same_bits():
    fma_levels = [lv for lv in _simd.available() if lv != "baseline"]
    if len(fma_levels) < 2:
        pytest.skip("fewer than two FMA levels run here")
    per_level = outputs_per_level()
    first = per_level[fma_levels[0]]
    for level in fma_levels[1:]:
        for k, (a, b) in enumerate(zip(first, per_level[level])):
            bad = differing(a, b)
            assert bad.size == 0, (f"{level} differs from {fma_levels[0]} in output {k} at "
                                   f"{bad[:5]}: {np.atleast_1d(a)[bad[:3]]!r} vs "
                                   f"{np.atleast_1d(b)[bad[:3]]!r}")


def test_baseline_differs_from_fma_levels_only_in_rare_last_bits():
    if len(_simd.available()) < 2:
        pytest.skip("only one instruction-set level runs here")
    per_level = outputs_per_level()
    widest = _simd.available()[-1]
    for k, (a, b, scale) in enumerate(zip(per_level["baseline"], per_level[widest], scales())):
        a, b = np.atleast_1d(a), np.atleast_1d(b)
        bad = differing(a, b)
        # float32: the double pieces differ by a few units of 2^-53, which the rounding to
        # float hides except within that distance of a tie; float64: a unit or two of the
        # last place, where the pieces' difference survives the final rounding.
        max_fraction, max_ulp = (1e-3, 1) if a.dtype == np.float32 else (5e-3, 2)
        assert bad.size <= max_fraction * a.size, (k, bad.size, a.size)
        if bad.size:
            assert np.isfinite(a[bad]).all() and np.isfinite(b[bad]).all(), k
            larger = np.maximum(np.abs(a[bad]), np.abs(b[bad]))
            if scale is not None:
                larger = np.maximum(larger, scale[bad])
            ulps = np.abs(a[bad] - b[bad]) / np.spacing(larger)
            assert ulps.max() <= max_ulp, (k, ulps.max())


def test_widest_level_is_chosen_by_default():
    assert _simd.current() == _simd.available()[-1] or os.environ.get("WCE_C_SIMD")


@pytest.mark.parametrize("level", _simd.available())
def test_environment_variable_forces_a_level(level):
    code = "import wce_c; print(wce_c.show_config('dicts')['simd'])"
    env = dict(os.environ, WCE_C_SIMD=level)
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=60, check=True)
    assert r.stdout.strip() == level


def test_unknown_or_unavailable_level_warns_and_falls_back():
    with pytest.warns(RuntimeWarning, match="WCE_C_SIMD"):
        assert _simd.choose("sse9") == _simd.available()[-1]
    with pytest.raises(ValueError, match="level"):
        wce_c._kernels.set_simd_level("sse9")
