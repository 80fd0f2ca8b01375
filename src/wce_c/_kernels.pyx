# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Typed kernels: flat contiguous memoryviews in, the GIL released, chunks over OpenMP threads.

The middle of three layers (the C core does one element range, this module shares ranges out
to threads, the Python front layer in ``_api.py`` checks, casts and allocates).  Everything
here expects inputs that the front layer has already validated: flat C-contiguous arrays of
one compute dtype, ``x.shape[0] > 0``, ``q`` not empty, ``w`` empty when there is no sample
weight, and an output that overlaps no input.  The thread count arrives decided
(``_threads.resolve_threads``); 1 means no parallel region at all.

Work is split in fixed chunks of ``CHUNK`` elements (and sums in fixed blocks of
``WCE_SUM_BLOCK``), so which thread does which chunk never changes a single bit of the result.
"""

from cython.parallel cimport prange
from libc.stdint cimport int64_t
from libc.stdlib cimport malloc, free

from wce_c.wce cimport *

cdef extern from *:
    """
    /* OpenMP shim: without OpenMP the module builds and runs on one thread. */
    #ifdef _OPENMP
    #include <omp.h>
    #define WCE_HAVE_OPENMP 1
    #define WCE_OPENMP_DATE _OPENMP
    static int wce_omp_max_threads(void) { return omp_get_max_threads(); }
    #else
    #define WCE_HAVE_OPENMP 0
    #define WCE_OPENMP_DATE 0
    static int wce_omp_max_threads(void) { return 1; }
    #endif
    """
    int WCE_HAVE_OPENMP
    int WCE_OPENMP_DATE
    int wce_omp_max_threads() nogil


ctypedef fused real:
    float
    double

# Quantities (the front layer passes these numbers).
cpdef enum:
    LOSS = 0
    GRADIENT = 1
    HESSIAN = 2
    LABEL_GRADIENT = 3
    LOSS_GRADIENT = 4
    GRADIENT_HESSIAN = 5

# Elements per parallel chunk: large enough that a chunk costs far more than its scheduling.
cdef enum:
    CHUNK_SIZE = 16384
CHUNK = CHUNK_SIZE
SUM_BLOCK = WCE_SUM_BLOCK


def openmp_info():
    """(built with OpenMP, the _OPENMP date macro, omp_get_max_threads())."""
    return bool(WCE_HAVE_OPENMP), int(WCE_OPENMP_DATE), int(wce_omp_max_threads())


def core_version():
    """The C header's version as (major, minor, patch)."""
    return (WCE_C_VERSION_MAJOR, WCE_C_VERSION_MINOR, WCE_C_VERSION_PATCH)


cdef inline void _range(int kind, int64_t start, int64_t stop,
                        const real *z, const real *x, const real *q, int64_t q_len,
                        const real *w, int64_t w_len, real *o1, real *o2) noexcept nogil:
    """One chunk of one quantity: the only place that maps (quantity, dtype) to a C kernel."""
    if real is float:
        if kind == LOSS:
            wce_loss_f32(start, stop, z, x, q, q_len, w, w_len, o1)
        elif kind == GRADIENT:
            wce_gradient_f32(start, stop, z, x, q, q_len, w, w_len, o1)
        elif kind == HESSIAN:
            wce_hessian_f32(start, stop, z, x, q, q_len, w, w_len, o1)
        elif kind == LABEL_GRADIENT:
            wce_label_gradient_f32(start, stop, z, x, q, q_len, w, w_len, o1)
        elif kind == LOSS_GRADIENT:
            wce_loss_gradient_f32(start, stop, z, x, q, q_len, w, w_len, o1, o2)
        elif kind == GRADIENT_HESSIAN:
            wce_gradient_hessian_f32(start, stop, z, x, q, q_len, w, w_len, o1, o2)
    else:
        if kind == LOSS:
            wce_loss_f64(start, stop, z, x, q, q_len, w, w_len, o1)
        elif kind == GRADIENT:
            wce_gradient_f64(start, stop, z, x, q, q_len, w, w_len, o1)
        elif kind == HESSIAN:
            wce_hessian_f64(start, stop, z, x, q, q_len, w, w_len, o1)
        elif kind == LABEL_GRADIENT:
            wce_label_gradient_f64(start, stop, z, x, q, q_len, w, w_len, o1)
        elif kind == LOSS_GRADIENT:
            wce_loss_gradient_f64(start, stop, z, x, q, q_len, w, w_len, o1, o2)
        elif kind == GRADIENT_HESSIAN:
            wce_gradient_hessian_f64(start, stop, z, x, q, q_len, w, w_len, o1, o2)


