#!/usr/bin/env bash
# Cross-builds lab/module/oopslab.ko for mips64el against the Debian 5kc-malta headers that
# lab/mips64el/fetch.sh extracted, with Debian's mips64el-linux-gnuabi64-gcc-12 (ARCH=mips
# CROSS_COMPILE=mips64el-linux-gnuabi64-; the headers' .kernelvariables name gcc-12) and the amd64
# kbuild host tools: Debian's own cross-build route for out-of-tree modules. Same -g and prefix
# maps as lab/build.sh, so the .ko holds no build-machine path.
# Output: lab/build/mips64el/module/oopslab.ko (git-ignored). Prints its path.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
kroot="$("$root/lab/mips64el/fetch.sh")"
abi="$(cat "$kroot/ABI")"
lab_build_module "$kroot" "$kroot/usr/src/linux-headers-${abi}-5kc-malta" "$root/lab/build/mips64el/module" \
  ARCH=mips CROSS_COMPILE=mips64el-linux-gnuabi64-
