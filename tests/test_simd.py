"""Instruction-set levels: chosen at import, forced lower by WCE_C_SIMD, all giving the same
bits (they are compiled with -ffp-contract=off and use only exactly rounded operations; a
NaN's sign and payload may differ)."""

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


def outputs():
    """Every quantity over the reference inputs and a random sample, both dtypes."""
    rng = np.random.default_rng(21)
    result = []
    for dtype in ("float32", "float64"):
        ref = load(dtype)
        x = np.concatenate([ref.x, (rng.standard_normal(50_000) * 30).astype(dtype)])
        z = np.concatenate([ref.z, rng.choice([0.0, 1.0, 0.4], 50_000).astype(dtype)])
        q = np.concatenate([ref.q, rng.uniform(0, 9, 50_000).astype(dtype)])
        w = np.concatenate([ref.w, rng.uniform(-2, 2, 50_000).astype(dtype)])
        for f in FUNCS:
            r = f(z, x, q, sample_weight=w)
            result += list(r) if isinstance(r, tuple) else [r]
        result.append(np.asarray(wce_c.loss(z, x, q, sample_weight=w, reduction="sum")))
    return result


def test_every_level_gives_the_same_bits():
    if len(_simd.available()) < 2:
        pytest.skip("only one instruction-set level runs here")
    before = _simd.current()
    try:
        per_level = {}
        for level in _simd.available():
            _simd.choose(level)
            per_level[level] = outputs()
    finally:
        _simd.choose(before)
    base = per_level["baseline"]
    for level, outs in per_level.items():
        for k, (a, b) in enumerate(zip(base, outs)):
            a, b = np.atleast_1d(a), np.atleast_1d(b)
            # Same bits, NaN aside (a NaN's sign and payload are not specified).
            same = (a.view(np.uint8) == b.view(np.uint8)).reshape(a.shape + (-1,)).all(-1)
            same |= np.isnan(a) & np.isnan(b)
            bad = np.flatnonzero(~np.atleast_1d(same))
            assert bad.size == 0, (f"{level} differs from baseline in output {k} at "
                                   f"{bad[:5]}: {np.atleast_1d(a)[bad[:3]]!r} vs "
                                   f"{np.atleast_1d(b)[bad[:3]]!r}")


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
