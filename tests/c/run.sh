#!/usr/bin/env bash
# Build and run the C tests of the core: plain (-O3), then under AddressSanitizer and
# UndefinedBehaviorSanitizer.  Any failed check or sanitizer report fails the script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
include="$here/../../include"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
CC="${CC:-cc}"
common=(-std=c11 -Wall -Wextra -Werror -ffp-contract=off -fno-trapping-math -I"$include")
echo "== C core tests, -O3"
"$CC" "${common[@]}" -O3 "$here/test_core.c" -o "$out/test_core" -lm
"$out/test_core"
echo "== C core tests, -O2 (no spurious warning under -Werror)"
"$CC" "${common[@]}" -O2 "$here/test_core.c" -o "$out/test_core_o2" -lm
"$out/test_core_o2" > /dev/null
if command -v "${CXX:-c++}" > /dev/null; then
    echo "== the header compiles as C++17"
    "${CXX:-c++}" -std=c++17 -Wall -Wextra -Werror -O2 -I"$include" "$here/header_cxx.cpp" \
        -o "$out/header_cxx"
    "$out/header_cxx"
fi
echo "== C core tests, -O1 -fsanitize=address,undefined"
"$CC" "${common[@]}" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
    -fno-sanitize-recover=all "$here/test_core.c" -o "$out/test_core_san" -lm
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/test_core_san"
