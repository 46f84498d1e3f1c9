/**
 * Register tables for every supported architecture, built from their ABI documents:
 * System V AMD64/i386 psABI, AAPCS64/AAPCS, MIPS o32/n64 (the kernel is built n64 on MIPS64), the
 * Power ELFv1/ELFv2 ABIs, the RISC-V psABI and the s390x ELF ABI. Names follow how GNU objdump and
 * the kernel's register dumps (arch/<arch>/kernel/traps.c, process.c) print them.
 */

import type { ArchId, ArchInfo, RegisterDef } from "./types.js";

const reg = (abi: string, number: number | undefined, ...aliases: string[]): RegisterDef =>
  number === undefined ? { abi, aliases } : { abi, number, aliases };

const x86_64: ArchInfo = {
  id: "x86_64",
  name: "x86-64",
  bits: 64,
  defaultEndian: "little",
  pc: "rip",
  sp: "rsp",
  // DWARF numbering of the System V AMD64 psABI (rax=0, rdx=1, rcx=2, rbx=3, rsi=4, rdi=5, rbp=6, rsp=7).
  registers: [
    reg("rax", 0),
    reg("rdx", 1),
    reg("rcx", 2),
    reg("rbx", 3),
    reg("rsi", 4),
    reg("rdi", 5),
    reg("rbp", 6),
    reg("rsp", 7),
    ...Array.from({ length: 8 }, (_, i) => reg(`r${i + 8}`, i + 8)),
    reg("rip", 16),
    reg("eflags", 49, "flags", "rflags"),
    reg("cr2", undefined),
    reg("cr3", undefined),
    reg("cr0", undefined),
    reg("cr4", undefined),
  ],
};

const i386: ArchInfo = {
  id: "i386",
  name: "i386",
  bits: 32,
  defaultEndian: "little",
  pc: "eip",
  sp: "esp",
  registers: [
    reg("eax", 0),
    reg("ecx", 1),
    reg("edx", 2),
    reg("ebx", 3),
    reg("esp", 4),
    reg("ebp", 5),
    reg("esi", 6),
    reg("edi", 7),
    reg("eip", 8),
    reg("eflags", 9, "efl", "flags"),
    reg("cr2", undefined),
  ],
};

const arm64: ArchInfo = {
  id: "arm64",
  name: "AArch64",
  bits: 64,
  defaultEndian: "little",
  pc: "pc",
  sp: "sp",
  link: "lr",
  zero: "xzr",
  registers: [
    ...Array.from({ length: 29 }, (_, i) => reg(`x${i}`, i, `r${i}`)),
    reg("fp", 29, "x29", "r29"),
    reg("lr", 30, "x30", "r30"),
    reg("sp", 31),
    reg("pc", undefined),
    reg("pstate", undefined),
    reg("far", undefined),
    reg("esr", undefined),
  ],
};

const arm: ArchInfo = {
  id: "arm",
  name: "ARM",
  bits: 32,
  defaultEndian: "little",
  pc: "pc",
  sp: "sp",
  link: "lr",
  registers: [
    ...Array.from({ length: 10 }, (_, i) => reg(`r${i}`, i)),
    reg("sl", 10, "r10"),
    reg("fp", 11, "r11"),
    reg("ip", 12, "r12"),
    reg("sp", 13, "r13"),
    reg("lr", 14, "r14"),
    reg("pc", 15, "r15"),
    reg("psr", undefined, "cpsr"),
  ],
};

