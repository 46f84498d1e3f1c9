#!/usr/bin/env bash
# Builds the ELF reader's test fixtures with Debian's cross compilers and records what the binutils
# and LLVM tools say about them (the oracle answers the tests compare against), into
# packages/core/test-data/elf/. Run from anywhere. Needs (Debian): binutils-multiarch, llvm, xz-utils,
# zstd, gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-mips64-linux-gnuabi64
# gcc-mips64el-linux-gnuabi64 gcc-mips-linux-gnu gcc-powerpc64le-linux-gnu gcc-riscv64-linux-gnu
# gcc-s390x-linux-gnu gcc-i686-linux-gnu (and gcc for x86-64). CI does not run it: its output and the
# oracle answers are committed, so the tests need none of these tools.
#
# For every architecture: a relocatable object (two units joined with `ld -r`, like a kernel module),
# and a linked executable (-nostdlib, so no C library is needed). Some get compressed-debug variants
# (gcc -gz=zlib, objcopy --compress-debug-sections=zstd, and the GNU .zdebug form) and the module
# compressions of .ko.xz / .ko.zst / .ko.gz. Oracle files per fixture:
#   NAME.sections.txt  readelf -S -W        NAME.symbols.txt  readelf -s -W
#   NAME.notes.txt     readelf -n           NAME.segments.txt readelf -l -W
#   NAME.modinfo.txt   readelf -p .modinfo
#   NAME-placed.ko.lines.txt  llvm-dwarfdump --debug-line --verbose, DW_LNE_set_address rows
#   NAME.reloc.txt     readelf -z -R SECTION for every .debug_* section (decompressed, relocations
#                      applied; readelf warns about the types it cannot apply, the tests skip those)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src="$here/packages/core/test-data/elf/src"
out="$here/packages/core/test-data/elf"
tmp="$(mktemp -d)"
rm -f "$out"/*.ko "$out"/*.o "$out"/*.elf "$out"/*.txt "$out"/*.xz "$out"/*.zst "$out"/*.gz
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C SOURCE_DATE_EPOCH=0
# Compile from the source directory and map it to "." so no path of this machine lands in the DWARF.
cd "$src"
map="-fdebug-prefix-map=$src=."

# name | tool prefix | compiler flags
arches=(
  "x86_64|x86_64-linux-gnu-|-mcmodel=kernel -mno-red-zone"
  "i386|i686-linux-gnu-|-m32"
  "aarch64|aarch64-linux-gnu-|"
  "arm|arm-linux-gnueabihf-|-mthumb"
  "mips64|mips64-linux-gnuabi64-|-march=octeon2 -mabi=64 -G 0 -mno-abicalls -fno-pic -mlong-calls"
  "mips64el|mips64el-linux-gnuabi64-|-mabi=64 -G 0 -mno-abicalls -fno-pic -mlong-calls"
  "mips|mips-linux-gnu-|-mno-abicalls -fno-pic -G 0"
  "ppc64le|powerpc64le-linux-gnu-|-mcmodel=medium"
  "riscv64|riscv64-linux-gnu-|-mcmodel=medany"
  "s390x|s390x-linux-gnu-|"
)

oracle() { # file name: write the oracle answers for one fixture
  local f="$1" n="$2"
  readelf -S -W "$f" >"$out/$n.sections.txt"
  readelf -s -W "$f" >"$out/$n.symbols.txt"
  readelf -n "$f" >"$out/$n.notes.txt" 2>&1 || true
  readelf -l -W "$f" >"$out/$n.segments.txt" 2>&1 || true
  readelf -p .modinfo "$f" >"$out/$n.modinfo.txt" 2>&1 || true
  : >"$out/$n.reloc.txt"
  # By section number: type units put several same-named sections (.debug_types, .debug_info) in one object.
  for s in $(readelf -S -W "$f" | sed -n 's/^ *\[ *\([0-9]*\)\] \.z\?debug_[a-z_.]* .*/\1/p'); do
    readelf -z -R "$s" "$f" >>"$out/$n.reloc.txt" 2>&1 || true
  done
}

for spec in "${arches[@]}"; do
  IFS="|" read -r name prefix flags <<<"$spec"
  cc="${prefix}gcc"
  base="$map -O2 -g -gdwarf-5 -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -ffreestanding"
  # shellcheck disable=SC2086
  $cc $base $flags -c a.c -o "$tmp/a.o"
  # shellcheck disable=SC2086
  $cc $base $flags -c b.c -o "$tmp/b.o"
  "${prefix}ld" -r "$tmp/a.o" "$tmp/b.o" -o "$out/$name.ko"
  # shellcheck disable=SC2086
  $cc $base $flags -nostdlib -static -no-pie -Wl,-e,entry -Wl,--build-id=sha1 -Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096 "$tmp/a.o" "$tmp/b.o" -o "$out/$name.elf"
  oracle "$out/$name.ko" "$name.ko"
  oracle "$out/$name.elf" "$name.elf"
  # The same module with every allocated section given its own address (sh_addr), 1 MiB apart:
  # LLVM adds sh_addr to the symbol values of ET_REL objects, so llvm-dwarfdump's line programs show
  # where each DW_LNE_set_address lands once sections are laid out.
  place=()
  i=1
  while read -r sec; do
    place+=(--change-section-address "$sec=$(printf '0x%x' $((i * 0x100000)))")
    i=$((i + 1))
  done < <(readelf -S -W "$out/$name.ko" | sed -n 's/^ *\[ *[0-9]*\] //p' | awk 'NF == 10 && $7 ~ /A/ { print $1 }')
  "${prefix}objcopy" "${place[@]}" "$out/$name.ko" "$out/$name-placed.ko"
  oracle "$out/$name-placed.ko" "$name-placed.ko"
  llvm-dwarfdump --debug-line --verbose "$out/$name-placed.ko" | grep DW_LNE_set_address >"$out/$name-placed.ko.lines.txt"
