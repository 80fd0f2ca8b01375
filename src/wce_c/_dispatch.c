/* Which instruction-set levels were built, and which this CPU runs; what each kernel
 * computes (see _dispatch.h). */
#include "_dispatch.h"

#include <stddef.h>

#define WCE_INFO(QUANTITY, TYPES, ELEM, TI, TO, OUTPUTS) {#QUANTITY, #TYPES, OUTPUTS},
const wce_kernel_info wce_kernel_infos[WCE_KERNEL_COUNT] = {WCE_KERNEL_LIST(WCE_INFO)};
#undef WCE_INFO

int wce_simd_built(int level)
{
    switch (level) {
    case 0: return 1;
#ifdef WCE_HAVE_AVX2
    case 1: return 1;
#endif
#ifdef WCE_HAVE_AVX512
    case 2: return 1;
#endif
    default: return 0;
    }
}

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
/* GCC's and Clang's CPU checks also ask the OS (XGETBV) whether it saves the wide
 * registers.  The feature lists are those of the x86-64-v3 and x86-64-v4 levels. */
static int cpu_has_v3(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("avx") && __builtin_cpu_supports("sse4.2") &&
           __builtin_cpu_supports("popcnt");
}

static int cpu_has_v4(void)
{
    return cpu_has_v3() && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}
#else
static int cpu_has_v3(void) { return 0; }
static int cpu_has_v4(void) { return 0; }
#endif

int wce_simd_supported(int level)
{
    if (!wce_simd_built(level)) return 0;
    if (level == 0) return 1;
    if (level == 1) return cpu_has_v3();
    if (level == 2) return cpu_has_v4();
    return 0;
}

const wce_kernel_table *wce_simd_table(int level)
{
    if (!wce_simd_supported(level)) return NULL;
    switch (level) {
#ifdef WCE_HAVE_AVX2
    case 1: return wce_table_avx2();
#endif
#ifdef WCE_HAVE_AVX512
    case 2: return wce_table_avx512();
#endif
    default: return wce_table_baseline();
    }
}
