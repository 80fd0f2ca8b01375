"""Hypothesis strategies shared by the property and fuzz tests."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


@st.composite
def laid_out(draw, shape, dtype, elements, broadcast_views=False):
    """An array of ``shape``: C order, Fortran order, a transpose, a negative-step view, or
    (with ``broadcast_views``) a zero-stride broadcast of one row."""
    how = draw(st.sampled_from(["C", "F", "T", "step"] + (["zero"] if broadcast_views else [])))
    if how == "zero" and len(shape) > 0:
        row = draw(hnp.arrays(dtype, (1,) + shape[1:], elements=elements))
        return np.broadcast_to(row, shape)
    if how == "T":
        return draw(hnp.arrays(dtype, shape[::-1], elements=elements)).T
    if how == "step" and len(shape) > 0:
        base = draw(hnp.arrays(dtype, (shape[0] * 2,) + shape[1:], elements=elements))
        return base[::-2]
    a = draw(hnp.arrays(dtype, shape, elements=elements))
    return np.asfortranarray(a) if how == "F" and a.ndim else a
