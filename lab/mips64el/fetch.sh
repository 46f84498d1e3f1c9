#!/usr/bin/env bash
# Fetches the pinned Debian mips64el kernel the MIPS64 crash lab boots (the 5kc-malta flavour, for
# qemu's Malta board), what our module cross-builds against, and the mips64el busybox for the
# initramfs, into the git-ignored .cache/lab/mips64el/root/:
#   linux-image-<abi>-5kc-malta:mips64el  (boot/vmlinux-*, an ELF qemu loads with -kernel)
#   linux-headers-<abi>-5kc-malta:mips64el, linux-headers-<abi>-common  (out-of-tree kbuild)
#   linux-kbuild-<major>:amd64  (the host tools: fixdep, modpost; how Debian cross-builds modules)
#   busybox-static:mips64el  (extracted, not installed)
# The x86 lab's 6.1.192-2 (ABI 6.1.0-56) is not built for mips64el: the security archive carries no
# mips64el, so the nearest is bookworm's own 6.1.176-1 (ABI 6.1.0-50), pinned here.
# Foreign-arch packages need `dpkg --add-architecture mips64el` and an apt-get update: done here, once.
# Pins: LAB_ABI (default 6.1.0-50), LAB_VERSION (default 6.1.176-1), LAB_KBUILD (default 6.1),
# LAB_BUSYBOX (default 1:1.35.0-4+deb12u1+b1). LAB_DBG=1 also fetches the debug vmlinux (about
# 700 MB; lab/README.md, "Kernel-side frames"). Prints the extracted root.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

abi="${LAB_ABI:-6.1.0-50}"
ver="${LAB_VERSION:-6.1.176-1}"
kbuild="${LAB_KBUILD:-6.1}"
bbver="${LAB_BUSYBOX:-1:1.35.0-4+deb12u1+b1}"
flavour=5kc-malta
cache="${LAB_CACHE:-$root/.cache/lab/mips64el}"
out="$cache/root"

lab_foreign_arch lab/mips64el/fetch mips64el
lab_fetch_debs lab/mips64el/fetch "$cache/debs" "$out" \
  "linux-image-${abi}-${flavour}:mips64el=${ver}" \
  "linux-headers-${abi}-${flavour}:mips64el=${ver}" \
  "linux-headers-${abi}-common:all=${ver}" \
  "linux-kbuild-${kbuild}:amd64=${ver}" \
  "busybox-static:mips64el=${bbver}"
lab_headers_ready "$out" "linux-headers-${abi}-${flavour}" "$abi" "$ver"
lab_fetch_dbg KERNEL_ARCH=mips64el KERNEL_FLAVOUR="$flavour" KERNEL_ABI="$abi" KERNEL_VERSION="$ver"
echo "$out"
