#!/usr/bin/env bash
# Captures arm64 lab crashes into lab/crashes/arm64-<name>/: console.log and the oopslab.ko that
# crashed. Cross-builds the module (lab/arm64/build.sh) and builds the initramfs with the arm64
# busybox (lab/initramfs.sh KO OUT with BUSYBOX), then boots it (lab/arm64/run.sh).
#   lab/arm64/capture.sh NAME BUG [--nokaslr]     env: BOOTS (boots in one capture), TIMEOUT
# NAME is without the arm64- prefix. truth.json is written by hand from lab/module/oopslab.c,
# never from oopscope's output.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
name="$1"; bug="$2"; shift 2
ko="$("$root/lab/arm64/build.sh")"
kroot="$root/.cache/lab/arm64/root"
BUSYBOX="$kroot/bin/busybox" "$root/lab/initramfs.sh" "$ko" "$root/lab/build/arm64/initramfs.cpio.gz" >/dev/null
dir="$root/lab/crashes/arm64-$name"
mkdir -p "$dir"
"$root/lab/arm64/run.sh" "$bug" "$root/lab/build/arm64/out/$name.log" "$@"
# drop terminal escape sequences and NUL/CR bytes; keep the rest verbatim
sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\r$//' "$root/lab/build/arm64/out/$name.log" | tr -d '\000' > "$dir/console.log"
cp "$ko" "$dir/oopslab.ko"
echo "$dir"
