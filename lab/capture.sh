#!/usr/bin/env bash
# Captures lab crashes into lab/crashes/<name>/: console.log and the oopslab.ko that crashed.
# Builds the module and the initramfs first (lab/build.sh, lab/initramfs.sh).
#   lab/capture.sh NAME BUG [--nokaslr]     env: BOOTS (boots in one capture), TIMEOUT
# truth.json is written by hand from lab/module/oopslab.c, never from oopscope's output.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
name="$1"; bug="$2"; shift 2
ko="$("$root/lab/build.sh")"
"$root/lab/initramfs.sh" "$ko" >/dev/null
dir="$root/lab/crashes/$name"
mkdir -p "$dir"
"$root/lab/run.sh" "$bug" "$root/lab/build/out/$name.log" "$@"
# strip the terminal escape sequences SeaBIOS prints and the NUL/CR bytes; keep the rest verbatim
sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\r$//' "$root/lab/build/out/$name.log" | tr -d '\000' > "$dir/console.log"
cp "$ko" "$dir/oopslab.ko"
echo "$dir"
