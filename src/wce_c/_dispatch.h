/*
 * Instruction-set dispatch of the kernels of include/wce_c/kernels.h.
 *
 * _simd_variant.c is compiled once per instruction-set level (baseline x86-64 or the
 * platform's default, x86-64-v3 with AVX2 and FMA, x86-64-v4 with AVX-512), each copy
 * exporting a table of its kernels; _dispatch.c picks one table from a CPU check.  The
 * tables, the kernel numbers and the names the extension looks kernels up by all expand
 * WCE_KERNEL_LIST, so no order is kept by hand.  The levels with FMA give the same bits;
 * baseline can differ in the last bit of rare elements (see WCE_MADD in wce_c/config.h).
 */
#ifndef WCE_C_DISPATCH_H
#define WCE_C_DISPATCH_H

#include <stdint.h>

#include "wce_c/kernels.h"

/* Every kernel behind one signature: element types come from the kernel's entry in the
 * list, and out2 is ignored by the kernels with one output. */
typedef void (*wce_kernel_fn)(int64_t start, int64_t stop, const void *z, const void *x,
                              const void *q, int64_t q_len, const void *w, int64_t w_len,
                              void *out1, void *out2);
typedef double (*wce_block_sum_fn)(int64_t start, int64_t stop, const void *z, const void *x,
                                   const void *q, int64_t q_len, const void *w,
                                   int64_t w_len);

/* WCE_KERNEL_wce_loss_f64, ...: the kernel numbers, in the list's order. */
#define WCE_KERNEL_NUMBER(QUANTITY, TYPES, ELEM, TI, TO, OUTPUTS, HARD) \
    WCE_KERNEL_##QUANTITY##_##TYPES,
enum { WCE_KERNEL_LIST(WCE_KERNEL_NUMBER) WCE_KERNEL_COUNT };
#undef WCE_KERNEL_NUMBER

typedef struct {
    const char *quantity; /* "loss", "gradient_hessian", ... */
    const char *types;    /* "f64", "f32", "f64_to_f32", "f32_in_f64" */
    int outputs;          /* 1 or 2 */
} wce_kernel_info;

extern const wce_kernel_info wce_kernel_infos[WCE_KERNEL_COUNT];

typedef struct {
    const char *name;
    wce_kernel_fn kernel[WCE_KERNEL_COUNT];
    wce_block_sum_fn block_sum_f64;
    wce_block_sum_fn block_sum_f32;
} wce_kernel_table;

const wce_kernel_table *wce_table_baseline(void);
#ifdef WCE_HAVE_AVX2
const wce_kernel_table *wce_table_avx2(void);
#endif
#ifdef WCE_HAVE_AVX512
const wce_kernel_table *wce_table_avx512(void);
#endif

/* Levels: 0 baseline, 1 avx2, 2 avx512. */
int wce_simd_built(int level);     /* compiled into this build */
int wce_simd_supported(int level); /* compiled in and this CPU (and OS) runs it */
const wce_kernel_table *wce_simd_table(int level); /* NULL unless supported */

#endif
