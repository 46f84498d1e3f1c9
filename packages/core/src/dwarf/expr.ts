/**
 * Turns a DWARF location expression (DWARF 5 §2.5, §2.6; opcodes and operands from §7.7.1, table 7.9,
 * plus the GNU extensions GCC emits) into the text `llvm-dwarfdump` prints for it — `DW_OP_breg7 rsp+8`,
 * `DW_OP_fbreg -20`, `DW_OP_entry_value(DW_OP_reg5 rdi), DW_OP_stack_value` — with register names
 * taken from our per-architecture tables (DWARF register numbering) instead of LLVM's.
 */

import { ARCHES } from "../arch/table.js";
import type { ArchId } from "../arch/types.js";
import { Cursor } from "../binary/cursor.js";
import { OopsError } from "../errors.js";
import { slebNum, ulebNum } from "./unit.js";

/** Operand shapes. */
type Operand = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "u64" | "i64" | "uleb" | "sleb" | "addr" | "off" | "br";

/** Named opcodes and their operands (table 7.9; GNU values from GCC's dwarf2.def). */
const OPS: Record<number, [string, ...Operand[]]> = {
  3: ["DW_OP_addr", "addr"],
  6: ["DW_OP_deref"],
  8: ["DW_OP_const1u", "u8"],
  9: ["DW_OP_const1s", "i8"],
  10: ["DW_OP_const2u", "u16"],
  11: ["DW_OP_const2s", "i16"],
  12: ["DW_OP_const4u", "u32"],
  13: ["DW_OP_const4s", "i32"],
  14: ["DW_OP_const8u", "u64"],
  15: ["DW_OP_const8s", "i64"],
  16: ["DW_OP_constu", "uleb"],
  17: ["DW_OP_consts", "sleb"],
  18: ["DW_OP_dup"],
  19: ["DW_OP_drop"],
  20: ["DW_OP_over"],
  21: ["DW_OP_pick", "u8"],
  22: ["DW_OP_swap"],
  23: ["DW_OP_rot"],
  24: ["DW_OP_xderef"],
  25: ["DW_OP_abs"],
  26: ["DW_OP_and"],
  27: ["DW_OP_div"],
  28: ["DW_OP_minus"],
  29: ["DW_OP_mod"],
  30: ["DW_OP_mul"],
  31: ["DW_OP_neg"],
  32: ["DW_OP_not"],
  33: ["DW_OP_or"],
  34: ["DW_OP_plus"],
  35: ["DW_OP_plus_uconst", "uleb"],
  36: ["DW_OP_shl"],
  37: ["DW_OP_shr"],
  38: ["DW_OP_shra"],
  39: ["DW_OP_xor"],
  40: ["DW_OP_bra", "br"],
  41: ["DW_OP_eq"],
  42: ["DW_OP_ge"],
  43: ["DW_OP_gt"],
  44: ["DW_OP_le"],
  45: ["DW_OP_lt"],
  46: ["DW_OP_ne"],
  47: ["DW_OP_skip", "br"],
  145: ["DW_OP_fbreg", "sleb"],
  147: ["DW_OP_piece", "uleb"],
  148: ["DW_OP_deref_size", "u8"],
  149: ["DW_OP_xderef_size", "u8"],
  150: ["DW_OP_nop"],
  151: ["DW_OP_push_object_address"],
  152: ["DW_OP_call2", "u16"],
  153: ["DW_OP_call4", "u32"],
  154: ["DW_OP_call_ref", "off"],
  155: ["DW_OP_form_tls_address"],
  156: ["DW_OP_call_frame_cfa"],
  157: ["DW_OP_bit_piece", "uleb", "uleb"],
  159: ["DW_OP_stack_value"],
  160: ["DW_OP_implicit_pointer", "off", "sleb"],
  161: ["DW_OP_addrx", "uleb"],
  162: ["DW_OP_constx", "uleb"],
  165: ["DW_OP_regval_type", "uleb", "uleb"],
  166: ["DW_OP_deref_type", "u8", "uleb"],
  167: ["DW_OP_xderef_type", "u8", "uleb"],
  168: ["DW_OP_convert", "uleb"],
  169: ["DW_OP_reinterpret", "uleb"],
  224: ["DW_OP_GNU_push_tls_address"],
  240: ["DW_OP_GNU_uninit"],
  242: ["DW_OP_GNU_implicit_pointer", "off", "sleb"],
  245: ["DW_OP_GNU_regval_type", "uleb", "uleb"],
  246: ["DW_OP_GNU_deref_type", "u8", "uleb"],
  247: ["DW_OP_GNU_convert", "uleb"],
  249: ["DW_OP_GNU_reinterpret", "uleb"],
  250: ["DW_OP_GNU_parameter_ref", "u32"],
  251: ["DW_OP_GNU_addr_index", "uleb"],
  252: ["DW_OP_GNU_const_index", "uleb"],
  253: ["DW_OP_GNU_variable_value", "off"],
};

