/**
 * Relocations of a relocatable object (ET_REL: a `.o` or a kernel `.ko`) applied to the contents of a
 * non-allocated section, so that DWARF in a module reads the same as in a linked file: references
 * between debug sections become section offsets, and code addresses become offsets into their own
 * section (every section of an ET_REL object is taken to start at address 0, as `addr2line -j` and
 * `llvm-symbolizer` do, unless the caller lays sections out at their own bases). Entry formats are
 * the gABI's Elf32/Elf64 Rel and Rela; each machine's types come from its psABI, cited at its table. The relocation types met in debug sections are data
 * relocations (absolute, PC-relative, TLS-offset, and RISC-V's ADD/SUB/SET arithmetic); a type not in
 * the table is refused with an error naming it, never silently skipped.
 */

import { Cursor } from "../binary/cursor.js";
import { OopsError } from "../errors.js";
import {
  EM_386,
  EM_AARCH64,
  EM_ARM,
  EM_MIPS,
  EM_PPC,
  EM_PPC64,
  EM_RISCV,
  EM_S390,
  EM_X86_64,
  MACHINE_NAMES,
  SHT_REL,
  SHT_RELA,
} from "./constants.js";
import type { ElfFile, ElfSection } from "./file.js";
import type { ElfSymbol } from "./symbols.js";

/** Width of the relocated field: bytes, a 6-bit field (low bits of a byte), or a ULEB128 in place. */
type Width = 0 | 1 | 2 | 4 | 8 | "6" | "uleb";

interface RelocType {
  readonly name: string;
  readonly width: Width;
  /** New field value from S (symbol value), A (addend), P (place), and the field's current value. */
  readonly calc: (S: bigint, A: bigint, P: bigint, field: bigint) => bigint;
}

const none = (name: string): RelocType => ({ name, width: 0, calc: (_s, _a, _p, f) => f });
const abs = (name: string, width: Width): RelocType => ({ name, width, calc: (S, A) => S + A });
const pcrel = (name: string, width: Width): RelocType => ({ name, width, calc: (S, A, P) => S + A - P });
const add = (name: string, width: Width): RelocType => ({ name, width, calc: (S, A, _P, f) => f + S + A });
const sub = (name: string, width: Width): RelocType => ({ name, width, calc: (S, A, _P, f) => f - S - A });

/**
 * TLS offsets in debug info (DW_OP_const*u x@dtpoff; DW_OP_form_tls_address): the symbol's offset in
 * its TLS section, left unbiased so the DWARF reader sees the same section offset for every machine.
 */
const tls = abs;

type Table = Readonly<Record<number, RelocType>>;

/** System V AMD64 psABI §4.4.1, Table 4.9 (relocation types). */
const X86_64: Table = {
  0: none("R_X86_64_NONE"),
  1: abs("R_X86_64_64", 8),
  2: pcrel("R_X86_64_PC32", 4),
  10: abs("R_X86_64_32", 4),
  11: abs("R_X86_64_32S", 4),
  17: tls("R_X86_64_DTPOFF64", 8),
  21: tls("R_X86_64_DTPOFF32", 4),
  24: pcrel("R_X86_64_PC64", 8),
};

/** System V i386 psABI §2.5 (Table 2.1) and the TLS ABI (R_386_TLS_LDO_32). */
const I386: Table = {
  0: none("R_386_NONE"),
  1: abs("R_386_32", 4),
  2: pcrel("R_386_PC32", 4),
  32: tls("R_386_TLS_LDO_32", 4),
};

/** ELF for the Arm 64-bit Architecture (AAELF64) §5.7.4 "Static Data relocations", §5.7.13 TLS. */
const AARCH64: Table = {
  0: none("R_AARCH64_NONE"),
  256: none("R_AARCH64_NONE (withdrawn 256)"),
  257: abs("R_AARCH64_ABS64", 8),
  258: abs("R_AARCH64_ABS32", 4),
  259: abs("R_AARCH64_ABS16", 2),
  260: pcrel("R_AARCH64_PREL64", 8),
  261: pcrel("R_AARCH64_PREL32", 4),
  262: pcrel("R_AARCH64_PREL16", 2),
  1029: tls("R_AARCH64_TLS_DTPREL64", 8),
};

/**
 * ELF for the Arm Architecture (AAELF32) §5.6.1, Table 5-6 "Static data relocations". R_ARM_ABS32 is
 * (S + A) | T: T is 1 when the target is a Thumb function — handled by `thumb` on the symbol.
 */
