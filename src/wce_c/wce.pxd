# Cython declarations of the C core, include/wce_c/wce.h.
#
# Other Cython code can use the kernels directly:
#
#     from wce_c.wce cimport wce_loss_f64
#
# and build with include_dirs=[wce_c.get_include()].  Every function works on the index
# range [start, stop) of flat contiguous arrays; element i uses q[i % q_len] and, unless w
# is NULL, w[i % w_len].  See the header for the mathematics and the accuracy.

from libc.stdint cimport int64_t

cdef extern from "wce_c/wce.h" nogil:
    enum: WCE_SUM_BLOCK
    enum: WCE_C_VERSION_MAJOR
    enum: WCE_C_VERSION_MINOR
    enum: WCE_C_VERSION_PATCH

    # one output
    void wce_loss_f64(int64_t start, int64_t stop, const double *z, const double *x,
                      const double *q, int64_t q_len, const double *w, int64_t w_len,
                      double *out)
    void wce_loss_f32(int64_t start, int64_t stop, const float *z, const float *x,
                      const float *q, int64_t q_len, const float *w, int64_t w_len,
                      float *out)
    void wce_gradient_f64(int64_t start, int64_t stop, const double *z, const double *x,
                          const double *q, int64_t q_len, const double *w, int64_t w_len,
                          double *out)
    void wce_gradient_f32(int64_t start, int64_t stop, const float *z, const float *x,
                          const float *q, int64_t q_len, const float *w, int64_t w_len,
                          float *out)
    void wce_hessian_f64(int64_t start, int64_t stop, const double *z, const double *x,
                         const double *q, int64_t q_len, const double *w, int64_t w_len,
                         double *out)
    void wce_hessian_f32(int64_t start, int64_t stop, const float *z, const float *x,
                         const float *q, int64_t q_len, const float *w, int64_t w_len,
                         float *out)
    void wce_label_gradient_f64(int64_t start, int64_t stop, const double *z,
                                const double *x, const double *q, int64_t q_len,
                                const double *w, int64_t w_len, double *out)
    void wce_label_gradient_f32(int64_t start, int64_t stop, const float *z,
                                const float *x, const float *q, int64_t q_len,
                                const float *w, int64_t w_len, float *out)

    # two outputs from one pass
    void wce_loss_gradient_f64(int64_t start, int64_t stop, const double *z,
                               const double *x, const double *q, int64_t q_len,
                               const double *w, int64_t w_len, double *loss_out,
                               double *grad_out)
    void wce_loss_gradient_f32(int64_t start, int64_t stop, const float *z,
                               const float *x, const float *q, int64_t q_len,
                               const float *w, int64_t w_len, float *loss_out,
                               float *grad_out)
    void wce_gradient_hessian_f64(int64_t start, int64_t stop, const double *z,
                                  const double *x, const double *q, int64_t q_len,
                                  const double *w, int64_t w_len, double *grad_out,
                                  double *hess_out)
    void wce_gradient_hessian_f32(int64_t start, int64_t stop, const float *z,
                                  const float *x, const float *q, int64_t q_len,
                                  const float *w, int64_t w_len, float *grad_out,
                                  float *hess_out)
    # float64 inputs, float32 outputs (rounded once; for float32 gradient stores)
    void wce_gradient_hessian_f64_to_f32(int64_t start, int64_t stop, const double *z,
                                         const double *x, const double *q, int64_t q_len,
                                         const double *w, int64_t w_len, float *grad_out,
                                         float *hess_out)

    # sums, in double
    ctypedef struct wce_sum_tree:
        pass
    void wce_sum_tree_init(wce_sum_tree *t)
    void wce_sum_tree_push(wce_sum_tree *t, double v)
    double wce_sum_tree_result(const wce_sum_tree *t)
    double wce_pairwise_sum(const double *v, int64_t n)
    double wce_loss_block_sum_f64(int64_t start, int64_t stop, const double *z,
                                  const double *x, const double *q, int64_t q_len,
                                  const double *w, int64_t w_len)
    double wce_loss_block_sum_f32(int64_t start, int64_t stop, const float *z,
                                  const float *x, const float *q, int64_t q_len,
                                  const float *w, int64_t w_len)
    double wce_loss_sum_f64(int64_t n, const double *z, const double *x, const double *q,
                            int64_t q_len, const double *w, int64_t w_len)
    double wce_loss_sum_f32(int64_t n, const float *z, const float *x, const float *q,
                            int64_t q_len, const float *w, int64_t w_len)
