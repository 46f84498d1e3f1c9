/**
 * The disassembler's output, independent of Capstone: instructions decoded from an oops `Code:`
 * window with operands and register accesses under ABI register names (see arch/table.ts). The
 * explanation layer reads only these types.
 */

import type { ArchId, Endian } from "../arch/types.js";

export interface MemOperand {
  base?: string;
  index?: string;
  scale: number;
  disp: bigint;
  /** Access width in bytes, when the instruction says it. */
  size?: number;
}

export type Operand =
  | { kind: "reg"; reg: string; access?: "r" | "w" | "rw" }
  | { kind: "imm"; value: bigint }
  | { kind: "mem"; mem: MemOperand; access?: "r" | "w" | "rw" };

export interface Instruction {
  /** Byte offset inside the Code window. */
  offset: number;
  /** Absolute address when the faulting pc is known. */
  address?: bigint;
  bytes: Uint8Array;
  mnemonic: string;
  /** Operand text as the disassembler prints it. */
  opStr: string;
  operands: Operand[];
  regsRead: string[];
  regsWritten: string[];
  /** true for the instruction at the `<..>` mark. */
  faulting: boolean;
}

export interface DisasmTarget {
  arch: ArchId;
  endian: Endian;
  /** ARM only: Thumb mode. MIPS only: Octeon (cnMIPS) extensions. */
  thumb?: boolean;
  octeon?: boolean;
}
