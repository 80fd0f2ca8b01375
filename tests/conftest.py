import pytest

from wce_c import _threads


@pytest.fixture
def threads_on_small_inputs(monkeypatch):
    """Let n_threads > 1 start a thread team even for the small arrays of a test."""
    monkeypatch.setattr(_threads, "PARALLEL_MIN_SIZE", 1)
