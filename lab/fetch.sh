#!/usr/bin/env bash
# Fetches the pinned Debian kernel the crash lab boots, and what our module builds against:
#   linux-image-<abi>-amd64-unsigned  (vmlinuz + in-tree modules)
#   linux-headers-<abi>-amd64, linux-headers-<abi>-common, linux-kbuild-<major>  (out-of-tree kbuild)
# with `apt-get download pkg=version` and `dpkg -x` into the git-ignored .cache/lab/root/.
# The -dbg package (debug vmlinux) comes from scripts/kernel/fetch-debian-dbg.sh and its cache,
# only when LAB_DBG=1 (it is 860 MB).
# Pins: LAB_ABI (default 6.1.0-56), LAB_VERSION (default 6.1.192-2), LAB_KBUILD (default 6.1).
# Prints the extracted root.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
abi="${LAB_ABI:-6.1.0-56}"
ver="${LAB_VERSION:-6.1.192-2}"
kbuild="${LAB_KBUILD:-6.1}"
cache="${LAB_CACHE:-$root/.cache/lab}"
debs="$cache/debs"
out="$cache/root"
mkdir -p "$debs" "$out"

pkgs=(
  "linux-image-${abi}-amd64-unsigned"
  "linux-headers-${abi}-amd64"
  "linux-headers-${abi}-common"
  "linux-kbuild-${kbuild}"
)
cd "$debs"
for p in "${pkgs[@]}"; do
  if ! ls "${p}_${ver}_"*.deb >/dev/null 2>&1; then
    echo "lab/fetch: apt-get download ${p}=${ver}" >&2
    apt-get download "${p}=${ver}" >&2
  fi
  stamp="$out/.${p}_${ver}"
  if [[ ! -f "$stamp" ]]; then
    dpkg -x "$(ls "${p}_${ver}_"*.deb | head -1)" "$out"
    touch "$stamp"
  fi
done
# The headers' Makefile includes the common tree by absolute path; make it relative to the
# directory kbuild runs in (make -C), so the extracted tree works wherever the cache is.
mk="$out/usr/src/linux-headers-${abi}-amd64/Makefile"
sed -i "s,^include /usr/src/,include ../," "$mk"
echo "$abi" > "$out/ABI"
echo "$ver" > "$out/VERSION"

if [[ "${LAB_DBG:-0}" == 1 ]]; then
  KERNEL_ABI="$abi" "$root/scripts/kernel/fetch-debian-dbg.sh" >&2
fi
echo "$out"
