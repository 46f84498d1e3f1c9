#!/usr/bin/env bash
# Fetches Debian's linux-image-<abi>-amd64-dbg package and extracts only the two files the
# real-kernel comparison and the symbolizer bench need: the debug vmlinux and bonding.ko.
# Everything lands in a git-ignored cache (default .cache/kernel/, override with KERNEL_CACHE).
# The ABI defaults to whatever linux-image-amd64-dbg depends on; set KERNEL_ABI to pin one
# (e.g. KERNEL_ABI=6.1.0-56). Prints the time spent downloading and extracting.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${KERNEL_CACHE:-$root/.cache/kernel}"
mkdir -p "$cache"
cd "$cache"

if [[ -z "${KERNEL_ABI:-}" ]]; then
  dep="$(apt-cache depends linux-image-amd64-dbg | sed -n 's/.*Depends: linux-image-\(.*\)-amd64-dbg$/\1/p' | head -1)"
  if [[ -z "$dep" ]]; then
    echo "fetch-debian-dbg: cannot resolve the ABI from linux-image-amd64-dbg; set KERNEL_ABI" >&2
    echo "available:" >&2
    apt-cache search 'linux-image.*amd64-dbg' >&2 || true
    exit 1
  fi
  KERNEL_ABI="$dep"
fi
pkg="linux-image-${KERNEL_ABI}-amd64-dbg"
release="${KERNEL_ABI}-amd64"
echo "fetch-debian-dbg: package $pkg" >&2

if [[ -f "$release/vmlinux" && -f "$release/bonding.ko" ]]; then
  echo "fetch-debian-dbg: already extracted in $cache/$release" >&2
  echo "$cache/$release"
  exit 0
fi

t0=$(date +%s%N)
deb="$(ls ${pkg}_*.deb 2>/dev/null | head -1 || true)"
if [[ -z "$deb" ]]; then
  apt-get download "$pkg" >&2
  deb="$(ls ${pkg}_*.deb | head -1)"
fi
t1=$(date +%s%N)

mkdir -p "$release"
# Only the two members we need; the rest of the archive is streamed past, never written.
dpkg-deb --fsys-tarfile "$deb" \
  | tar -x -C "$release" --wildcards --no-anchored --transform='s,.*/,,' \
      "usr/lib/debug/boot/vmlinux-${release}" '*/drivers/net/bonding/bonding.ko'
mv "$release/vmlinux-${release}" "$release/vmlinux"
t2=$(date +%s%N)

echo "$KERNEL_ABI" > "$release/ABI"
ms() { echo "$(( $1 / 1000000000 )).$(( ($1 / 100000000) % 10 ))"; }
echo "fetch-debian-dbg: download $(ms $((t1 - t0))) s, extract $(ms $((t2 - t1))) s, deb $(stat -L -c %s "$deb") bytes" \
  | tee "$release/TIMING" >&2
if [[ "${KEEP_DEB:-0}" != 1 ]]; then rm -f "$deb"; fi
echo "$cache/$release"
