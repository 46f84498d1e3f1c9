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
. "$(dirname "$0")/lib.sh"

abi="${LAB_ABI:-6.1.0-56}"
ver="${LAB_VERSION:-6.1.192-2}"
kbuild="${LAB_KBUILD:-6.1}"
cache="${LAB_CACHE:-$root/.cache/lab}"
out="$cache/root"

lab_fetch_debs lab/fetch "$cache/debs" "$out" \
  "linux-image-${abi}-amd64-unsigned=${ver}" \
  "linux-headers-${abi}-amd64=${ver}" \
  "linux-headers-${abi}-common=${ver}" \
  "linux-kbuild-${kbuild}=${ver}"
lab_headers_ready "$out" "linux-headers-${abi}-amd64" "$abi" "$ver"
lab_fetch_dbg KERNEL_ABI="$abi"
echo "$out"
