#!/usr/bin/env bash
# Fetches the pinned Debian arm64 kernel the arm64 crash lab boots, what our module cross-builds
# against, and the arm64 busybox for the initramfs, into the git-ignored .cache/lab/arm64/root/:
#   linux-image-<abi>-arm64-unsigned:arm64  (vmlinuz + in-tree modules)
#   linux-headers-<abi>-arm64:arm64, linux-headers-<abi>-common  (out-of-tree kbuild, arm64 config)
#   linux-kbuild-<major>:amd64  (the host tools: fixdep, modpost; how Debian cross-builds modules)
#   busybox-static:arm64  (extracted, not installed)
# Foreign-arch packages need `dpkg --add-architecture arm64` and an apt-get update: done here, once.
# Pins: LAB_ABI (default 6.1.0-56), LAB_VERSION (default 6.1.192-2), LAB_KBUILD (default 6.1),
# LAB_BUSYBOX (default 1:1.35.0-4+deb12u1+b1). Prints the extracted root.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
abi="${LAB_ABI:-6.1.0-56}"
ver="${LAB_VERSION:-6.1.192-2}"
kbuild="${LAB_KBUILD:-6.1}"
bbver="${LAB_BUSYBOX:-1:1.35.0-4+deb12u1+b1}"
cache="${LAB_CACHE:-$root/.cache/lab/arm64}"
debs="$cache/debs"
out="$cache/root"
mkdir -p "$debs" "$out"

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "lab/arm64/fetch: dpkg --add-architecture arm64 && apt-get update" >&2
  dpkg --add-architecture arm64
  apt-get update >&2
fi

# package:arch=version, and the file apt-get download names it (epochs become %3a)
pkgs=(
  "linux-image-${abi}-arm64-unsigned:arm64=${ver}"
  "linux-headers-${abi}-arm64:arm64=${ver}"
  "linux-headers-${abi}-common:all=${ver}"
  "linux-kbuild-${kbuild}:amd64=${ver}"
  "busybox-static:arm64=${bbver}"
)
cd "$debs"
for spec in "${pkgs[@]}"; do
  pa="${spec%%=*}"; v="${spec#*=}"; p="${pa%%:*}"; a="${pa#*:}"
  deb="${p}_${v/:/%3a}_${a}.deb"
  if [[ ! -f "$deb" ]]; then
    echo "lab/arm64/fetch: apt-get download ${p}:${a}=${v}" >&2
    if [[ "$a" == all ]]; then apt-get download "${p}=${v}" >&2; else apt-get download "${p}:${a}=${v}" >&2; fi
  fi
  stamp="$out/.${deb}"
  if [[ ! -f "$stamp" ]]; then
    dpkg -x "$deb" "$out"
    touch "$stamp"
  fi
done
# The headers' Makefile includes the common tree by absolute path; make it relative to the
# directory kbuild runs in (make -C), so the extracted tree works wherever the cache is.
mk="$out/usr/src/linux-headers-${abi}-arm64/Makefile"
sed -i "s,^include /usr/src/,include ../," "$mk"
echo "$abi" > "$out/ABI"
echo "$ver" > "$out/VERSION"
# the debug vmlinux (lab/README.md, "Kernel-side frames"), only when LAB_DBG=1 (about 700 MB)
if [[ "${LAB_DBG:-0}" == 1 ]]; then
  KERNEL_ARCH=arm64 KERNEL_ABI="$abi" KERNEL_VERSION="$ver" "$root/scripts/kernel/fetch-debian-dbg.sh" >&2
fi
echo "$out"
