"""pandas in, pandas out: results carry the logits' labels, and every labelled argument is
matched by label (never by position); pandas itself is imported only by the caller."""

import subprocess
import sys

import numpy as np
import pytest

import wce_c

pd = pytest.importorskip("pandas")

ELEMENTWISE = [wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient]
PAIRS = [wce_c.loss_gradient, wce_c.gradient_hessian]


@pytest.fixture
def frame():
    rng = np.random.default_rng(3)
    index = pd.Index(["r0", "r1", "r2", "r3", "r4"], name="row")
    x = pd.DataFrame(rng.normal(0, 4, (5, 3)), index=index, columns=["a", "b", "c"])
    z = pd.DataFrame(rng.integers(0, 2, (5, 3)).astype(float), index=index,
                     columns=["a", "b", "c"])
    return z, x


def bits(a, b):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("func", ELEMENTWISE + PAIRS)
def test_a_dataframe_gives_a_dataframe_with_its_labels(func, frame):
    z, x = frame
    got = func(z, x, 2.0)
    want = func(z.to_numpy(), x.to_numpy(), 2.0)
    for g, w in zip(got if isinstance(got, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,)):
        assert isinstance(g, pd.DataFrame)
        assert g.index.equals(x.index) and g.columns.equals(x.columns)
        bits(g, w)


@pytest.mark.parametrize("func", ELEMENTWISE + PAIRS)
def test_a_series_gives_a_series_with_the_logits_index_and_name(func):
    x = pd.Series([0.5, -30.0, 4.0], index=[10, 20, 30], name="margin", dtype=np.float32)
    z = pd.Series([1.0, 0.0, 1.0], index=[10, 20, 30], dtype=np.float32)
    got = func(z, x, 3.0)
    want = func(z.to_numpy(), x.to_numpy(), 3.0)
    for g, w in zip(got if isinstance(got, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,)):
        assert isinstance(g, pd.Series) and g.name == "margin"
        assert g.index.equals(x.index) and g.dtype == np.float32
        bits(g, w)


def test_a_per_class_pos_weight_is_matched_to_the_columns_by_name(frame):
    z, x = frame
    q = pd.Series({"c": 5.0, "a": 1.0, "b": 10.0})  # another order than the columns
    got = wce_c.loss(z, x, q)
    bits(got, wce_c.loss(z.to_numpy(), x.to_numpy(), np.array([1.0, 10.0, 5.0])))
    # and the example of two columns: b weighs 10, whatever the Series' order
    x2 = pd.DataFrame({"a": [0.5, -1.0], "b": [2.0, 0.3]})
    z2 = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.0]})
    got = wce_c.loss(z2, x2, pd.Series({"b": 10.0, "a": 1.0}))
    bits(got, wce_c.loss(z2.to_numpy(), x2.to_numpy(), [1.0, 10.0]))
    assert got.loc[0, "b"] == pytest.approx(10 * np.log1p(np.exp(-2.0)))


def test_labels_and_row_weights_are_matched_to_the_logits_index(frame):
    z, x = frame
    order = ["r3", "r0", "r4", "r1", "r2"]
    w = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=x.index)
    got = wce_c.gradient(z.loc[order], x, 2.0, sample_weight=w.loc[order[::-1]])
    want = wce_c.gradient(z.to_numpy(), x.to_numpy(), 2.0,
                          sample_weight=w.to_numpy()[:, None])
    bits(got, want)
    assert got.index.equals(x.index)
    # a weight DataFrame is matched on both axes
    wf = pd.DataFrame(np.arange(15.0).reshape(5, 3), index=x.index, columns=x.columns)
    got = wce_c.hessian(z, x, sample_weight=wf.loc[order, ["c", "a", "b"]])
    bits(got, wce_c.hessian(z.to_numpy(), x.to_numpy(), sample_weight=wf.to_numpy()))


def test_series_labels_are_matched_to_series_logits():
    x = pd.Series([0.1, 2.0, -3.0], index=[5, 3, 1])
    z = pd.Series([1.0, 0.0, 1.0], index=[1, 5, 3])
    got = wce_c.loss(z, x, 2.0)
    bits(got, wce_c.loss(np.array([0.0, 1.0, 1.0]), x.to_numpy(), 2.0))
    assert float(wce_c.loss(z, x, 2.0, reduction="sum")) == float(
        wce_c.loss(np.array([0.0, 1.0, 1.0]), x.to_numpy(), 2.0, reduction="sum"))


