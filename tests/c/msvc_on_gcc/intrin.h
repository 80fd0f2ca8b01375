/* MSVC's CPUID and XGETBV intrinsics written with GCC's and Clang's, so that the MSVC branch
 * of the CPU check in src/wce_c/_dispatch.c runs on this machine (tests/c/test_cpu_msvc.c).
 * The shims have names of their own, and MSVC's names are macros for them: some versions of
 * cpuid.h have a __cpuidex of their own, others not, and __cpuid is a macro there. */
#pragma once
#include <cpuid.h>

static inline void wce_shim_cpuidex(int r[4], int leaf, int subleaf)
{
    unsigned a, b, c, d;
    __cpuid_count((unsigned)leaf, (unsigned)subleaf, a, b, c, d);
    r[0] = (int)a, r[1] = (int)b, r[2] = (int)c, r[3] = (int)d;
}

static inline void wce_shim_cpuid(int r[4], int leaf) { wce_shim_cpuidex(r, leaf, 0); }

static inline unsigned long long wce_shim_xgetbv(unsigned index)
{
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
    return ((unsigned long long)hi << 32) | lo;
}

#undef __cpuid
#define __cpuid wce_shim_cpuid
#define __cpuidex wce_shim_cpuidex
#define _xgetbv wce_shim_xgetbv
