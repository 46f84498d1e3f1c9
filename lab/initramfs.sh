#!/usr/bin/env bash
# Builds the lab's initramfs: busybox-static as /bin/sh and friends, our oopslab.ko, and an /init
# that loads the module and commits the bug named by `oopslab=<bug>` on the kernel command line
# (see lab/module/oopslab.c for the names). Output: lab/build/initramfs.cpio.gz, or OUT.cpio.gz
# (the cross labs' capture.sh, lab/arm64/ and lab/mips64el/, pass their own, with BUSYBOX the target's
# busybox). Prints its path.
#   lab/initramfs.sh [KO [OUT.cpio.gz]]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ko="${1:-$root/lab/build/module/oopslab.ko}"
busybox="${BUSYBOX:-$(command -v busybox)}"
out="${2:-$root/lab/build/initramfs.cpio.gz}"
work="${out%.cpio.gz}"
rm -rf "$work"
mkdir -p "$work"/{bin,sbin,proc,sys,dev,tmp}
cp "$busybox" "$work/bin/busybox"
for app in sh mount insmod ip ping echo cat sleep poweroff reboot sync; do
  ln -s busybox "$work/bin/$app"
done
cp "$ko" "$work/oopslab.ko"
cat > "$work/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
bug=
for arg in $(cat /proc/cmdline); do
  case "$arg" in oopslab=*) bug="${arg#oopslab=}" ;; esac
done
echo "lab: init, bug=${bug:-none}"
ip link set lo up
ip addr add 127.0.0.1/8 dev lo 2>/dev/null
insmod /oopslab.ko || echo "lab: insmod failed"
if [ -n "$bug" ]; then
  echo "lab: triggering $bug"
  echo "$bug" > /proc/oopslab
  if [ "${bug#wildcard}" != "$bug" ]; then
    echo "lab: ping over lo"
    ping -c 3 127.0.0.1
  fi
  sleep 60
fi
echo "lab: no crash, powering off"
poweroff -f
INIT
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -9) > "$out"
echo "$out"
