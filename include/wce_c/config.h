/*
 * wce_c/config.h -- what every part of the core shares: the C library headers, the version,
 * the inlining and restrict keywords, the fused step WCE_MADD, bit casts and the shifter.
 * The rest of the core needs exactly this: plain C11 (also C++17), header only, no OpenMP.
 */
#ifndef WCE_C_CONFIG_H
#define WCE_C_CONFIG_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

/* Every error bound of the core assumes that each operation rounds to its operands' type.
 * With excess precision (x87 arithmetic, gcc's default on 32-bit x86) the exponentials'
 * range reduction by WCE_SHIFTER does not round, and results are wrong by up to 2x: refuse. */
#if defined(FLT_EVAL_METHOD) && (FLT_EVAL_METHOD == 1 || FLT_EVAL_METHOD == 2)
#error "wce_c needs FLT_EVAL_METHOD == 0 (no excess precision); on 32-bit x86 compile with -msse2 -mfpmath=sse"
#endif

/* restrict and inline: C11's keywords, but MSVC's C compiler knows them only as __restrict
 * and __inline unless given /std:c11, and C++ has no restrict. */
#ifdef __cplusplus
#define WCE_RESTRICT __restrict
#define WCE_INLINE static inline
#define WCE_BEGIN_DECLS extern "C" {
#define WCE_END_DECLS }
#elif defined(_MSC_VER) && !defined(__clang__)
#define WCE_RESTRICT __restrict
#define WCE_INLINE static __inline
#define WCE_BEGIN_DECLS
#define WCE_END_DECLS
#else
#define WCE_RESTRICT restrict
#define WCE_INLINE static inline
#define WCE_BEGIN_DECLS
#define WCE_END_DECLS
#endif

#define WCE_C_VERSION_MAJOR 0
#define WCE_C_VERSION_MINOR 1
#define WCE_C_VERSION_PATCH 0

WCE_BEGIN_DECLS

/* Element-level helpers must be inlined into the array loops for those to vectorise. */
#if defined(__GNUC__) || defined(__clang__)
#define WCE_ELEM static inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define WCE_ELEM static __forceinline
#else
#define WCE_ELEM static inline
#endif

/* Not inlined: the recursive pairwise sum, whose inlined copies with a known length make GCC
 * at -O2 warn about loops it has itself made impossible (-Waggressive-loop-optimizations). */
#if defined(__GNUC__) || defined(__clang__)
#define WCE_NOINLINE __attribute__((noinline, unused))
#elif defined(_MSC_VER)
#define WCE_NOINLINE __declspec(noinline)
#else
#define WCE_NOINLINE
#endif

/* a * b + c for the polynomial steps: one fused rounding where the instruction set has FMA
 * (the avx2 and avx512 levels, which therefore agree bit for bit), two roundings elsewhere
 * (baseline).  Every error bound below holds for both; the two can differ in the last bit of
 * a double piece, so a baseline result can differ from an FMA level's in its last bit, in
 * rare elements.  Everything else is plain +, -, *, / in a fixed order (the build turns off
 * contraction), which every level evaluates alike. */
#if defined(__FMA__) && (defined(__GNUC__) || defined(__clang__))
#define WCE_MADD(a, b, c) __builtin_fma((a), (b), (c))
#else
#define WCE_MADD(a, b, c) ((a) * (b) + (c))
#endif

WCE_ELEM uint64_t wce_bits_of(double v) { uint64_t u; memcpy(&u, &v, sizeof u); return u; }
WCE_ELEM double wce_double_of(uint64_t u) { double v; memcpy(&v, &u, sizeof v); return v; }

/* 1.5 2^52: its binade [2^52, 2^53) has ULP 1, so y + WCE_SHIFTER rounds y to an integer
 * (for |y| < 2^51), and the bits of k + WCE_SHIFTER are those of WCE_SHIFTER plus k. */
#define WCE_SHIFTER 0x1.8p52

WCE_END_DECLS

#endif /* WCE_C_CONFIG_H */
