"""One test per error rule: the exception type, a message that names the argument, and an
``out`` left exactly as it was."""

import numpy as np
import pytest

import wce_c

FUNCS = [wce_c.loss, wce_c.gradient, wce_c.hessian, wce_c.label_gradient]
FUSED = [wce_c.loss_gradient, wce_c.gradient_hessian]
SENTINEL = 123.0


def fresh_out(shape=(4, 3), dtype=np.float64):
    return np.full(shape, SENTINEL, dtype=dtype)


def good():
    rng = np.random.default_rng(0)
    return (rng.random((4, 3)) < 0.5).astype(np.float64), rng.standard_normal((4, 3))


def assert_untouched(*outs):
    for o in outs:
        assert np.all(o == SENTINEL), "out was written before the error"


def check(func, exc, words, *args, **kwargs):
    """func raises exc mentioning every word, and every out passed is untouched."""
    fused = func in FUSED
    out = (fresh_out(), fresh_out()) if fused else fresh_out()
    kwargs.setdefault("out", out)
    with pytest.raises(exc) as info:
        func(*args, **kwargs)
    for word in words:
        assert word in str(info.value), f"{word!r} not in {str(info.value)!r}"
    if isinstance(kwargs["out"], np.ndarray):
        assert_untouched(kwargs["out"])
    elif isinstance(kwargs["out"], tuple):
        assert_untouched(*[o for o in kwargs["out"] if isinstance(o, np.ndarray)])


@pytest.mark.parametrize("func", FUNCS + FUSED, ids=lambda f: f.__name__)
def test_shape_mismatch_names_both_shapes(func):
    z, x = good()
    check(func, ValueError, ["labels", "logits", "(4, 2)", "(4, 3)"], z[:, :2], x)


@pytest.mark.parametrize("func", FUNCS + FUSED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("arg", ["pos_weight", "sample_weight"])
def test_broadcast_that_would_grow_the_result_is_refused(func, arg):
    z, x = good()
    grow = np.ones((2, 4, 3))
    kw = {"sample_weight": grow} if arg == "sample_weight" else {}
    q = grow if arg == "pos_weight" else 1.0
    check(func, ValueError, [arg, "(2, 4, 3)"], z, x, q, **kw)


@pytest.mark.parametrize("arg", ["pos_weight", "sample_weight"])
def test_parameter_that_does_not_broadcast_is_refused(arg):
    z, x = good()
    bad = np.ones(4)  # (4,) against (4, 3)
    kw = {"sample_weight": bad} if arg == "sample_weight" else {}
    check(wce_c.loss, ValueError, [arg, "(4,)"], z, x, bad if arg == "pos_weight" else 1.0, **kw)


@pytest.mark.parametrize("value", [-1.0, np.nan, np.inf, [1.0, -0.5, 2.0], 1e39])
def test_bad_pos_weight_is_refused(value):
    z, x = good()
    xf = x.astype(np.float32)  # 1e39 overflows float32: not finite after the cast
    out = fresh_out(dtype=np.float32)
    check(wce_c.loss, ValueError, ["pos_weight"], z, xf, value, out=out)


@pytest.mark.parametrize("value", [np.nan, -np.inf, [1.0, np.inf, 2.0]])
def test_non_finite_sample_weight_is_refused(value):
    z, x = good()
    check(wce_c.gradient, ValueError, ["sample_weight"], z, x, 1.0, sample_weight=value)


def test_negative_sample_weight_is_allowed():
    z, x = good()
    np.testing.assert_array_equal(wce_c.loss(z, x, sample_weight=-1.0), -wce_c.loss(z, x))


@pytest.mark.parametrize("arg", ["labels", "logits", "pos_weight", "sample_weight"])
@pytest.mark.parametrize("bad", [
    np.ones((4, 3), complex), np.array([[object()] * 3] * 4, dtype=object),
    np.full((4, 3), "a"), np.full((4, 3), np.datetime64("2020-01-01"))],
    ids=["complex", "object", "string", "datetime"])
def test_non_real_dtypes_raise_type_error_naming_the_argument(arg, bad):
    z, x = good()
    args = {"labels": z, "logits": x, "pos_weight": 1.0, "sample_weight": None}
    args[arg] = bad
    check(wce_c.loss, TypeError, [arg], args["labels"], args["logits"], args["pos_weight"],
          sample_weight=args["sample_weight"])


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_bad_out_is_refused(func):
    z, x = good()
    check(func, ValueError, ["out", "shape"], z, x, out=fresh_out((3, 4)))
    check(func, ValueError, ["out", "dtype"], z, x, out=fresh_out(dtype=np.float32))
    ro = fresh_out()
    ro.flags.writeable = False
    check(func, ValueError, ["out", "writable"], z, x, out=ro)
    check(func, TypeError, ["out", "ndarray"], z, x, out=[[0.0] * 3] * 4)


@pytest.mark.parametrize("func", FUSED, ids=lambda f: f.__name__)
def test_bad_fused_out_is_refused(func):
    z, x = good()
    a = fresh_out()
    check(func, TypeError, ["out", "tuple"], z, x, out=a)
    check(func, ValueError, ["out[1]", "dtype"], z, x, out=(a, fresh_out(dtype=np.float32)))
    check(func, ValueError, ["out[0]", "out[1]", "overlap"], z, x, out=(a, a))
    assert_untouched(a)


def test_out_with_a_reduction_is_refused():
    z, x = good()
    check(wce_c.loss, ValueError, ["out", "reduction"], z, x, reduction="sum")


@pytest.mark.parametrize("reduction", ["avg", "SUM", None, 1])
def test_unknown_reduction_is_refused(reduction):
    z, x = good()
    check(wce_c.loss, ValueError, ["reduction"], z, x, reduction=reduction)


@pytest.mark.parametrize("n_threads,exc", [(0, ValueError), (-2, ValueError),
                                           (1.5, TypeError), ("2", TypeError),
                                           (True, TypeError)])
@pytest.mark.parametrize("func", FUNCS + FUSED, ids=lambda f: f.__name__)
def test_bad_n_threads_is_refused(func, n_threads, exc):
    z, x = good()
    check(func, exc, ["n_threads"], z, x, n_threads=n_threads)


def test_tf_drop_in_argument_errors():
    z, x = good()
    f = wce_c.weighted_cross_entropy_with_logits
    with pytest.raises(TypeError, match="pos_weight"):
        f(labels=z, logits=x)
    with pytest.raises(TypeError, match="logits"):
        f(labels=z, pos_weight=1.0)
    with pytest.raises(TypeError, match="labels"):
        f(logits=x, pos_weight=1.0)
    with pytest.raises(ValueError, match="targets"):
        f(labels=z, targets=z, logits=x, pos_weight=1.0)
    with pytest.raises(TypeError, match="name"):
        f(labels=z, logits=x, pos_weight=1.0, name=3)


def test_none_labels_or_logits_raise_type_error():
    z, x = good()
    with pytest.raises(TypeError, match="labels"):
        wce_c.loss(None, x)
    with pytest.raises(TypeError, match="logits"):
        wce_c.gradient(z, None)
