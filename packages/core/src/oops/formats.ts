/**
 * How each architecture prints an oops: one table row per `ArchId`, turned into fields by the generic
 * engine in `extract.ts`. A row says which lines identify the architecture, where its register dump is
 * and how its values are laid out (pairs like `x29: …` or rows like MIPS `$ 0 :`), where the faulting
 * pc and the link register are printed, which register holds the fault address, how `Code:` bytes are
 * grouped, and which evidence fixes the byte order. A new format is a new row (or a new rule in a row),
 * never a new branch in the engine.
 *
 * Sources for the formats (facts only, no code copied): the kernel's `show_regs`/`__show_regs` and
 * `show_code`/`dump_instr` in arch/x86/kernel/{process_64,process_32,dumpstack}.c,
 * arch/arm64/kernel/{process,traps}.c, arch/arm/kernel/{process,traps}.c,
 * arch/mips/kernel/traps.c, arch/powerpc/kernel/process.c, arch/riscv/kernel/{process,traps}.c,
 * arch/s390/kernel/{dumpstack,dis}.c, and real logs (the syzkaller corpus, the seed, mailing lists).
 */

import type { ArchId, Endian } from "../arch/types.js";
import type { StackContext } from "./model.js";

/** A line pattern that votes for an architecture. */
export interface DetectRule {
  re: RegExp;
  weight: number;
}

/** Registers dumped as a row of bare values after a header naming the first one. */
export interface RowDump {
  /** Group `first` = number of the row's first register (decimal) when printed; group `values`. */
  re: RegExp;
  /** Register spelling is `prefix + number` (`$17`, `r17`), resolved through arch/table.ts. */
  prefix: string;
  /** Lines of bare values that continue the row (s390 `Krnl GPRS:` spans four lines). */
  continuation?: number;
}

/** A line holding the pc or link register: group `addr` (hex, no 0x) and/or `loc` (sym+off/size text). */
export interface LocRule {
  re: RegExp;
}

/** A line stating the fault address: group `addr`, optionally `access` (read/write/exec spelling). */
export interface FaultRule {
  re: RegExp;
  /** The address is a hint (GPF on a non-canonical address), not a page-fault address. */
  hint?: boolean;
}

/** Where the instruction bytes around the fault are printed and how. */
export interface CodeRule {
  /** Group `text` = the units on this line (may be empty when they follow on the next lines). */
  re: RegExp;
  /** PowerPC `Instruction dump:` puts the words on up to this many following lines. */
  following?: number;
  /** s390x `Krnl Code:` is an already-disassembled listing over several lines. */
  listing?: boolean;
}

/** Evidence for the byte order of printed code words. */
export interface EndianRule {
  re: RegExp;
  endian: Endian;
}

/** Decoding a cause/exception-code register into the kind of access that faulted. */
export interface AccessByCode {
  register: string;
  shift: number;
  mask: number;
  map: Readonly<Record<number, "read" | "write" | "exec">>;
}

export interface OopsFormat {
  arch: ArchId;
  detect: readonly DetectRule[];
  /** Lines carrying `name: value` register pairs, and the (global) pair pattern: groups 1 = name, 2 = value. */
  pairLines?: RegExp;
  pair?: RegExp;
  rows?: readonly RowDump[];
  pc: readonly LocRule[];
  lr: readonly LocRule[];
  fault: readonly FaultRule[];
  /** ABI name of the register holding the faulting data address, used when no message states it. */
  faultRegister?: string;
  accessByCode?: AccessByCode;
  code: readonly CodeRule[];
  endian: readonly EndianRule[];
  /** Group `model`: the CPU model string. */
  cpuModel: readonly RegExp[];
  /** Stack context of frames before any `<IRQ>`-style marker. */
  defaultContext: StackContext;
}

