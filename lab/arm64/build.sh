#!/usr/bin/env bash
# Cross-builds lab/module/oopslab.ko for arm64 against the Debian arm64 headers that
# lab/arm64/fetch.sh extracted, with Debian's aarch64-linux-gnu-gcc-12 (ARCH=arm64
# CROSS_COMPILE=aarch64-linux-gnu-; the headers' .kernelvariables name gcc-12) and the amd64 kbuild
# host tools. Same -g and prefix maps as lab/build.sh, so the .ko holds no build-machine path.
# Output: lab/build/arm64/module/oopslab.ko (git-ignored). Prints its path.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
kroot="$("$root/lab/arm64/fetch.sh")"
abi="$(cat "$kroot/ABI")"
lab_build_module "$kroot" "$kroot/usr/src/linux-headers-${abi}-arm64" "$root/lab/build/arm64/module" \
  ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
