#!/usr/bin/env bash
# Boots the lab kernel under qemu-system-x86_64 (software emulation, -accel tcg, -nographic) with
# the lab initramfs, commits one oopslab bug per boot, and captures the serial console to a file.
# panic=1 makes the kernel reboot one second after a panic (oops=panic turns every oops into one),
# and the same command line crashes again on every boot: a reboot loop. qemu is killed after
# BOOTS boots (counted by "Linux version" banners) or TIMEOUT seconds.
#
#   lab/run.sh BUG OUT.log [--nokaslr]        env: BOOTS (default 1), TIMEOUT (default 300), MEM
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bug="$1"; out="$2"; shift 2
kaslr=""
for a in "$@"; do case "$a" in --nokaslr) kaslr="nokaslr" ;; esac; done
kroot="$root/.cache/lab/root"
abi="$(cat "$kroot/ABI")"
kernel="$kroot/boot/vmlinuz-${abi}-amd64"
initrd="$root/lab/build/initramfs.cpio.gz"
boots="${BOOTS:-1}"
timeout="${TIMEOUT:-300}"
append="console=ttyS0,115200 panic=1 oops=panic panic_on_warn=1 softlockup_panic=1"
append="$append slub_debug=FZP watchdog_thresh=5 quiet loglevel=7 oopslab=$bug $kaslr"
mkdir -p "$(dirname "$out")"
: > "$out"
qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m "${MEM:-512}" -nographic -no-user-config \
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
  if (( $(date +%s) - t0 > timeout )); then echo "lab/run: timeout" >&2; break; fi
done
kill "$qpid" 2>/dev/null || true
wait "$qpid" 2>/dev/null || true
echo "lab/run: $(grep -c 'Linux version' "$out" || true) boot(s) in $out ($(( $(date +%s) - t0 )) s)" >&2
