"""Fuzzing of the whole public API: every call either matches the NumPy reference of the stable
forms or raises the documented TypeError / ValueError, with any ``out`` left untouched.

Shapes from 0-d to 4-d (empty ones included), negative and zero strides, C and Fortran order,
every dtype family (the rejected ones too), out buffers (fresh, wrong, aliasing an input),
pos_weight and sample_weight as scalars, vectors, full or non-broadcastable arrays, and
n_threads values good and bad.  Seeded and bounded (derandomize=True)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import wce_c
import numpy_reference as ref
from strategies import laid_out

FUNCS = {"loss": 1, "gradient": 1, "hessian": 1, "label_gradient": 1,
         "loss_gradient": 2, "gradient_hessian": 2}
REFS = {"loss": ("loss",), "gradient": ("gradient",), "hessian": ("hessian",),
        "label_gradient": ("label_gradient",), "loss_gradient": ("loss", "gradient"),
        "gradient_hessian": ("gradient", "hessian")}
GOOD_DTYPES = ["float16", "float32", "float64", "int8", "int64", "uint16", "bool"]
BAD_DTYPES = ["complex64", "object", "U3", "datetime64[s]"]


@st.composite
def arrays(draw, shape, dtype):
    if dtype == "object":
        return np.full(shape, 1.0, dtype=object)
    if dtype == "U3":
        return np.full(shape, "a", dtype="U3")
    if dtype.startswith("datetime"):
        return np.zeros(shape, dtype=dtype)
    if dtype == "complex64":
        return np.ones(shape, dtype=dtype)
    if dtype == "bool":
        elements = st.booleans()
    elif dtype.startswith(("int", "uint")):
        elements = st.integers(0, 3)
    else:
        elements = st.floats(-60, 60, width=16 if dtype == "float16" else 32)
    return draw(laid_out(shape, dtype, elements, broadcast_views=True))


@st.composite
def calls(draw):
    name = draw(st.sampled_from(sorted(FUNCS)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4))
    bad_dtype = draw(st.sampled_from([None] * 8 + BAD_DTYPES))
    bad_arg = draw(st.sampled_from(["labels", "logits", "pos_weight", "sample_weight"]))
    dt = lambda arg: bad_dtype if bad_dtype and arg == bad_arg else draw(  # noqa: E731
        st.sampled_from(GOOD_DTYPES))
    x = draw(arrays(shape, dt("logits")))
    z_shape = shape if draw(st.integers(0, 9)) else shape + (2,)
    z = draw(arrays(z_shape, dt("labels")))

    def param(arg, low):
        kind = draw(st.sampled_from(["scalar", "suffix", "full", "grow", "mismatch", "bad"]))
        if kind == "scalar":
            return draw(st.floats(low, 20))
        if kind == "bad":
            return draw(st.sampled_from([-1.0, np.nan, np.inf])) if arg == "pos_weight" \
                else draw(st.sampled_from([np.nan, -np.inf]))
        if kind == "grow":
            return np.ones((2,) + shape)
        if kind == "mismatch":
            return np.ones((len(shape) and shape[-1]) + 1)
        pshape = shape[-1:] if kind == "suffix" else shape
        return draw(arrays(pshape, dt(arg))) if bad_dtype and arg == bad_arg else \
            draw(hnp.arrays(np.float64, pshape, elements=st.floats(low, 20)))

    q = param("pos_weight", 0.0)
    w = param("sample_weight", -5.0) if draw(st.booleans()) or bad_arg == "sample_weight" \
        else None
    n_threads = draw(st.sampled_from([None, 1, 2, -1, 0, -3, 1.5]))
    out_kind = draw(st.sampled_from(["none", "none", "fresh", "alias", "wrong-dtype",
                                     "wrong-shape", "readonly"]))
    return name, z, x, q, w, n_threads, out_kind


def make_out(kind, count, x, z, dtype):
    if kind == "none":
        return None
    if kind == "alias":
        bufs = [a for a in (x, z) if isinstance(a, np.ndarray) and a.dtype == dtype
                and a.flags.writeable and a.shape == x.shape]
        if len(bufs) < count:
            return None
        return bufs[0] if count == 1 else tuple(bufs[:2])
    shape = x.shape if kind != "wrong-shape" else x.shape + (1,)
    odt = dtype if kind != "wrong-dtype" else (np.float32 if dtype == np.float64 else np.float64)
    outs = [np.full(shape, 123.0, dtype=odt) for _ in range(count)]
    if kind == "readonly":
        for o in outs:
            o.flags.writeable = False
    return outs[0] if count == 1 else tuple(outs)


def expected_errors(z, x, q, w, n_threads):
    """The documented errors these inputs call for (empty when they are valid as far as
    types and n_threads go; shapes and values are checked by the reference comparison)."""
    errors = set()
    for a in (x, z, q, w):
        if a is not None and np.asarray(a).dtype.kind not in "biuf":
            errors.add(TypeError)
    if n_threads is not None and not isinstance(n_threads, int):
        errors.add(TypeError)
    elif n_threads is not None and (n_threads == 0 or n_threads < -1):
        errors.add(ValueError)
    return errors


@settings(max_examples=600, deadline=None, derandomize=True)
@given(calls())
def test_every_call_matches_reference_or_raises_documented_error(call):
    name, z, x, q, w, n_threads, out_kind = call
    func = getattr(wce_c, name)
    count = FUNCS[name]
    x_arr = np.asarray(x)
    dtype = np.float32 if x_arr.dtype in (np.float16, np.float32) else np.float64
    x_before, z_before = np.array(x, copy=True), np.array(z, copy=True)
    out = make_out(out_kind, count, x, z, dtype)
    aliased = out_kind == "alias" and out is not None
    outs = () if out is None else ((out,) if count == 1 else out)
    snapshots = [o.copy() for o in outs]
    try:
        result = func(z, x, q, sample_weight=w, n_threads=n_threads, out=out)
    except (TypeError, ValueError) as exc:
        # One of the documented errors; with several problems, whichever is checked first.
        want = expected_errors(z, x, q, w, n_threads)
        if len(want) == 1 and want == {TypeError}:
            assert isinstance(exc, TypeError) or "shape" in str(exc) or "finite" in str(exc), exc
        for o, snap in zip(outs, snapshots):
            np.testing.assert_array_equal(o, snap)  # untouched
        return
    assert not expected_errors(z, x, q, w, n_threads), "an invalid call was accepted"
    results = (result,) if count == 1 else result
    zc = z_before.astype(dtype).astype(np.float64)
    xc = x_before.astype(dtype).astype(np.float64)
    qc = np.asarray(q, dtype=np.float64).astype(dtype)
    wc = 1.0 if w is None else np.asarray(w, dtype=np.float64).astype(dtype)
    for r, refname in zip(results, REFS[name]):
        r = np.asarray(r)
        assert r.dtype == dtype and r.shape == x_arr.shape
        exp = getattr(ref, refname)(zc, xc, qc, wc)
        tol = 8 * np.finfo(dtype).eps * (np.abs(exp) + ref.magnitude(refname, zc, xc, qc, wc))
        # a few units of the smallest subnormal: intermediate products may underflow before
        # the sample weight scales them back (within the ULP bounds of the contract)
        tol = tol + 4 * float(np.finfo(dtype).smallest_subnormal)
        assert np.all(np.abs(r.astype(np.float64) - exp) <= tol), (refname, r, exp)
    if outs:
        for r, o in zip(results, outs):
            assert r is o
    if not aliased:
        np.testing.assert_array_equal(np.asarray(x), x_before)
        np.testing.assert_array_equal(np.asarray(z), z_before)


def test_reductions_fuzzed_against_elementwise_sum():
    rng = np.random.default_rng(5)
    for _ in range(200):
        shape = tuple(rng.integers(0, 5, rng.integers(0, 4)))
        dtype = rng.choice([np.float32, np.float64])
        x = (rng.standard_normal(shape) * 30).astype(dtype)
        z = rng.choice([0.0, 1.0, 0.5], shape).astype(dtype)
        q = rng.uniform(0, 9)
        w = rng.uniform(-2, 2, shape[-1:]) if shape and rng.random() < 0.5 else None
        elem = np.asarray(wce_c.loss(z, x, q, sample_weight=w), dtype=np.float64)
        for reduction, n_threads in (("sum", 1), ("sum", 2), ("mean", None)):
            got = wce_c.loss(z, x, q, sample_weight=w, reduction=reduction, n_threads=n_threads)
            want = elem.sum() if reduction == "sum" else (elem.mean() if elem.size else np.nan)
            scale = np.abs(elem).sum() / max(elem.size, 1) if reduction == "mean" else np.abs(elem).sum()
            assert np.isnan(want) and np.isnan(got) or abs(float(got) - want) <= \
                4 * np.finfo(dtype).eps * scale + 1e-300
