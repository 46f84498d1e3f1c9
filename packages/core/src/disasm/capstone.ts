/**
 * A small typed adapter over Capstone 5.0 compiled to WebAssembly (`@alexaltea/capstone-js`): machine
 * code bytes in, decoded instructions out (mnemonic, operand text, structured operands, registers read
 * and written), with register names turned into the ABI names of `arch/table.ts`.
 *
 * Why not the package's own `Capstone` class: its JavaScript wrapper reads `cs_detail` with the
 * Capstone 4 layout, which is wrong for the Capstone 5 engine inside the WASM. This file reads the
 * Capstone 5 structures straight from WASM memory. The offsets below follow the field order of
 * Capstone 5.0's `include/capstone/capstone.h` and the per-architecture headers (`x86.h`, `arm64.h`,
 * `arm.h`, `mips.h`, `ppc.h`, `riscv.h`, `systemz.h`) under the wasm32 ABI (4-byte pointers and enums,
 * 8-byte alignment for int64/double members); each was checked against known instructions, and the
 * conformance tests compare every decoded operand with GNU objdump.
 *
 * Loading: the WASM is instantiated once, lazily, by `initDisassembler()` (async); decoding is then
 * synchronous. Core does no I/O: by default the Emscripten loader locates `capstone.wasm` itself (next
 * to `capstone.js`: a file read under Node, a fetch relative to the script in a browser). A caller that
 * wants control passes the bytes (`wasmBinary`, e.g. read by the CLI) or a `locateFile` function.
 */

import { abiName } from "../arch/table.js";
import type { ArchId } from "../arch/types.js";
import { OopsError } from "../errors.js";
import type { DisasmTarget, MemOperand, Operand } from "./types.js";

/** The Emscripten exports this adapter uses (names as the module exposes them). */
interface CsModule {
  getValue(ptr: number, type: string): number | bigint;
  writeArrayToMemory(a: Uint8Array, ptr: number): void;
  UTF8ToString(ptr: number, maxBytes?: number): string;
  _malloc(n: number): number;
  _free(p: number): void;
  _cs_version(major: number, minor: number): number;
  _cs_open(arch: number, mode: number, handlePtr: number): number;
  _cs_option(handle: number, type: number, value: number): number;
  _cs_disasm(handle: number, code: number, size: number, address: bigint, count: number, insnPtrPtr: number): number;
  _cs_free(insn: number, count: number): void;
  _cs_reg_name(handle: number, reg: number): number;
  _cs_group_name(handle: number, group: number): number;
  _cs_regs_access(handle: number, insn: number, rr: number, rrCount: number, rw: number, rwCount: number): number;
}

export interface DisasmInitOptions {
  /** The bytes of `capstone.wasm` (the CLI reads them from the installed package). */
  wasmBinary?: Uint8Array | ArrayBuffer;
  /** Where to load `capstone.wasm` from (browser: a URL); called with the file name. */
  locateFile?: (file: string) => string;
}

// capstone.h (5.0): enum cs_arch, cs_mode bits, cs_opt_type, cs_opt_value.
const CS_ARCH = { arm: 0, arm64: 1, mips: 2, x86: 3, ppc: 4, sysz: 6, riscv: 15 } as const;
const CS_MODE_BIG_ENDIAN = 0x80000000;
const CS_MODE_THUMB = 1 << 4;
const CS_MODE_32 = 1 << 2;
const CS_MODE_64 = 1 << 3;
const CS_MODE_MIPS32 = CS_MODE_32;
const CS_MODE_MIPS64 = CS_MODE_64;
const CS_MODE_RISCV64 = 1 << 1;
const CS_MODE_RISCVC = 1 << 2;
const CS_OPT_SYNTAX = 1;
const CS_OPT_DETAIL = 2;
const CS_OPT_ON = 3;
const CS_OPT_SYNTAX_ATT = 2;

// cs_insn (capstone.h 5.0), wasm32: id u32 @0, address u64 @8, size u16 @16, bytes[24] @18,
// mnemonic[32] @42, op_str[160] @74, detail* @236; sizeof 240.
const INSN = { size: 16, bytes: 18, mnemonic: 42, opStr: 74, detail: 236, sizeof: 240 } as const;
// cs_detail (5.0): regs_read u16[20] @0, regs_read_count u8 @40, regs_write u16[20] @42,
// regs_write_count u8 @82, groups u8[8] @83, groups_count u8 @91, writeback bool @92, arch union @96.
const DETAIL = {
  regsRead: 0,
  regsReadCount: 40,
  regsWrite: 42,
  regsWriteCount: 82,
  groups: 83,
  groupsCount: 91,
} as const;
const ARCH_UNION = 96;

let modulePromise: Promise<CsModule> | undefined;
let mod: CsModule | undefined;

/**
 * Instantiate the Capstone WASM once. Safe to call many times and concurrently: every call returns the
 * same promise. Throws `E_DISASM_INIT` when the module cannot be loaded.
 */