const ARM: Table = {
  0: none("R_ARM_NONE"),
  2: abs("R_ARM_ABS32", 4),
  3: pcrel("R_ARM_REL32", 4),
  38: abs("R_ARM_TARGET1", 4),
  55: abs("R_ARM_ABS32_NOI", 4),
  56: pcrel("R_ARM_REL32_NOI", 4),
  106: tls("R_ARM_TLS_LDO32", 4),
};

/**
 * MIPS: System V MIPS psABI (o32) chapter 4, "Relocation Types", and the MIPS64 ELF object file
 * specification for n64's three-type relocations; TLS types from the MIPS TLS ABI.
 */
const MIPS: Table = {
  0: none("R_MIPS_NONE"),
  2: abs("R_MIPS_32", 4),
  18: abs("R_MIPS_64", 8),
  39: tls("R_MIPS_TLS_DTPREL32", 4),
  41: tls("R_MIPS_TLS_DTPREL64", 8),
};

/** 64-bit ELF V2 ABI for Power (and the ELFv1 64-bit PowerPC ELF ABI) §3.5.3 relocation types. */
const PPC64: Table = {
  0: none("R_PPC64_NONE"),
  1: abs("R_PPC64_ADDR32", 4),
  26: pcrel("R_PPC64_REL32", 4),
  38: abs("R_PPC64_ADDR64", 8),
  44: pcrel("R_PPC64_REL64", 8),
  78: tls("R_PPC64_DTPREL64", 8),
};

/** PowerPC 32-bit System V ABI (and the PPC32 TLS ABI). */
const PPC32: Table = {
  0: none("R_PPC_NONE"),
  1: abs("R_PPC_ADDR32", 4),
  26: pcrel("R_PPC_REL32", 4),
  78: tls("R_PPC_DTPREL32", 4),
};

/**
 * RISC-V ELF psABI, "Relocations" table. ADD/SUB pairs encode label differences the assembler could
 * not resolve under linker relaxation (field += S + A, then field -= S + A of the other label); SET
 * overwrites. SET_ULEB128/SUB_ULEB128 do the same on a ULEB128 field, keeping its encoded length.
 * R_RISCV_RELAX only marks its neighbour as relaxable and changes nothing here.
 */
const RISCV: Table = {
  0: none("R_RISCV_NONE"),
  1: abs("R_RISCV_32", 4),
  2: abs("R_RISCV_64", 8),
  8: tls("R_RISCV_TLS_DTPREL32", 4),
  9: tls("R_RISCV_TLS_DTPREL64", 8),
  33: add("R_RISCV_ADD8", 1),
  34: add("R_RISCV_ADD16", 2),
  35: add("R_RISCV_ADD32", 4),
  36: add("R_RISCV_ADD64", 8),
  37: sub("R_RISCV_SUB8", 1),
  38: sub("R_RISCV_SUB16", 2),
  39: sub("R_RISCV_SUB32", 4),
  40: sub("R_RISCV_SUB64", 8),
  51: none("R_RISCV_RELAX"),
  52: sub("R_RISCV_SUB6", "6"),
  53: abs("R_RISCV_SET6", "6"),
  54: abs("R_RISCV_SET8", 1),
  55: abs("R_RISCV_SET16", 2),
  56: abs("R_RISCV_SET32", 4),
  57: pcrel("R_RISCV_32_PCREL", 4),
  60: abs("R_RISCV_SET_ULEB128", "uleb"),
  61: sub("R_RISCV_SUB_ULEB128", "uleb"),
};

/** s390x ELF ABI Supplement, "Relocation Types" (and the s390 TLS relocations). */
const S390: Table = {
  0: none("R_390_NONE"),
  1: abs("R_390_8", 1),
  3: abs("R_390_16", 2),
  4: abs("R_390_32", 4),
  5: pcrel("R_390_PC32", 4),
  22: abs("R_390_64", 8),
  23: pcrel("R_390_PC64", 8),
  52: tls("R_390_TLS_LDO32", 4),
  53: tls("R_390_TLS_LDO64", 8),
};

function tableFor(elf: ElfFile): Table {
  switch (elf.machine) {
    case EM_X86_64:
      return X86_64;
    case EM_386:
      return I386;
    case EM_AARCH64:
      return AARCH64;
    case EM_ARM:
      return ARM;
    case EM_MIPS:
      return MIPS;
    case EM_PPC64:
      return PPC64;
    case EM_PPC:
      return PPC32;
    case EM_RISCV:
      return RISCV;
    case EM_S390:
      return S390;
    default:
      throw new OopsError(
        "E_ELF_RELOCATION",
        `no relocation support for machine ${MACHINE_NAMES[elf.machine] ?? elf.machine} (e_machine ${elf.machine})`,
      );
  }
}