def test_a_label_mismatch_names_the_missing_and_the_extra_labels(frame):
    z, x = frame
    with pytest.raises(ValueError, match=r"pos_weight lacks label\(s\) \['c'\] of the "
                                         r"logits' columns and has label\(s\) \['d'\]"):
        wce_c.loss(z, x, pd.Series({"a": 1.0, "b": 2.0, "d": 3.0}))
    with pytest.raises(ValueError, match=r"sample_weight lacks label\(s\) \['r4'\]"):
        wce_c.loss(z, x, sample_weight=pd.Series([1.0] * 4, index=x.index[:4]))
    with pytest.raises(ValueError, match=r"labels lacks label\(s\) \['r2'\].* has label\(s\) \['r9'\] not in"):
        wce_c.loss(z.rename(index={"r2": "r9"}), x)
    # a default 0..k-1 index is a label too: it does not match named columns
    with pytest.raises(ValueError, match=r"lacks label\(s\) \['a', 'b', 'c'\]"):
        wce_c.loss(z, x, pd.Series([1.0, 2.0, 3.0]))


def test_labels_without_a_frame_to_match_are_refused_not_ignored():
    x = np.zeros((2, 2))
    with pytest.raises(ValueError, match="pos_weight is a pandas Series with labels.*"
                                         r"pos_weight.to_numpy\(\)"):
        wce_c.loss(np.ones((2, 2)), x, pd.Series({"b": 10.0, "a": 1.0}))
    # the default labels 0, 1, ... are positions: taken as they are, plain results
    got = wce_c.loss(np.ones((2, 2)), x, pd.Series([1.0, 10.0]))
    assert type(got) is np.ndarray
    bits(got, wce_c.loss(np.ones((2, 2)), x, [1.0, 10.0]))


def test_pandas_labels_beside_plain_logits_label_the_result():
    z = pd.Series([1.0, 0.0], index=["u", "v"], name="y")
    got = wce_c.loss(z, np.array([0.0, 1.0]))
    assert isinstance(got, pd.Series) and list(got.index) == ["u", "v"] and got.name is None


def test_repeated_labels_in_the_same_order_pass_in_another_order_fail():
    x = pd.Series([0.1, 0.2, 0.3], index=["a", "a", "b"])
    z = pd.Series([1.0, 0.0, 1.0], index=["a", "a", "b"])
    bits(wce_c.loss(z, x), wce_c.loss(z.to_numpy(), x.to_numpy()))
    with pytest.raises(ValueError, match="with repeats"):
        wce_c.loss(z.iloc[[2, 0, 1]], x)


def test_out_and_pandas_is_a_type_error_before_anything_is_written(frame):
    z, x = frame
    out = np.full(x.shape, 7.0)
    with pytest.raises(TypeError, match="out cannot be used with pandas"):
        wce_c.loss(z, x, out=out)
    assert (out == 7.0).all()


def test_nullable_dtypes_and_missing_values(frame):
    x = pd.Series([0.5, None, -2.0], dtype="Float64")
    z = pd.Series([1, 0, 1], dtype="Int64")
    got = wce_c.loss(z, x, 2.0)
    assert got.dtype == np.float64 and np.isnan(got.iloc[1])
    bits(got.iloc[[0, 2]], wce_c.loss([1.0, 1.0], [0.5, -2.0], 2.0))
    with pytest.raises(ValueError, match="sample_weight must be finite.*at index 1"):
        wce_c.loss(z, x.fillna(0.0), sample_weight=pd.Series([1.0, None, 1.0],
                                                              dtype="Float64"))


def test_probability_and_intercept_follow_the_same_rules(frame):
    z, x = frame
    q = pd.Series({"b": 4.0, "c": 2.0, "a": 1.0})
    p = wce_c.probability(x, q)
    assert isinstance(p, pd.DataFrame) and p.columns.equals(x.columns)
    bits(p, wce_c.probability(x.to_numpy(), [1.0, 4.0, 2.0]))
    m = wce_c.intercept(z, q, sample_weight=pd.Series(np.arange(1.0, 6.0), index=x.index))
    assert isinstance(m, pd.Series) and m.index.equals(z.columns)
    bits(m, wce_c.intercept(z.to_numpy(), [1.0, 4.0, 2.0], sample_weight=np.arange(1.0, 6.0)))
    s = pd.Series([0.0, 3.0], index=["u", "v"], name="m")
    assert wce_c.probability(s, 2.0).name == "m"
    with pytest.raises(TypeError, match="out cannot be used with pandas"):
        wce_c.probability(s, out=np.empty(2))


def test_pandas_is_not_imported_by_wce_c():
    code = ("import sys, numpy as np, wce_c\n"
            "wce_c.loss([1.0, 0.0], [0.5, 1.0], [1.0, 2.0]); wce_c.probability([0.0])\n"
            "np.ma.masked  # masked arrays need no pandas either\n"
            "wce_c.loss(np.ma.array([1.0]), [0.5])\n"
            "assert 'pandas' not in sys.modules, 'pandas imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
