#!/usr/bin/env bash
# Boots the arm64 lab kernel under qemu-system-aarch64 (-M virt -cpu cortex-a57, software
# emulation: -accel tcg, -nographic) with the arm64 lab initramfs, commits one oopslab bug per
# boot, and captures the PL011 serial console (ttyAMA0) to a file. As in lab/run.sh: panic=1 and
# oops=panic make every crash reboot (qemu reloads -kernel on the PSCI reset) into the same crash,
# and qemu is killed after BOOTS boots (counted by "Linux version" banners) or TIMEOUT seconds.
#
#   lab/arm64/run.sh BUG OUT.log [--nokaslr]        env: BOOTS (default 1), TIMEOUT (default 300), MEM
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
bug="$1"; out="$2"; shift 2
kroot="$root/.cache/lab/arm64/root"
abi="$(cat "$kroot/ABI")"
append="$(lab_cmdline ttyAMA0 "$bug" "$(lab_kaslr "$@")")"
lab_boot lab/arm64/run "$out" \
  qemu-system-aarch64 -M virt -cpu cortex-a57 -accel tcg -smp 1 -m "${MEM:-512}" -nographic \
  -no-user-config -nodefaults -serial "file:$out" -monitor none -kernel "$kroot/boot/vmlinuz-${abi}-arm64" \
  -initrd "$root/lab/build/arm64/initramfs.cpio.gz" -append "$append" -nic none