/** The relocation sections (SHT_REL/SHT_RELA) whose sh_info names `target`. */
export function relocationSectionsFor(elf: ElfFile, target: ElfSection): ElfSection[] {
  return elf.sections.filter(
    (s) => (s.type === SHT_RELA || s.type === SHT_REL) && s.info === target.index && s.size > 0,
  );
}

/** One relocation entry, decoded. `types` holds up to three types (MIPS64 composite), first applied first. */
export interface RelocEntry {
  readonly offset: bigint;
  readonly sym: number;
  readonly types: readonly number[];
  /** MIPS64 r_ssym: the special symbol of the second type (0 = RSS_UNDEF). */
  readonly ssym: number;
  /** Explicit addend (RELA) or undefined (REL: the addend is the field's contents). */
  readonly addend?: bigint;
}

/** Decodes the entries of one relocation section. */
export function parseRelocations(elf: ElfFile, bytes: Uint8Array, sec: ElfSection): RelocEntry[] {
  const rela = sec.type === SHT_RELA;
  const is64 = elf.is64;
  const entsize = (is64 ? 16 : 8) + (rela ? (is64 ? 8 : 4) : 0);
  if (sec.entsize !== 0 && sec.entsize !== entsize)
    throw new OopsError("E_ELF_RELOCATION", `${sec.name}: sh_entsize ${sec.entsize}, expected ${entsize}`, sec.offset);
  const mips64 = is64 && elf.machine === EM_MIPS;
  const n = Math.floor(bytes.length / entsize);
  const c = new Cursor(bytes, elf.littleEndian, sec.offset);
  const out: RelocEntry[] = [];
  for (let i = 0; i < n; i++) {
    c.seek(i * entsize);
    const offset = is64 ? c.u64() : BigInt(c.u32());
    let sym: number;
    let types: number[];
    let ssym = 0;
    if (mips64) {
      // MIPS64 ELF: r_info is not one 64-bit integer but r_sym (a 32-bit word in the file's byte order)
      // followed by four bytes r_ssym, r_type3, r_type2, r_type. Reading the fields one by one is right
      // for both byte orders; reading a little-endian u64 would scramble them.
      sym = c.u32();
      ssym = c.u8();
      const t3 = c.u8();
      const t2 = c.u8();
      const t1 = c.u8();
      types = [t1, t2, t3];
    } else if (is64) {
      // r_info = (sym << 32) | type, read as two words to avoid a BigInt per entry.
      if (elf.littleEndian) {
        const type = c.u32();
        sym = c.u32();
        types = [type];
      } else {
        sym = c.u32();
        types = [c.u32()];
      }
    } else {
      const info = c.u32();
      sym = info >>> 8;
      types = [info & 0xff];
    }
    if (rela) {
      const addend = is64 ? c.i64() : BigInt(c.i32());
      out.push({ offset, sym, types, ssym, addend });
    } else {
      out.push({ offset, sym, types, ssym });
    }
  }
  return out;
}

function widthBytes(w: Width): number {
  return w === "6" ? 1 : w === "uleb" ? 0 : w;
}

/** Reads the field at `at` (6-bit: low 6 bits; uleb: the number and its encoded length). */
function readField(
  data: Uint8Array,
  view: DataView,
  le: boolean,
  at: number,
  w: Width,
): { value: bigint; length: number } {
  switch (w) {
    case 1:
      return { value: BigInt(view.getUint8(at)), length: 1 };
    case "6":
      return { value: BigInt(view.getUint8(at) & 0x3f), length: 1 };
    case 2:
      return { value: BigInt(view.getUint16(at, le)), length: 2 };
    case 4:
      return { value: BigInt(view.getUint32(at, le)), length: 4 };
    case 8:
      return { value: view.getBigUint64(at, le), length: 8 };
    case "uleb": {
      let v = 0n;
      let shift = 0n;
      let i = at;
      for (;;) {
        const b = data[i];
        if (b === undefined) throw new OopsError("E_ELF_RELOCATION", "ULEB128 field runs past the section", at);
        if (shift < 64n) v |= BigInt(b & 0x7f) << shift;
        shift += 7n;
        i++;
        if ((b & 0x80) === 0) break;
      }
      return { value: BigInt.asUintN(64, v), length: i - at };
    }
    default:
      return { value: 0n, length: 0 };
  }
}

