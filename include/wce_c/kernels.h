/*
 * wce_c/kernels.h -- the array kernels: index ranges of flat arrays, periodic
 * pos_weight and sample weight, each element's two stages run apart, one list of every
 * kernel.
 */
#ifndef WCE_C_KERNELS_H
#define WCE_C_KERNELS_H

#include "config.h"
#include "elem_f32.h"
#include "elem_f64.h"

WCE_BEGIN_DECLS

/* ---------------------------------------------------------------------------------------
 * Stretches: runs of indices over which q and w are each constant or contiguous.
 * ------------------------------------------------------------------------------------- */

/* Expands LOOP(args..., QI, WI) once per (q constant / contiguous) x (w none / constant /
 * contiguous), QI and WI naming element i's pos_weight and sample weight, so that no inner
 * loop carries a stride or a test.  Expects n, i, q, q_inc, w, w_inc in scope. */
#define WCE_STRETCH_VARIANTS(LOOP, ...)                                                      \
    do {                                                                                     \
        const double q0_ = (double)q[0];                                                     \
        if (w == NULL) {                                                                     \
            if (q_inc) { LOOP(__VA_ARGS__, (double)q[i], 1.0); }                             \
            else { LOOP(__VA_ARGS__, q0_, 1.0); }                                            \
        } else if (w_inc) {                                                                  \
            if (q_inc) { LOOP(__VA_ARGS__, (double)q[i], (double)w[i]); }                    \
            else { LOOP(__VA_ARGS__, q0_, (double)w[i]); }                                   \
        } else {                                                                             \
            const double w0_ = (double)w[0];                                                 \
            if (q_inc) { LOOP(__VA_ARGS__, (double)q[i], w0_); }                             \
            else { LOOP(__VA_ARGS__, q0_, w0_); }                                            \
        }                                                                                    \
    } while (0)

/* The loops run an element function's two stages (parts.h) apart, run by run of WCE_STAGE
 * elements: ELEM_exp's exponentials into e_ and lo_, then ELEM_e's rest from them.  Each
 * element's operations are the same as in one pass, so are its bits. */
#define WCE_STAGE 256

#define WCE_LOOP1(ELEM, TO, QI, WI)                                                          \
    for (i0_ = 0; i0_ < n; i0_ += WCE_STAGE) {                                               \
        const int64_t end_ = (n - i0_ < WCE_STAGE) ? n : i0_ + WCE_STAGE;                    \
        for (i = i0_; i < end_; ++i) e_[i - i0_] = ELEM##_exp((double)x[i], &lo_[i - i0_]);  \
        for (i = i0_; i < end_; ++i)                                                         \
            out[i] = (TO)ELEM##_e((double)z[i], (double)x[i], QI, WI, e_[i - i0_],           \
                                  lo_[i - i0_]);                                             \
    }

#define WCE_LOOP2(ELEM, TO, QI, WI)                                                          \
    for (i0_ = 0; i0_ < n; i0_ += WCE_STAGE) {                                               \
        const int64_t end_ = (n - i0_ < WCE_STAGE) ? n : i0_ + WCE_STAGE;                    \
        for (i = i0_; i < end_; ++i) e_[i - i0_] = ELEM##_exp((double)x[i], &lo_[i - i0_]);  \
        for (i = i0_; i < end_; ++i) {                                                       \
            double r1_, r2_;                                                                 \
            ELEM##_e((double)z[i], (double)x[i], QI, WI, e_[i - i0_], lo_[i - i0_], &r1_,    \
                     &r2_);                                                                  \
            out1[i] = (TO)r1_;                                                               \
            out2[i] = (TO)r2_;                                                               \
        }                                                                                    \
    }

/* Where the stretch that starts at index i ends, and where q and w stand in it. */
typedef struct { int64_t len, jq, jw; } wce_stretch;

WCE_INLINE wce_stretch wce_next_stretch(int64_t i, int64_t stop, int64_t q_len, const void *w,
                                   int64_t w_len)
{
    wce_stretch r;
    r.len = stop - i;
    r.jq = 0;
    r.jw = 0;
    if (q_len > 1) {
        r.jq = i % q_len;
        if (q_len - r.jq < r.len) r.len = q_len - r.jq;
    }
    if (w != NULL && w_len > 1) {
        r.jw = i % w_len;
        if (w_len - r.jw < r.len) r.len = w_len - r.jw;
    }
    return r;
}

