#!/usr/bin/env bash
# Boots the mips64el lab kernel under qemu-system-mips64el (-M malta -cpu 5KEc, software
# emulation, -nographic) with the mips64el lab initramfs, commits one oopslab bug per boot, and
# captures the Malta board's first UART (ttyS0) to a file. As in lab/run.sh: panic=1 and
# oops=panic make every crash reboot (the Malta reset register; qemu reloads -kernel) into the
# same crash, and qemu is killed after BOOTS boots (counted by "Linux version" banners) or
# TIMEOUT seconds.
#
# PANIC_ON_WARN=0 drops panic_on_warn=1: this kernel's WARN_ON() (no GENERIC_BUG on MIPS) reaches
# __warn() without registers, so with panic_on_warn it panics before printing the trace.
#
#   lab/mips64el/run.sh BUG OUT.log [--nokaslr]     env: BOOTS (default 1), TIMEOUT (default 300), MEM,
#                                                   PANIC_ON_WARN (default 1)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
bug="$1"; out="$2"; shift 2
kroot="$root/.cache/lab/mips64el/root"
abi="$(cat "$kroot/ABI")"
append="$(lab_cmdline ttyS0 "$bug" "$(lab_kaslr "$@")" "${PANIC_ON_WARN:-1}")"
lab_boot lab/mips64el/run "$out" \
  nice qemu-system-mips64el -M malta -cpu 5KEc -m "${MEM:-512}" -nographic -no-user-config \
  -nodefaults -serial "file:$out" -monitor none -kernel "$kroot/boot/vmlinuz-${abi}-5kc-malta" \
  -initrd "$root/lab/build/mips64el/initramfs.cpio.gz" -append "$append" -nic none
