// Test-only helper: a `DebugSections` over a linked ELF image held in memory (section headers only:
// no relocation, no decompression), so the DWARF tests do not depend on the ELF layer's reader.
import type { DebugSections } from "../src/dwarf/sections.js";

/**
 * A test-only `DebugSections` over a linked ELF file: section headers only, no relocation, no
 * compression (the objects here need neither).
 */
export function elfSections(bytes: Uint8Array): DebugSections & { names: string[] } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  const u16 = (o: number) => dv.getUint16(o, le);
  const u32 = (o: number) => dv.getUint32(o, le);
  const addr = (o: number) => (is64 ? Number(dv.getBigUint64(o, le)) : u32(o));
  const shoff = addr(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  const sh = (i: number) => {
    const b = shoff + i * shentsize;
    return is64
      ? { name: u32(b), offset: addr(b + 0x18), size: addr(b + 0x20), addr: dv.getBigUint64(b + 0x10, le) }
      : { name: u32(b), offset: u32(b + 0x10), size: u32(b + 0x14), addr: BigInt(u32(b + 0x0c)) };
  };
  const strtab = sh(shstrndx);
  const map = new Map<string, { offset: number; size: number; addr: bigint }>();
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    const start = strtab.offset + s.name;
    const name = new TextDecoder().decode(bytes.subarray(start, bytes.indexOf(0, start)));
    map.set(name, s);
  }
  return {
    names: [...map.keys()],
    littleEndian: le,
    addressSize: is64 ? 8 : 4,
    machine: u16(0x12),
    sectionSize: (n) => map.get(n)?.size,
    section: async (n) => {
      const s = map.get(n);
      return s ? bytes.subarray(s.offset, s.offset + s.size) : undefined;
    },
    sectionRange: async (n, off, len) => {
      const s = map.get(n);
      if (!s) throw new Error(`no ${n}`);
      return bytes.subarray(s.offset + off, s.offset + Math.min(s.size, off + len));
    },
    sectionAddress: (n) => map.get(n)?.addr,
  };
}
