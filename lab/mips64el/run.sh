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
root="$(cd "$(dirname "$0")/../.." && pwd)"
bug="$1"; out="$2"; shift 2
kaslr=""
for a in "$@"; do case "$a" in --nokaslr) kaslr="nokaslr" ;; esac; done
kroot="$root/.cache/lab/mips64el/root"
abi="$(cat "$kroot/ABI")"
kernel="$kroot/boot/vmlinuz-${abi}-5kc-malta"
initrd="$root/lab/build/mips64el/initramfs.cpio.gz"
boots="${BOOTS:-1}"
timeout="${TIMEOUT:-300}"
append="console=ttyS0 panic=1 oops=panic panic_on_warn=${PANIC_ON_WARN:-1} softlockup_panic=1"
append="$append slub_debug=FZP watchdog_thresh=5 quiet loglevel=7 oopslab=$bug $kaslr"
mkdir -p "$(dirname "$out")"
: > "$out"
nice qemu-system-mips64el -M malta -cpu 5KEc -m "${MEM:-512}" -nographic -no-user-config \
  -nodefaults -serial "file:$out" -monitor none -kernel "$kernel" -initrd "$initrd" \
  -append "$append" -nic none &
qpid=$!
t0=$(date +%s)
while kill -0 "$qpid" 2>/dev/null; do
  sleep 2
  n=$(grep -c 'Linux version' "$out" || true)
  # count a boot as finished when the next one has started, or when the last one panicked
  # and said it is rebooting
  if (( n > boots )) || { (( n == boots )) && grep -q 'Rebooting in' <(sed -n "/Linux version/h;//!H;\${x;p}" "$out"); }; then
    sleep 0.5; break
  fi
  if (( $(date +%s) - t0 > timeout )); then echo "lab/mips64el/run: timeout" >&2; break; fi
done
kill "$qpid" 2>/dev/null || true
wait "$qpid" 2>/dev/null || true
echo "lab/mips64el/run: $(grep -c 'Linux version' "$out" || true) boot(s) in $out ($(( $(date +%s) - t0 )) s)" >&2
