/*
 * Instruction-set dispatch of the kernels in include/wce_c/wce.h.
 *
 * _simd_variant.c is compiled once per instruction-set level (baseline x86-64 or the
 * platform's default, x86-64-v3 with AVX2 and FMA, x86-64-v4 with AVX-512), each copy
 * exporting a table of its kernels; _dispatch.c picks one table at import from a CPU check.
 * The levels with FMA give the same bits; baseline can differ in the last bit of rare
 * elements (see WCE_MADD in wce.h).
 */
#ifndef WCE_C_DISPATCH_H
#define WCE_C_DISPATCH_H

#include <stdint.h>

typedef void (*wce_k1_f64)(int64_t, int64_t, const double *, const double *, const double *,
                           int64_t, const double *, int64_t, double *);
typedef void (*wce_k1_f32)(int64_t, int64_t, const float *, const float *, const float *,
                           int64_t, const float *, int64_t, float *);
typedef void (*wce_k2_f64)(int64_t, int64_t, const double *, const double *, const double *,
                           int64_t, const double *, int64_t, double *, double *);
typedef void (*wce_k2_f32)(int64_t, int64_t, const float *, const float *, const float *,
                           int64_t, const float *, int64_t, float *, float *);
typedef void (*wce_k2_f64_f32)(int64_t, int64_t, const double *, const double *,
                               const double *, int64_t, const double *, int64_t, float *,
                               float *);
typedef double (*wce_bsum_f64)(int64_t, int64_t, const double *, const double *,
                               const double *, int64_t, const double *, int64_t);
typedef double (*wce_bsum_f32)(int64_t, int64_t, const float *, const float *, const float *,
                               int64_t, const float *, int64_t);

/* Index order of one[] and two[]: the quantity numbers of the Cython layer. */
typedef struct {
    const char *name;
    wce_k1_f64 one_f64[4]; /* loss, gradient, hessian, label gradient */
    wce_k1_f32 one_f32[4];
    wce_k2_f64 two_f64[2]; /* loss + gradient, gradient + hessian */
    wce_k2_f32 two_f32[2];
    wce_k2_f64_f32 gradient_hessian_f64_to_f32;
    wce_bsum_f64 block_sum_f64;
    wce_bsum_f32 block_sum_f32;
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
