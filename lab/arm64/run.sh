#!/usr/bin/env bash
# Boots the arm64 lab kernel under qemu-system-aarch64 (-M virt -cpu cortex-a57, software
# emulation: -accel tcg, -nographic) with the arm64 lab initramfs, commits one oopslab bug per
# boot, and captures the PL011 serial console (ttyAMA0) to a file. As in lab/run.sh: panic=1 and
# oops=panic make every crash reboot (qemu reloads -kernel on the PSCI reset) into the same crash,
# and qemu is killed after BOOTS boots (counted by "Linux version" banners) or TIMEOUT seconds.
#
#   lab/arm64/run.sh BUG OUT.log [--nokaslr]        env: BOOTS (default 1), TIMEOUT (default 300), MEM
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bug="$1"; out="$2"; shift 2
kaslr=""
for a in "$@"; do case "$a" in --nokaslr) kaslr="nokaslr" ;; esac; done
kroot="$root/.cache/lab/arm64/root"
abi="$(cat "$kroot/ABI")"
kernel="$kroot/boot/vmlinuz-${abi}-arm64"
initrd="$root/lab/build/arm64/initramfs.cpio.gz"
boots="${BOOTS:-1}"
timeout="${TIMEOUT:-300}"
append="console=ttyAMA0 panic=1 oops=panic panic_on_warn=1 softlockup_panic=1"
append="$append slub_debug=FZP watchdog_thresh=5 quiet loglevel=7 oopslab=$bug $kaslr"
mkdir -p "$(dirname "$out")"
: > "$out"
qemu-system-aarch64 -M virt -cpu cortex-a57 -accel tcg -smp 1 -m "${MEM:-512}" -nographic \
  -no-user-config -nodefaults -serial "file:$out" -monitor none -kernel "$kernel" \
  -initrd "$initrd" -append "$append" -nic none &
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
  if (( $(date +%s) - t0 > timeout )); then echo "lab/arm64/run: timeout" >&2; break; fi
done
kill "$qpid" 2>/dev/null || true
wait "$qpid" 2>/dev/null || true
echo "lab/arm64/run: $(grep -c 'Linux version' "$out" || true) boot(s) in $out ($(( $(date +%s) - t0 )) s)" >&2
