#!/usr/bin/env bash
# Fetches the pinned Debian arm64 kernel the arm64 crash lab boots, what our module cross-builds
# against, and the arm64 busybox for the initramfs, into the git-ignored .cache/lab/arm64/root/:
#   linux-image-<abi>-arm64-unsigned:arm64  (vmlinuz + in-tree modules)
#   linux-headers-<abi>-arm64:arm64, linux-headers-<abi>-common  (out-of-tree kbuild, arm64 config)
#   linux-kbuild-<major>:amd64  (the host tools: fixdep, modpost; how Debian cross-builds modules)
#   busybox-static:arm64  (extracted, not installed)
# Foreign-arch packages need `dpkg --add-architecture arm64` and an apt-get update: done here, once.
# Pins: LAB_ABI (default 6.1.0-56), LAB_VERSION (default 6.1.192-2), LAB_KBUILD (default 6.1),
# LAB_BUSYBOX (default 1:1.35.0-4+deb12u1+b1). LAB_DBG=1 also fetches the debug vmlinux (about
# 700 MB; lab/README.md, "Kernel-side frames"). Prints the extracted root.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

abi="${LAB_ABI:-6.1.0-56}"
ver="${LAB_VERSION:-6.1.192-2}"
kbuild="${LAB_KBUILD:-6.1}"
bbver="${LAB_BUSYBOX:-1:1.35.0-4+deb12u1+b1}"
cache="${LAB_CACHE:-$root/.cache/lab/arm64}"
out="$cache/root"

lab_foreign_arch lab/arm64/fetch arm64
lab_fetch_debs lab/arm64/fetch "$cache/debs" "$out" \
  "linux-image-${abi}-arm64-unsigned:arm64=${ver}" \
  "linux-headers-${abi}-arm64:arm64=${ver}" \
  "linux-headers-${abi}-common:all=${ver}" \
  "linux-kbuild-${kbuild}:amd64=${ver}" \
  "busybox-static:arm64=${bbver}"
lab_headers_ready "$out" "linux-headers-${abi}-arm64" "$abi" "$ver"
lab_fetch_dbg KERNEL_ARCH=arm64 KERNEL_ABI="$abi" KERNEL_VERSION="$ver"
echo "$out"
