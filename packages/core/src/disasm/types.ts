/**
 * The disassembler's output, independent of Capstone: instructions decoded from an oops `Code:`
 * window with operands and register accesses under ABI register names (see arch/table.ts). The
 * explanation layer reads only these types.
 */

import type { ArchId, Endian } from "../arch/types.js";

export interface MemOperand {
  base?: string;
  index?: string;
  /** Multiplier of the index (x86 SIB scale; `lsl #n` on ARM/AArch64 gives 2^n; -1 for ARM `[r1, -r2]`). */
  scale: number;
  disp: bigint;
  /** Access width in bytes, when the instruction says it. */
  size?: number;
  /** x86 segment override (`%gs:0x28`). */
  segment?: string;
  /** AArch64: how the index register is extended before scaling (`uxtw`, `sxtw`, `sxtx`). */
  indexExtend?: string;
}

/** A shift applied to a register operand (`x2, lsl #3`; ARM `r3, lsl r4` has `reg`) or an immediate (`#0xfbff, lsl #32`). */
export interface Shift {
  type: string;
  amount: number;
  /** ARM register-specified shift: the register holding the amount. */
  reg?: string;
}

/**
 * Register names: full-width general registers use the ABI names of arch/table.ts (`fp` for AArch64
 * x29, `sl` for ARM r10, `a4` for MIPS n64 `$8`, `r2` for s390 `%r2`); sub-registers keep the spelling
 * that carries their width (`eax`, `w1`, `r8d`, `al`). `fullRegister()` maps them to the full register.
 * Operands are listed destination first on every architecture (x86 included, whatever the syntax).
 */
export type Operand =
  | {
      kind: "reg";
      reg: string;
      access?: "r" | "w" | "rw";
      /** Width in bytes, when the disassembler says it (x86). */
      size?: number;
      shift?: Shift;
      /** AArch64 extend applied to the register (`w1, uxtw`). */
      extend?: string;
      /** ARM: the register is subtracted (`[r1, -r2]`, `sub … , -r2`). */
      subtracted?: boolean;
    }
  | { kind: "imm"; value: bigint; shift?: Shift }
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
  /** Capstone instruction groups (`jump`, `call`, `ret`, `int`, `branch_relative`, …). */
  groups?: string[];
  /**
   * true when `regsRead`/`regsWritten` are complete (Capstone has register-access data: x86, ARM,
   * AArch64). false on MIPS, PowerPC, RISC-V and s390x: they then hold only implicit registers and
   * the registers forming a memory address, and the semantics tables must supply the rest.
   */
  accessComplete?: boolean;
  /** The instruction updates its base register (pre/post-index, `ldu`, `stwu`). */
  writeback?: boolean;
  /** Not decodable: the bytes are shown as data (`.byte`/`.short`/`.word`), where objdump says `(bad)`. */
  bad?: boolean;
  /** s390x only: the kernel's mark in `Krnl Code:` (`>` = at the PSW address, `#` = the instruction before). */
  s390Marker?: "#" | ">";
}

export interface DisasmTarget {
  arch: ArchId;
  endian: Endian;
  /** ARM only: Thumb mode. MIPS only: Octeon (cnMIPS) extensions. */
  thumb?: boolean;
  octeon?: boolean;
}