/** ELF e_machine → our architecture id, for register names (only the machines we have tables for). */
export function archOfMachine(machine: number, addressSize: number): ArchId | undefined {
  switch (machine) {
    case 62:
      return "x86_64";
    case 3:
      return "i386";
    case 183:
      return "arm64";
    case 40:
      return "arm";
    case 8:
    case 10:
      return addressSize === 8 ? "mips64" : "mips32";
    case 20:
      return "ppc32";
    case 21:
      return "ppc64";
    case 243:
      return "riscv64";
    case 22:
      return "s390x";
    default:
      return undefined;
  }
}

export interface ExprContext {
  readonly littleEndian: boolean;
  readonly addressSize: number;
  readonly offsetSize: 4 | 8;
  /** Architecture for register names; numbers alone when undefined. */
  readonly arch?: ArchId;
}

/** The name of DWARF register `n` on `arch` (the ABI name of the table entry numbered `n`), or `r<n>`. */
export function dwarfRegisterName(arch: ArchId | undefined, n: number): string {
  if (arch) {
    const r = ARCHES[arch].registers.find((x) => x.number === n);
    if (r) return r.abi;
  }
  return `r${n}`;
}

const hex = (v: bigint | number) => `0x${v.toString(16)}`;
const signed = (v: bigint | number) => (v < 0 ? `${v}` : `+${v}`);

/** Decodes `expr` into `llvm-dwarfdump`'s spelling. Throws a typed error on a truncated expression. */
export function exprToText(expr: Uint8Array, ctx: ExprContext, depth = 0): string {
  const c = new Cursor(expr, ctx.littleEndian);
  const parts: string[] = [];
  while (!c.atEnd) {
    const op = c.u8();
    if (op >= 0x30 && op <= 0x4f) {
      parts.push(`DW_OP_lit${op - 0x30}`);
      continue;
    }
    if (op >= 0x50 && op <= 0x6f) {
      parts.push(`DW_OP_reg${op - 0x50} ${dwarfRegisterName(ctx.arch, op - 0x50)}`);
      continue;
    }
    if (op >= 0x70 && op <= 0x8f) {
      const off = slebNum(c);
      parts.push(`DW_OP_breg${op - 0x70} ${dwarfRegisterName(ctx.arch, op - 0x70)}${signed(off)}`);
      continue;
    }
    if (op === 0x90) {
      const r = ulebNum(c);
      parts.push(`DW_OP_regx ${dwarfRegisterName(ctx.arch, r)}`);
      continue;
    }
    if (op === 0x92) {
      const r = ulebNum(c);
      const off = slebNum(c);
      parts.push(`DW_OP_bregx ${dwarfRegisterName(ctx.arch, r)}${signed(off)}`);
      continue;
    }
    if (op === 0xa3 || op === 0xf3) {
      // DW_OP_entry_value (§2.5.1.7) and its GNU predecessor: a nested expression.
      const len = ulebNum(c);
      const inner = c.slice(len, "entry value expression");
      const name = op === 0xa3 ? "DW_OP_entry_value" : "DW_OP_GNU_entry_value";
      parts.push(`${name}(${depth < 8 ? exprToText(inner, ctx, depth + 1) : "..."})`);
      continue;
    }
    if (op === 0x9e) {
      const len = ulebNum(c);
      const bytes = c.slice(len, "implicit value");
      parts.push(`DW_OP_implicit_value ${hex(len)} ${[...bytes].map((b) => hex(b)).join(" ")}`.trimEnd());
      continue;
    }
    if (op === 0xa4 || op === 0xf4) {
      const type = ulebNum(c);
      const len = c.u8();
      const bytes = c.slice(len, "typed constant");
      const name = op === 0xa4 ? "DW_OP_const_type" : "DW_OP_GNU_const_type";
      parts.push(`${name} ${hex(type)} ${[...bytes].map((b) => hex(b)).join(" ")}`.trimEnd());
      continue;
    }
    const def = OPS[op];
    if (!def) throw new OopsError("E_BAD_VALUE", `unknown DWARF expression opcode 0x${op.toString(16)}`, c.pos - 1);
    const [name, ...operands] = def;
    const vals: string[] = [];
    for (const kind of operands) {
      switch (kind) {
        case "u8":
          vals.push(hex(c.u8()));
          break;
        case "i8":
          vals.push(`${c.i8()}`);
          break;
        case "u16":
          vals.push(hex(c.u16()));
          break;
        case "i16":
          vals.push(`${c.i16()}`);
          break;
        case "u32":
          vals.push(hex(c.u32()));
          break;
        case "i32":
          vals.push(`${c.i32()}`);
          break;
        case "u64":
          vals.push(hex(c.u64()));
          break;
        case "i64":
          vals.push(`${c.i64()}`);
          break;
        case "uleb":
          vals.push(hex(c.uleb()));
          break;
        case "sleb":
          vals.push(`${c.sleb()}`);
          break;
        case "addr":
          vals.push(hex(c.uN(ctx.addressSize)));
          break;
        case "off":
          vals.push(hex(ctx.offsetSize === 8 ? c.u64() : c.u32()));
          break;
        case "br":
          vals.push(signed(c.i16()));
          break;
      }
    }
    parts.push(vals.length ? `${name} ${vals.join(" ")}` : name);
  }
  return parts.join(", ");
}
