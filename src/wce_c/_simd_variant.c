/*
 * One instruction-set level of the kernels: this file is compiled once per level with that
 * level's flags and WCE_VARIANT set to its name; the kernels come from the header, inlined
 * and vectorised for the level, and WCE_KERNEL_LIST makes both the wrappers and the table.
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

/* wce_NAME_LEVEL: the kernel behind the table's signature. */
#define WCE_WRAP1(NAME, TI, TO)                                                              \
    static void WCE_CAT(NAME, WCE_VARIANT)(int64_t start, int64_t stop, const void *z,       \
                                           const void *x, const void *q, int64_t q_len,      \
                                           const void *w, int64_t w_len, void *o1, void *o2) \
    {                                                                                        \
        (void)o2;                                                                            \
        NAME(start, stop, (const TI *)z, (const TI *)x, (const TI *)q, q_len, (const TI *)w, \
             w_len, (TO *)o1);                                                               \
    }
#define WCE_WRAP2(NAME, TI, TO)                                                              \
    static void WCE_CAT(NAME, WCE_VARIANT)(int64_t start, int64_t stop, const void *z,       \
                                           const void *x, const void *q, int64_t q_len,      \
                                           const void *w, int64_t w_len, void *o1, void *o2) \
    {                                                                                        \
        NAME(start, stop, (const TI *)z, (const TI *)x, (const TI *)q, q_len, (const TI *)w, \
             w_len, (TO *)o1, (TO *)o2);                                                     \
    }
#define WCE_WRAP(QUANTITY, TYPES, ELEM, TI, TO, OUTPUTS, HARD)                               \
    WCE_WRAP##OUTPUTS(wce_##QUANTITY##_##TYPES, TI, TO)
WCE_KERNEL_LIST(WCE_WRAP)

#define WCE_WRAP_SUM(NAME, T)                                                                \
    static double WCE_CAT(NAME, WCE_VARIANT)(int64_t start, int64_t stop, const void *z,     \
                                             const void *x, const void *q, int64_t q_len,    \
                                             const void *w, int64_t w_len)                   \
    {                                                                                        \
        return NAME(start, stop, (const T *)z, (const T *)x, (const T *)q, q_len,            \
                    (const T *)w, w_len);                                                    \
    }
WCE_WRAP_SUM(wce_loss_block_sum_f64, double)
WCE_WRAP_SUM(wce_loss_block_sum_f32, float)

#define WCE_ENTRY(QUANTITY, TYPES, ELEM, TI, TO, OUTPUTS, HARD)                              \
    WCE_CAT(wce_##QUANTITY##_##TYPES, WCE_VARIANT),

static const wce_kernel_table table = {
    WCE_STR(WCE_VARIANT),
    {WCE_KERNEL_LIST(WCE_ENTRY)},
    WCE_CAT(wce_loss_block_sum_f64, WCE_VARIANT),
    WCE_CAT(wce_loss_block_sum_f32, WCE_VARIANT),
};

const wce_kernel_table *WCE_CAT(wce_table, WCE_VARIANT)(void) { return &table; }
