#!/usr/bin/env bash
# Builds lab/module/oopslab.ko against the Debian headers that lab/fetch.sh extracted.
# Output: lab/build/module/oopslab.ko (git-ignored). Prints its path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kroot="$("$root/lab/fetch.sh")"
abi="$(cat "$kroot/ABI")"
kdir="$kroot/usr/src/linux-headers-${abi}-amd64"
out="$root/lab/build/module"
mkdir -p "$out"
cp "$root/lab/module/oopslab.c" "$root/lab/module/Kbuild" "$out/"
maps="-ffile-prefix-map=$out=lab/module -fdebug-prefix-map=$out=lab/module"
maps="$maps -ffile-prefix-map=$kroot/usr/src=/usr/src -fdebug-prefix-map=$kroot/usr/src=/usr/src"
make -C "$kdir" M="$out" KCFLAGS="$maps" modules >&2
echo "$out/oopslab.ko"
