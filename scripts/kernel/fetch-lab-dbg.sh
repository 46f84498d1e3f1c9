#!/usr/bin/env bash
# Fetches the debug vmlinux of each kernel the crash lab's captures ran (lab/crashes/*/truth.json,
# `kernel.release`), pinned to the lab's versions, with fetch-debian-dbg.sh: what
# `LAB_VMLINUX=1 vitest run packages/cli/src/lab.test.ts` checks the kernel-side frames against.
#   6.1.0-56-amd64       linux-image-6.1.0-56-amd64-dbg        6.1.192-2  (lab/fetch.sh)
#   6.1.0-56-arm64       linux-image-6.1.0-56-arm64-dbg:arm64  6.1.192-2  (lab/arm64/fetch.sh)
#   6.1.0-50-5kc-malta   linux-image-6.1.0-50-5kc-malta-dbg:mips64el  6.1.176-1  (lab/mips64el/fetch.sh)
# Each is skipped when already extracted. Arguments: the arches to fetch (default: all three).
# A kernel that cannot be fetched (the archive no longer carries that version) is reported and left
# out, so that its captures' checks are skipped, by name, instead of failing the run; FETCH_STRICT=1
# makes it an error.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
arches=("$@")
[[ ${#arches[@]} -gt 0 ]] || arches=(amd64 arm64 mips64el)
status=0
for arch in "${arches[@]}"; do
  case "$arch" in
    amd64) env=(KERNEL_ARCH=amd64 KERNEL_ABI=6.1.0-56 KERNEL_VERSION=6.1.192-2) ;;
    arm64) env=(KERNEL_ARCH=arm64 KERNEL_ABI=6.1.0-56 KERNEL_VERSION=6.1.192-2) ;;
    mips64el) env=(KERNEL_ARCH=mips64el KERNEL_FLAVOUR=5kc-malta KERNEL_ABI=6.1.0-50 KERNEL_VERSION=6.1.176-1) ;;
    *) echo "fetch-lab-dbg: unknown arch $arch (amd64, arm64, mips64el)" >&2; exit 2 ;;
  esac
  if ! env "${env[@]}" "$here/fetch-debian-dbg.sh"; then
    echo "fetch-lab-dbg: WARNING: ${env[*]} not fetched; its captures' kernel-frame checks will be skipped" >&2
    status=1
  fi
done
if [[ "${FETCH_STRICT:-0}" == 1 ]]; then exit "$status"; fi
