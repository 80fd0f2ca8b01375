"""Error messages that say what to do: the first bad value and where it is, the (n,) weight
beside (n, k) logits, dask arrays of unknown chunk sizes; reprs that show only what the
constructor takes."""

import numpy as np
import pytest

import wce_c


def test_a_bad_pos_weight_element_is_named_with_its_index():
    x = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"got -0\.5 at index 1\b"):
        wce_c.loss(x, x, [1.0, -0.5, 2.0])
    with pytest.raises(ValueError, match=r"got nan at index \(2, 1\)"):
        q = np.ones((4, 3))
        q[2, 1] = np.nan
        wce_c.gradient(x, x, q)
    with pytest.raises(ValueError, match=r"sample_weight must be finite .* got inf at index 3"):
        wce_c.hessian(np.zeros(5), np.zeros(5), sample_weight=[1, 1, 1, np.inf, 1])
    with pytest.raises(ValueError, match=r"pos_weight must be finite and >= 0 .* got -1\.0$"):
        wce_c.loss(np.zeros(3), np.zeros(3), -1.0)  # a scalar: no index


def test_row_weights_beside_a_matrix_suggest_the_new_axis():
    x = np.zeros((6, 3))
    with pytest.raises(ValueError, match=r"sample_weight\[:, None\], of shape \(6, 1\)"):
        wce_c.loss(x, x, sample_weight=np.ones(6))
    np.testing.assert_array_equal(  # and the suggestion works
        wce_c.loss(x, x, sample_weight=np.ones(6)[:, None]), wce_c.loss(x, x))


def test_dask_unknown_chunk_sizes_say_what_to_call():
    da = pytest.importorskip("dask.array")
    x = da.from_array(np.arange(40.0).reshape(10, 4), chunks=(5, 4))
    picked = x[x[:, 0] > 10]  # boolean indexing: unknown chunk sizes
    with pytest.raises(ValueError, match=r"compute_chunk_sizes\(\)"):
        wce_c.loss(picked, picked)
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        wce_c.probability(picked)
    known = picked.compute_chunk_sizes()
    np.testing.assert_array_equal(wce_c.loss(known, known).compute(),
                                  wce_c.loss(known.compute(), known.compute()))


@pytest.mark.parametrize("module", ["xgboost", "lightgbm", "catboost"])
def test_metric_reprs_show_only_what_metric_takes(module):
    import importlib
    mod = importlib.import_module(f"wce_c.{module}")
    assert "n_threads" not in repr(mod.metric(3.0))
    assert "pos_weight=3.0" in repr(mod.metric(3.0))
    assert "n_threads" in repr(mod.objective(3.0))
