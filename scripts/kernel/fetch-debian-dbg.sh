#!/usr/bin/env bash
# Fetches Debian's linux-image-<abi>-<flavour>-dbg package and extracts only the files the
# real-kernel checks need: the debug vmlinux, and for amd64 also bonding.ko (the symbolizer
# comparison and bench). Everything lands in a git-ignored cache (default .cache/kernel/, override
# with KERNEL_CACHE), one directory per kernel release: .cache/kernel/<abi>-<flavour>/.
#   KERNEL_ARCH     Debian architecture (default amd64); a foreign one is added with
#                   `dpkg --add-architecture` + `apt-get update` the first time (root, or sudo)
#   KERNEL_FLAVOUR  kernel flavour (default: the architecture, e.g. amd64, arm64; mips64el has none
#                   of that name: use 5kc-malta, the crash lab's)
#   KERNEL_ABI      the ABI (e.g. 6.1.0-56); default: whatever linux-image-<flavour>-dbg depends on
#   KERNEL_VERSION  the package version (e.g. 6.1.192-2); default: apt's candidate
# Examples (the crash lab's three kernels):
#   scripts/kernel/fetch-debian-dbg.sh
#   KERNEL_ARCH=arm64 KERNEL_ABI=6.1.0-56 KERNEL_VERSION=6.1.192-2 scripts/kernel/fetch-debian-dbg.sh
#   KERNEL_ARCH=mips64el KERNEL_FLAVOUR=5kc-malta KERNEL_ABI=6.1.0-50 KERNEL_VERSION=6.1.176-1 \
#     scripts/kernel/fetch-debian-dbg.sh
# Prints the time spent downloading and extracting, then the directory.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${KERNEL_CACHE:-$root/.cache/kernel}"
arch="${KERNEL_ARCH:-amd64}"
flavour="${KERNEL_FLAVOUR:-$arch}"
mkdir -p "$cache"
cd "$cache"

if [[ "$arch" != "$(dpkg --print-architecture)" ]] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  echo "fetch-debian-dbg: dpkg --add-architecture $arch && apt-get update" >&2
  sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo=sudo
  $sudo dpkg --add-architecture "$arch"
  $sudo apt-get update >&2
fi

if [[ -z "${KERNEL_ABI:-}" ]]; then
  dep="$(apt-cache depends "linux-image-${flavour}-dbg:${arch}" \
    | sed -n "s/.*Depends: linux-image-\(.*\)-${flavour}-dbg\(:${arch}\)\?$/\1/p" | head -1)"
  if [[ -z "$dep" ]]; then
    echo "fetch-debian-dbg: cannot resolve the ABI from linux-image-${flavour}-dbg:${arch}; set KERNEL_ABI" >&2
    echo "available:" >&2
    apt-cache search "linux-image.*${flavour}-dbg" >&2 || true
    exit 1
  fi
  KERNEL_ABI="$dep"
fi
pkg="linux-image-${KERNEL_ABI}-${flavour}-dbg"
release="${KERNEL_ABI}-${flavour}"
echo "fetch-debian-dbg: package $pkg:$arch${KERNEL_VERSION:+=$KERNEL_VERSION}" >&2

# What to extract: the vmlinux always; bonding.ko for amd64 (scripts/kernel/compare.mjs).
members=("usr/lib/debug/boot/vmlinux-${release}")
want=("$release/vmlinux")
if [[ "$arch" == amd64 ]]; then
  members+=('*/drivers/net/bonding/bonding.ko')
  want+=("$release/bonding.ko")
fi
done=1
for f in "${want[@]}"; do [[ -f "$f" ]] || done=0; done
if [[ "$done" == 1 ]]; then
  echo "fetch-debian-dbg: already extracted in $cache/$release" >&2
  echo "$cache/$release"
  exit 0
fi

t0=$(date +%s%N)
deb="$(ls "${pkg}"_*"_${arch}.deb" 2>/dev/null | head -1 || true)"
if [[ -z "$deb" ]]; then
  apt-get download "${pkg}:${arch}${KERNEL_VERSION:+=$KERNEL_VERSION}" >&2
  deb="$(ls "${pkg}"_*"_${arch}.deb" | head -1)"
fi
t1=$(date +%s%N)

mkdir -p "$release"
# Only the members we need; the rest of the archive is streamed past, never written.
dpkg-deb --fsys-tarfile "$deb" \
  | tar -x -C "$release" --wildcards --no-anchored --transform='s,.*/,,' "${members[@]}"
mv "$release/vmlinux-${release}" "$release/vmlinux"
t2=$(date +%s%N)

echo "$KERNEL_ABI" > "$release/ABI"
ms() { echo "$(( $1 / 1000000000 )).$(( ($1 / 100000000) % 10 ))"; }
echo "fetch-debian-dbg: download $(ms $((t1 - t0))) s, extract $(ms $((t2 - t1))) s, deb $(stat -L -c %s "$deb") bytes" \
  | tee "$release/TIMING" >&2
if [[ "${KEEP_DEB:-0}" != 1 ]]; then rm -f "$deb"; fi
echo "$cache/$release"