// MIPS: $0..$31. The kernel of a 64-bit MIPS system is built for the n64 ABI, where $8..$11 are the
// argument registers a4..a7 and $12..$15 are t0..t3; o32 (MIPS32) calls $8..$15 t0..t7.
const mipsNames = (n64: boolean): string[] => [
  "zero",
  "at",
  "v0",
  "v1",
  "a0",
  "a1",
  "a2",
  "a3",
  ...(n64 ? ["a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3"] : ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"]),
  "s0",
  "s1",
  "s2",
  "s3",
  "s4",
  "s5",
  "s6",
  "s7",
  "t8",
  "t9",
  "k0",
  "k1",
  "gp",
  "sp",
  "s8",
  "ra",
];
const mipsRegs = (n64: boolean): RegisterDef[] => [
  ...mipsNames(n64).map((abi, i) =>
    abi === "s8" ? reg("s8", i, `$${i}`, `r${i}`, "fp") : reg(abi, i, `$${i}`, `r${i}`),
  ),
  reg("hi", undefined),
  reg("lo", undefined),
  reg("epc", undefined, "pc"),
  reg("status", undefined),
  reg("cause", undefined),
  reg("badva", undefined, "badvaddr"),
  reg("prid", undefined),
];

const mips32: ArchInfo = {
  id: "mips32",
  name: "MIPS32",
  bits: 32,
  defaultEndian: "big",
  pc: "epc",
  sp: "sp",
  link: "ra",
  zero: "zero",
  registers: mipsRegs(false),
  traceStartsAtPc: true,
};
const mips64: ArchInfo = { ...mips32, id: "mips64", name: "MIPS64", bits: 64, registers: mipsRegs(true) };

const ppcRegs: RegisterDef[] = [
  reg("r0", 0, "gpr0"),
  reg("r1", 1, "gpr1", "sp"),
  reg("r2", 2, "gpr2", "toc"),
  ...Array.from({ length: 29 }, (_, i) => reg(`r${i + 3}`, i + 3, `gpr${i + 3}`)),
  reg("nip", undefined, "pc"),
  reg("lr", undefined),
  reg("ctr", undefined),
  reg("msr", undefined),
  reg("xer", undefined),
  reg("cr", undefined, "ccr"),
  reg("dar", undefined),
  reg("dsisr", undefined),
];
const ppc64: ArchInfo = {
  id: "ppc64",
  name: "PowerPC64",
  bits: 64,
  defaultEndian: "big",
  pc: "nip",
  sp: "r1",
  link: "lr",
  registers: ppcRegs,
};
const ppc32: ArchInfo = { ...ppc64, id: "ppc32", name: "PowerPC", bits: 32 };

const riscvNames = [
  "zero",
  "ra",
  "sp",
  "gp",
  "tp",
  "t0",
  "t1",
  "t2",
  "s0",
  "s1",
  "a0",
  "a1",
  "a2",
  "a3",
  "a4",
  "a5",
  "a6",
  "a7",
  "s2",
  "s3",
  "s4",
  "s5",
  "s6",
  "s7",
  "s8",
  "s9",
  "s10",
  "s11",
  "t3",
  "t4",
  "t5",
  "t6",
];
const riscv64: ArchInfo = {
  id: "riscv64",
  name: "RISC-V 64",
  bits: 64,
  defaultEndian: "little",
  pc: "epc",
  sp: "sp",
  link: "ra",
  zero: "zero",
  registers: [
    ...riscvNames.map((abi, i) => (abi === "s0" ? reg("s0", i, `x${i}`, "fp") : reg(abi, i, `x${i}`))),
    reg("epc", undefined, "pc", "sepc"),
    reg("status", undefined, "sstatus"),
    reg("badaddr", undefined, "stval"),
    reg("cause", undefined, "scause"),
  ],
};

const s390x: ArchInfo = {
  id: "s390x",
  name: "s390x",
  bits: 64,
  defaultEndian: "big",
  pc: "psw",
  sp: "r15",
  link: "r14",
  registers: [...Array.from({ length: 16 }, (_, i) => reg(`r${i}`, i, `%r${i}`, `gpr${i}`)), reg("psw", undefined)],
};

export const ARCHES: Readonly<Record<ArchId, ArchInfo>> = {
  x86_64,
  i386,
  arm64,
  arm,
  mips32,
  mips64,
  ppc32,
  ppc64,
  riscv64,
  s390x,
};

export const ARCH_IDS = Object.keys(ARCHES) as ArchId[];

const lookup = new Map<ArchId, Map<string, RegisterDef>>();

/** Resolve any spelling of a register (`$17`, `r17`, `S1`, `x30`) to its definition, or undefined. */
export function findRegister(arch: ArchId, name: string): RegisterDef | undefined {
  let m = lookup.get(arch);
  if (!m) {
    m = new Map();
    for (const r of ARCHES[arch].registers) {
      for (const n of [r.abi, ...r.aliases]) if (!m.has(n)) m.set(n, r);
    }
    lookup.set(arch, m);
  }
  return m.get(name.trim().toLowerCase());
}

/** Canonical ABI name for any spelling, or undefined. */
export function abiName(arch: ArchId, name: string): string | undefined {
  return findRegister(arch, name)?.abi;
}
