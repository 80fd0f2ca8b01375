/* The MSVC branch of the CPU check (src/wce_c/_dispatch.c), compiled by GCC with MSVC's
 * intrinsics shimmed (msvc_on_gcc/intrin.h), must find the same levels on this machine as
 * GCC's own __builtin_cpu_supports lists. */
#include <stdio.h>

static int gcc_v3(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("avx") && __builtin_cpu_supports("sse4.2") &&
           __builtin_cpu_supports("popcnt");
}

static int gcc_v4(void)
{
    return gcc_v3() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
}

#define _MSC_VER 1930
#define _M_X64 1
#include "../../src/wce_c/_dispatch.c"

int main(void)
{
    int v3 = cpu_has_v3(), v4 = cpu_has_v4();
    printf("MSVC branch: x86-64-v3 %d, x86-64-v4 %d; GCC's lists: %d, %d\n", v3, v4, gcc_v3(),
           gcc_v4());
    return (v3 == gcc_v3() && v4 == gcc_v4()) ? 0 : 1;
}
