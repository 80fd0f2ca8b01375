"""Typed kernels: flat contiguous memoryviews in, the GIL released, chunks over OpenMP threads.

The middle of three layers (the C core does one element range, this module shares ranges out
to threads, the Python front layer checks, casts and allocates: ``_rules.py`` and
``_api.py``).  ``elementwise``, ``gradient_hessian_to_float32`` and ``loss_sum`` expect inputs
that ``_rules.prepare`` has validated: flat C-contiguous arrays of one compute dtype, ``q``
not empty, ``w`` empty when there is no sample weight, and an output that overlaps no input.
``fast_call`` is the exception: the front layer's rules for one common case (contiguous
NumPy arrays, a Python-number pos_weight) written in C, handing every other case back.
The Cython directives are set in one place, ``setup.py``.  The thread count arrives decided
(``_threads.threads_for``); 1 means no parallel region at all.

Elementwise work is split in chunks that the threads take as they come (no element depends
on another, so the split cannot change a bit); sums go by fixed blocks of ``WCE_SUM_BLOCK`` elements and a
fixed tree over them, so which thread adds which block cannot change a bit either.
"""

from cython.parallel cimport prange
from libc.stdint cimport int64_t
from libc.stdlib cimport malloc, free
from cpython.exc cimport PyErr_CheckSignals

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

cdef extern from *:
    """
    /* A monotonic clock in nanoseconds, for timing thread teams (team_timing). */
    #ifdef _WIN32
    #include <windows.h>
    static int64_t wce_now_ns(void)
    {
        LARGE_INTEGER f, c;
        QueryPerformanceFrequency(&f);
        QueryPerformanceCounter(&c);
        return (int64_t)((double)c.QuadPart * (1e9 / (double)f.QuadPart));
    }
    #else
    #include <time.h>
    static int64_t wce_now_ns(void)
    {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (int64_t)t.tv_sec * 1000000000 + (int64_t)t.tv_nsec;
    }
    #endif
    """
    int64_t wce_now_ns() nogil


ctypedef fused real:
    float
    double

# Smallest share of an elementwise call that one thread takes.
cdef enum:
    CHUNK_MIN = 4096
CHUNK = CHUNK_MIN
SUM_BLOCK = WCE_SUM_BLOCK


def openmp_info():
    """(built with OpenMP, the _OPENMP date macro, omp_get_max_threads())."""
    return bool(WCE_HAVE_OPENMP), int(WCE_OPENMP_DATE), int(wce_omp_max_threads())


def core_version():
    """The C header's version as (major, minor, patch)."""
    return (WCE_C_VERSION_MAJOR, WCE_C_VERSION_MINOR, WCE_C_VERSION_PATCH)


cdef extern from "_dispatch.h" nogil:
    ctypedef void (*wce_kernel_fn)(int64_t, int64_t, const void *, const void *,
                                   const void *, int64_t, const void *, int64_t, void *,
                                   void *)
    ctypedef double (*wce_block_sum_fn)(int64_t, int64_t, const void *, const void *,
                                        const void *, int64_t, const void *, int64_t)
    enum: WCE_KERNEL_COUNT
    ctypedef struct wce_kernel_info:
        const char *quantity
        const char *types
        int outputs
    const wce_kernel_info wce_kernel_infos[]
    ctypedef struct wce_kernel_table:
        const char *name
        wce_kernel_fn kernel[1]  # WCE_KERNEL_COUNT entries, indexed by kernel number
        wce_block_sum_fn block_sum_f64
        wce_block_sum_fn block_sum_f32
    int wce_simd_built(int level)
    int wce_simd_supported(int level)
    const wce_kernel_table *wce_simd_table(int level)


# Element types of a call, the kernel list's TYPES names: float32 in and out, float64 in and
# out, float64 in and float32 out.
TYPES = ("f32", "f64", "f64_to_f32")
cdef enum:
    TYPES_F32 = 0
    TYPES_F64 = 1
    TYPES_F64_TO_F32 = 2
    N_TYPES = 3

