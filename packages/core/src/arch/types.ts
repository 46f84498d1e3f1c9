/**
 * The one interface behind which each architecture's knowledge lives. A table per architecture
 * (`x86.ts`, `arm.ts`, `mips.ts`, …) fills it in: register names (raw and ABI), word size,
 * byte order, which register holds the return address and the stack pointer, and which register
 * the kernel reports the faulting address in. Other layers key their own per-arch tables
 * (oops text formats, Capstone modes, instruction semantics) by the same `ArchId`.
 */

export type ArchId =
  | "x86_64"
  | "i386"
  | "arm64"
  | "arm"
  | "mips32"
  | "mips64"
  | "ppc32"
  | "ppc64"
  | "riscv64"
  | "s390x";

export type Endian = "little" | "big";

export interface RegisterDef {
  /** Canonical ABI name used in JSON and explanations: `s1`, `fp`, `lr`, `rax`. */
  readonly abi: string;
  /** Architectural number (DWARF numbering where it exists), for `$17`, `r17`, `x17`. */
  readonly number?: number;
  /** Every other spelling seen in oops dumps or disassembly: `$17`, `r17`, `x17`, `RAX`, `gpr17`. */
  readonly aliases: readonly string[];
}

export interface ArchInfo {
  readonly id: ArchId;
  /** Human name, e.g. "MIPS64". */
  readonly name: string;
  readonly bits: 32 | 64;
  /** Byte order the architecture usually runs in; the oops or the ELF header may say otherwise. */
  readonly defaultEndian: Endian;
  readonly registers: readonly RegisterDef[];
  /** ABI name of the program counter register as dumped (`rip`, `pc`, `epc`, `nip`, `psw`). */
  readonly pc: string;
  /** ABI name of the stack pointer. */
  readonly sp: string;
  /** ABI name of the link/return-address register, if the architecture has one (`lr`, `ra`). */
  readonly link?: string;
  /** ABI name of the always-zero register, if any. */
  readonly zero?: string;
  /**
   * The first entry of a printed call trace is a pc, not a return address: MIPS's show_backtrace()
   * (arch/mips/kernel/traps.c) starts at `regs->cp0_epc` — the exception pc, or the pc
   * prepare_frametrace() took inside show_stack() — and only then unwinds through `ra`. A symbolizer
   * must then look the first entry up as printed, not stepped back into a call.
   */
  readonly traceStartsAtPc?: boolean;
}