function writeField(
  data: Uint8Array,
  view: DataView,
  le: boolean,
  at: number,
  w: Width,
  value: bigint,
  length: number,
) {
  switch (w) {
    case 1:
      view.setUint8(at, Number(BigInt.asUintN(8, value)));
      return;
    case "6":
      data[at] = (data[at]! & 0xc0) | Number(value & 0x3fn);
      return;
    case 2:
      view.setUint16(at, Number(BigInt.asUintN(16, value)), le);
      return;
    case 4:
      view.setUint32(at, Number(BigInt.asUintN(32, value)), le);
      return;
    case 8:
      view.setBigUint64(at, BigInt.asUintN(64, value), le);
      return;
    case "uleb": {
      // Same number of bytes as the assembler reserved: continuation bits on all but the last.
      let v = BigInt.asUintN(64, value);
      for (let k = 0; k < length; k++) {
        let b = Number(v & 0x7fn);
        v >>= 7n;
        if (k < length - 1) b |= 0x80;
        data[at + k] = b;
      }
      return;
    }
  }
}

function signExtend(v: bigint, bytes: number): bigint {
  return bytes >= 8 || bytes === 0 ? BigInt.asIntN(64, v) : BigInt.asIntN(bytes * 8, v);
}

/**
 * Applies relocation entries to `data` (the target section's decompressed contents, modified in
 * place). `symbols` is the symbol table the relocation section links to.
 */
export function applyRelocations(
  elf: ElfFile,
  data: Uint8Array,
  entries: readonly RelocEntry[],
  symbols: readonly ElfSymbol[],
  relSec: ElfSection,
  targetName: string,
  /** Address given to offset 0 of each section (by index) when sections are laid out; default 0. */
  sectionBase?: (shndx: number) => bigint,
): void {
  const table = tableFor(elf);
  const le = elf.littleEndian;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (const r of entries) {
    const sym = symbols[r.sym];
    if (sym === undefined && r.sym !== 0)
      throw new OopsError(
        "E_ELF_RELOCATION",
        `${relSec.name}: symbol index ${r.sym} is outside the symbol table (${symbols.length} entries)`,
        relSec.offset,
      );
    const P = r.offset;
    const rt1 = table[r.types[0] ?? 0];
    if (!rt1) throw unknownType(elf, r.types[0] ?? 0, relSec, targetName);
    // The field layout comes from the last non-NONE type of a composite (MIPS64 ELF spec, "Relocation").
    let last = rt1;
    for (let k = 1; k < r.types.length; k++) {
      const t = r.types[k]!;
      if (t === 0) continue;
      const rt = table[t];
      if (!rt) throw unknownType(elf, t, relSec, targetName);
      last = rt;
    }
    if (last.width === 0) continue;
    if (P > BigInt(data.length))
      throw new OopsError("E_ELF_RELOCATION", `${relSec.name}: offset 0x${P.toString(16)} is outside ${targetName}`);
    const at = Number(P);
    const nb = widthBytes(last.width);
    if (at + nb > data.length || (last.width === "uleb" && at >= data.length))
      throw new OopsError(
        "E_ELF_RELOCATION",
        `${relSec.name}: ${last.name} at 0x${at.toString(16)} runs past the end of ${targetName} (${data.length} bytes)`,
      );
    const field = readField(data, view, le, at, last.width);
    let S = sym ? sym.value + (sectionBase?.(sym.shndx) ?? 0n) : 0n;
    if (sym?.thumb && (rt1.name === "R_ARM_ABS32" || rt1.name === "R_ARM_REL32")) S |= 1n;
    // REL: the addend is what the field holds (gABI, "Relocation"), sign-extended for sub-64-bit fields.
    let value = rt1.calc(S, r.addend ?? signExtend(field.value, nb), P, field.value);
    for (let k = 1; k < r.types.length; k++) {
      const t = r.types[k]!;
      if (t === 0) continue;
      // Later types of a composite take the previous result as their addend and r_ssym as their
      // symbol; only RSS_UNDEF (value 0) makes sense outside code.
      if (r.ssym !== 0)
        throw new OopsError(
          "E_ELF_RELOCATION",
          `${relSec.name}: special symbol r_ssym=${r.ssym} in a composite relocation is not supported`,
        );
      value = table[t]!.calc(0n, value, P, field.value);
    }
    writeField(data, view, le, at, last.width, value, field.length);
  }
}

function unknownType(elf: ElfFile, type: number, relSec: ElfSection, targetName: string): OopsError {
  const m = MACHINE_NAMES[elf.machine] ?? `e_machine ${elf.machine}`;
  return new OopsError(
    "E_ELF_RELOCATION",
    `${m} relocation type ${type} in ${relSec.name} (applied to ${targetName}) is not supported`,
    relSec.offset,
  );
}
