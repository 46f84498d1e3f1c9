#!/usr/bin/env bash
# Captures mips64el lab crashes into lab/crashes/mips64el-<name>/: console.log and the oopslab.ko
# that crashed. Cross-builds the module (lab/mips64el/build.sh) and builds the initramfs with the
# mips64el busybox (lab/initramfs.sh KO OUT with BUSYBOX), then boots it (lab/mips64el/run.sh).
#   lab/mips64el/capture.sh NAME BUG [--nokaslr]     env: BOOTS (boots in one capture), TIMEOUT
# NAME is without the mips64el- prefix. truth.json is written by hand from lab/module/oopslab.c,
# never from oopscope's output.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
name="$1"; bug="$2"; shift 2
ko="$(nice "$root/lab/mips64el/build.sh")"
lab_capture "$ko" "$root/lab/build/mips64el/initramfs.cpio.gz" "$root/.cache/lab/mips64el/root/bin/busybox" \
  "$root/lab/mips64el/run.sh" "$root/lab/build/mips64el/out/$name.log" "$root/lab/crashes/mips64el-$name" "$bug" "$@"