# The quantities, numbered in the order of the C core's kernel list (WCE_KERNEL_LIST), with
# their number of outputs; the kernel of (quantity, types) is looked up in _kernel_of.
cdef int _kernel_of[N_TYPES][WCE_KERNEL_COUNT]
cdef int _n_outputs[WCE_KERNEL_COUNT]
cdef int _n_quantities = 0


def _quantities():
    global _n_quantities
    names, outputs = [], []
    cdef int k, t
    for t in range(N_TYPES):
        for k in range(WCE_KERNEL_COUNT):
            _kernel_of[t][k] = -1
    for k in range(WCE_KERNEL_COUNT):
        quantity = wce_kernel_infos[k].quantity.decode()
        types = wce_kernel_infos[k].types.decode()
        if quantity not in names:
            _n_outputs[len(names)] = wce_kernel_infos[k].outputs
            names.append(quantity)
            outputs.append(wce_kernel_infos[k].outputs)
        if types in TYPES:
            _kernel_of[TYPES.index(types)][names.index(quantity)] = k
    _n_quantities = len(names)
    return tuple(names), tuple(outputs)


cdef int _check_kernel(int kind, int types) except -1:
    if not (0 <= kind < _n_quantities) or _kernel_of[types][kind] < 0:
        raise ValueError(f"no kernel for quantity {kind} with element types {TYPES[types]}")
    return 0


QUANTITIES, OUTPUTS = _quantities()
"""Quantity names in the kernel list's order, and how many arrays each gives."""
GRADIENT_HESSIAN = QUANTITIES.index("gradient_hessian")
cdef int _GRADIENT_HESSIAN = GRADIENT_HESSIAN


# Instruction-set levels, in order.  The table in use is chosen once at import (the widest
# this CPU runs, or a lower one through the WCE_C_SIMD environment variable; see _config.py).
SIMD_LEVELS = ("baseline", "avx2", "avx512")
cdef const wce_kernel_table *_table = wce_simd_table(0)
cdef int _level = 0


def simd_level_status():
    """[(name, built into this build, runnable on this CPU)] for every level."""
    return [(name, bool(wce_simd_built(i)), bool(wce_simd_supported(i)))
            for i, name in enumerate(SIMD_LEVELS)]


def set_simd_level(str name):
    """Use the kernels of level ``name`` from now on; ValueError if this CPU cannot."""
    global _table, _level
    if name not in SIMD_LEVELS:
        raise ValueError(f"unknown instruction-set level {name!r}; expected one of {SIMD_LEVELS}")
    cdef int level = SIMD_LEVELS.index(name)
    if not wce_simd_supported(level):
        raise ValueError(f"instruction-set level {name!r} is not available here "
                         "(not built, or not supported by this CPU)")
    _table = wce_simd_table(level)
    _level = level


def simd_level():
    """Name of the level in use."""
    return SIMD_LEVELS[_level]


cdef inline void _kernel_range(int kernel, int64_t start, int64_t stop, const void *z,
                               const void *x, const void *q, int64_t q_len, const void *w,
                               int64_t w_len, void *o1, void *o2) noexcept nogil:
    """One chunk of one kernel, through the table of the instruction-set level in use."""
    _table.kernel[kernel](start, stop, z, x, q, q_len, w, w_len, o1, o2)


cdef inline int64_t _block_end(int64_t start, int64_t size, int64_t n) noexcept nogil:
    """End of the block of ``size`` elements that starts at ``start``, clipped to ``n``."""
    return start + size if start + size < n else n


cdef enum:
    # Chunks per thread of an elementwise call: enough that a thread the scheduler runs late
    # (another process on its core) finds most of the work done by the others, few enough
    # that handing them out costs nothing beside the work.
    CHUNKS_PER_THREAD = 8