done

# DWARF 4 flavour and compressed debug sections, on a 64-bit LE, a 64-bit BE and a 32-bit target.
for spec in "${arches[0]}" "${arches[4]}" "${arches[3]}"; do
  IFS="|" read -r name prefix flags <<<"$spec"
  cc="${prefix}gcc"
  base="$map -O2 -g -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -ffreestanding"
  # shellcheck disable=SC2086
  $cc $base -gdwarf-4 $flags -c a.c -o "$tmp/a4.o"
  # shellcheck disable=SC2086
  $cc $base -gdwarf-4 $flags -c b.c -o "$tmp/b4.o"
  "${prefix}ld" -r "$tmp/a4.o" "$tmp/b4.o" -o "$out/$name-dwarf4.ko"
  oracle "$out/$name-dwarf4.ko" "$name-dwarf4.ko"
  # gcc -gz=zlib: SHF_COMPRESSED sections written by the assembler; relocations still index the
  # uncompressed contents.
  # shellcheck disable=SC2086
  $cc $base -gdwarf-5 -gz=zlib $flags -c a.c -o "$out/$name-gz-zlib.o"
  oracle "$out/$name-gz-zlib.o" "$name-gz-zlib.o"
  "${prefix}objcopy" --compress-debug-sections=zstd "$out/$name.ko" "$out/$name-zstd.ko"
  oracle "$out/$name-zstd.ko" "$name-zstd.ko"
  "${prefix}objcopy" --compress-debug-sections=zlib-gnu "$out/$name.ko" "$out/$name-zdebug.ko"
  oracle "$out/$name-zdebug.ko" "$name-zdebug.ko"
  "${prefix}objcopy" --compress-debug-sections=zlib "$out/$name.elf" "$out/$name-zlib.elf"
  oracle "$out/$name-zlib.elf" "$name-zlib.elf"
  # Type units (-fdebug-types-section): one COMDAT group per type, each with its own .debug_types
  # (DWARF 4) or .debug_info (DWARF 5) section, so an object holds several sections of one name.
  for v in 4 5; do
    # shellcheck disable=SC2086
    $cc $base -gdwarf-$v -fdebug-types-section $flags -c a.c -o "$out/$name-types$v.o"
    oracle "$out/$name-types$v.o" "$name-types$v.o"
  done
done

# Extended numbering (gABI, "Sections" and "Program Header"): e_shnum = 0 with the count in section 0's
# sh_size, e_shstrndx = SHN_XINDEX with the index in its sh_link, e_phnum = PN_XNUM with the count in
# its sh_info — as a file with 65,280 or more sections must be written. Patched into a copy of a
# little-endian 64-bit and 32-bit executable; readelf reads the copies as the originals.
le() { # value byte-count: the value as little-endian bytes
  local v=$1 n=$2 i
  for ((i = 0; i < n; i++)); do printf '\\x%02x' $(((v >> (8 * i)) & 255)); done
}
put() { # file offset value byte-count
  # shellcheck disable=SC2059
  printf "$(le "$3" "$4")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
xnum() { # input output class(32|64)
  local f="$2" shoff shnum shstrndx phnum
  cp "$1" "$f"
  if [ "$3" = 64 ]; then
    shoff=$(od -An -t u8 -j 40 -N 8 "$f" | tr -d ' ')
    phnum=$(od -An -t u2 -j 56 -N 2 "$f" | tr -d ' ')
    shnum=$(od -An -t u2 -j 60 -N 2 "$f" | tr -d ' ')
    shstrndx=$(od -An -t u2 -j 62 -N 2 "$f" | tr -d ' ')
    put "$f" 56 65535 2 && put "$f" 60 0 2 && put "$f" 62 65535 2
    put "$f" $((shoff + 32)) "$shnum" 8 && put "$f" $((shoff + 40)) "$shstrndx" 4 && put "$f" $((shoff + 44)) "$phnum" 4
  else
    shoff=$(od -An -t u4 -j 32 -N 4 "$f" | tr -d ' ')
    phnum=$(od -An -t u2 -j 44 -N 2 "$f" | tr -d ' ')
    shnum=$(od -An -t u2 -j 48 -N 2 "$f" | tr -d ' ')
    shstrndx=$(od -An -t u2 -j 50 -N 2 "$f" | tr -d ' ')
    put "$f" 44 65535 2 && put "$f" 48 0 2 && put "$f" 50 65535 2
    put "$f" $((shoff + 20)) "$shnum" 4 && put "$f" $((shoff + 24)) "$shstrndx" 4 && put "$f" $((shoff + 28)) "$phnum" 4
  fi
}
xnum "$out/x86_64.elf" "$out/x86_64-xnum.elf" 64
oracle "$out/x86_64-xnum.elf" "x86_64-xnum.elf"
xnum "$out/arm.elf" "$out/arm-xnum.elf" 32
oracle "$out/arm-xnum.elf" "arm-xnum.elf"

# Module file compressions, as the kernel's Makefile.modinst makes them.
xz --check=crc32 --lzma2=dict=1MiB -c "$out/x86_64.ko" >"$out/x86_64.ko.xz"
zstd -q -T0 --ultra -22 -c "$out/x86_64.ko" >"$out/x86_64.ko.zst"
gzip -n -9 -c "$out/x86_64.ko" >"$out/x86_64.ko.gz"
xz --check=crc64 -c "$out/mips64.ko" >"$out/mips64.ko.xz"

echo "fixtures written to packages/core/test-data/elf"
