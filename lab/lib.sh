# shellcheck shell=bash
# What the crash lab's scripts share, for every architecture: fetching and extracting pinned Debian
# packages, building oopslab.ko with prefix maps, booting qemu until BOOTS boots or TIMEOUT seconds
# while the console goes to a file, and keeping a capture. Sourced (never run) by lab/*.sh and
# lab/<arch>/*.sh, which keep only what differs: packages, cross compiler, qemu command, console,
# kernel command line. Sets `root`, the repository's top directory.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# lab_foreign_arch TAG ARCH: `dpkg --add-architecture ARCH` and `apt-get update`, once (when ARCH is
# not yet a foreign architecture): foreign-arch packages cannot be downloaded before.
lab_foreign_arch() {
  local tag="$1" arch="$2"
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    echo "$tag: dpkg --add-architecture $arch && apt-get update" >&2
    dpkg --add-architecture "$arch"
    apt-get update >&2
  fi
}

# lab_fetch_debs TAG DEBS OUT SPEC...: `apt-get download` each package into DEBS unless its .deb is
# there, and `dpkg -x` it into OUT unless its stamp (OUT/.<name>) says it was. SPEC is
# package:arch=version (arch `all` for an arch-independent package; the file apt-get download names
# it, epochs as %3a), or package=version for the build machine's own architecture (any file
# package_version_*.deb).
lab_fetch_debs() {
  local tag="$1" debs="$2" out="$3"; shift 3
  local spec pa v p a deb stamp
  mkdir -p "$debs" "$out"
  for spec in "$@"; do
    pa="${spec%%=*}"; v="${spec#*=}"; p="${pa%%:*}"
    if [[ "$pa" == *:* ]]; then
      a="${pa#*:}"
      deb="${p}_${v/:/%3a}_${a}.deb"
      stamp=".${deb}"
      if [[ ! -f "$debs/$deb" ]]; then
        echo "$tag: apt-get download ${p}:${a}=${v}" >&2
        if [[ "$a" == all ]]; then
          (cd "$debs" && apt-get download "${p}=${v}" >&2)
        else
          (cd "$debs" && apt-get download "${p}:${a}=${v}" >&2)
        fi
      fi
    else
      stamp=".${p}_${v}"
      if ! ls "$debs/${p}_${v}_"*.deb >/dev/null 2>&1; then
        echo "$tag: apt-get download ${p}=${v}" >&2
        (cd "$debs" && apt-get download "${p}=${v}" >&2)
      fi
      deb="$(cd "$debs" && ls "${p}_${v}_"*.deb | head -1)"
    fi
    if [[ ! -f "$out/$stamp" ]]; then
      dpkg -x "$debs/$deb" "$out"
      touch "$out/$stamp"
    fi
  done
}

# lab_headers_ready OUT HEADERS ABI VERSION: the extracted headers' Makefile
# (OUT/usr/src/HEADERS/Makefile) includes the common tree by absolute path; make it relative to the
# directory kbuild runs in (make -C), so the extracted tree works wherever the cache is. Records the
# pins in OUT/ABI and OUT/VERSION.
lab_headers_ready() {
  local out="$1" headers="$2" abi="$3" ver="$4"
  sed -i "s,^include /usr/src/,include ../," "$out/usr/src/$headers/Makefile"
  echo "$abi" > "$out/ABI"
  echo "$ver" > "$out/VERSION"
}

# lab_fetch_dbg VAR=VALUE...: when LAB_DBG=1, the debug vmlinux of the pinned kernel
# (lab/README.md, "Kernel-side frames"), by scripts/kernel/fetch-debian-dbg.sh with these variables.
lab_fetch_dbg() {
  if [[ "${LAB_DBG:-0}" == 1 ]]; then
    env "$@" "$root/scripts/kernel/fetch-debian-dbg.sh" >&2
  fi
}

