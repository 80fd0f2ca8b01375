/*
 * One instruction-set level of the kernels: this file is compiled once per level with that
 * level's flags and WCE_VARIANT set to its name; the kernels come from the header, inlined
 * and vectorised for the level.
 */
#include "wce_c/wce.h"
#include "_dispatch.h"

#ifndef WCE_VARIANT
#error "WCE_VARIANT must name the instruction-set level"
#endif

#define WCE_CAT2(a, b) a##_##b
#define WCE_CAT(a, b) WCE_CAT2(a, b)
#define WCE_STR2(a) #a
#define WCE_STR(a) WCE_STR2(a)

#define WCE_EXPORT1(NAME, T)                                                                 \
    static void WCE_CAT(NAME, WCE_VARIANT)(int64_t start, int64_t stop, const T *z,          \
                                           const T *x, const T *q, int64_t q_len,            \
                                           const T *w, int64_t w_len, T *out)                \
    {                                                                                        \
        NAME(start, stop, z, x, q, q_len, w, w_len, out);                                    \
    }
#define WCE_EXPORT2(NAME, T, TO)                                                             \
    static void WCE_CAT(NAME, WCE_VARIANT)(int64_t start, int64_t stop, const T *z,          \
                                           const T *x, const T *q, int64_t q_len,            \
                                           const T *w, int64_t w_len, TO *o1, TO *o2)        \
    {                                                                                        \
        NAME(start, stop, z, x, q, q_len, w, w_len, o1, o2);                                 \
    }
#define WCE_EXPORT_SUM(NAME, T)                                                              \
    static double WCE_CAT(NAME, WCE_VARIANT)(int64_t start, int64_t stop, const T *z,        \
                                             const T *x, const T *q, int64_t q_len,          \
                                             const T *w, int64_t w_len)                      \
    {                                                                                        \
        return NAME(start, stop, z, x, q, q_len, w, w_len);                                  \
    }

WCE_EXPORT1(wce_loss_f64, double)
WCE_EXPORT1(wce_gradient_f64, double)
WCE_EXPORT1(wce_hessian_f64, double)
WCE_EXPORT1(wce_label_gradient_f64, double)
WCE_EXPORT1(wce_loss_f32, float)
WCE_EXPORT1(wce_gradient_f32, float)
WCE_EXPORT1(wce_hessian_f32, float)
WCE_EXPORT1(wce_label_gradient_f32, float)
WCE_EXPORT2(wce_loss_gradient_f64, double, double)
WCE_EXPORT2(wce_gradient_hessian_f64, double, double)
WCE_EXPORT2(wce_loss_gradient_f32, float, float)
WCE_EXPORT2(wce_gradient_hessian_f32, float, float)
WCE_EXPORT2(wce_gradient_hessian_f64_to_f32, double, float)
WCE_EXPORT_SUM(wce_loss_block_sum_f64, double)
WCE_EXPORT_SUM(wce_loss_block_sum_f32, float)

static const wce_kernel_table table = {
    WCE_STR(WCE_VARIANT),
    {WCE_CAT(wce_loss_f64, WCE_VARIANT), WCE_CAT(wce_gradient_f64, WCE_VARIANT),
     WCE_CAT(wce_hessian_f64, WCE_VARIANT), WCE_CAT(wce_label_gradient_f64, WCE_VARIANT)},
    {WCE_CAT(wce_loss_f32, WCE_VARIANT), WCE_CAT(wce_gradient_f32, WCE_VARIANT),
     WCE_CAT(wce_hessian_f32, WCE_VARIANT), WCE_CAT(wce_label_gradient_f32, WCE_VARIANT)},
    {WCE_CAT(wce_loss_gradient_f64, WCE_VARIANT), WCE_CAT(wce_gradient_hessian_f64, WCE_VARIANT)},
    {WCE_CAT(wce_loss_gradient_f32, WCE_VARIANT), WCE_CAT(wce_gradient_hessian_f32, WCE_VARIANT)},
    WCE_CAT(wce_gradient_hessian_f64_to_f32, WCE_VARIANT),
    WCE_CAT(wce_loss_block_sum_f64, WCE_VARIANT),
    WCE_CAT(wce_loss_block_sum_f32, WCE_VARIANT),
};

const wce_kernel_table *WCE_CAT(wce_table, WCE_VARIANT)(void) { return &table; }