/* NAME(n, z, x, q, q_inc, w, w_inc, out...): n elements by ELEM, one loop per variant. */
#define WCE_DEFINE_LOOP1(NAME, ELEM, TI, TO)                                                 \
    WCE_INLINE void NAME(int64_t n, const TI *WCE_RESTRICT z, const TI *WCE_RESTRICT x,      \
                         const TI *WCE_RESTRICT q, int q_inc, const TI *WCE_RESTRICT w,      \
                         int w_inc, TO *WCE_RESTRICT out)                                    \
    {                                                                                        \
        int64_t i, i0_;                                                                      \
        double e_[WCE_STAGE], lo_[WCE_STAGE];                                                \
        WCE_STRETCH_VARIANTS(WCE_LOOP1, ELEM, TO);                                           \
    }

#define WCE_DEFINE_LOOP2(NAME, ELEM, TI, TO)                                                 \
    WCE_INLINE void NAME(int64_t n, const TI *WCE_RESTRICT z, const TI *WCE_RESTRICT x,      \
                         const TI *WCE_RESTRICT q, int q_inc, const TI *WCE_RESTRICT w,      \
                         int w_inc, TO *WCE_RESTRICT out1, TO *WCE_RESTRICT out2)            \
    {                                                                                        \
        int64_t i, i0_;                                                                      \
        double e_[WCE_STAGE], lo_[WCE_STAGE];                                                \
        WCE_STRETCH_VARIANTS(WCE_LOOP2, ELEM, TO);                                           \
    }

/* ---------------------------------------------------------------------------------------
 * Hard labels.  A kernel listed with HARD = f64 or f64own cuts each stretch into blocks of
 * WCE_BLOCK elements, and a block whose every element passes wce_is_hard_f64 (labels 0 and 1,
 * inputs in range) takes the element function's _hard twin, which leaves out the work on
 * exact zeros or on pairs (elem_f64.h).  With f64 the twin gives the general function's bits;
 * with f64own it has bits of its own, so in a mixed block the elements that pass are patched
 * with the twin's results after the general loop.  Either way an element's result depends on
 * its own inputs alone, not on where blocks fall.  A block that starts with a soft label
 * costs no scan for the first test; with f64own it costs a scan for the patch (and the patch
 * itself where some element passes).
 * ------------------------------------------------------------------------------------- */
#define WCE_BLOCK 256

/* The tests return OK##_flag, an integer as wide as a lane of the inputs' type, so that the
 * vector loop needs no conversion of its compare masks. */
#define WCE_LOOP_ALL(OK, QI, WI)                                                             \
    for (i = 0; i < n; ++i) all_ &= OK(z[i], x[i], QI, WI)
#define WCE_LOOP_SOME(OK, QI, WI)                                                            \
    for (i = 0; i < n; ++i) some_ |= OK(z[i], x[i], QI, WI)

/* NAME_all: whether all n >= 1 elements pass OK.  The first element alone decides a block
 * of soft labels, which then costs no scan at all.  NAME_some: whether any passes. */
#define WCE_DEFINE_ALL(NAME, OK, TI)                                                         \
    WCE_INLINE int NAME##_all(int64_t n, const TI *WCE_RESTRICT z, const TI *WCE_RESTRICT x, \
                              const TI *WCE_RESTRICT q, int q_inc, const TI *WCE_RESTRICT w, \
                              int w_inc)                                                     \
    {                                                                                        \
        int64_t i;                                                                           \
        OK##_flag all_ = 1;                                                                  \
        if (!OK(z[0], x[0], (double)q[0], w ? (double)w[0] : 1.0)) return 0;                 \
        WCE_STRETCH_VARIANTS(WCE_LOOP_ALL, OK);                                              \
        return all_ != 0;                                                                    \
    }
#define WCE_DEFINE_SOME(NAME, OK, TI)                                                        \
    WCE_INLINE int NAME##_some(int64_t n, const TI *WCE_RESTRICT z, const TI *WCE_RESTRICT x,\
                               const TI *WCE_RESTRICT q, int q_inc, const TI *WCE_RESTRICT w,\
                               int w_inc)                                                    \
    {                                                                                        \
        int64_t i;                                                                           \
        OK##_flag some_ = 0;                                                                 \
        WCE_STRETCH_VARIANTS(WCE_LOOP_SOME, OK);                                             \
        return some_ != 0;                                                                   \
    }

