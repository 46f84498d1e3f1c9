#!/usr/bin/env bash
# Cross-builds lab/module/oopslab.ko for mips64el against the Debian 5kc-malta headers that
# lab/mips64el/fetch.sh extracted, with Debian's mips64el-linux-gnuabi64-gcc-12 (ARCH=mips
# CROSS_COMPILE=mips64el-linux-gnuabi64-; the headers' .kernelvariables name gcc-12) and the amd64
# kbuild host tools: Debian's own cross-build route for out-of-tree modules. Same -g and prefix
# maps as lab/build.sh, so the .ko holds no build-machine path.
# Output: lab/build/mips64el/module/oopslab.ko (git-ignored). Prints its path.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
kroot="$("$root/lab/mips64el/fetch.sh")"
abi="$(cat "$kroot/ABI")"
kdir="$kroot/usr/src/linux-headers-${abi}-5kc-malta"
out="$root/lab/build/mips64el/module"
mkdir -p "$out"
cp "$root/lab/module/oopslab.c" "$root/lab/module/Kbuild" "$out/"
maps="-ffile-prefix-map=$out=lab/module -fdebug-prefix-map=$out=lab/module"
maps="$maps -ffile-prefix-map=$kroot/usr/src=/usr/src -fdebug-prefix-map=$kroot/usr/src=/usr/src"
make -C "$kdir" M="$out" ARCH=mips CROSS_COMPILE=mips64el-linux-gnuabi64- KCFLAGS="$maps" modules >&2
echo "$out/oopslab.ko"