export function initDisassembler(opts: DisasmInitOptions = {}): Promise<void> {
  if (!modulePromise) {
    modulePromise = (async () => {
      const arg: Record<string, unknown> = {};
      if (opts.wasmBinary) arg.wasmBinary = opts.wasmBinary;
      if (opts.locateFile) arg.locateFile = opts.locateFile;
      // Dynamic import keeps the 3 MB WASM out of the way until a Code: window needs decoding.
      const pkg = (await import("@alexaltea/capstone-js")) as {
        default: (a: Record<string, unknown>) => Promise<unknown>;
      };
      const m = (await pkg.default(arg)) as CsModule;
      const v = m._cs_version(0, 0);
      if (v >> 8 !== 5) throw new Error(`Capstone ${v >> 8}.${v & 0xff} found, 5.x expected`);
      mod = m;
      return m;
    })().catch((e: unknown) => {
      modulePromise = undefined;
      throw new OopsError("E_DISASM_INIT", e instanceof Error ? e.message : String(e));
    });
  }
  return modulePromise.then(() => undefined);
}

/** True once `initDisassembler()` has finished. */
export function disassemblerReady(): boolean {
  return mod !== undefined;
}

function engine(): CsModule {
  if (!mod) throw new OopsError("E_DISASM_INIT", "call initDisassembler() (async) before decoding");
  return mod;
}

/** One decoded instruction, before the Code-window layer adds offsets and the fault mark. */
export interface DecodedInsn {
  address: bigint;
  bytes: Uint8Array;
  mnemonic: string;
  opStr: string;
  operands: Operand[];
  regsRead: string[];
  regsWritten: string[];
  groups: string[];
  /** false when regsRead/regsWritten hold only implicit and addressing registers (no access data). */
  accessComplete: boolean;
  /** The instruction updates its base register (pre/post-index, `ldu`, `stwu`). */
  writeback?: boolean;
}

type Family = "x86" | "arm64" | "arm" | "mips" | "ppc" | "riscv" | "sysz";

interface Handle {
  h: number;
  family: Family;
  arch: ArchId;
  regNames: Map<number, string>;
}

const handles = new Map<string, Handle>();

/** Capstone architecture and mode for a target (capstone.h cs_arch / cs_mode). */
function csModeOf(t: DisasmTarget): { family: Family; arch: number; mode: number } {
  const be = t.endian === "big" ? CS_MODE_BIG_ENDIAN : 0;
  switch (t.arch) {
    case "x86_64":
      return { family: "x86", arch: CS_ARCH.x86, mode: CS_MODE_64 };
    case "i386":
      return { family: "x86", arch: CS_ARCH.x86, mode: CS_MODE_32 };
    case "arm64":
      return { family: "arm64", arch: CS_ARCH.arm64, mode: be };
    case "arm":
      return { family: "arm", arch: CS_ARCH.arm, mode: (t.thumb ? CS_MODE_THUMB : 0) | be };
    // Capstone 5's MIPS64 decoder includes the cnMIPS (Octeon) opcodes (`dmul`, `baddu`, `bbit0`…),
    // so Octeon needs no mode of its own.
    case "mips32":
      return { family: "mips", arch: CS_ARCH.mips, mode: CS_MODE_MIPS32 | be };
    case "mips64":
      return { family: "mips", arch: CS_ARCH.mips, mode: CS_MODE_MIPS64 | be };
    case "ppc32":
      return { family: "ppc", arch: CS_ARCH.ppc, mode: CS_MODE_32 | be };
    case "ppc64":
      return { family: "ppc", arch: CS_ARCH.ppc, mode: CS_MODE_64 | be };
    case "riscv64":
      return { family: "riscv", arch: CS_ARCH.riscv, mode: CS_MODE_RISCV64 | CS_MODE_RISCVC };
    case "s390x":
      return { family: "sysz", arch: CS_ARCH.sysz, mode: CS_MODE_BIG_ENDIAN };
    default:
      // Reached only from untyped callers (JSON, plain JavaScript).
      throw new OopsError("E_DISASM_ARCH", `unknown architecture ${JSON.stringify(t.arch)}`);
  }
}

function handleFor(t: DisasmTarget): Handle {
  const { family, arch, mode } = csModeOf(t);
  const key = `${t.arch}/${arch}/${mode >>> 0}`;
  let hd = handles.get(key);
  if (hd) return hd;
  const m = engine();
  const hp = m._malloc(4);
  try {
    const err = m._cs_open(arch, mode >>> 0, hp);
    if (err !== 0) throw new OopsError("E_DISASM_ARCH", `Capstone cs_open failed (error ${err}) for ${t.arch}`);
    const h = m.getValue(hp, "i32") as number;
    m._cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    // x86 in AT&T syntax, as objdump and the kernel's decodecode print it.
    if (family === "x86") m._cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    hd = { h, family, arch: t.arch, regNames: new Map() };
    handles.set(key, hd);
    return hd;
  } finally {
    m._free(hp);
  }
}

