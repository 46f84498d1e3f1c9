#!/usr/bin/env bash
# Builds the seed-shape fixture: src/bond_shape.c (our own C with the seed oops's struct layout and
# inlined lookup) compiled for Cavium Octeon II, MIPS64 big-endian, with kernel-module flags, and
# linked `ld -r` into a relocatable bonding.ko as a module is. Then writes the oracle answers beside
# it, so the tests need no system tools:
#   bonding.objdump.txt   objdump -dr (disassembly with relocations; make-oops.mjs reads it too)
#   bonding.syms.txt      objdump -t (symbol table: rlb_arp_recv's size)
#   bonding.ptype.txt     gdb-multiarch ptype /o of struct bonding, alb_bond_info, rlb_client_info
#   bonding.a2l.txt       addr2line -f -i -a for every instruction of .text
#   bonding.dwarfdump.txt llvm-dwarfdump --debug-info (variable locations, location lists)
# and finally regenerates oops.log with make-oops.mjs (a GENERATED oops, labelled as such).
# Paths in the DWARF are remapped (-fdebug-prefix-map) so no build machine path is committed.
# Usage: packages/core/test-data/seed-shape/build.sh   (needs gcc-mips64-linux-gnuabi64,
# binutils-multiarch or binutils-mips64-linux-gnuabi64, gdb-multiarch, llvm, node)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
cc=mips64-linux-gnuabi64-gcc
ld=mips64-linux-gnuabi64-ld
objdump=mips64-linux-gnuabi64-objdump
addr2line=mips64-linux-gnuabi64-addr2line

flags=(-march=octeon2 -mabi=64 -mno-abicalls -fno-pic -G 0 -mlong-calls -msoft-float -ffreestanding -O2 -g -c
  -fno-ident "-fdebug-prefix-map=$here/src=/src/seed-shape")

(cd src && "$cc" "${flags[@]}" bond_shape.c -o ../bond_shape.o)
"$ld" -r bond_shape.o -o bonding.ko
rm -f bond_shape.o

"$objdump" -dr bonding.ko | sed '2s/^.*:/bonding.ko:/' >bonding.objdump.txt
"$objdump" -t bonding.ko | sed '2s/^.*:/bonding.ko:/' >bonding.syms.txt
"$objdump" -d -j .text bonding.ko | sed -n 's/^ *\([0-9a-f]\+\):\t.*/0x\1/p' |
  "$addr2line" -f -i -a -j .text -e bonding.ko >bonding.a2l.txt
gdb-multiarch -nx -batch -ex 'ptype /o struct bonding' -ex 'ptype /o struct alb_bond_info' \
  -ex 'ptype /o struct rlb_client_info' bonding.ko >bonding.ptype.txt 2>&1
llvm-dwarfdump --debug-info bonding.ko | sed '1s/^.*:/bonding.ko:/' >bonding.dwarfdump.txt
node make-oops.mjs >oops.log
