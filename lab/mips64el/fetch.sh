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
# LAB_BUSYBOX (default 1:1.35.0-4+deb12u1+b1). Prints the extracted root.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
abi="${LAB_ABI:-6.1.0-50}"
ver="${LAB_VERSION:-6.1.176-1}"
kbuild="${LAB_KBUILD:-6.1}"
bbver="${LAB_BUSYBOX:-1:1.35.0-4+deb12u1+b1}"
flavour=5kc-malta
cache="${LAB_CACHE:-$root/.cache/lab/mips64el}"
debs="$cache/debs"
out="$cache/root"
mkdir -p "$debs" "$out"

if ! dpkg --print-foreign-architectures | grep -qx mips64el; then
  echo "lab/mips64el/fetch: dpkg --add-architecture mips64el && apt-get update" >&2
  dpkg --add-architecture mips64el
  apt-get update >&2
fi

# package:arch=version, and the file apt-get download names it (epochs become %3a)
pkgs=(
  "linux-image-${abi}-${flavour}:mips64el=${ver}"
  "linux-headers-${abi}-${flavour}:mips64el=${ver}"
  "linux-headers-${abi}-common:all=${ver}"
  "linux-kbuild-${kbuild}:amd64=${ver}"
  "busybox-static:mips64el=${bbver}"
)
cd "$debs"
for spec in "${pkgs[@]}"; do
  pa="${spec%%=*}"; v="${spec#*=}"; p="${pa%%:*}"; a="${pa#*:}"
  deb="${p}_${v/:/%3a}_${a}.deb"
  if [[ ! -f "$deb" ]]; then
    echo "lab/mips64el/fetch: apt-get download ${p}:${a}=${v}" >&2
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
mk="$out/usr/src/linux-headers-${abi}-${flavour}/Makefile"
sed -i "s,^include /usr/src/,include ../," "$mk"
echo "$abi" > "$out/ABI"
echo "$ver" > "$out/VERSION"
# the debug vmlinux (lab/README.md, "Kernel-side frames"), only when LAB_DBG=1 (about 700 MB)
if [[ "${LAB_DBG:-0}" == 1 ]]; then
  KERNEL_ARCH=mips64el KERNEL_FLAVOUR="$flavour" KERNEL_ABI="$abi" KERNEL_VERSION="$ver" "$root/scripts/kernel/fetch-debian-dbg.sh" >&2
fi
echo "$out"