// ---- memory readers ----
const u8 = (m: CsModule, p: number) => (m.getValue(p, "i8") as number) & 0xff;
const u16 = (m: CsModule, p: number) => (m.getValue(p, "i16") as number) & 0xffff;
const i32 = (m: CsModule, p: number) => m.getValue(p, "i32") as number;
const u32 = (m: CsModule, p: number) => i32(m, p) >>> 0;
/** int64 as two 32-bit halves (the fields are 8-aligned, but this does not depend on it). */
const i64 = (m: CsModule, p: number) => (BigInt(i32(m, p + 4)) << 32n) | BigInt(u32(m, p));

// ---- register names ----
const X86_FULL: Record<string, string> = {};
for (const [full, subs] of Object.entries({
  rax: "eax ax al ah",
  rbx: "ebx bx bl bh",
  rcx: "ecx cx cl ch",
  rdx: "edx dx dl dh",
  rsi: "esi si sil",
  rdi: "edi di dil",
  rbp: "ebp bp bpl",
  rsp: "esp sp spl",
})) {
  for (const s of subs.split(" ")) X86_FULL[s] = full;
}
// MIPS o32 names, which Capstone prints, by register number; the ABI table of the target (n64 on a
// 64-bit kernel) renames them: `$8` is `t0` in o32 but `a4` in n64.
const MIPS_O32 =
  "zero at v0 v1 a0 a1 a2 a3 t0 t1 t2 t3 t4 t5 t6 t7 s0 s1 s2 s3 s4 s5 s6 s7 t8 t9 k0 k1 gp sp fp ra".split(" ");

/**
 * Capstone's register name → the name oopscope uses. Full-width general registers take the ABI name
 * of arch/table.ts (`x29`→`fp`, `r10`→`sl`, MIPS `$8`→`a4` on n64, s390 `2`→`r2`). Sub-registers keep
 * the spelling that carries their width (`eax`, `w1`, `r8d`) so the semantics layer sees the size.
 */
export function registerName(arch: ArchId, csName: string): string {
  const n = csName.toLowerCase();
  switch (arch) {
    case "x86_64":
    case "i386":
      if (n === "rflags" || n === "eflags") return "eflags";
      return n;
    case "arm64":
      if (n === "x29" || n === "w29") return n === "x29" ? "fp" : "w29";
      if (n === "x30") return "lr";
      return n;
    case "arm":
      if (n === "sb") return "r9";
      return abiName(arch, n) ?? n;
    case "mips32":
    case "mips64": {
      const i = MIPS_O32.indexOf(n);
      return i >= 0 ? (abiName(arch, `$${i}`) ?? n) : n;
    }
    case "s390x":
      return /^\d+$/.test(n) ? `r${n}` : n;
    default:
      return abiName(arch, n) ?? n;
  }
}

/** The full register a sub-register belongs to (`eax`→`rax`, `w3`→`x3`); identity otherwise. */
export function fullRegister(arch: ArchId, name: string): string {
  if (arch === "x86_64") {
    const m = /^r(\d+)[dwb]$/.exec(name);
    if (m) return `r${m[1]}`;
    if (name === "eip" || name === "ip") return "rip";
    return X86_FULL[name] ?? name;
  }
  if (arch === "i386") {
    const f = X86_FULL[name];
    return f ? `e${f.slice(1)}` : name;
  }
  if (arch === "arm64") {
    if (name === "wzr") return "xzr";
    if (name === "wsp") return "sp";
    if (name === "w29") return "fp";
    if (name === "w30") return "lr";
    const m = /^w(\d+)$/.exec(name);
    if (m) return `x${m[1]}`;
  }
  return name;
}

function regName(m: CsModule, hd: Handle, id: number): string | undefined {
  if (id === 0) return undefined;
  let s = hd.regNames.get(id);
  if (s === undefined) {
    const p = m._cs_reg_name(hd.h, id);
    s = p ? registerName(hd.arch, m.UTF8ToString(p)) : `reg${id}`;
    hd.regNames.set(id, s);
  }
  return s;
}

const access = (a: number): "r" | "w" | "rw" | undefined =>
  a === 1 ? "r" : a === 2 ? "w" : a === 3 ? "rw" : undefined;

function withAccess<T extends Operand>(op: T, a: number): T {
  const x = access(a);
  if (x && op.kind !== "imm") (op as { access?: string }).access = x;
  return op;
}

// ---- per-architecture operand readers (offsets inside the arch union of cs_detail) ----

/** cs_x86 (x86.h 5.0): op_count u8 @64, operands[8] @72, sizeof(cs_x86_op) 48: type @0, reg/imm/mem @8
 *  (x86_op_mem: segment @8, base @12, index @16, scale i32 @20, disp i64 @24), size u8 @32, access u8 @33. */