# lab_build_module KROOT KDIR OUT [MAKE-VAR=VALUE...]: builds lab/module/oopslab.ko in OUT against
# the headers in KDIR (extracted under KROOT) with the prefix maps that keep build-machine paths out
# of the .ko (OUT → lab/module, KROOT/usr/src → /usr/src). Prints the .ko's path.
lab_build_module() {
  local kroot="$1" kdir="$2" out="$3"; shift 3
  mkdir -p "$out"
  cp "$root/lab/module/oopslab.c" "$root/lab/module/Kbuild" "$out/"
  local maps="-ffile-prefix-map=$out=lab/module -fdebug-prefix-map=$out=lab/module"
  maps="$maps -ffile-prefix-map=$kroot/usr/src=/usr/src -fdebug-prefix-map=$kroot/usr/src=/usr/src"
  make -C "$kdir" M="$out" "$@" KCFLAGS="$maps" modules >&2
  echo "$out/oopslab.ko"
}

# lab_kaslr ARG...: `nokaslr` when the arguments hold --nokaslr, else nothing.
lab_kaslr() {
  local a kaslr=""
  for a in "$@"; do case "$a" in --nokaslr) kaslr="nokaslr" ;; esac; done
  echo "$kaslr"
}

# lab_cmdline CONSOLE BUG KASLR [PANIC_ON_WARN]: the kernel command line every lab boots with.
# panic=1 reboots one second after a panic (oops=panic turns every oops into one), and the same
# command line crashes again on every boot: a reboot loop.
lab_cmdline() {
  local append="console=$1 panic=1 oops=panic panic_on_warn=${4:-1} softlockup_panic=1"
  echo "$append slub_debug=FZP watchdog_thresh=5 quiet loglevel=7 oopslab=$2 $3"
}

# lab_boot TAG OUT QEMU-COMMAND...: runs the qemu command (whose serial console writes OUT) and
# kills it after BOOTS boots (default 1; counted by "Linux version" banners) or TIMEOUT seconds
# (default 300).
lab_boot() {
  local tag="$1" out="$2"; shift 2
  local boots="${BOOTS:-1}" timeout="${TIMEOUT:-300}"
  mkdir -p "$(dirname "$out")"
  : > "$out"
  "$@" &
  local qpid=$! t0 n
  t0=$(date +%s)
  while kill -0 "$qpid" 2>/dev/null; do
    sleep 2
    n=$(grep -c 'Linux version' "$out" || true)
    # count a boot as finished when the next one has started, or when the last one panicked
    # and said it is rebooting
    if (( n > boots )) || { (( n == boots )) && grep -q 'Rebooting in' <(sed -n "/Linux version/h;//!H;\${x;p}" "$out"); }; then
      sleep 0.5; break
    fi
    if (( $(date +%s) - t0 > timeout )); then echo "$tag: timeout" >&2; break; fi
  done
  kill "$qpid" 2>/dev/null || true
  wait "$qpid" 2>/dev/null || true
  echo "$tag: $(grep -c 'Linux version' "$out" || true) boot(s) in $out ($(( $(date +%s) - t0 )) s)" >&2
}

# lab_capture KO INITRD BUSYBOX RUN LOG DIR BUG [RUN-ARG...]: builds the initramfs INITRD with KO
# (lab/initramfs.sh; BUSYBOX, when not empty, is the target's busybox), boots it with
# `RUN BUG LOG RUN-ARG...`, then writes DIR/console.log (the console with terminal escape sequences
# and NUL/CR bytes dropped, the rest verbatim) and DIR/oopslab.ko. Prints DIR.
lab_capture() {
  local ko="$1" initrd="$2" busybox="$3" run="$4" log="$5" dir="$6" bug="$7"; shift 7
  BUSYBOX="${busybox:-${BUSYBOX:-}}" "$root/lab/initramfs.sh" "$ko" "$initrd" >/dev/null
  mkdir -p "$dir"
  "$run" "$bug" "$log" "$@"
  sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\r$//' "$log" | tr -d '\000' > "$dir/console.log"
  cp "$ko" "$dir/oopslab.ko"
  echo "$dir"
}
