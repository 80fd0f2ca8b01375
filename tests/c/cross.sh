#!/usr/bin/env bash
# The C core and the dispatcher on the platforms this machine can only emulate or imitate:
#   aarch64     cross-compiled, the C tests and the dispatcher test run under qemu-aarch64;
#   Windows     built with MinGW-w64 (GCC), the C tests and the dispatcher test (three
#               levels) run under Wine;
#   MSVC        clang's MSVC front end (--target=x86_64-pc-windows-msvc) checks the
#               dispatcher and each level's kernels (-fsyntax-only, with declarations of the
#               few C library functions the core uses: tests/c/msvc/), and the MSVC branch of
#               the CPU check runs on emulated CPUs without AVX2 and without AVX-512 (qemu).
# Needs: gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user gcc-mingw-w64-x86-64 wine
# clang (.ci/run installs them).  Any failure fails the script.
# shellcheck source=tests/c/common.sh
source "$(dirname "$0")/common.sh"
common+=(-O2)

echo "== aarch64 (qemu-aarch64): the C tests and the dispatcher"
arm=aarch64-linux-gnu-gcc
"$arm" "${common[@]}" -static "$here/test_core.c" -o "$out/test_core_arm" -lm
qemu-aarch64 "$out/test_core_arm" | tail -n 1
"$arm" "${common[@]}" -static "$here/test_dispatch.c" "$src/_dispatch.c" -DWCE_VARIANT=baseline \
    -x c "$src/_simd_variant.c" -o "$out/test_dispatch_arm" -lm
qemu-aarch64 "$out/test_dispatch_arm"

echo "== Windows x86-64 (MinGW-w64 under Wine): the C tests and the dispatcher, three levels"
mingw=x86_64-w64-mingw32-gcc
levels=(-DWCE_HAVE_AVX2 -DWCE_HAVE_AVX512)
"$mingw" "${common[@]}" "$here/test_core.c" -o "$out/test_core.exe" -lm
"$mingw" "${common[@]}" "${levels[@]}" -c "$src/_dispatch.c" -o "$out/dispatch_w.o"
for level in baseline:-mtune=generic avx2:-march=x86-64-v3 avx512:-march=x86-64-v4; do
    "$mingw" "${common[@]}" "${level#*:}" -DWCE_VARIANT="${level%%:*}" \
        -c "$src/_simd_variant.c" -o "$out/variant_w_${level%%:*}.o"
done
"$mingw" "${common[@]}" "${levels[@]}" "$here/test_dispatch.c" "$out/dispatch_w.o" \
    "$out"/variant_w_*.o -o "$out/test_dispatch.exe" -lm
export WINEDEBUG=-all WINEPREFIX="$out/wine"
wine "$out/test_core.exe" | tail -n 1
wine "$out/test_dispatch.exe"

echo "== MSVC: clang's MSVC front end on the dispatcher and each level's kernels"
msvc=(clang --target=x86_64-pc-windows-msvc -fms-extensions -fms-compatibility -fsyntax-only
      -std=c11 -Wall -Wextra -Werror -I"$include" -I"$src" -isystem "$here/msvc")
"${msvc[@]}" "${levels[@]}" "$src/_dispatch.c"
"${msvc[@]}" -DWCE_VARIANT=baseline "$src/_simd_variant.c"
"${msvc[@]}" -DWCE_VARIANT=avx2 -mavx2 -mfma -mbmi -mbmi2 "$src/_simd_variant.c"
"${msvc[@]}" -DWCE_VARIANT=avx512 -mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx512cd \
    -mfma -mbmi -mbmi2 "$src/_simd_variant.c"
echo "MSVC-target syntax check: dispatcher and three levels clean"

echo "== the MSVC branch of the CPU check on emulated CPUs (qemu-x86_64 -cpu ...)"
gcc "${common[@]}" "${levels[@]}" -c "$src/_dispatch.c" -o "$out/dispatch.o"
for level in baseline:-mtune=generic avx2:-march=x86-64-v3 avx512:-march=x86-64-v4; do
    gcc "${common[@]}" "${level#*:}" -DWCE_VARIANT="${level%%:*}" \
        -c "$src/_simd_variant.c" -o "$out/variant_host_${level%%:*}.o"
done
gcc "${common[@]}" "${levels[@]}" -I"$here/msvc_on_gcc" "$here/test_cpu_msvc.c" \
    "$out/dispatch.o" "$out"/variant_host_*.o -o "$out/test_cpu_msvc" -lm
for cpu in Nehalem Haswell; do
    echo -n "$cpu: "
    qemu-x86_64 -cpu "$cpu" "$out/test_cpu_msvc" 2> /dev/null
done
