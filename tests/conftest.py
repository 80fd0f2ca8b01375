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