/* The patch loops: the twin's results for the elements that pass OK, the others left. */
#define WCE_LOOP1_PATCH(ELEM, OK, TO, QI, WI)                                                \
    for (i = 0; i < n; ++i)                                                                  \
        if (OK(z[i], x[i], QI, WI)) out[i] = (TO)ELEM((double)z[i], (double)x[i], QI, WI)
#define WCE_LOOP2_PATCH(ELEM, OK, TO, QI, WI)                                                \
    for (i = 0; i < n; ++i)                                                                  \
        if (OK(z[i], x[i], QI, WI)) {                                                        \
            double r1_, r2_;                                                                 \
            ELEM((double)z[i], (double)x[i], QI, WI, &r1_, &r2_);                            \
            out1[i] = (TO)r1_;                                                               \
            out2[i] = (TO)r2_;                                                               \
        }
#define WCE_DEFINE_PATCH1(NAME, ELEM, OK, TI, TO)                                            \
    WCE_INLINE void NAME(int64_t n, const TI *WCE_RESTRICT z, const TI *WCE_RESTRICT x,      \
                         const TI *WCE_RESTRICT q, int q_inc, const TI *WCE_RESTRICT w,      \
                         int w_inc, TO *WCE_RESTRICT out)                                    \
    {                                                                                        \
        int64_t i;                                                                           \
        WCE_STRETCH_VARIANTS(WCE_LOOP1_PATCH, ELEM, OK, TO);                                 \
    }
#define WCE_DEFINE_PATCH2(NAME, ELEM, OK, TI, TO)                                            \
    WCE_INLINE void NAME(int64_t n, const TI *WCE_RESTRICT z, const TI *WCE_RESTRICT x,      \
                         const TI *WCE_RESTRICT q, int q_inc, const TI *WCE_RESTRICT w,      \
                         int w_inc, TO *WCE_RESTRICT out1, TO *WCE_RESTRICT out2)            \
    {                                                                                        \
        int64_t i;                                                                           \
        WCE_STRETCH_VARIANTS(WCE_LOOP2_PATCH, ELEM, OK, TO);                                 \
    }

