/* The MSVC branch of the CPU check (src/wce_c/_dispatch.c), compiled by GCC or Clang with
 * MSVC's intrinsics shimmed (msvc_on_gcc/intrin.h), must find the same levels on this
 * machine as the dispatcher's own GCC/Clang branch, linked beside it (built with all three
 * levels).  The MSVC copy's exported names are renamed so that the two can coexist. */
#include <stdio.h>

int wce_simd_supported(int level); /* the GCC/Clang branch, from _dispatch.o */

#define wce_kernel_infos msvc_wce_kernel_infos
#define wce_simd_built msvc_wce_simd_built
#define wce_simd_supported msvc_wce_simd_supported
#define wce_simd_table msvc_wce_simd_table
#define _MSC_VER 1930
#define _M_X64 1
#include "../../src/wce_c/_dispatch.c"
#undef wce_simd_supported

int main(void)
{
    int v3 = cpu_has_v3(), v4 = cpu_has_v4();
    int g3 = wce_simd_supported(1), g4 = wce_simd_supported(2);
    printf("MSVC branch: x86-64-v3 %d, x86-64-v4 %d; GCC's lists: %d, %d\n", v3, v4, g3, g4);
    return (v3 == g3 && v4 == g4) ? 0 : 1;
}
