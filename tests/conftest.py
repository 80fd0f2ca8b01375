import numpy as np
import pytest

from wce_c import _simd, _threads

LEVELS = _simd.available()


@pytest.fixture
def threads_on_small_inputs(monkeypatch):
    """Let n_threads > 1 start a thread team even for the small arrays of a test."""
    monkeypatch.setattr(_threads, "PARALLEL_MIN_SIZE", 1)


@pytest.fixture(params=LEVELS)
def simd_level(request):
    """Run the test once under every instruction-set level this machine runs."""
    before = _simd.current()
    _simd.choose(request.param)
    yield request.param
    _simd.choose(before)


def pytest_make_parametrize_id(config, val, argname):
    """Readable test ids for the values pytest would number (value3, shape0): shapes as
    3x4, arrays by dtype and shape, functions and classes by name, None as none."""
    if val is None:
        return f"{argname}=none"
    if isinstance(val, tuple) and all(isinstance(v, int) for v in val):
        return "x".join(map(str, val)) if val else "0d"
    if isinstance(val, np.ndarray):
        return f"{val.dtype}[{'x'.join(map(str, val.shape)) or '0d'}]"
    if isinstance(val, type):
        return val.__name__
    if callable(val) and hasattr(val, "__name__"):
        return val.__name__
    if isinstance(val, np.dtype):
        return str(val)
    if isinstance(val, list) and all(isinstance(v, (int, float)) for v in val):
        return "list_" + "_".join(str(v) for v in val)
    return None
