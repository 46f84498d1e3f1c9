#!/usr/bin/env bash
# Boots the lab kernel under qemu-system-x86_64 (software emulation, -accel tcg, -nographic) with
# the lab initramfs, commits one oopslab bug per boot, and captures the serial console to a file.
# panic=1 makes the kernel reboot one second after a panic (oops=panic turns every oops into one),
# and the same command line crashes again on every boot: a reboot loop. qemu is killed after
# BOOTS boots (counted by "Linux version" banners) or TIMEOUT seconds.
#
#   lab/run.sh BUG OUT.log [--nokaslr]        env: BOOTS (default 1), TIMEOUT (default 300), MEM
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bug="$1"; out="$2"; shift 2
kroot="$root/.cache/lab/root"
abi="$(cat "$kroot/ABI")"
append="$(lab_cmdline ttyS0,115200 "$bug" "$(lab_kaslr "$@")")"
lab_boot lab/run "$out" \
  qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m "${MEM:-512}" -nographic -no-user-config \
  -nodefaults -serial "file:$out" -monitor none -kernel "$kroot/boot/vmlinuz-${abi}-amd64" \
  -initrd "$root/lab/build/initramfs.cpio.gz" -append "$append" -nic none
