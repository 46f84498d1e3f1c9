#!/usr/bin/env bash
# Captures arm64 lab crashes into lab/crashes/arm64-<name>/: console.log and the oopslab.ko that
# crashed. Cross-builds the module (lab/arm64/build.sh) and builds the initramfs with the arm64
# busybox (lab/initramfs.sh KO OUT with BUSYBOX), then boots it (lab/arm64/run.sh).
#   lab/arm64/capture.sh NAME BUG [--nokaslr]     env: BOOTS (boots in one capture), TIMEOUT
# NAME is without the arm64- prefix. truth.json is written by hand from lab/module/oopslab.c,
# never from oopscope's output.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
name="$1"; bug="$2"; shift 2
ko="$("$root/lab/arm64/build.sh")"
lab_capture "$ko" "$root/lab/build/arm64/initramfs.cpio.gz" "$root/.cache/lab/arm64/root/bin/busybox" \
  "$root/lab/arm64/run.sh" "$root/lab/build/arm64/out/$name.log" "$root/lab/crashes/arm64-$name" "$bug" "$@"