// `name: value` pairs where the value is 4..16 hex digits, optionally after an x86 segment selector
// (`RSP: 0018:ffffc900…`) or in ARM's `[<…>]` brackets.
const PAIR = /\b([A-Za-z][A-Za-z0-9_]*)\s*:\s*(?:[0-9a-f]{4}:)?\[?<?([0-9a-f]{4,16})>?\]?(?=[\s(]|$)/g;
const CODE_LINE: CodeRule = { re: /\bCode: (?<text>.*)$/ };
// Messages shared by every architecture that uses the generic mm fault path wording
// (arch/{arm,arm64,riscv,mips}/mm/fault.c: "Unable to handle kernel … at virtual address …").
const UNABLE: FaultRule = {
  re: /Unable to handle kernel (?:NULL pointer dereference|paging request|access to user memory|execute from non-executable memory|write to read-only memory|paging request for data)?[^,\n]*? at (?:virtual address |address )?(?:0x)?(?<addr>[0-9a-f]{1,16})\b/,
};

const x86Fault: FaultRule[] = [
  { re: /BUG: kernel NULL pointer dereference, address: (?<addr>[0-9a-f]+)/ },
  { re: /BUG: unable to handle page fault for address: (?<addr>[0-9a-f]+)/ },
  { re: /BUG: unable to handle kernel (?:NULL pointer dereference|paging request) at (?<addr>[0-9a-f]+)/ },
  { re: /(?<access>Read|Write) of size \d+ at addr (?<addr>[0-9a-f]+)/ },
  { re: /KASAN: null-ptr-deref in range \[0x(?<addr>[0-9a-f]+)-/ },
  { re: /general protection fault,? probably for non-canonical address 0x(?<addr>[0-9a-f]+)/, hint: true },
  { re: /#PF: supervisor (?<access>read|write|instruction fetch) access/ },
];

const x86_64: OopsFormat = {
  arch: "x86_64",
  detect: [
    { re: /^RIP: [0-9a-f]{4}:/, weight: 10 },
    { re: /^RAX: [0-9a-f]{16} RBX:/, weight: 10 },
    { re: /^RSP: [0-9a-f]{4}:[0-9a-f]{16}/, weight: 5 },
    {
      re: /^\s*(?:\[<[0-9a-f]{16}>\]\s*)?(?:\? )?(?:entry_SYSCALL_64|do_syscall_64|asm_exc_\w+|asm_sysvec_\w+)\+/,
      weight: 3,
    },
    { re: /\.x86_64\b|\bamd64\b/, weight: 2 },
  ],
  pairLines: /^(?:RSP|RAX|RDX|RBP|R10|R13|FS|CS|CR2|DR0|DR3|DR6|PKRU)\s*:/,
  pair: PAIR,
  // `IP:` is the line after `BUG: unable to handle …` in 2.6..4.x; `RIP  [<…>]` the end-of-oops summary.
  pc: [{ re: /^RIP: [0-9a-f]{4}:(?<loc>.*)$/ }, { re: /^\s*RIP\s+(?<loc>\[<.*)$/ }, { re: /^IP: (?<loc>.*)$/ }],
  lr: [],
  fault: x86Fault,
  faultRegister: "cr2",
  code: [CODE_LINE],
  endian: [],
  cpuModel: [],
  defaultContext: "task",
};

const i386: OopsFormat = {
  arch: "i386",
  detect: [
    { re: /^EIP: /, weight: 10 },
    { re: /^EAX: [0-9a-f]{8} EBX:/, weight: 10 },
    { re: /^\s*EIP is at /, weight: 5 },
    { re: /\b(?:entry_INT80_32|sysenter_past_esp|syscall_call|entry_SYSENTER_32)\b/, weight: 2 },
    { re: /\.i[3-6]86\b/, weight: 2 },
  ],
  // Before 2.6.2x the general registers were printed in lower case (`eax: … ebx: …`).
  pairLines: /^\s*(?:EIP|EAX|ESI|DS|CR0|DR0|DR6|EFLAGS|eax|esi|ds)\s*:/,
  pair: PAIR,
  pc: [{ re: /^EIP:\s+(?:[0-9a-f]{4}:)?(?<loc>.*)$/ }, { re: /^\s*EIP is at (?<loc>.*)$/ }, { re: /^IP: (?<loc>.*)$/ }],
  lr: [],
  fault: x86Fault,
  faultRegister: "cr2",
  code: [CODE_LINE],
  endian: [],
  cpuModel: [],
  defaultContext: "task",
};

const arm64: OopsFormat = {
  arch: "arm64",
  detect: [
    { re: /^pstate: [0-9a-f]{8} /, weight: 10 },
    { re: /^x29: [0-9a-f]{16} x28:/, weight: 10 },
    { re: /^pc : \[<[0-9a-f]{16}>\]/, weight: 10 },
    { re: /^\s*(?:ESR = 0x|Mem abort info:|Data abort info:)/, weight: 4 },
    { re: /\b(?:el0_svc|el0t_64_sync|el1h_64_sync|el1_da|el0_da|do_el0_svc|invoke_syscall)\b/, weight: 2 },
    { re: /\baarch64\b|\barm64\b/, weight: 2 },
  ],
  pairLines: /^(?:x\d+\s*:|sp :|pc :|lr :|pstate:)/,
  pair: PAIR,
  pc: [{ re: /^pc : (?<loc>.*)$/ }, { re: /^\s*PC is at (?<loc>.*)$/ }],
  lr: [{ re: /^lr : (?<loc>.*)$/ }, { re: /^\s*LR is at (?<loc>.*)$/ }],
  fault: [UNABLE, { re: /^\s*FAR = 0x(?<addr>[0-9a-f]+)/ }],
  code: [CODE_LINE],
  endian: [{ re: /\baarch64_be\b/, endian: "big" }],
  cpuModel: [],
  defaultContext: "unknown",
};

const arm: OopsFormat = {
  arch: "arm",
  detect: [
    { re: /^pc : \[<[0-9a-f]{8}>\]\s+lr : \[<[0-9a-f]{8}>\]\s+psr: /, weight: 10 },
    { re: /^r10: [0-9a-f]{8}\s+r9 : /, weight: 10 },
    { re: /^\[<[0-9a-f]{8}>\] \([^)]*\) from \[<[0-9a-f]{8}>\]/, weight: 5 },
    { re: /^Function entered at \[<[0-9a-f]{8}>\]/, weight: 5 },
    { re: /\b(?:__irq_svc|__dabt_svc|ret_fast_syscall|vector_swi|__irq_usr)\b/, weight: 2 },
    { re: /\barmv[5-7]\w*\b/, weight: 2 },
  ],
  pairLines: /^(?:pc : \[|sp :|r\d+\s*:|Control:)/,
  pair: PAIR,
  pc: [{ re: /^\s*PC is at (?<loc>.*)$/ }, { re: /^pc : \[<(?<addr>[0-9a-f]+)>\]/ }],
  lr: [{ re: /^\s*LR is at (?<loc>.*)$/ }, { re: /\blr : \[<(?<addr>[0-9a-f]+)>\]/ }],
  fault: [UNABLE, { re: /Unhandled fault: .* at 0x(?<addr>[0-9a-f]+)/ }],
  code: [CODE_LINE],
  endian: [{ re: /\barmv\w*b\b|\bBE8\b/, endian: "big" }],
  cpuModel: [],
  defaultContext: "unknown",
};

// MIPS PRA (MIPS64 Privileged Resource Architecture), Cause register: ExcCode = bits 6..2.
// 2 TLBL and 4 AdEL are loads (or instruction fetches), 3 TLBS, 4 and 5 AdES are stores.
const mipsAccess: AccessByCode = {
  register: "cause",
  shift: 2,
  mask: 0x1f,
  map: { 1: "write", 2: "read", 3: "write", 4: "read", 5: "write" },
};
// A row wrapped by a mail client continues on the next line with bare values.
const mipsRowDump: RowDump = {
  re: /^\$\s*(?<first>\d+)\s*:(?<values>(?:\s+[0-9a-f]{8,16})+)\s*$/,
  prefix: "$",
  continuation: 1,
};
const mipsFormat = (arch: "mips32" | "mips64", digits: number): OopsFormat => ({
  arch,
  detect: [
    // The `$ 0 :` row's value width tells MIPS32 (8 hex digits) from MIPS64 (16).
    { re: new RegExp(`^\\$\\s*0\\s*:\\s+[0-9a-f]{${digits}}(?:\\s|$)`), weight: 10 },
    { re: new RegExp(`^epc\\s*: [0-9a-f]{${digits}}\\b`), weight: 6 },
    { re: new RegExp(`epc == [0-9a-f]{${digits}},`), weight: 5 },
    // show_stacktrace() (arch/mips/kernel/traps.c) prints `Stack :` and the stack's words, also for a
    // WARN_ON() that has no register dump; their width is the word size.
    { re: new RegExp(`^Stack : [0-9a-f]{${digits}}(?:\\s|$)`), weight: 4 },
    { re: /^(?:PrId|BadVA|Cause)\s*: [0-9a-f]{8}/, weight: 3 },
    { re: /\b(?:ret_from_irq|r4k_wait|handle_sys|plat_irq_dispatch)\b/, weight: 2 },
    { re: /Cavium Octeon|\bmips/i, weight: 1 },
  ],
  rows: [mipsRowDump],
  pairLines: /^(?:Hi|Lo|epc|ra|Status|Cause|BadVA|PrId|ErrEPC)\s*:/,
  // One register per line: `Status: 1010cce3 KX …`, `BadVA : 0000000000000318`.
  pair: /^([A-Za-z]+)\s*:\s*([0-9a-f]{8,16})\b/g,
  pc: [{ re: /^epc\s*: (?<addr>[0-9a-f]{8,16})\s+(?<loc>.*)$/ }, { re: /\bepc == (?<addr>[0-9a-f]{8,16})/ }],
  lr: [{ re: /^ra\s*: (?<addr>[0-9a-f]{8,16})\s+(?<loc>.*)$/ }, { re: /\bra == (?<addr>[0-9a-f]{8,16})/ }],
  fault: [UNABLE],
  faultRegister: "badva",
  accessByCode: mipsAccess,
  code: [CODE_LINE],
  endian: [
    // Cavium Octeon cores run big-endian in every shipped SDK (company ID 0x0d in PrId).
    { re: /^PrId\s*: 000d[0-9a-f]{4}|Cavium Octeon/, endian: "big" },
    { re: /\bmips(?:64)?el\b|\blittle[- ]endian\b|Loongson|Ingenic/i, endian: "little" },
  ],
  cpuModel: [/^PrId\s*: [0-9a-f]+ \((?<model>[^)]+)\)/, /CPU\d* revision is: [0-9a-f]+ \((?<model>[^)]+)\)/],
  defaultContext: "unknown",
});

const ppcFormat = (arch: "ppc32" | "ppc64", digits: number): OopsFormat => ({
  arch,
  detect: [
    { re: new RegExp(`^NIP:\\s+[0-9a-f]{${digits}} LR:`), weight: 10 },
    { re: new RegExp(`^GPR00: [0-9a-f]{${digits}} `), weight: 10 },
    { re: new RegExp(`^MSR:\\s+[0-9a-f]{${digits}} `), weight: 5 },
    { re: /^Instruction dump:/, weight: 3 },
    { re: /^--- interrupt: [0-9a-f]+ at /, weight: 3 },
    // Call-trace lines `[sp] [lr] sym…`: the word size shows in the width of both addresses.
    { re: new RegExp(`^\\[[0-9a-f]{${digits}}\\] \\[[0-9a-f]{${digits}}\\] `), weight: 4 },
    { re: /\b(?:pSeries|PowerNV|ppc64le|ppc64)\b/, weight: digits === 16 ? 2 : 0 },
  ],
  rows: [{ re: /^GPR(?<first>\d\d):(?<values>(?:\s+[0-9a-f]{8,16})+)/, prefix: "r" }],
  pairLines: /^(?:NIP|MSR|CFAR|DAR|REGS|SOFTE|CTR|XER|IRQMASK|TRAP|DEAR|ESR|PACATMSCRATCH)\s*:/,
  // PowerPC dumps short fields too (`IRQMASK: 0`, `TRAP: 0300`), so accept 1+ digits.
  pair: /\b([A-Z][A-Z0-9]*):\s+([0-9a-f]{1,16})\b/g,
  pc: [{ re: /^NIP \[(?<addr>[0-9a-f]+)\] (?<loc>.*)$/ }, { re: /^NIP:\s+(?<addr>[0-9a-f]+)/ }],
  lr: [{ re: /^LR \[(?<addr>[0-9a-f]+)\] (?<loc>.*)$/ }, { re: /^NIP:\s+[0-9a-f]+ LR: (?<addr>[0-9a-f]+)/ }],
  fault: [
    { re: /Unable to handle kernel data access on (?<access>read|write) at 0x(?<addr>[0-9a-f]+)/ },
    { re: /Unable to handle kernel (?:data access|instruction fetch)[^\n]*? at 0x(?<addr>[0-9a-f]+)/ },
    { re: /Unable to handle kernel paging request for (?:data|instruction fetch) at address 0x(?<addr>[0-9a-f]+)/ },
    { re: /Kernel attempted to (?<access>read|write|access) user page \((?<addr>[0-9a-f]+)\)/ },
  ],
  faultRegister: "dar",
  code: [{ re: /^Instruction dump:(?<text>.*)$/, following: 4 }],
  endian: [
    // The oops banner says `LE PAGE_SIZE=…` / `BE PAGE_SIZE=…`; the MSR bit list shows `LE` when set.
    { re: /^LE PAGE_SIZE=|\bLE PAGE_SIZE=|<[^>]*\bLE\b[^>]*>/, endian: "little" },
    { re: /^BE PAGE_SIZE=|\bBE PAGE_SIZE=/, endian: "big" },
  ],
  cpuModel: [],
  defaultContext: "unknown",
});

// RISC-V Privileged spec, scause exception codes: 5 load access fault, 7 store/AMO access fault,
// 12 instruction page fault, 13 load page fault, 15 store/AMO page fault, 1 instruction access fault.
const riscvAccess: AccessByCode = {
  register: "cause",
  shift: 0,
  mask: 0x3f,
  map: { 1: "exec", 5: "read", 7: "write", 12: "exec", 13: "read", 15: "write" },
};

const riscv64: OopsFormat = {
  arch: "riscv64",
  detect: [
    { re: /^\s*epc\s*: [0-9a-f]{16} ra : /, weight: 10 },
    { re: /^\s*status: [0-9a-f]{16} badaddr: /, weight: 10 },
    { re: /^\s*gp : [0-9a-f]{16} tp : /, weight: 8 },
    { re: /\b(?:handle_exception|do_trap_\w+|riscv\w*)\b/, weight: 1 },
  ],
  pairLines: /^\s*[a-z][a-z0-9]*\s*: [0-9a-f]{16}(?:\s|$)/,
  pair: /\b([a-z][a-z0-9]*)\s*:\s*([0-9a-f]{16})(?=\s|$)/g,
  pc: [{ re: /^\s*epc\s*: (?<loc>.*)$/ }],
  lr: [{ re: /^\s*ra\s*: (?<loc>.*)$/ }],
  fault: [UNABLE],
  faultRegister: "badaddr",
  accessByCode: riscvAccess,
  // RISC-V prints 16-bit parcels (the C extension makes 2 bytes the instruction granule).
  code: [CODE_LINE],
  endian: [],
  cpuModel: [],
  defaultContext: "unknown",
};

const s390x: OopsFormat = {
  arch: "s390x",
  detect: [
    { re: /^Krnl PSW : /, weight: 10 },
    { re: /^Krnl GPRS: /, weight: 10 },
    { re: /^Krnl Code: /, weight: 5 },
    { re: /^Last Breaking-Event-Address:/, weight: 5 },
    { re: /\bs390x?\b/, weight: 2 },
  ],
  rows: [{ re: /^Krnl GPRS:(?<values>(?:\s+[0-9a-f]{16})+)/, prefix: "r", continuation: 3 }],
  pc: [{ re: /^Krnl PSW : [0-9a-f]{16} (?<addr>[0-9a-f]{16})(?: \((?<loc>[^)]*)\))?/ }],
  lr: [],
  fault: [{ re: /Failing address: (?<addr>[0-9a-f]{16})/ }],
  code: [{ re: /^Krnl Code:(?<text>.*)$/, listing: true }],
  endian: [],
  cpuModel: [],
  defaultContext: "unknown",
};

export const OOPS_FORMATS: Readonly<Record<ArchId, OopsFormat>> = {
  x86_64,
  i386,
  arm64,
  arm,
  mips32: mipsFormat("mips32", 8),
  mips64: mipsFormat("mips64", 16),
  ppc32: ppcFormat("ppc32", 8),
  ppc64: ppcFormat("ppc64", 16),
  riscv64,
  s390x,
};