function x86Ops(m: CsModule, hd: Handle, u: number): Operand[] {
  const n = u8(m, u + 64);
  const out: Operand[] = [];
  for (let i = 0; i < n && i < 8; i++) {
    const p = u + 72 + i * 48;
    const type = i32(m, p);
    const size = u8(m, p + 32);
    const acc = u8(m, p + 33);
    if (type === 1) {
      const op: Operand = { kind: "reg", reg: regName(m, hd, u32(m, p + 8)) ?? "?" };
      if (size) op.size = size;
      out.push(withAccess(op, acc));
    } else if (type === 2) out.push({ kind: "imm", value: i64(m, p + 8) });
    else if (type === 3) {
      const mem: MemOperand = { scale: i32(m, p + 20), disp: i64(m, p + 24) };
      const seg = regName(m, hd, u32(m, p + 8));
      const base = regName(m, hd, u32(m, p + 12));
      const index = regName(m, hd, u32(m, p + 16));
      if (base) mem.base = base;
      if (index) mem.index = index;
      if (seg) mem.segment = seg;
      if (size) mem.size = size;
      out.push(withAccess({ kind: "mem", mem }, acc));
    }
  }
  // Capstone orders operands as the syntax prints them; AT&T is source-first. Reverse to put the
  // destination first, as on every other architecture.
  return out.reverse();
}

// arm64.h (5.0) arm64_shifter / arm64_extender values.
const A64_SHIFT = ["", "lsl", "msl", "lsr", "asr", "ror"];
const A64_EXT = ["", "uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"];

/** cs_arm64 (arm64.h 5.0): cc @0, update_flags @4, writeback @5, post_index @6, op_count u8 @7,
 *  operands[8] @8, sizeof(cs_arm64_op) 56: vector_index @0, vas @4, shift {type @8, value @12}, ext @16,
 *  type @20, svcr @24, reg/imm/mem @32 (arm64_op_mem: base @32, index @36, disp i32 @40), access u8 @48. */
function arm64Ops(m: CsModule, hd: Handle, u: number): Operand[] {
  const n = u8(m, u + 7);
  const out: Operand[] = [];
  for (let i = 0; i < n && i < 8; i++) {
    const p = u + 8 + i * 56;
    const type = i32(m, p + 20);
    const shiftType = i32(m, p + 8);
    const shiftValue = u32(m, p + 12);
    const ext = i32(m, p + 16);
    const acc = u8(m, p + 48);
    if (type === 1) {
      const op: Operand = { kind: "reg", reg: regName(m, hd, u32(m, p + 32)) ?? "?" };
      if (shiftType > 0) op.shift = { type: A64_SHIFT[shiftType] ?? `shift${shiftType}`, amount: shiftValue };
      if (ext > 0) op.extend = A64_EXT[ext] ?? `ext${ext}`;
      out.push(withAccess(op, acc));
    } else if (type === 2 || type === 64) {
      // `movk x1, #0xfbff, lsl #32`: the value stays as written, the shift is kept beside it.
      const op: Operand = { kind: "imm", value: i64(m, p + 32) };
      if (shiftType > 0 && shiftValue > 0)
        op.shift = { type: A64_SHIFT[shiftType] ?? `shift${shiftType}`, amount: shiftValue };
      out.push(op);
    } else if (type === 3) {
      const mem: MemOperand = { scale: 1, disp: BigInt(i32(m, p + 40)) };
      const base = regName(m, hd, u32(m, p + 32));
      const index = regName(m, hd, u32(m, p + 36));
      if (base) mem.base = base;
      if (index) {
        mem.index = index;
        // `[x0, x1, lsl #3]` scales the index by 8; `[x0, w1, sxtw #2]` extends then scales.
        if (shiftType === 1) mem.scale = 2 ** shiftValue;
        if (ext > 0) {
          mem.indexExtend = A64_EXT[ext] ?? `ext${ext}`;
          if (shiftType === 0 && shiftValue) mem.scale = 2 ** shiftValue;
        }
      }
      out.push(withAccess({ kind: "mem", mem }, acc));
    }
  }
  return out;
}

// arm.h (5.0) arm_shifter values: ASR=1, LSL, LSR, ROR, RRX, then the *_REG forms.
const ARM_SHIFT = ["", "asr", "lsl", "lsr", "ror", "rrx", "asr", "lsl", "lsr", "ror", "rrx"];

/** cs_arm (arm.h 5.0): …, cc @20, update_flags @24, writeback @25, post_index @26, op_count u8 @32,
 *  operands[36] @40, sizeof(cs_arm_op) 48: vector_index @0, shift {type @4, value @8}, type @12,
 *  reg/imm/mem @16 (arm_op_mem: base @16, index @20, scale @24, disp @28, lshift @32),
 *  subtracted bool @40, access u8 @41. */
