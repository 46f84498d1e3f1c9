#!/usr/bin/env bash
# Captures lab crashes into lab/crashes/<name>/: console.log and the oopslab.ko that crashed.
# Builds the module and the initramfs first (lab/build.sh, lab/initramfs.sh).
#   lab/capture.sh NAME BUG [--nokaslr]     env: BOOTS (boots in one capture), TIMEOUT
# truth.json is written by hand from lab/module/oopslab.c, never from oopscope's output.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
name="$1"; bug="$2"; shift 2
ko="$("$root/lab/build.sh")"
lab_capture "$ko" "$root/lab/build/initramfs.cpio.gz" "" "$root/lab/run.sh" \
  "$root/lab/build/out/$name.log" "$root/lab/crashes/$name" "$bug" "$@"
