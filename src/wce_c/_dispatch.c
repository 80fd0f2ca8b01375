/* Which instruction-set levels were built, and which this CPU runs; what each kernel
 * computes (see _dispatch.h). */
#include "_dispatch.h"

#include <stddef.h>

#define WCE_INFO(QUANTITY, TYPES, ELEM, TI, TO, OUTPUTS, HARD) {#QUANTITY, #TYPES, OUTPUTS},
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

#if defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
/* MSVC (and clang-cl): the x86-64-v3 and x86-64-v4 lists read from CPUID, and XGETBV for the registers the OS saves (bits 1-2:
 * SSE and AVX state; 5-7: AVX-512's opmask and upper ZMM state).  Bit numbers from Intel's
 * SDM, volume 2, CPUID. */
#include <intrin.h>

static int bit(int reg, int n) { return (reg >> n) & 1; }

static int os_saves(unsigned long long mask)
{
    int leaf1[4];
    __cpuid(leaf1, 1);
    if (!bit(leaf1[2], 27)) return 0; /* OSXSAVE: XGETBV usable */
    return (_xgetbv(0) & mask) == mask;
}

static int cpu_has_v3(void)
{
    int leaf0[4], leaf1[4], leaf7[4], ext0[4], ext1[4];
    __cpuid(leaf0, 0);
    __cpuid(ext0, (int)0x80000000);
    if (leaf0[0] < 7 || (unsigned)ext0[0] < 0x80000001u) return 0;
    __cpuid(leaf1, 1);
    __cpuidex(leaf7, 7, 0);
    __cpuid(ext1, (int)0x80000001);
    /* leaf 1 ECX: SSE4.2 20, POPCNT 23, AVX 28, FMA 12, F16C 29, MOVBE 22;
     * leaf 7 EBX: AVX2 5, BMI1 3, BMI2 8; leaf 0x80000001 ECX: LZCNT 5 */
    return bit(leaf1[2], 20) && bit(leaf1[2], 23) && bit(leaf1[2], 28) &&
           bit(leaf1[2], 12) && bit(leaf1[2], 29) && bit(leaf1[2], 22) &&
           bit(leaf7[1], 5) && bit(leaf7[1], 3) && bit(leaf7[1], 8) && bit(ext1[2], 5) &&
           os_saves(0x6);
}

static int cpu_has_v4(void)
{
    int leaf7[4];
    if (!cpu_has_v3()) return 0;
    __cpuidex(leaf7, 7, 0);
    /* leaf 7 EBX: AVX512F 16, AVX512DQ 17, AVX512CD 28, AVX512BW 30, AVX512VL 31 */
    return bit(leaf7[1], 16) && bit(leaf7[1], 17) && bit(leaf7[1], 28) &&
           bit(leaf7[1], 30) && bit(leaf7[1], 31) && os_saves(0xe6);
}
#elif (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
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