/* What a mixed block takes: the general loop, and with f64own the patch. */
#define WCE_MIXED_f64(NAME, CALL, nb, zb, xb, qb, wb, b) CALL(NAME##_any, nb, zb, xb, qb, wb, b)
#define WCE_MIXED_f64own(NAME, CALL, nb, zb, xb, qb, wb, b)                                  \
    do {                                                                                     \
        CALL(NAME##_any, nb, zb, xb, qb, wb, b);                                             \
        if (NAME##_some(nb, zb, xb, qb, q_inc, wb, w_inc))                                   \
            CALL(NAME##_patch, nb, zb, xb, qb, wb, b);                                       \
    } while (0)

/* The block loop of NAME_stretch; CALL(F, nb, z, x, q, w, b) runs F on the block at b.  A
 * stretch of one block (the common case for periodic weights) is tested and run whole. */
#define WCE_BLOCKS(NAME, TI, CALL, KIND)                                                     \
    int64_t b;                                                                               \
    if (n <= WCE_BLOCK) {                                                                    \
        if (NAME##_all(n, z, x, q, q_inc, w, w_inc))                                         \
            CALL(NAME##_hard, n, z, x, q, w, 0);                                             \
        else                                                                                 \
            WCE_MIXED_##KIND(NAME, CALL, n, z, x, q, w, 0);                                  \
        return;                                                                              \
    }                                                                                        \
    for (b = 0; b < n; b += WCE_BLOCK) {                                                     \
        const int64_t nb = (n - b < WCE_BLOCK) ? n - b : WCE_BLOCK;                          \
        const TI *qb = q_inc ? q + b : q;                                                    \
        const TI *wb = (w != NULL && w_inc) ? w + b : w;                                     \
        if (NAME##_all(nb, z + b, x + b, qb, q_inc, wb, w_inc))                              \
            CALL(NAME##_hard, nb, z + b, x + b, qb, wb, b);                                  \
        else                                                                                 \
            WCE_MIXED_##KIND(NAME, CALL, nb, z + b, x + b, qb, wb, b);                       \
    }
#define WCE_CALL1(F, nb, zb, xb, qb, wb, b) F(nb, zb, xb, qb, q_inc, wb, w_inc, out + (b))
#define WCE_CALL2(F, nb, zb, xb, qb, wb, b)                                                  \
    F(nb, zb, xb, qb, q_inc, wb, w_inc, out1 + (b), out2 + (b))

/* NAME_stretch(n, z, x, q, q_inc, w, w_inc, out...): one stretch, by ELEM alone (HARD =
 * none) or block by block (HARD = f64, f64own). */
#define WCE_DEFINE_STRETCH1_none(NAME, ELEM, TI, TO)                                         \
    WCE_DEFINE_LOOP1(NAME##_stretch, ELEM, TI, TO)
#define WCE_DEFINE_STRETCH2_none(NAME, ELEM, TI, TO)                                         \
    WCE_DEFINE_LOOP2(NAME##_stretch, ELEM, TI, TO)
#define WCE_DEFINE_STRETCH1_f64(NAME, ELEM, TI, TO)                                          \
    WCE_DEFINE_STRETCH1_HARD(NAME, ELEM, TI, TO, wce_is_hard_f64, f64)
#define WCE_DEFINE_STRETCH2_f64(NAME, ELEM, TI, TO)                                          \
    WCE_DEFINE_STRETCH2_HARD(NAME, ELEM, TI, TO, wce_is_hard_f64, f64)
#define WCE_DEFINE_STRETCH1_f64own(NAME, ELEM, TI, TO)                                       \
    WCE_DEFINE_SOME(NAME, wce_is_hard_f64, TI)                                               \
    WCE_DEFINE_PATCH1(NAME##_patch, ELEM##_hard, wce_is_hard_f64, TI, TO)                    \
    WCE_DEFINE_STRETCH1_HARD(NAME, ELEM, TI, TO, wce_is_hard_f64, f64own)
#define WCE_DEFINE_STRETCH2_f64own(NAME, ELEM, TI, TO)                                       \
    WCE_DEFINE_SOME(NAME, wce_is_hard_f64, TI)                                               \
    WCE_DEFINE_PATCH2(NAME##_patch, ELEM##_hard, wce_is_hard_f64, TI, TO)                    \
    WCE_DEFINE_STRETCH2_HARD(NAME, ELEM, TI, TO, wce_is_hard_f64, f64own)
#define WCE_DEFINE_STRETCH1_HARD(NAME, ELEM, TI, TO, OK, KIND)                               \
    WCE_DEFINE_LOOP1(NAME##_any, ELEM, TI, TO)                                               \
    WCE_DEFINE_LOOP1(NAME##_hard, ELEM##_hard, TI, TO)                                       \
    WCE_DEFINE_ALL(NAME, OK, TI)                                                             \
    WCE_INLINE void NAME##_stretch(int64_t n, const TI *z, const TI *x, const TI *q,         \
                                   int q_inc, const TI *w, int w_inc, TO *out)               \
    {                                                                                        \
        WCE_BLOCKS(NAME, TI, WCE_CALL1, KIND)                                                \
    }
#define WCE_DEFINE_STRETCH2_HARD(NAME, ELEM, TI, TO, OK, KIND)                               \
    WCE_DEFINE_LOOP2(NAME##_any, ELEM, TI, TO)                                               \
    WCE_DEFINE_LOOP2(NAME##_hard, ELEM##_hard, TI, TO)                                       \
    WCE_DEFINE_ALL(NAME, OK, TI)                                                             \
    WCE_INLINE void NAME##_stretch(int64_t n, const TI *z, const TI *x, const TI *q,         \
                                   int q_inc, const TI *w, int w_inc, TO *out1, TO *out2)    \
    {                                                                                        \
        WCE_BLOCKS(NAME, TI, WCE_CALL2, KIND)                                                \
    }

/* The definitions behind the list below: NAME_stretch is one stretch (above), NAME_range a
 * range from start (out_start at element start's output), NAME the public kernel. */
#define WCE_DEFINE_KERNEL1(NAME, ELEM, TI, TO, HARD)                                         \
    WCE_DEFINE_STRETCH1_##HARD(NAME, ELEM, TI, TO)                                           \
    /* out_start points at the output of element start. */                                   \
    WCE_INLINE void NAME##_range(int64_t start, int64_t stop, const TI *z, const TI *x,   \
                                    const TI *q, int64_t q_len, const TI *w, int64_t w_len,  \
                                    TO *out_start)                                           \
    {                                                                                        \
        int64_t i = start;                                                                   \
        while (i < stop) {                                                                   \
            const wce_stretch r = wce_next_stretch(i, stop, q_len, w, w_len);                        \
            NAME##_stretch(r.len, z + i, x + i, q + r.jq, q_len > 1, w ? w + r.jw : NULL,        \
                       w_len > 1, out_start + (i - start));                                  \
            i += r.len;                                                                      \
        }                                                                                    \
    }                                                                                        \
    WCE_INLINE void NAME(int64_t start, int64_t stop, const TI *z, const TI *x,           \
                            const TI *q, int64_t q_len, const TI *w, int64_t w_len, TO *out) \
    {                                                                                        \
        if (start < stop) NAME##_range(start, stop, z, x, q, q_len, w, w_len, out + start);  \
    }

#define WCE_DEFINE_KERNEL2(NAME, ELEM, TI, TO, HARD)                                         \
    WCE_DEFINE_STRETCH2_##HARD(NAME, ELEM, TI, TO)                                           \
    WCE_INLINE void NAME(int64_t start, int64_t stop, const TI *z, const TI *x,           \
                            const TI *q, int64_t q_len, const TI *w, int64_t w_len,          \
                            TO *out1, TO *out2)                                              \
    {                                                                                        \
        int64_t i = start;                                                                   \
        while (i < stop) {                                                                   \
            const wce_stretch r = wce_next_stretch(i, stop, q_len, w, w_len);                        \
            NAME##_stretch(r.len, z + i, x + i, q + r.jq, q_len > 1, w ? w + r.jw : NULL,        \
                       w_len > 1, out1 + i, out2 + i);                                       \
            i += r.len;                                                                      \
        }                                                                                    \
    }

/* ---------------------------------------------------------------------------------------
 * The list of kernels: X(QUANTITY, TYPES, ELEMENT FUNCTION, INPUT TYPE, OUTPUT TYPE, OUTPUTS,
 * HARD) defines wce_QUANTITY_TYPES; HARD is none, or for an element function with a _hard
 * twin f64 (the test wce_is_hard_f64, the twin giving the general bits) or f64own (the same
 * test, the twin's own bits patched into mixed blocks).
 * Everything that enumerates kernels (the definitions below, the per-level dispatch tables
 * of the Python extension, the names it looks kernels up by) expands this one list; adding
 * a quantity is one line here, its element function, and its prototype below.
 * ------------------------------------------------------------------------------------- */
#define WCE_KERNEL_LIST(X)                                                                   \
    X(loss, f64, wce_loss_elem_f64, double, double, 1, f64)                                  \
    X(loss, f32, wce_loss_elem_f32, float, float, 1, none)                                   \
    X(gradient, f64, wce_gradient_elem_f64, double, double, 1, f64own)                       \
    X(gradient, f32, wce_gradient_elem_f32, float, float, 1, none)                           \
    X(hessian, f64, wce_hessian_elem_f64, double, double, 1, f64own)                         \
    X(hessian, f32, wce_hessian_elem_f32, float, float, 1, none)                             \
    X(label_gradient, f64, wce_label_gradient_elem_f64, double, double, 1, none)             \
    X(label_gradient, f32, wce_label_gradient_elem_f32, float, float, 1, none)               \
    X(loss_gradient, f64, wce_loss_gradient_elem_f64, double, double, 2, f64own)             \
    X(loss_gradient, f32, wce_loss_gradient_elem_f32, float, float, 2, none)                 \
    X(gradient_hessian, f64, wce_gradient_hessian_elem_f64, double, double, 2, f64own)       \
    X(gradient_hessian, f32, wce_gradient_hessian_elem_f32, float, float, 2, none)           \
    X(gradient_hessian, f64_to_f32, wce_gradient_hessian_elem_f64_to_f32, double, float, 2,   \
      none)                                                                                  \
    X(loss, f32_in_f64, wce_loss_elem_f32, float, double, 1, none)

/* The public kernels.  Element i of out (out1, out2), for start <= i < stop, receives the
 * quantity at (z[i], x[i], q[i % q_len], w[i % w_len]).  Requirements: q_len >= 1;
 * w_len >= 1 unless w == NULL; no output may overlap an input or the other output (the
 * pointers are restrict).  The _f32 kernels compute from float32-grade pieces in double and
 * round once to float; the _f64 kernels combine float64-grade pieces in double-double. */
WCE_INLINE void wce_loss_f64(int64_t start, int64_t stop, const double *z, const double *x,
                                const double *q, int64_t q_len, const double *w,
                                int64_t w_len, double *out);
WCE_INLINE void wce_loss_f32(int64_t start, int64_t stop, const float *z, const float *x,
                                const float *q, int64_t q_len, const float *w, int64_t w_len,
                                float *out);
WCE_INLINE void wce_gradient_f64(int64_t start, int64_t stop, const double *z,
                                    const double *x, const double *q, int64_t q_len,
                                    const double *w, int64_t w_len, double *out);
WCE_INLINE void wce_gradient_f32(int64_t start, int64_t stop, const float *z,
                                    const float *x, const float *q, int64_t q_len,
                                    const float *w, int64_t w_len, float *out);
WCE_INLINE void wce_hessian_f64(int64_t start, int64_t stop, const double *z,
                                   const double *x, const double *q, int64_t q_len,
                                   const double *w, int64_t w_len, double *out);
WCE_INLINE void wce_hessian_f32(int64_t start, int64_t stop, const float *z,
                                   const float *x, const float *q, int64_t q_len,
                                   const float *w, int64_t w_len, float *out);
/* dL/dz, for learned or distilled soft labels. */
WCE_INLINE void wce_label_gradient_f64(int64_t start, int64_t stop, const double *z,
                                          const double *x, const double *q, int64_t q_len,
                                          const double *w, int64_t w_len, double *out);
WCE_INLINE void wce_label_gradient_f32(int64_t start, int64_t stop, const float *z,
                                          const float *x, const float *q, int64_t q_len,
                                          const float *w, int64_t w_len, float *out);
/* Fused pairs: one exp and one log1p per element serve both outputs, bitwise equal to the
 * separate kernels. */
WCE_INLINE void wce_loss_gradient_f64(int64_t start, int64_t stop, const double *z,
                                         const double *x, const double *q, int64_t q_len,
                                         const double *w, int64_t w_len, double *loss_out,
                                         double *grad_out);
WCE_INLINE void wce_loss_gradient_f32(int64_t start, int64_t stop, const float *z,
                                         const float *x, const float *q, int64_t q_len,
                                         const float *w, int64_t w_len, float *loss_out,
                                         float *grad_out);
WCE_INLINE void wce_gradient_hessian_f64(int64_t start, int64_t stop, const double *z,
                                            const double *x, const double *q, int64_t q_len,
                                            const double *w, int64_t w_len, double *grad_out,
                                            double *hess_out);
WCE_INLINE void wce_gradient_hessian_f32(int64_t start, int64_t stop, const float *z,
                                            const float *x, const float *q, int64_t q_len,
                                            const float *w, int64_t w_len, float *grad_out,
                                            float *hess_out);
/* float64 inputs, gradient and hessian rounded once to float32: for consumers that store
 * float32 gradients (XGBoost's and LightGBM's gradient pairs).  Computed from the float64
 * logits as they are (no rounding of the inputs), to about 2^-48 before the one rounding
 * (see wce_gradient_hessian_elem_f64_to_f32). */
WCE_INLINE void wce_gradient_hessian_f64_to_f32(int64_t start, int64_t stop,
                                                   const double *z, const double *x,
                                                   const double *q, int64_t q_len,
                                                   const double *w, int64_t w_len,
                                                   float *grad_out, float *hess_out);
/* float32 inputs, the float32 kernel's loss kept in double (before its rounding to float):
 * what the sum reduction adds up.  Its few units of 2^-53 vanish in a rounding to float. */
WCE_INLINE void wce_loss_f32_in_f64(int64_t start, int64_t stop, const float *z,
                                       const float *x, const float *q, int64_t q_len,
                                       const float *w, int64_t w_len, double *out);

#define WCE_DEFINE_LISTED(QUANTITY, TYPES, ELEM, TI, TO, OUTPUTS, HARD)                      \
    WCE_DEFINE_KERNEL##OUTPUTS(wce_##QUANTITY##_##TYPES, ELEM, TI, TO, HARD)
WCE_KERNEL_LIST(WCE_DEFINE_LISTED)
#undef WCE_DEFINE_LISTED

WCE_END_DECLS

#endif /* WCE_C_KERNELS_H */
