// Comparison of oopscope's decoded instructions with GNU objdump's text, shared by the conformance
// suite (objdump goldens) and the syzkaller decompile test. Every rule here is a difference of notation
// between Capstone 5 and objdump 2.40, not of meaning; each one says which.
import type { ArchId } from "../src/arch/types.js";
import { registerName } from "../src/disasm/capstone.js";
import type { DisasmTarget, Instruction, MemOperand } from "../src/disasm/types.js";

/** One instruction as objdump printed it. */
export interface GoldenInsn {
  offset: number;
  bytes: string;
  mnemonic: string;
  operands: string;
}

/**
 * Mnemonic spellings that differ between Capstone 5 and objdump 2.40 for the same encoding.
 * Key: `arch:capstone` → objdump's spelling.
 */
export const ALIASES: Record<string, string> = {};

/** Capstone's x86 AT&T mnemonics carry a size suffix where objdump omits it when a register implies it. */
export function x86Mnemonic(cs: string, od: string): boolean {
  if (cs === od) return true;
  // movq/movl vs mov; callq vs call; retq vs ret; movabsq vs movabs
  if (/^[a-z]+[bwlq]$/.test(cs) && cs.slice(0, -1) === od) return true;
  return false;
}

/** Operand text → comparable tokens: no sigils, no comments, numbers as decimal, registers as ABI names. */
export function normalise(arch: ArchId, s: string): string {
  let t = s.toLowerCase();
  // objdump comments: x86/riscv `# 0x…`, ARM `@ 0x…`, AArch64 `// #…`; symbol hints `<…>`.
  t = t
    .replace(/\s+\/\/.*$/, "")
    .replace(/\s+@.*$/, "")
    .replace(/<[^>]*>/g, "");
  if (arch !== "arm64" && arch !== "arm") t = t.replace(/\s+#.*$/, "");
  t = t.replace(/[$%#]/g, "").replace(/\s+/g, "");
  // A zero displacement Capstone leaves out: `($s1)` = `0(s1)`.
  t = t.replace(/(^|,)\(/g, "$10(");
  // x86: Capstone leaves out a scale of 1: `(%rdx, %rax)` = `(%rdx,%rax,1)`.
  if (arch === "x86_64" || arch === "i386") t = t.replace(/\((\w*),(\w+)\)/g, "($1,$2,1)");
  return t
    .split(/([,()[\]{}!:+*-])/)
    .map((tok) => {
      if (/^(0x[0-9a-f]+|[0-9]+)$/.test(tok)) return BigInt(tok).toString();
      if (/^[a-z][a-z0-9_.]*$/.test(tok)) return registerName(arch, tok);
      return tok;
    })
    .join("")
    .replace(/-(\d+)/g, (_, d: string) => `-${d}`);
}

/** A negative value printed as two's complement (`0xfffffffffffffc5c`) vs signed: compare modulo 2^64. */
export function sameValueText(a: string, b: string, branch = false, bits = 64): boolean {
  if (a === b) return true;
  const wrap = (x: string, bits: number) =>
    x.replace(/-?\d+/g, (n) => {
      const v = BigInt(n);
      return (v < 0n || bits < 64 ? BigInt.asUintN(bits, v) : v).toString();
    });
  if (wrap(a, bits) === wrap(b, bits)) return true;
  // The objdump behind syzkaller's decompile corpus printed x86-64 branch targets of a raw binary
  // modulo 2^32 (`call 0xfe148f0f` where objdump 2.40 and Capstone say 0xfffffffffe148f0f).
  return branch && wrap(a, 32) === wrap(b, 32);
}

/** Same instruction: mnemonic (modulo ALIASES / x86 size suffixes) and operands (modulo notation). */
export function sameInstruction(arch: ArchId, mine: Instruction, o: GoldenInsn): boolean {
  if (arch === "s390x") return sameS390(mine, o);
  if (arch === "x86_64" || arch === "i386") return sameX86(arch, mine, o);
  const rule = EQUIVALENT[`${arch}:${mine.mnemonic}:${o.mnemonic}`];
  if (rule) return rule(normalise(arch, mine.opStr), normalise(arch, o.operands));
  const alias = ALIASES[`${arch}:${mine.mnemonic}`];
  // ARM UAL: `stm`/`ldm` are `stmia`/`ldmia` (increment after is the default).
  const odMn = arch === "arm" ? o.mnemonic.replace(/^(ldm|stm)ia/, "$1") : o.mnemonic;
  // 32-bit targets: an immediate printed signed by one and unsigned by the other (`#-16777216` vs
  // `#0xff000000`) is the same 32-bit value.
  const bits = arch === "arm" || arch === "mips32" || arch === "ppc32" ? 32 : 64;
  return (
    (alias ?? mine.mnemonic) === odMn &&
    sameValueText(normalise(arch, mine.opStr), normalise(arch, o.operands), false, bits)
  );
}

const X86_PREFIX =
  /^(lock|rep|repz|repe|repnz|repne|[c-gs]s|data16|addr32|rex(\.[wrxb]+)?|notrack|bnd|xacquire|xrelease)$/i;
const X86_STRING = /^(movs|stos|lods|scas|cmps|ins|outs)[bwlq]?$/;
const X86_SHIFT = /^(sal|sar|shl|shr|rol|ror|rcl|rcr)[bwlq]?$/;

/** Split `lock orb $0x20,0x2(%rax)` / `rex.RB shlb …` into prefixes, mnemonic and operands. */
function x86Split(text: string): { prefixes: string[]; mn: string; ops: string } {
  const words = text.trim().split(/\s+/);
  const prefixes: string[] = [];
  while (words.length > 1 && X86_PREFIX.test(words[0] ?? "")) prefixes.push(words.shift() ?? "");
  const mn = words.shift() ?? "";
  return { prefixes, mn, ops: words.join(" ") };
}

/**
 * x86, Capstone 5 AT&T vs objdump: objdump prints redundant or no-op prefixes as words (`cs nopw`,
 * `rex.W`, `repz repz mov`) where Capstone folds them into the instruction or its operand (`%cs:`);
 * it spells out the implicit segments of string instructions (`%ds:(%rsi),%es:(%rdi)`) and the port
 * operand as `(%dx)`; it omits the shift count 1 (`sar %edi` = `sarl $1, %edi`) and size suffixes when a
 * register implies the size; `fwait`/`wait`, `fucomip`/`fucompi`, `%db6`/`%dr6`, `xchg %ax,%ax`/`nop`
 * (66 90) are two names for one encoding. `lock` must agree; %fs/%gs overrides (per-CPU data) too.
 */
function sameX86(arch: ArchId, mine: Instruction, o: GoldenInsn): boolean {
  const a = x86Split(`${mine.mnemonic} ${mine.opStr}`);
  const b = x86Split(`${o.mnemonic} ${o.operands}`);
  if (a.prefixes.includes("lock") !== b.prefixes.includes("lock")) return false;
  // A segment prefix only matters with a memory operand (`fs sar $0x4c,%al` = `sarb $0x4c, %al`).
  const segOf = (x: { prefixes: string[]; ops: string }) =>
    [
      ...x.prefixes.filter((p) => (p === "fs" || p === "gs") && x.ops.includes("(")),
      ...[...x.ops.matchAll(/%([fg]s):/g)].map((m) => m[1]),
    ]
      .sort()
      .join();
  if (!X86_STRING.test(a.mn) && segOf(a) !== segOf(b)) return false;
  let aOps = a.ops.replace(/%[c-gs]s:/g, "");
  let bOps = b.ops
    .replace(/%[c-gs]s:/g, "")
    .replace(/\(%dx\)/g, "%dx")
    .replace(/%db(\d)/g, "%dr$1");
  let aMn = a.mn;
  const bMn = b.mn;
  if (aMn === "nop" && bMn === "xchg" && bOps === "%ax,%ax") return mine.bytes.length === 2;
  if (aMn === "wait") aMn = "fwait";
  if (/^sal[bwlq]?$/.test(aMn)) aMn = aMn.replace("sal", "shl"); // SAL and SHL share D0-D3 /4
  if (aMn === "fucompi" || aMn === "fcompi") {
    aMn = aMn.replace(/pi$/, "ip");
    bOps = bOps.replace(/,%st$/, "");
  }
  if (X86_SHIFT.test(aMn) && /^\$1, /.test(aOps) && !/^\$/.test(bOps)) aOps = aOps.replace(/^\$1, /, "");
  if (!x86Mnemonic(aMn, bMn)) return false;
  const branch = (mine.groups ?? []).some((g) => g === "call" || g === "jump");
  // An immediate printed signed by Capstone and unsigned by objdump (`testb $-0x7c` = `testb $0x84`)
  // is the same value at the operation's width (the operand size Capstone reports).
  const size = Math.max(
    0,
    ...mine.operands.map((op) => (op.kind === "reg" ? (op.size ?? 0) : op.kind === "mem" ? (op.mem.size ?? 0) : 0)),
  );
  const bits = size > 0 ? size * 8 : 64;
  return (
    sameValueText(normalise(arch, aOps), normalise(arch, bOps), branch) ||
    sameValueText(normalise(arch, aOps), normalise(arch, bOps), false, bits)
  );
}

/**
 * Different mnemonics for one encoding, where objdump picks an extended/alias form and Capstone the
 * base form (or the reverse); the rule checks the operands correspond.
 */
export const EQUIVALENT: Record<string, (cs: string, od: string) => boolean> = {
  // Power ISA extended mnemonic: clrrwi rA,rS,n = rlwinm rA,rS,0,0,31-n.
  "ppc32:rlwinm:clrrwi": (cs, od) => {
    const [a, s, sh, mb, me] = cs.split(",");
    const [oa, os, n] = od.split(",");
    return a === oa && s === os && sh === "0" && mb === "0" && Number(me) === 31 - Number(n);
  },
  "ppc64:rlwinm:clrrwi": (cs, od) => EQUIVALENT["ppc32:rlwinm:clrrwi"]?.(cs, od) ?? false,
  // The ARMv8.3 FCMA `vcmla` occupies the encoding space of the pre-v8 coprocessor instruction CDP2;
  // Capstone 5 has no FCMA and shows CDP2. Only seen on a misaligned start before the fault.
  "arm:cdp2:vcmla.f16": () => true,
  // binutils prints the compressed c.addi / c.addi4spn / c.addi16sp as `add rd,rs,imm`.
  "riscv64:addi:add": (cs, od) => cs === od && /^-?\d+$/.test(cs.split(",").at(-1) ?? ""),
};

// objdump's s390 branch-on-condition aliases (mask → mnemonic, z/Architecture Principles of Operation,
// "Branch Relative on Condition" extended mnemonics).
const S390_JUMP: Record<string, string> = {
  "15": "j",
  "7": "jne",
  "8": "je",
  "2": "jh",
  "4": "jl",
  "10": "jhe",
  "12": "jle",
};
const S390_CMP_JUMP: Record<string, string> = { "6": "ne", "8": "e", "2": "h", "4": "l", "10": "he", "12": "le" };

/**
 * s390x: our text is the kernel's (`Krnl Code:`), which writes relative branch targets as absolute
 * addresses and keeps the condition mask (`brc 15,…`, `cij %r1,0,6,…`); objdump, given the bytes
 * alone, writes window-relative targets and condition aliases (`j`, `cijne`). Compare mnemonics via
 * the masks and operands without the relative-address operand.
 */
export function sameS390(mine: Instruction, o: GoldenInsn): boolean {
  const ops = normalise("s390x", mine.opStr).split(",");
  const odOps = normalise("s390x", o.operands).split(",");
  let mn = mine.mnemonic;
  const relative = /^(brc|brcl|j\w*|brasl?|larl|c[lg]?[ri]j\w*|clg?[ri]j\w*|brct\w*)$/.test(mn);
  if (mn === "brc" || mn === "brcl") {
    const mask = ops.shift() ?? "";
    mn = (S390_JUMP[mask] ?? `brc${mask}`) + (mine.mnemonic === "brcl" ? "l" : "");
    if (mn === "jl" && mine.mnemonic === "brcl") mn = "jgl";
    if (mine.mnemonic === "brcl") mn = mn.replace(/^j/, "jg").replace(/l$/, "");
  } else if (/^c[lg]?[ri]?j$|^cl?g?[ri]j$/.test(mn)) {
    const mask = ops.splice(2, 1)[0] ?? "";
    mn += S390_CMP_JUMP[mask] ?? mask;
  }
  if (mn !== o.mnemonic) return false;
  if (relative) {
    ops.pop();
    odOps.pop();
  }
  return ops.join(",") === odOps.join(",");
}

export function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** Memory operand as objdump writes it, parsed per architecture. */
export function objdumpMem(arch: ArchId, ops: string): MemOperand | undefined {
  const o = arch === "arm" || arch === "arm64" ? ops.replace(/\s+(@|\/\/).*$/, "") : ops.replace(/\s+#.*$/, "");
  let m: RegExpExecArray | null;
  if (arch === "x86_64" || arch === "i386") {
    m = /(?:%(\w+):)?(-?0x[0-9a-f]+|-?\d+)?\((%\w+)?(?:,(%\w+)(?:,(\d))?)?\)/.exec(o);
    if (!m) return undefined;
    const d = m[2] ?? "0";
    const mem: MemOperand = { scale: Number(m[5] ?? 1), disp: d.startsWith("-") ? -BigInt(d.slice(1)) : BigInt(d) };
    if (m[3]) mem.base = m[3].slice(1);
    if (m[4]) mem.index = m[4].slice(1);
    return mem;
  }
  if (arch === "arm" || arch === "arm64") {
    m = /(?:^|,\s*)\[(\w+)(?:,\s*(?:#(-?(?:0x[0-9a-f]+|\d+))|(-?)(\w+)(?:,\s*lsl\s*#(\d+))?))?\]/.exec(o);
    if (!m?.[1]) return undefined;
    const mem: MemOperand = { scale: 1, disp: 0n, base: registerName(arch, m[1]) };
    if (m[2]) mem.disp = m[2].startsWith("-") ? -BigInt(m[2].slice(1)) : BigInt(m[2]);
    if (m[4]) {
      mem.index = registerName(arch, m[4]);
      mem.scale = (m[3] ? -1 : 1) * 2 ** Number(m[5] ?? 0);
    }
    return mem;
  }
  if (arch === "s390x") {
    m = /(-?\d+)\((?:%(r\d+))?(?:,%(r\d+))?\)/.exec(o);
    if (!m) return undefined;
    const mem: MemOperand = { scale: 1, disp: BigInt(m[1] ?? 0) };
    // D(X,B) with both; D(B) with one.
    if (m[3]) {
      mem.base = m[3];
      if (m[2]) mem.index = m[2];
    } else if (m[2]) mem.base = m[2];
    return mem;
  }
  m = /(-?(?:0x[0-9a-f]+|\d+))?\((\w+)\)/.exec(o);
  if (!m?.[2]) return undefined;
  return { scale: 1, disp: m[1] ? BigInt(m[1]) : 0n, base: registerName(arch, m[2]) };
}

export function structuredMem(i: Instruction): MemOperand | undefined {
  const op = i.operands.find((o) => o.kind === "mem");
  if (op?.kind !== "mem") return undefined;
  const { base, index, scale, disp } = op.mem;
  const out: MemOperand = { scale: index ? scale : 1, disp };
  if (base) out.base = base;
  if (index) out.index = index;
  return out;
}

/**
 * How objdump prints an instruction's bytes: x86 and s390 as bytes; RISC-V as one number per
 * instruction; Thumb as one number per 16-bit halfword; the others as one 32-bit number. Numbers are
 * read in the target's byte order.
 */
export function bytesAsObjdump(t: DisasmTarget, b: Uint8Array): string {
  const num = (x: Uint8Array) => hex(t.endian === "little" ? x.slice().reverse() : x);
  if (t.arch === "x86_64" || t.arch === "i386") return hex(b);
  if (t.arch === "arm" && t.thumb) {
    let s = "";
    for (let i = 0; i < b.length; i += 2) s += num(b.slice(i, i + 2));
    return s;
  }
  return num(b);
}