function armOps(m: CsModule, hd: Handle, u: number): Operand[] {
  const n = u8(m, u + 32);
  const out: Operand[] = [];
  for (let i = 0; i < n && i < 36; i++) {
    const p = u + 40 + i * 48;
    const type = i32(m, p + 12);
    const shiftType = i32(m, p + 4);
    const shiftValue = u32(m, p + 8);
    const acc = u8(m, p + 41);
    const subtracted = u8(m, p + 40) !== 0;
    if (type === 1) {
      const op: Operand = { kind: "reg", reg: regName(m, hd, u32(m, p + 16)) ?? "?" };
      if (shiftType > 0) {
        // For the *_REG shifts the value is a register id.
        const amount = shiftType >= 6 ? 0 : shiftValue;
        op.shift = { type: ARM_SHIFT[shiftType] ?? `shift${shiftType}`, amount };
        if (shiftType >= 6) op.shift.reg = regName(m, hd, shiftValue) ?? "?";
      }
      if (subtracted) op.subtracted = true;
      out.push(withAccess(op, acc));
    } else if (type === 2 || type === 64 || type === 65) {
      out.push({ kind: "imm", value: BigInt(i32(m, p + 16)) });
    } else if (type === 3) {
      const scale = i32(m, p + 24);
      const mem: MemOperand = { scale: 1, disp: BigInt(i32(m, p + 28)) };
      const base = regName(m, hd, u32(m, p + 16));
      const index = regName(m, hd, u32(m, p + 20));
      if (base) mem.base = base;
      if (index) {
        mem.index = index;
        // `[r1, r3, lsl #2]`: Capstone 5 puts the shift in the operand's shift field.
        const lshift = i32(m, p + 32) || (shiftType === 2 ? shiftValue : 0);
        mem.scale = (scale < 0 || subtracted ? -1 : 1) * 2 ** lshift;
      }
      out.push(withAccess({ kind: "mem", mem }, acc));
    }
  }
  return out;
}

/** cs_mips (mips.h 5.0): op_count u8 @0, operands[10] @8, sizeof(cs_mips_op) 24: type @0,
 *  reg/imm/mem @8 (mips_op_mem: base @8, disp i64 @16). No access data in Capstone 5. */
function mipsOps(m: CsModule, hd: Handle, u: number): Operand[] {
  return simpleOps(m, hd, u + 8, u8(m, u), 10, 24, (p) => ({ base: u32(m, p + 8), disp: i64(m, p + 16) }));
}

/** cs_ppc (ppc.h 5.0): bc @0, bh @4, update_cr0 @8, op_count u8 @9, operands[8] @16, sizeof(cs_ppc_op)
 *  24: type @0, reg/imm/mem @8 (ppc_op_mem: base @8, disp i32 @12). */
function ppcOps(m: CsModule, hd: Handle, u: number): Operand[] {
  return simpleOps(m, hd, u + 16, u8(m, u + 9), 8, 24, (p) => ({ base: u32(m, p + 8), disp: BigInt(i32(m, p + 12)) }));
}

/** cs_riscv (riscv.h 5.0): need_effective_addr @0, op_count u8 @1, operands[8] @8, sizeof(cs_riscv_op)
 *  24: type @0, reg/imm/mem @8 (riscv_op_mem: base @8, disp i64 @16). */
function riscvOps(m: CsModule, hd: Handle, u: number): Operand[] {
  const ops = simpleOps(m, hd, u + 8, u8(m, u + 1), 8, 24, (p) => ({ base: u32(m, p + 8), disp: i64(m, p + 16) }));
  // Capstone 5 gives compressed loads/stores (`c.ld a0, 8(a1)`) as reg, imm, reg: fold into memory.
  const [a, b, c] = ops;
  if (ops.length === 3 && a?.kind === "reg" && b?.kind === "imm" && c?.kind === "reg") {
    return [a, { kind: "mem", mem: { base: c.reg, scale: 1, disp: b.value } }];
  }
  return ops;
}

/** cs_sysz (systemz.h 5.0): cc @0, op_count u8 @4, operands[6] @8, sizeof(cs_sysz_op) 32: type @0,
 *  reg/imm/mem @8 (sysz_op_mem: base u8 @8, index u8 @9, length u64 @16, disp i64 @24). */
function syszOps(m: CsModule, hd: Handle, u: number): Operand[] {
  return simpleOps(m, hd, u + 8, u8(m, u + 4), 6, 32, (p) => ({
    base: u8(m, p + 8),
    index: u8(m, p + 9),
    disp: i64(m, p + 24),
  }));
}

/** Operand arrays whose entries are `{type @0; union @8}` with REG=1, IMM=2, MEM=3. */
function simpleOps(
  m: CsModule,
  hd: Handle,
  at: number,
  count: number,
  max: number,
  size: number,
  memOf: (p: number) => { base: number; index?: number; disp: bigint },
): Operand[] {
  const out: Operand[] = [];
  for (let i = 0; i < count && i < max; i++) {
    const p = at + i * size;
    const type = i32(m, p);
    if (type === 1) out.push({ kind: "reg", reg: regName(m, hd, u32(m, p + 8)) ?? "?" });
    else if (type === 2) out.push({ kind: "imm", value: i64(m, p + 8) });
    else if (type === 3) {
      const x = memOf(p);
      const mem: MemOperand = { scale: 1, disp: x.disp };
      const base = regName(m, hd, x.base);
      const index = x.index ? regName(m, hd, x.index) : undefined;
      if (base) mem.base = base;
      if (index) mem.index = index;
      out.push({ kind: "mem", mem });
    }
  }
  return out;
}

