#!/usr/bin/env bash
# Build and run the C tests of the core: plain (-O3 and -O2) and with the avx2 and avx512
# levels' flags where this CPU has them, warning-free at every -O with -pedantic, the
# dispatcher level by level and the MSVC branch of its CPU check (on x86-64),
# then under AddressSanitizer and UndefinedBehaviorSanitizer.  CC picks the compiler (gcc or
# clang).  Any failed check, warning or sanitizer report fails the script.
# shellcheck source=tests/c/common.sh
source "$(dirname "$0")/common.sh"
CC="${CC:-cc}"
echo "== C core tests, -O3"
"$CC" "${common[@]}" -O3 "$here/test_core.c" -o "$out/test_core" -lm
"$out/test_core"
if [ "$(uname -m)" = x86_64 ]; then
    # the FMA levels' flags: the hard-label forms must give the general forms' bits there too
    for level in avx2:-march=x86-64-v3:avx2 avx512:-march=x86-64-v4:avx512f; do
        IFS=: read -r name flag feature <<< "$level"
        if grep -qw "$feature" /proc/cpuinfo 2> /dev/null; then
            echo "== C core tests, -O3 $flag (the $name level's instructions)"
            "$CC" "${common[@]}" -O3 "$flag" "$here/test_core.c" -o "$out/test_core_$name" -lm
            "$out/test_core_$name" > /dev/null
        fi
    done
fi
echo "== C core tests, -O2 (no spurious warning under -Werror)"
"$CC" "${common[@]}" -O2 "$here/test_core.c" -o "$out/test_core_o2" -lm
"$out/test_core_o2" > /dev/null
if command -v "${CXX:-c++}" > /dev/null; then
    echo "== the header compiles as C++17"
    "${CXX:-c++}" -std=c++17 -Wall -Wextra -Werror -O2 -I"$include" "$here/header_cxx.cpp" \
        -o "$out/header_cxx"
    "$out/header_cxx"
fi
echo "== the header and the dispatcher warning-free at -O0 to -O3 with -Wall -Wextra -pedantic"
for opt in -O0 -O1 -O2 -O3; do
    "$CC" "${common[@]}" -pedantic "$opt" -c "$here/test_core.c" -o "$out/pedantic.o"
    "$CC" "${common[@]}" -pedantic "$opt" -DWCE_VARIANT=baseline \
        -c "$src/_simd_variant.c" -o "$out/pedantic.o"
done
if [ "$(uname -m)" = x86_64 ]; then
    echo "== the dispatcher: every level this CPU runs against baseline, kernel by kernel"
    levels=(-DWCE_HAVE_AVX2 -DWCE_HAVE_AVX512)
    "$CC" "${common[@]}" -O2 "${levels[@]}" -c "$src/_dispatch.c" -o "$out/dispatch.o"
    for level in baseline:-mtune=generic avx2:-march=x86-64-v3 avx512:-march=x86-64-v4; do
        "$CC" "${common[@]}" -O3 "${level#*:}" -DWCE_VARIANT="${level%%:*}" \
            -c "$src/_simd_variant.c" -o "$out/variant_${level%%:*}.o"
    done
    "$CC" "${common[@]}" -O2 "${levels[@]}" "$here/test_dispatch.c" "$out/dispatch.o" \
        "$out"/variant_*.o -o "$out/test_dispatch" -lm
    "$out/test_dispatch"
    echo "== the MSVC branch of the CPU check, on this CPU (MSVC's intrinsics shimmed)"
    "$CC" "${common[@]}" -O1 "${levels[@]}" -I"$here/msvc_on_gcc" "$here/test_cpu_msvc.c" \
        "$out/dispatch.o" "$out"/variant_*.o -o "$out/test_cpu_msvc" -lm
    "$out/test_cpu_msvc"
fi
echo "== C core tests, -O1 -fsanitize=address,undefined"
"$CC" "${common[@]}" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
    -fno-sanitize-recover=all "$here/test_core.c" -o "$out/test_core_san" -lm
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/test_core_san"