cdef inline int64_t _share(int64_t n, int n_threads) noexcept nogil:
    """The chunk size of an elementwise call: about n / (CHUNKS_PER_THREAD n_threads), a
    multiple of 64 elements, at least CHUNK_MIN.  Elementwise results do not depend on the
    split, so the threads take chunks as they come (dynamic schedule): a thread that runs
    late takes fewer, and the calling thread can do them all."""
    cdef int64_t parts = <int64_t> n_threads * CHUNKS_PER_THREAD if n_threads > 1 else 1
    cdef int64_t chunk = (n + parts - 1) // parts
    chunk = ((chunk + 63) // 64) * 64
    return chunk if chunk > CHUNK_MIN else CHUNK_MIN


cdef enum:
    # Elements of one stretch of a long call: between two stretches the calling thread takes
    # the GIL for a moment to see whether a signal (Ctrl-C) is pending, so that a long call
    # answers it within one stretch (tens of milliseconds at the slowest quantity on one
    # thread).  A multiple of WCE_SUM_BLOCK, so that sums stretch by whole blocks.
    STRETCH = 1 << 22
STRETCH_ELEMENTS = STRETCH


cdef int _signal_pending() except -1 nogil:
    """-1 with the exception set (KeyboardInterrupt, say) when a signal handler raised."""
    with gil:
        return PyErr_CheckSignals()


# The timed parallel regions so far: how many, the sum of their times from start to end
# (closing barriers included), and the sum of what one thread would have taken, each region's
# estimated as its fastest whole chunk's time per element times its elements (the fastest,
# as a chunk that shared its CPU with a woken team member, or was preempted, ran slow; the
# estimate is low by the chunks' spread).  Sums, so that a call of several stretches counts
# whole, its first region (the one that wakes the team) included.  Added to by the calling
# thread after each region; read by _threads through team_timing(), which takes differences.
# Concurrent calls from several Python threads may lose one another's additions, which only
# costs the rule a sample.
cdef int64_t _team_regions = 0
cdef int64_t _team_total_ns = 0
cdef int64_t _team_one_thread_ns = 0


def team_timing():
    """(regions timed so far, the sums of their times and one-thread estimates, in ns): see
    _threads.team_responsive."""
    return _team_regions, _team_total_ns, _team_one_thread_ns


cdef void _compute_range(int kernel, int64_t begin, int64_t end, int n_threads, const void *z,
                         const void *x, const void *q, int64_t q_len, const void *w,
                         int64_t w_len, void *o1, void *o2) noexcept nogil:
    """Elements begin..end of one kernel: one range on one thread, or chunks over the team
    (timed: each chunk notes when it started and ended, and the region's start and end are
    taken)."""
    global _team_regions, _team_total_ns, _team_one_thread_ns
    cdef int64_t n = end - begin
    cdef int64_t chunk = _share(n, n_threads)
    cdef int64_t n_chunks = (n + chunk - 1) // chunk
    cdef int64_t c, start, t0, t1, fastest, took
    cdef int64_t *times
    if n_threads <= 1 or n_chunks <= 1:
        _kernel_range(kernel, begin, end, z, x, q, q_len, w, w_len, o1, o2)
        return
    times = <int64_t *> malloc(2 * n_chunks * sizeof(int64_t))
    t0 = wce_now_ns()
    for c in prange(n_chunks, schedule='dynamic', num_threads=n_threads):
        if times != NULL:
            times[2 * c] = wce_now_ns()
        start = begin + c * chunk
        _kernel_range(kernel, start, _block_end(start, chunk, end), z, x, q, q_len, w,
                      w_len, o1, o2)
        if times != NULL:
            times[2 * c + 1] = wce_now_ns()
    if times != NULL:
        t1 = wce_now_ns()
        fastest = times[1] - times[0]  # chunk 0 is whole (n_chunks >= 2); the last may not be
        for c in range(1, n_chunks - 1):
            took = times[2 * c + 1] - times[2 * c]
            if took < fastest:
                fastest = took
        free(times)
        _team_total_ns += t1 - t0
        _team_one_thread_ns += <int64_t> (<double> fastest * n / chunk)
        _team_regions += 1


cdef int _compute_all(int kind, int types, int64_t n, int n_threads, const void *z,
                      const void *x, const void *q, int64_t q_len, const void *w,
                      int64_t w_len, void *o1, void *o2) except -1 nogil:
    """Every element of quantity ``kind``, stretch by stretch; -1 (the exception set) when a
    signal handler raised between two stretches, the later ones then left unwritten."""
    cdef int kernel = _kernel_of[types][kind]
    cdef int64_t begin = 0, end
    while begin < n:
        end = _block_end(begin, STRETCH, n)
        _compute_range(kernel, begin, end, n_threads, z, x, q, q_len, w, w_len, o1, o2)
        begin = end
        if begin < n and _signal_pending() < 0:
            return -1
    return 0


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
    cdef int types = TYPES_F32 if real is float else TYPES_F64
    _check_kernel(kind, types)
    with nogil:
        _compute_all(kind, types, n, n_threads, &z[0], &x[0], &q[0], q_len, wp, w_len,
                     &out1[0], o2)


def gradient_hessian_to_float32(const double[::1] z,   # IN  labels
                                const double[::1] x,   # IN  logits
                                const double[::1] q,   # IN  pos_weight, periodic
                                const double[::1] w,   # IN  sample weight, periodic; or empty
                                float[::1] grad,       # OUT
                                float[::1] hess,       # OUT
                                int n_threads):
    """Gradient and hessian of float64 inputs, each rounded once to float32."""
    cdef int64_t n = x.shape[0]
    cdef int64_t q_len = q.shape[0]
    cdef int64_t w_len = w.shape[0]
    cdef const double *wp = &w[0] if w_len > 0 else NULL
    with nogil:
        _compute_all(_GRADIENT_HESSIAN, TYPES_F64_TO_F32, n, n_threads, &z[0], &x[0], &q[0],
                     q_len, wp, w_len, &grad[0], &hess[0])


cdef inline double _block_sum(int64_t start, int64_t stop, const real *z, const real *x,
                              const real *q, int64_t q_len, const real *w,
                              int64_t w_len) noexcept nogil:
    if real is float:
        return _table.block_sum_f32(start, stop, z, x, q, q_len, w, w_len)
    else:
        return _table.block_sum_f64(start, stop, z, x, q, q_len, w, w_len)


def loss_sum(const real[::1] z,      # IN
             const real[::1] x,      # IN
             const real[::1] q,      # IN  periodic
             const real[::1] w,      # IN  periodic; empty for none
             int n_threads):
    """Sum of the loss in double: pairwise within fixed blocks of WCE_SUM_BLOCK elements,
    then a fixed tree over the block sums (wce_sum_tree, as wce_loss_sum_f64 in the header).

    Bitwise the same for every n_threads: the blocks do not depend on the threads.
    """
    cdef int64_t n = x.shape[0]
    cdef int64_t q_len = q.shape[0]
    cdef int64_t w_len = w.shape[0]
    cdef const real *wp = &w[0] if w_len > 0 else NULL
    cdef int64_t n_blocks = (n + WCE_SUM_BLOCK - 1) // WCE_SUM_BLOCK
    cdef int64_t b, b0, b1, start
    cdef double total
    cdef double *partial
    cdef wce_sum_tree tree
    if n == 0:
        return 0.0
    partial = <double *> malloc(n_blocks * sizeof(double))
    if partial == NULL:
        raise MemoryError("cannot allocate the partial sums of the loss")
    try:
        with nogil:
            b0 = 0
            while b0 < n_blocks:  # stretch by stretch, as _compute_all
                b1 = _block_end(b0, STRETCH // WCE_SUM_BLOCK, n_blocks)
                if n_threads <= 1 or b1 - b0 <= 1:  # no thread team at all
                    for b in range(b0, b1):
                        start = b * WCE_SUM_BLOCK
                        partial[b] = _block_sum(start, _block_end(start, WCE_SUM_BLOCK, n),
                                                &z[0], &x[0], &q[0], q_len, wp, w_len)
                else:
                    for b in prange(b0, b1, schedule='dynamic', num_threads=n_threads):
                        start = b * WCE_SUM_BLOCK
                        partial[b] = _block_sum(start, _block_end(start, WCE_SUM_BLOCK, n),
                                                &z[0], &x[0], &q[0], q_len, wp, w_len)
                b0 = b1
                if b0 < n_blocks:
                    _signal_pending()
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


# ---------------------------------------------------------------------------------------
# Fast path for small calls (a boosting library's 1000-row blocks, a metric on a batch):
# C-contiguous labels and logits of one compute dtype, a Python-number pos_weight, no or a
# full sample weight of that dtype, no out=, a valid n_threads and fewer elements than the
# parallel threshold.  Anything else, and every input the general path would reject,
# returns None and the front layer's general path takes over; results are the same bits.
# ---------------------------------------------------------------------------------------

cimport numpy as cnp
import numpy as np
from libc.math cimport isfinite

cnp.import_array()

cdef bint _same_layout(cnp.ndarray a, cnp.ndarray b, int typenum) noexcept:
    cdef int k
    if cnp.PyArray_TYPE(a) != typenum or cnp.PyArray_NDIM(a) != cnp.PyArray_NDIM(b):
        return False
    if not cnp.PyArray_IS_C_CONTIGUOUS(a):
        return False
    for k in range(cnp.PyArray_NDIM(a)):
        if cnp.PyArray_DIM(a, k) != cnp.PyArray_DIM(b, k):
            return False
    return True


cdef bint _disjoint(cnp.ndarray a, const void *p, cnp.npy_intp nbytes) noexcept:
    """Whether a's data and the nbytes at p (NULL: nothing) share no byte."""
    cdef const char *a0 = <const char *> cnp.PyArray_DATA(a)
    cdef const char *a1 = a0 + cnp.PyArray_NBYTES(a)
    cdef const char *p0 = <const char *> p
    return p == NULL or a1 <= p0 or p0 + nbytes <= a0


cdef cnp.ndarray _fast_out(object o, cnp.ndarray x, int typenum, const void *zp,
                           const void *wp):
    """o as an output the fast path may write: an ndarray of x's dtype, shape and C layout,
    writable, sharing no memory with the inputs; else None (the general path decides)."""
    if type(o) is not cnp.ndarray:
        return None
    cdef cnp.ndarray a = <cnp.ndarray> o
    cdef cnp.npy_intp nbytes = cnp.PyArray_NBYTES(x)
    if not _same_layout(a, x, typenum) or not cnp.PyArray_ISWRITEABLE(a):
        return None
    if not (_disjoint(a, cnp.PyArray_DATA(x), nbytes) and _disjoint(a, zp, nbytes)
            and _disjoint(a, wp, nbytes)):
        return None
    return a


# ---------------------------------------------------------------------------------------
# Fresh results from reused memory.  A fresh NumPy array of a few hundred kB or more comes from
# memory the allocator has just obtained from the OS (or trimmed and obtained again), which the
# kernel then zeroes page by page on first touch: up to as much time as the computation.  So
# the results this package allocates itself come from a small pool of its own: a result's
# memory goes back to the pool when the array (and every view of it) is gone, and the next
# result of that size takes it, already mapped.  The pool keeps at most POOL_BYTES, never
# touches the process's allocator settings, and maps large buffers with transparent huge
# pages requested (madvise, for these mappings only).
# ---------------------------------------------------------------------------------------

cdef extern from *:
    """
    #if defined(__unix__) || defined(__APPLE__)
    #include <sys/mman.h>
    static void *wce_map(size_t nbytes)
    {
        void *p = mmap(NULL, nbytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        if (p == MAP_FAILED) return NULL;
    #ifdef MADV_HUGEPAGE
        if (nbytes >= ((size_t)4 << 20)) madvise(p, nbytes, MADV_HUGEPAGE);
    #endif
        return p;
    }
    static void wce_unmap(void *p, size_t nbytes) { munmap(p, nbytes); }
    #else
    #include <stdlib.h>
    static void *wce_map(size_t nbytes) { return malloc(nbytes); }
    static void wce_unmap(void *p, size_t nbytes) { (void)nbytes; free(p); }
    #endif
    """
    void *wce_map(size_t nbytes) nogil
    void wce_unmap(void *p, size_t nbytes) nogil

# Results smaller than this come from NumPy's allocator.  glibc's malloc maps a block of its
# mmap threshold (128 kB, raised to the size of any mapped block freed since) or more afresh,
# and gives back the top of its heap once the free space there exceeds its trim threshold
# (128 kB, raised to twice the mmap threshold): so two outputs of 224 to 256 kB (a float64
# gradient + hessian on 28,000 to 32,767 elements) were mapped, or trimmed and faulted in,
# again at every call.  Below 64 kB a call's results (two at most) can neither be mapped nor
# fill the trim threshold by themselves.
POOL_MIN_BYTES = 1 << 16
# The most memory the pool keeps for reuse, and the most buffers.
POOL_BYTES = 256 << 20
cdef enum:
    POOL_SLOTS = 16
cdef void *_pool_ptr[POOL_SLOTS]
cdef size_t _pool_size[POOL_SLOTS]
cdef int _pool_count = 0
cdef size_t _pool_total = 0


cdef void *_pool_take(size_t nbytes) noexcept:
    """A buffer of exactly nbytes (a multiple of the page size): a kept one, else a new
    mapping; NULL if the OS refuses.  Called with the GIL held, which guards the pool."""
    global _pool_count, _pool_total
    cdef int i
    cdef void *p
    for i in range(_pool_count - 1, -1, -1):
        if _pool_size[i] == nbytes:
            p = _pool_ptr[i]
            _pool_count -= 1
            _pool_ptr[i] = _pool_ptr[_pool_count]
            _pool_size[i] = _pool_size[_pool_count]
            _pool_total -= nbytes
            return p
    return wce_map(nbytes)


cdef void _pool_give(void *p, size_t nbytes) noexcept:
    """Keep a buffer for reuse, or unmap it when the pool is full (the oldest kept buffer
    goes first)."""
    global _pool_count, _pool_total
    cdef int i
    if nbytes > POOL_BYTES:
        wce_unmap(p, nbytes)
        return
    while _pool_count > 0 and (_pool_count == POOL_SLOTS or _pool_total + nbytes > POOL_BYTES):
        wce_unmap(_pool_ptr[0], _pool_size[0])
        _pool_total -= _pool_size[0]
        _pool_count -= 1
        for i in range(_pool_count):
            _pool_ptr[i] = _pool_ptr[i + 1]
            _pool_size[i] = _pool_size[i + 1]
    _pool_ptr[_pool_count] = p
    _pool_size[_pool_count] = nbytes
    _pool_count += 1
    _pool_total += nbytes


cdef class _PooledMemory:
    """Owner of one pooled buffer: the base of the arrays made on it."""
    cdef void *ptr
    cdef size_t nbytes

    def __dealloc__(self):
        if self.ptr != NULL:
            _pool_give(self.ptr, self.nbytes)


cdef cnp.ndarray _empty(int nd, cnp.npy_intp *dims, int typenum):
    """A fresh C-contiguous array: pooled memory for large results, NumPy's below."""
    cdef cnp.npy_intp count = 1
    cdef int k
    for k in range(nd):
        count *= dims[k]
    cdef size_t itemsize = 8 if typenum == cnp.NPY_DOUBLE else 4
    cdef size_t nbytes = <size_t> count * itemsize
    if nbytes < POOL_MIN_BYTES:
        return cnp.PyArray_EMPTY(nd, dims, typenum, 0)
    nbytes = (nbytes + 4095) & ~(<size_t> 4095)
    cdef void *p = _pool_take(nbytes)
    if p == NULL:
        return cnp.PyArray_EMPTY(nd, dims, typenum, 0)
    cdef _PooledMemory owner = _PooledMemory.__new__(_PooledMemory)
    owner.ptr = p
    owner.nbytes = nbytes
    cdef cnp.ndarray arr = cnp.PyArray_SimpleNewFromData(nd, dims, typenum, p)
    cnp.Py_INCREF(owner)  # the reference that PyArray_SetBaseObject takes over
    cnp.PyArray_SetBaseObject(arr, owner)
    return arr


def empty(shape, dtype):
    """A fresh C-contiguous float32 or float64 array for a result (pooled when large)."""
    cdef tuple t = tuple(shape)
    cdef int nd = len(t)
    cdef cnp.npy_intp dims[32]
    cdef int k
    if nd > 32:
        return np.empty(t, dtype)
    for k in range(nd):
        dims[k] = t[k]
    d = np.dtype(dtype)
    if d == np.float64:
        return _empty(nd, dims, cnp.NPY_DOUBLE)
    if d == np.float32:
        return _empty(nd, dims, cnp.NPY_FLOAT)
    return np.empty(t, d)


def pool_state():
    """(buffers kept, bytes kept) of the result pool."""
    return _pool_count, _pool_total


def fast_call(int kind, object labels, object logits, object pos_weight, object sample_weight,
              int n_threads, object out=None):
    """The result of quantity ``kind``, or None when the general path must run: contiguous
    labels and logits of one float dtype and shape, a Python number as pos_weight, no or a
    like sample weight, and no ``out`` or one (a pair for the fused quantities) of the same
    dtype, shape and layout that overlaps nothing; checked and computed here in C on
    ``n_threads`` threads (decided by the caller for this size).  With ``out`` the result is
    ``out`` itself (the two arrays, for a pair)."""
    if not 0 <= kind < _n_quantities:
        raise ValueError(f"no quantity {kind}")
    if type(logits) is not cnp.ndarray or type(labels) is not cnp.ndarray:
        return None
    cdef cnp.ndarray x = <cnp.ndarray> logits
    cdef cnp.ndarray z = <cnp.ndarray> labels
    cdef cnp.ndarray w_arr
    cdef int typenum = cnp.PyArray_TYPE(x)
    cdef int nd = cnp.PyArray_NDIM(x)
    cdef cnp.npy_intp n = cnp.PyArray_SIZE(x)
    cdef cnp.npy_intp i
    cdef double q
    cdef float qf
    cdef const void *wp = NULL
    if typenum != cnp.NPY_DOUBLE and typenum != cnp.NPY_FLOAT:
        return None
    if nd == 0 or n == 0:
        return None
    if not cnp.PyArray_IS_C_CONTIGUOUS(x) or not _same_layout(z, x, typenum):
        return None
    if type(pos_weight) is float:
        q = <double> pos_weight
    elif type(pos_weight) is int and -2**53 <= pos_weight <= 2**53:
        q = <double> pos_weight
    else:
        return None
    qf = <float> q
    if not (isfinite(q) and q >= 0) or (typenum == cnp.NPY_FLOAT and not isfinite(qf)):
        return None
    if sample_weight is not None:
        if type(sample_weight) is not cnp.ndarray:
            return None
        w_arr = <cnp.ndarray> sample_weight
        if not _same_layout(w_arr, x, typenum):
            return None
        wp = cnp.PyArray_DATA(w_arr)
        if typenum == cnp.NPY_DOUBLE:
            for i in range(n):
                if not isfinite((<const double *> wp)[i]):
                    return None
        else:
            for i in range(n):
                if not isfinite((<const float *> wp)[i]):
                    return None
    cdef cnp.ndarray out1 = None
    cdef cnp.ndarray out2 = None
    if out is None:
        out1 = _empty(nd, cnp.PyArray_DIMS(x), typenum)
        if _n_outputs[kind] == 2:
            out2 = _empty(nd, cnp.PyArray_DIMS(x), typenum)
    elif _n_outputs[kind] == 1:
        out1 = _fast_out(out, x, typenum, cnp.PyArray_DATA(z), wp)
        if out1 is None:
            return None
    else:
        if type(out) is not tuple or len(out) != 2:
            return None
        out1 = _fast_out(out[0], x, typenum, cnp.PyArray_DATA(z), wp)
        out2 = _fast_out(out[1], x, typenum, cnp.PyArray_DATA(z), wp)
        if (out1 is None or out2 is None
                or not _disjoint(out1, cnp.PyArray_DATA(out2), cnp.PyArray_NBYTES(out2))):
            return None
    cdef void *o1 = cnp.PyArray_DATA(out1)
    cdef void *o2 = cnp.PyArray_DATA(out2) if out2 is not None else NULL
    cdef bint f64 = typenum == cnp.NPY_DOUBLE
    cdef const void *qp = <const void *> &q if f64 else <const void *> &qf
    with nogil:
        _compute_all(kind, TYPES_F64 if f64 else TYPES_F32, n, n_threads, cnp.PyArray_DATA(z),
             cnp.PyArray_DATA(x), qp, 1, wp, n, o1, o2)
    if out2 is not None:
        return out1, out2
    return out1