/**
 * RISC-V compressed instructions (RVC, "C" extension chapter of the unprivileged ISA) as their base
 * instructions, the way objdump prints them: `c.or a5, a4` is `or a5, a5, a4`, `c.addi sp, 16` is
 * `addi sp, sp, 16`, `c.ldsp s0, 8(sp)` is `ld s0, 8(sp)`, `c.jr ra` is `ret`. The semantics layer then
 * needs one rule per operation instead of two, and the destination is always operand 0.
 */
const RVC_TWO_TO_THREE = new Set([
  "c.add",
  "c.sub",
  "c.xor",
  "c.or",
  "c.and",
  "c.addw",
  "c.subw",
  "c.addi",
  "c.addiw",
  "c.andi",
  "c.slli",
  "c.srli",
  "c.srai",
  "c.addi16sp",
]);
const RVC_SAME = new Set([
  "c.li",
  "c.lui",
  "c.mv",
  "c.lw",
  "c.ld",
  "c.sw",
  "c.sd",
  "c.lwsp",
  "c.ldsp",
  "c.swsp",
  "c.sdsp",
  "c.flw",
  "c.fld",
  "c.fsw",
  "c.fsd",
  "c.fldsp",
  "c.fsdsp",
  "c.j",
  "c.jal",
  "c.beqz",
  "c.bnez",
  "c.ebreak",
  "c.nop",
  "c.jalr",
]);

function opText(o: Operand): string {
  if (o.kind === "reg") return o.reg;
  if (o.kind === "imm") return o.value < 0n ? `-0x${(-o.value).toString(16)}` : `0x${o.value.toString(16)}`;
  const d = o.mem.disp;
  return `${d === 0n ? "" : d < 0n ? `-0x${(-d).toString(16)}` : `0x${d.toString(16)}`}(${o.mem.base ?? ""})`;
}

function expandRvc(d: DecodedInsn): void {
  const mn = d.mnemonic;
  if (!mn.startsWith("c.")) return;
  // c.ldsp / c.swsp …: the `sp` suffix only says the base is sp, which the memory operand already holds.
  const base = /^f?[ls][wd]sp$/.test(mn.slice(2)) ? mn.slice(2, -2) : mn.slice(2);
  let ops = d.operands;
  let name = base;
  if (RVC_TWO_TO_THREE.has(mn)) {
    const [rd, src] = ops;
    if (!rd || !src) return;
    ops = [rd, rd, src];
    name = mn === "c.addi16sp" ? "addi" : base;
  } else if (mn === "c.addi4spn") {
    name = "addi";
  } else if (mn === "c.jr") {
    const [rs] = ops;
    name = rs?.kind === "reg" && rs.reg === "ra" ? "ret" : "jr";
    if (name === "ret") ops = [];
  } else if (!RVC_SAME.has(mn)) return;
  d.mnemonic = name;
  d.operands = ops;
  d.opStr = ops.map(opText).join(", ");
}

const READERS: Record<Family, (m: CsModule, hd: Handle, u: number) => Operand[]> = {
  x86: x86Ops,
  arm64: arm64Ops,
  arm: armOps,
  mips: mipsOps,
  ppc: ppcOps,
  riscv: riscvOps,
  sysz: syszOps,
};
/** Architectures where Capstone 5 implements cs_regs_access (explicit + implicit registers). */
const HAS_ACCESS: ReadonlySet<Family> = new Set(["x86", "arm64", "arm"]);

function uniq(a: string[]): string[] {
  return [...new Set(a)];
}

/**
 * Capstone 5's MIPS printer computes a PC-relative branch target in 32 bits and prints it signed
 * (`beqz $v1, -0x3fbba5cc` at 0xffffffffc0445a14), where objdump prints the address
 * (`ffffffffc0445a34`). A branch reaches ±128 KiB (16-bit word offset, MIPS64 Vol. II "B"/"BEQ"), so
 * the target's upper 32 bits are those of the delay-slot address; its low 32 bits are Capstone's.
 * Only applied at real (above 4 GiB) addresses, where the two spellings differ.
 */
function mipsBranchTarget(insn: DecodedInsn): void {
  const last = insn.operands.length - 1;
  const op = insn.operands[last];
  if (op?.kind !== "imm") return;
  const target = ((insn.address + 4n) & ~0xffffffffn) | (op.value & 0xffffffffn);
  insn.operands[last] = { kind: "imm", value: target };
  insn.opStr = insn.opStr.replace(/-?0x[0-9a-f]+$/, `0x${target.toString(16)}`);
}

