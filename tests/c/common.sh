# Sourced by run.sh and cross.sh: strict mode, the folders, a scratch folder removed at exit,
# and the standard, warning and floating-point flags every C test build shares.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
include="$here/../../include"
src="$here/../../src/wce_c"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
common=(-std=c11 -Wall -Wextra -Werror -ffp-contract=off -fno-trapping-math -I"$include"
        -I"$src")
