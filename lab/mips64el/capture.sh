#!/usr/bin/env bash
# Captures mips64el lab crashes into lab/crashes/mips64el-<name>/: console.log and the oopslab.ko
# that crashed. Cross-builds the module (lab/mips64el/build.sh) and builds the initramfs with the
# mips64el busybox (lab/initramfs.sh KO OUT with BUSYBOX), then boots it (lab/mips64el/run.sh).
#   lab/mips64el/capture.sh NAME BUG [--nokaslr]     env: BOOTS (boots in one capture), TIMEOUT
# NAME is without the mips64el- prefix. truth.json is written by hand from lab/module/oopslab.c,
# never from oopscope's output.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
name="$1"; bug="$2"; shift 2
ko="$(nice "$root/lab/mips64el/build.sh")"
kroot="$root/.cache/lab/mips64el/root"
BUSYBOX="$kroot/bin/busybox" "$root/lab/initramfs.sh" "$ko" "$root/lab/build/mips64el/initramfs.cpio.gz" >/dev/null
dir="$root/lab/crashes/mips64el-$name"
mkdir -p "$dir"
"$root/lab/mips64el/run.sh" "$bug" "$root/lab/build/mips64el/out/$name.log" "$@"
# drop terminal escape sequences and NUL/CR bytes; keep the rest verbatim
sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\r$//' "$root/lab/build/mips64el/out/$name.log" | tr -d '\000' > "$dir/console.log"
cp "$ko" "$dir/oopslab.ko"
echo "$dir"