function readInsn(m: CsModule, hd: Handle, p: number, scratch: number): DecodedInsn {
  const size = u16(m, p + INSN.size);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = u8(m, p + INSN.bytes + i);
  const address = BigInt.asUintN(64, i64(m, p + 8));
  const mnemonic = m.UTF8ToString(p + INSN.mnemonic, 32);
  const opStr = m.UTF8ToString(p + INSN.opStr, 160);
  const d = u32(m, p + INSN.detail);
  const out: DecodedInsn = {
    address,
    bytes,
    mnemonic,
    opStr,
    operands: [],
    regsRead: [],
    regsWritten: [],
    groups: [],
    accessComplete: false,
  };
  if (!d) return out;
  out.operands = READERS[hd.family](m, hd, d + ARCH_UNION);
  const gc = u8(m, d + DETAIL.groupsCount);
  for (let i = 0; i < gc && i < 8; i++) {
    const gp = m._cs_group_name(hd.h, u8(m, d + DETAIL.groups + i));
    if (gp) out.groups.push(m.UTF8ToString(gp));
  }
  if (hd.family === "mips" && address > 0xffffffffn && out.groups.includes("branch_relative")) mipsBranchTarget(out);
  if (HAS_ACCESS.has(hd.family)) {
    // cs_regs_access(handle, insn, cs_regs read, u8 *read_count, cs_regs write, u8 *write_count);
    // cs_regs is uint16_t[64].
    const rr = scratch;
    const rw = scratch + 128;
    const rc = scratch + 256;
    const wc = scratch + 257;
    if (m._cs_regs_access(hd.h, p, rr, rc, rw, wc) === 0) {
      const nr = u8(m, rc);
      const nw = u8(m, wc);
      for (let i = 0; i < nr && i < 64; i++) out.regsRead.push(regName(m, hd, u16(m, rr + 2 * i)) ?? "?");
      for (let i = 0; i < nw && i < 64; i++) out.regsWritten.push(regName(m, hd, u16(m, rw + 2 * i)) ?? "?");
      out.accessComplete = true;
    }
  }
  if (!out.accessComplete) {
    // Implicit registers from cs_detail, plus the registers that form an address (always read).
    const nr = u8(m, d + DETAIL.regsReadCount);
    const nw = u8(m, d + DETAIL.regsWriteCount);
    for (let i = 0; i < nr && i < 20; i++)
      out.regsRead.push(regName(m, hd, u16(m, d + DETAIL.regsRead + 2 * i)) ?? "?");
    for (let i = 0; i < nw && i < 20; i++)
      out.regsWritten.push(regName(m, hd, u16(m, d + DETAIL.regsWrite + 2 * i)) ?? "?");
    for (const o of out.operands) {
      if (o.kind !== "mem") continue;
      if (o.mem.base) out.regsRead.push(o.mem.base);
      if (o.mem.index) out.regsRead.push(o.mem.index);
    }
  }
  if (hd.family === "riscv") expandRvc(out);
  out.regsRead = uniq(out.regsRead);
  out.regsWritten = uniq(out.regsWritten);
  // writeback flags: arm64 @5, arm @25 of their arch structs; cs_detail.writeback @92 elsewhere.
  const wb =
    hd.family === "arm64"
      ? u8(m, d + ARCH_UNION + 5)
      : hd.family === "arm"
        ? u8(m, d + ARCH_UNION + 25)
        : u8(m, d + 92);
  if (wb) out.writeback = true;
  return out;
}

interface UdForm {
  /** Full length with ModRM, SIB and displacement; 0 when the window ends inside the instruction. */
  length: number;
  mnemonic: "ud0" | "ud1";
  reg: string;
  rm: Operand;
}

const X86_GPR64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"];
const x86Gpr = (n: number, bits: 64 | 32): string => {
  if (n >= 8) return bits === 64 ? `r${n}` : `r${n}d`;
  const r = X86_GPR64[n] ?? "rax";
  return bits === 64 ? r : `e${r.slice(1)}`;
};

/**
 * If the instruction Capstone decoded at `at` (length `size`) is UD0/UD1 without its ModRM, return the
 * real form (SDM vol. 2, section 2.1 and table 2-2/2-3 for 32/64-bit ModRM and SIB addressing).
 */
