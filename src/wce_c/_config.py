"""Build and runtime configuration: what ``show_config()`` and ``python -m wce_c`` report."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

from . import _kernels, _simd
from ._threads import default_threads, parallel_min_size, usable_cpus

# Shared-library names of the OpenMP runtimes this package can end up linked with.
_OPENMP_RUNTIMES = ("libgomp", "libomp", "libiomp", "vcomp")


def get_include() -> str:
    """The folder holding ``wce_c/wce.h``, for extensions built on the C core.

    Examples
    --------
    >>> import os, wce_c
    >>> os.path.isfile(os.path.join(wce_c.get_include(), "wce_c", "wce.h"))
    True
    """
    here = Path(__file__).resolve().parent
    packaged = here / "include"
    if (packaged / "wce_c" / "wce.h").is_file():
        return str(packaged)
    # A source checkout used in place: the headers sit at the top of the repository.
    return str(here.parent.parent / "include")


def openmp_runtimes() -> List[str]:
    """Paths of the OpenMP runtime libraries loaded in this process (Linux), else []."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return []
    found = []
    for line in maps.read_text().splitlines():
        path = line.split()[-1] if line.split() else ""
        name = os.path.basename(path)
        if name.startswith(_OPENMP_RUNTIMES) and path not in found:
            found.append(path)
    return found


def config() -> Dict[str, Any]:
    """The configuration as a dictionary."""
    from . import __version__

    has_openmp, omp_date, omp_max = _kernels.openmp_info()
    runtimes = openmp_runtimes()
    return {
        "version": __version__,
        "core_version": ".".join(map(str, _kernels.core_version())),
        "simd": _simd.current(),
        "simd_available": _simd.available(),
        "openmp": has_openmp,
        "openmp_version": omp_date if has_openmp else None,
        "openmp_runtime": runtimes[0] if has_openmp and runtimes else None,
        "omp_max_threads": omp_max,
        "usable_cpus": usable_cpus(),
        "default_threads": default_threads(),
        "parallel_min_size": {"float64": parallel_min_size(), "float32": parallel_min_size(True)},
        "chunk": _kernels.CHUNK,
        "sum_block": _kernels.SUM_BLOCK,
        "include": get_include(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "machine": platform.machine(),
    }


def show_config(mode: str = "stdout"):
    """Print (``mode="stdout"``) or return (``mode="dicts"``) the build configuration.

    Says which kernel variant runs, whether OpenMP is on, which OpenMP runtime is loaded and
    how many threads a large input uses by default.

    Examples
    --------
    >>> import wce_c
    >>> cfg = wce_c.show_config(mode="dicts")
    >>> sorted(k for k in cfg if k.startswith("openmp"))
    ['openmp', 'openmp_runtime', 'openmp_version']
    """
    cfg = config()
    if mode == "dicts":
        return cfg
    if mode != "stdout":
        raise ValueError(f"mode must be 'stdout' or 'dicts', got {mode!r}")
    if cfg["openmp"]:
        omp = f"on (OpenMP {cfg['openmp_version']}, runtime {cfg['openmp_runtime'] or 'unknown'})"
    else:
        omp = "off: built without OpenMP, every kernel runs on one thread"
    lines = [
        f"wce_c {cfg['version']} (C core {cfg['core_version']})",
        f"  kernels:          {cfg['simd']} (available here: {', '.join(cfg['simd_available'])}; "
        "WCE_C_SIMD=baseline|avx2|avx512 picks a lower one)",
        f"  OpenMP:           {omp}",
        f"  threads:          {cfg['default_threads']} by default "
        f"(omp_get_max_threads {cfg['omp_max_threads']}, usable CPUs {cfg['usable_cpus']}); "
        f"one thread below {cfg['parallel_min_size']['float64']} float64 elements "
        f"({cfg['parallel_min_size']['float32']} float32), fewer while other processes "
        "keep CPUs busy",
        f"  min chunk / sum block: {cfg['chunk']} / {cfg['sum_block']} elements",
        f"  headers:          {cfg['include']}",
        f"  Python {cfg['python']}, NumPy {cfg['numpy']}, {cfg['machine']}",
    ]
    print("\n".join(lines))
    return None
