"""The one place where the instruction-set level of the kernels is chosen.

At import: the widest level that is built and that this CPU runs (baseline, then AVX2 with
FMA as x86-64-v3, then AVX-512 as x86-64-v4).  The environment variable ``WCE_C_SIMD``
(``baseline``, ``avx2`` or ``avx512``) forces a lower level, for tests and comparisons; a
level that is not available here falls back to the widest available, with a warning.  The two FMA
levels give the same bits; baseline, whose polynomial steps round twice instead of once, can
differ from them in the last bit of rare elements (all levels within the accuracy bounds).
"""

from __future__ import annotations

import os
import warnings
from typing import List

from . import _kernels

LEVELS = _kernels.SIMD_LEVELS


def available() -> List[str]:
    """Levels built into this installation that this CPU runs, narrowest first."""
    return [name for name, built, runs in _kernels.simd_level_status() if built and runs]


def choose(requested: str | None = None) -> str:
    """Select and return the level: ``requested`` (or $WCE_C_SIMD) if available, else the
    widest available."""
    if requested is None:
        requested = os.environ.get("WCE_C_SIMD", "").strip().lower() or None
    runnable = available()
    level = runnable[-1]
    if requested is not None:
        if requested not in LEVELS:
            warnings.warn(f"WCE_C_SIMD={requested!r} is not one of {', '.join(LEVELS)}; "
                          f"using {level}", RuntimeWarning, stacklevel=2)
        elif requested not in runnable:
            warnings.warn(f"WCE_C_SIMD={requested!r} is not available here "
                          f"(available: {', '.join(runnable)}); using {level}",
                          RuntimeWarning, stacklevel=2)
        else:
            level = requested
    _kernels.set_simd_level(level)
    return level


def for_each_level(fn):
    """{level: fn()} with each available level chosen in turn; the level in use is restored
    afterwards (for tests and comparisons across levels)."""
    before = current()
    try:
        per_level = {}
        for level in available():
            choose(level)
            per_level[level] = fn()
        return per_level
    finally:
        choose(before)


def current() -> str:
    """The level in use."""
    return _kernels.simd_level()


choose()