function x86UdLength(bytes: Uint8Array, at: number, size: number, arch: ArchId): UdForm | undefined {
  if (size < 2 || bytes[at + size - 2] !== 0x0f) return undefined;
  const op = bytes[at + size - 1];
  if (op !== 0xb9 && op !== 0xff) return undefined;
  let rex = 0;
  let addr32 = arch === "i386";
  for (let i = at; i < at + size - 2; i++) {
    const b = bytes[i] ?? 0;
    if (arch === "x86_64" && b >= 0x40 && b <= 0x4f) rex = b;
    if (b === 0x67) addr32 = true;
  }
  const mnemonic = op === 0xb9 ? "ud1" : "ud0";
  let p = at + size;
  const modrm = bytes[p++];
  if (modrm === undefined) return { length: 0, mnemonic, reg: "", rm: { kind: "imm", value: 0n } };
  const mod = modrm >> 6;
  const regN = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
  let rmN = modrm & 7;
  const width: 64 | 32 = rex & 8 ? 64 : 32;
  const abits: 64 | 32 = addr32 ? 32 : 64;
  const reg = x86Gpr(regN, width);
  let rm: Operand;
  let need = 0;
  if (mod === 3) rm = { kind: "reg", reg: x86Gpr(rmN | (rex & 1 ? 8 : 0), width) };
  else {
    const mem: MemOperand = { scale: 1, disp: 0n };
    let dispLen = mod === 1 ? 1 : mod === 2 ? 4 : 0;
    if (rmN === 4) {
      const sib = bytes[p++];
      if (sib === undefined) return { length: 0, mnemonic, reg, rm: { kind: "imm", value: 0n } };
      const idx = ((sib >> 3) & 7) | (rex & 2 ? 8 : 0);
      if (idx !== 4) {
        mem.index = x86Gpr(idx, abits);
        mem.scale = 1 << (sib >> 6);
      }
      rmN = sib & 7;
      if (rmN === 5 && mod === 0) dispLen = 4;
      else mem.base = x86Gpr(rmN | (rex & 1 ? 8 : 0), abits);
    } else if (rmN === 5 && mod === 0) {
      dispLen = 4;
      if (arch === "x86_64") mem.base = addr32 ? "eip" : "rip";
    } else mem.base = x86Gpr(rmN | (rex & 1 ? 8 : 0), abits);
    need = dispLen;
    if (p + dispLen > bytes.length) return { length: 0, mnemonic, reg, rm: { kind: "imm", value: 0n } };
    let d = 0n;
    for (let i = dispLen - 1; i >= 0; i--) d = (d << 8n) | BigInt(bytes[p + i] ?? 0);
    if (dispLen) mem.disp = BigInt.asIntN(dispLen * 8, d);
    rm = { kind: "mem", mem };
  }
  return { length: p + need - at, mnemonic, reg, rm };
}

function udInsn(bytes: Uint8Array, address: bigint, f: UdForm): DecodedInsn {
  const att = (o: Operand): string => {
    if (o.kind === "reg") return `%${o.reg}`;
    if (o.kind !== "mem") return "";
    const { base, index, scale, disp } = o.mem;
    const d = disp === 0n ? "" : disp < 0n ? `-0x${(-disp).toString(16)}` : `0x${disp.toString(16)}`;
    const inner = [base ? `%${base}` : "", ...(index ? [`%${index}`, String(scale)] : [])].join(", ");
    return `${d}(${inner})`;
  };
  return {
    address,
    bytes,
    mnemonic: f.mnemonic,
    // AT&T order, as the rest of the x86 text: r/m first, then the register.
    opStr: `${att(f.rm)}, %${f.reg}`,
    operands: [{ kind: "reg", reg: f.reg }, f.rm],
    regsRead: [],
    regsWritten: [],
    groups: ["int"],
    // Raises #UD: nothing is read or written; the operands only carry information for the handler.
    accessComplete: true,
  };
}

/**
 * Decode `bytes` (placed at `address`) from the start until the first byte sequence Capstone cannot
 * decode or `max` instructions. Returns the instructions and how many bytes they covered. With
 * `lengthsOnly`, only the instruction lengths are pushed there (no detail is read: the fast path of
 * the x86 start search).
 */
export function decodeRun(
  target: DisasmTarget,
  bytes: Uint8Array,
  address: bigint,
  max = 0,
  lengthsOnly?: number[],
): { insns: DecodedInsn[]; consumed: number } {
  const m = engine();
  const hd = handleFor(target);
  if (bytes.length === 0) return { insns: [], consumed: 0 };
  const buf = m._malloc(bytes.length);
  const pp = m._malloc(4);
  const scratch = m._malloc(260);
  try {
    m.writeArrayToMemory(bytes, buf);
    const n = m._cs_disasm(hd.h, buf, bytes.length, BigInt.asUintN(64, address), max, pp);
    const first = u32(m, pp);
    const insns: DecodedInsn[] = [];
    let consumed = 0;
    try {
      for (let i = 0; i < n; i++) {
        const p = first + i * INSN.sizeof;
        let size = u16(m, p + INSN.size);
        // Capstone 5 decodes UD0/UD1 (0F FF /r, 0F B9 /r) without their ModRM byte; the SDM (vol. 2,
        // "UD—Undefined Instruction") and objdump give them one. The kernel uses `ud1` for UBSAN traps,
        // so take the ModRM (+SIB +displacement) and stop: what Capstone decoded after it is misaligned.
        const ud = hd.family === "x86" ? x86UdLength(bytes, consumed, size, hd.arch) : undefined;
        if (ud !== undefined) {
          if (ud.length === 0) break; // cut by the window's end: the caller sees it as undecodable
          size = ud.length;
          if (lengthsOnly) lengthsOnly.push(size);
          else insns.push(udInsn(bytes.slice(consumed, consumed + size), address + BigInt(consumed), ud));
          consumed += size;
          break;
        }
        if (lengthsOnly) {
          consumed += size;
          lengthsOnly.push(size);
          continue;
        }
        const d = readInsn(m, hd, p, scratch);
        consumed += d.bytes.length;
        insns.push(d);
      }
    } finally {
      if (n > 0) m._cs_free(first, n);
    }
    return { insns, consumed };
  } finally {
    m._free(scratch);
    m._free(pp);
    m._free(buf);
  }
}
