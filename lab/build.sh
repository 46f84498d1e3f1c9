#!/usr/bin/env bash
# Builds lab/module/oopslab.ko against the Debian headers that lab/fetch.sh extracted.
# Output: lab/build/module/oopslab.ko (git-ignored). Prints its path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kroot="$("$root/lab/fetch.sh")"
abi="$(cat "$kroot/ABI")"
lab_build_module "$kroot" "$kroot/usr/src/linux-headers-${abi}-amd64" "$root/lab/build/module"