def elementwise(int kind,
                const real[::1] z,      # IN  labels
                const real[::1] x,      # IN  logits
                const real[::1] q,      # IN  pos_weight, periodic (len 1, k or n)
                const real[::1] w,      # IN  sample weight, periodic; empty for none
                real[::1] out1,         # OUT first quantity
                real[::1] out2,         # OUT second quantity of a fused pair, else empty
                int n_threads):
    """Fill out1 (and out2) with the quantity ``kind`` for every element."""
    cdef int64_t n = x.shape[0]
    cdef int64_t q_len = q.shape[0]
    cdef int64_t w_len = w.shape[0]
    cdef const real *wp = &w[0] if w_len > 0 else NULL
    cdef real *o2 = &out2[0] if out2.shape[0] > 0 else NULL
    cdef int64_t n_chunks = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    cdef int64_t c, start, stop
    with nogil:
        if n_threads <= 1 or n_chunks <= 1:
            _range(kind, 0, n, &z[0], &x[0], &q[0], q_len, wp, w_len, &out1[0], o2)
        else:
            for c in prange(n_chunks, schedule='static', num_threads=n_threads):
                start = c * CHUNK_SIZE
                stop = start + CHUNK_SIZE
                if stop > n:
                    stop = n
                _range(kind, start, stop, &z[0], &x[0], &q[0], q_len, wp, w_len,
                       &out1[0], o2)


cdef inline double _block_sum(int64_t start, int64_t stop, const real *z, const real *x,
                              const real *q, int64_t q_len, const real *w,
                              int64_t w_len) noexcept nogil:
    if real is float:
        return wce_loss_block_sum_f32(start, stop, z, x, q, q_len, w, w_len)
    else:
        return wce_loss_block_sum_f64(start, stop, z, x, q, q_len, w, w_len)


def loss_sum(const real[::1] z,      # IN
             const real[::1] x,      # IN
             const real[::1] q,      # IN  periodic
             const real[::1] w,      # IN  periodic; empty for none
             int n_threads):
    """Sum of the loss in double: pairwise within fixed blocks, a fixed tree over blocks.

    Bitwise the same for every n_threads (the serial C function walks the same blocks).
    """
    cdef int64_t n = x.shape[0]
    cdef int64_t q_len = q.shape[0]
    cdef int64_t w_len = w.shape[0]
    cdef const real *wp = &w[0] if w_len > 0 else NULL
    cdef int64_t n_blocks = (n + WCE_SUM_BLOCK - 1) // WCE_SUM_BLOCK
    cdef int64_t b, start, stop
    cdef double total
    cdef double *partial
    cdef wce_sum_tree tree
    if n_threads <= 1 or n_blocks <= 1:
        with nogil:
            if real is float:
                total = wce_loss_sum_f32(n, &z[0], &x[0], &q[0], q_len, wp, w_len)
            else:
                total = wce_loss_sum_f64(n, &z[0], &x[0], &q[0], q_len, wp, w_len)
        return total
    partial = <double *> malloc(n_blocks * sizeof(double))
    if partial == NULL:
        raise MemoryError("cannot allocate the partial sums of the loss")
    try:
        with nogil:
            for b in prange(n_blocks, schedule='static', num_threads=n_threads):
                start = b * WCE_SUM_BLOCK
                stop = start + WCE_SUM_BLOCK
                if stop > n:
                    stop = n
                partial[b] = _block_sum(start, stop, &z[0], &x[0], &q[0], q_len, wp, w_len)
            wce_sum_tree_init(&tree)
            for b in range(n_blocks):
                wce_sum_tree_push(&tree, partial[b])
            total = wce_sum_tree_result(&tree)
    finally:
        free(partial)
    return total


def all_finite(const real[::1] a, bint nonnegative):
    """True when every element is finite (and >= 0 when ``nonnegative``)."""
    cdef Py_ssize_t i, n = a.shape[0]
    cdef bint ok = True
    with nogil:
        for i in range(n):
            # a - a is 0 for finite a and NaN for inf or NaN.
            if not (a[i] - a[i] == 0) or (nonnegative and not (a[i] >= 0)):
                ok = False
                break
    return ok
