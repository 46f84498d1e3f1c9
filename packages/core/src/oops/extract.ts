/**
 * Field extraction: turns the clean lines of one crash (stamps and prefixes already removed) into the
 * model's fields — architecture and byte order, kind, kernel release, taint, CPU/PID/comm, hardware,
 * CPU model, fault address and access, pc and lr, registers under ABI names, call trace, `Code:`
 * window, modules, panic message and the aftermath (NMI-watchdog dump, reboot notice).
 *
 * Architecture knowledge lives in the rows of `formats.ts`; the arch-independent lines (the
 * `CPU: … PID: … Comm: …` header of dump_stack/show_regs in lib/dump_stack.c, `Modules linked in:`
 * from kernel/module, `Kernel panic - not syncing:` from kernel/panic.c) are tables here.
 */

import { ARCHES, findRegister } from "../arch/table.js";
import type { ArchId, Endian } from "../arch/types.js";
import { decodeCodeUnits, decodeS390Listing } from "./code.js";
import { OOPS_FORMATS, type OopsFormat } from "./formats.js";
import { inferContexts, parseTrace, TRACE_START } from "./frames.js";
import { parseLocation, toLocation } from "./location.js";
import type { CodeWindow, Crash, CrashKind, Frame, Location } from "./model.js";
import { taintLetters, taintMeanings } from "./taint.js";

/** First line matching a rule decides the kind; rules are tried in order, specific before generic. */
export const KIND_RULES: readonly { re: RegExp; kind: CrashKind }[] = [
  {
    re: /KASAN: null-ptr-deref|BUG: kernel NULL pointer dereference|nable to handle kernel NULL pointer dereference/,
    kind: "null-deref",
  },
  { re: /\bBUG: KASAN:|\bKASAN: /, kind: "kasan" },
  { re: /\bBUG: KFENCE:/, kind: "kfence" },
  { re: /\bBUG: KMSAN:/, kind: "kmsan" },
  { re: /\bBUG: KCSAN:/, kind: "kcsan" },
  { re: /\bUBSAN: /, kind: "ubsan" },
  // x86 #GP, and #SS (`stack segment: 0000 [#1]`), its stack-segment sibling.
  { re: /general protection fault|\bstack segment: [0-9a-f]{4}/, kind: "general-protection" },
  {
    re: /nable to handle kernel (?:paging request|data access|access to user memory|execute from|write to read-only|instruction fetch)|unable to handle page fault for address|Kernel attempted to (?:read|write|access) user page|Unable to handle kernel pointer dereference/,
    kind: "paging-request",
  },
  { re: /BUG: soft lockup|soft lockup - CPU#/, kind: "soft-lockup" },
  { re: /[Hh]ard LOCKUP/, kind: "hard-lockup" },
  { re: /detected stalls? on CPUs?|detected stall|self-detected stall/, kind: "rcu-stall" },
  { re: /INFO: task .* blocked (?:in I\/O wait )?for more than|INFO: task .* can't die/, kind: "hung-task" },
  {
    // kernel/locking/lockdep.c and spinlock_debug.c reports, and the debug_smp_processor_id checks
    // (lib/smp_processor_id.c) that syzkaller files under LOCKDEP too.
    re: /possible circular locking dependency|possible recursive locking|inconsistent lock state|suspicious RCU usage|bad unlock balance|possible irq lock inversion|held lock freed|lock held when returning to user space|possible deadlock|\b(?:spin|rw)lock (?:already unlocked|bad magic|lockup suspected|recursion|wrong owner|wrong CPU)|still has locks held|using (?:__this_cpu_\w+|smp_processor_id)\(\) in preemptible|WARNING: locking bug|nested lock was not taken|MAX_LOCKDEP|MAX_STACK_TRACE_ENTRIES too low|IRQ-(?:safe|unsafe) lock order detected|Invalid wait context/,
    kind: "lockdep",
  },
  // A WARN_ON in kernel/locking/ (lockdep's DEBUG_LOCKS_WARN_ON) is a lockdep report.
  { re: /WARNING: CPU: \d+ PID: \d+ at kernel\/locking\//, kind: "lockdep" },
  { re: /\bdivide error:|Oops: divide error|divide_error/, kind: "divide-error" },
  { re: /\binvalid opcode:|Oops: invalid opcode/, kind: "invalid-opcode" },
  { re: /\bdouble fault\b/, kind: "double-fault" },
  { re: /stack guard page was hit|[Kk]ernel stack overflow|Kernel stack is corrupted/, kind: "stack-overflow" },
  // MIPS BUG() is a `tne` trap: die("Kernel bug detected") (arch/mips/kernel/traps.c, do_trap_or_bp).
  { re: /kernel BUG at |\bBUG: failure at|Kernel BUG at|\bkernel BUG\b|Kernel bug detected\[#/, kind: "bug" },
  { re: /\bWARNING: /, kind: "warning" },
  // Any other `BUG:` report (sleeping in atomic context, bad page state, list corruption …).
  { re: /\bBUG: /, kind: "bug" },
  { re: /\bInternal error: /, kind: "internal-error" },
  // MIPS do_ade(): an address error (AdEL/AdES) in kernel mode that the unaligned-access emulation
  // could not handle (arch/mips/kernel/unaligned.c), e.g. a pointer outside every segment.
  { re: /\bUnhandled fault: |Unhandled kernel unaligned access\[#/, kind: "unhandled-fault" },
  { re: /\bOops(?:\[#\d+\])?:|\bOops - /, kind: "oops" },
  { re: /Kernel panic - not syncing|Attempted to kill init|sysrq triggered crash/, kind: "panic" },
];

/** Lines that start the aftermath of a panic: what the machine did after dying, not a new crash. */
export const AFTERMATH_START: readonly RegExp[] = [
  /^\*\*\* NMI Watchdog interrupt on Core/, // Cavium Octeon SDK NMI handler
  /^\*\*\* Chip soft reset soon \*\*\*/,
  /^---\[ end Kernel panic - not syncing/,
  /^Rebooting in \d+ seconds/,
  /^SMP: stopping secondary CPUs/,
  /^Kernel Offset: /,
  /^Shutting down cpus with NMI/,
  /^Dumping ftrace buffer:/,
];

const PANIC = /Kernel panic - not syncing: ?(.*?)\s*$/;
// `CPU: 7 UID: 0 PID: 1 Comm: foo Kdump: loaded Tainted: G  W  6.18.7 #1` (lib/dump_stack.c; UID
// since 6.12, `Kdump: loaded` when a crash kernel is loaded).
const HEADER = /\bCPU: (\d+)(?: UID: \d+)? PID: (\d+) Comm: (.{1,20}?)(?: Kdump: loaded)? (Not tainted|Tainted: )(.*)$/;
const OLD_PID = /^Pid: (\d+), comm: (\S+?)\s+(Not tainted|Tainted: )(.*)$/;
const PROCESS = /\bProcess (\S+) \(pid: (\d+),/;
const CPU_ONLY = [/^Cpu (\d+)\s*$/, /^CPU (\d+) Unable to handle/, /\bCPU:\s+(\d+)\s*$/, /\bCPU: (\d+) PID: /];
// i386 before 2.6.2x: `EIP:    0060:[<c0562cf4>]    Not tainted VLI` and `EFLAGS: 00010246   (2.6.11-rc2)`.
const EIP_TAINT = /^EIP:\s+[0-9a-f]{4}:\S+\s+(Not tainted|Tainted: )((?:[A-Z] ?)*)/;
const EFLAGS_RELEASE = /^EFLAGS: [0-9a-f]+\s+\((\S+?)(?: (#\S+))?\)/;
const MODULE_TOKEN = /^[\w.-]+(?:\([A-Z+-]*\))?$/;
const TAINT_ONLY = /^\s*(?:REGS: .*TRAP: [0-9a-f]+\s+)?(Not tainted|Tainted: )(.*)$/;
const HARDWARE = /^Hardware name: (.*?)\s*$/;
const MODULES = /^Modules linked in:(.*)$/;
const BANNER = /\bLinux version (\S+)/;
const ACCESS_RULES: readonly { re: RegExp; access: string }[] = [
  // arm64 data aborts (ESR EC 0x24/0x25): the kernel prints the ISS WnR bit, 0 = read, 1 = write (Arm ARM, ESR_ELx).
  { re: /\bWnR = 1\b/, access: "write" },
  { re: /\bWnR = 0\b/, access: "read" },
];

/** Split what follows `Tainted: ` into taint letters, release and version (`#1`). */
function splitTaint(rest: string, notTainted: boolean): { raw: string; release?: string; version?: string } {
  let raw = "";
  let tail = rest;
  if (!notTainted) {
    // 6.x: `[W]=WARN, [O]=OOT_MODULE` (its own line); otherwise fixed-width letters and blanks.
    const br = /^((?:\[[A-Z]\]=[A-Z_]+(?:, )?)+)\s*(.*)$/.exec(rest);
    if (br) {
      raw = br[1] ?? "";
      tail = br[2] ?? "";
    } else {
      // print_tainted() writes one column per flag, a letter or a blank, so consecutive flags
      // run together (`G           OE      6.1.0-56-amd64`): a token of capitals is taint, the first
      // other token is the release.
      const m = /^((?:[A-Z]+(?: +|$))*)(.*)$/.exec(rest);
      raw = (m?.[1] ?? "").trim();
      tail = m?.[2] ?? "";
    }
  }
  const out: { raw: string; release?: string; version?: string } = { raw };
  const paren = /^\s*\(([^)\s]+)\)/.exec(tail);
  if (paren) {
    out.release = paren[1] ?? "";
    return out;
  }
  const toks = tail
    .trim()
    .split(/\s+/)
    .filter((t) => t !== "");
  const rel = toks[0];
  if (rel !== undefined && !rel.startsWith("#") && /^[0-9A-Za-z]/.test(rel)) out.release = rel;
  const ver = toks.find((t) => t.startsWith("#"));
  if (ver !== undefined) out.version = ver;
  return out;
}

/** Parse a `Modules linked in:` list: `bonding run(P) cache(OE) [last unloaded: foo]`. */
export function parseModules(list: string): { name: string; taint: string }[] {
  const cleaned = list.replace(/\[last unloaded:[^\]]*\]/g, " ").replace(/\[permanent\]/g, " ");
  const out: { name: string; taint: string }[] = [];
  for (const tok of cleaned.trim().split(/\s+/)) {
    const m = /^([\w.-]+)(?:\(([A-Z+-]*)\))?$/.exec(tok);
    if (!m) continue;
    out.push({ name: m[1] ?? "", taint: (m[2] ?? "").replace(/[+-]/g, "") });
  }
  return out;
}

/** Score every format's detection rules; the best positive score wins. */
export function detectArch(lines: readonly string[]): ArchId | undefined {
  const scores = new Map<ArchId, number>();
  const formats = Object.values(OOPS_FORMATS);
  for (const line of lines) {
    for (const f of formats) {
      for (const r of f.detect) {
        if (r.weight > 0 && r.re.test(line)) scores.set(f.arch, (scores.get(f.arch) ?? 0) + r.weight);
      }
    }
  }
  let best: ArchId | undefined;
  let bestScore = 0;
  for (const [a, s] of scores) {
    if (s > bestScore) {
      best = a;
      bestScore = s;
    }
  }
  return best;
}

/** The first kind rule matching the earliest line that matches any. */
export function classifyLine(line: string): CrashKind | undefined {
  for (const r of KIND_RULES) if (r.re.test(line)) return r.kind;
  return undefined;
}

function mergeLocation(into: Location | undefined, from: Location): Location {
  const out: Location = { ...(into ?? {}) };
  for (const k of ["address", "symbol", "offset", "size", "module"] as const) {
    if (out[k] === undefined && from[k] !== undefined) (out as Record<string, unknown>)[k] = from[k];
  }
  return out;
}

function locFromMatch(m: RegExpExecArray): Location | undefined {
  const g = m.groups ?? {};
  let loc: Location | undefined;
  if (g.loc !== undefined) {
    const p = parseLocation(g.loc);
    if (p) loc = toLocation(p);
  }
  if (g.addr !== undefined) loc = { ...(loc ?? {}), address: BigInt(`0x${g.addr}`) };
  return loc;
}

function normaliseAccess(a: string | undefined): string | undefined {
  if (!a) return undefined;
  const s = a.toLowerCase();
  if (s === "read" || s === "write") return s;
  if (s.includes("fetch") || s === "exec") return "exec";
  return undefined;
}

/** Everything `extractCrash` finds; `Crash` minus what the report finder and log parser add. */
export type CrashFields = Omit<Crash, "signature" | "position" | "report" | "boot">;

/**
 * Extract the fields of one crash from its clean lines. Never throws on odd input: fields that are
 * not there stay undefined.
 */
export function extractCrash(lines: readonly string[]): CrashFields {
  // Split off the aftermath: from the first aftermath line after a panic line on.
  let end = lines.length;
  let sawPanic = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? "";
    if (PANIC.test(l)) sawPanic = true;
    else if (sawPanic && AFTERMATH_START.some((re) => re.test(l))) {
      end = i;
      break;
    }
  }
  const body = lines.slice(0, end);
  const aftermath = lines.slice(end);

  const arch = detectArch(body);
  const fmt: OopsFormat | undefined = arch ? OOPS_FORMATS[arch] : undefined;
  const crash: CrashFields = {
    kind: "unknown",
    kernel: {},
    tainted: { letters: "", meanings: [] },
    fault: {},
    registers: {},
    frames: [],
    modules: [],
  };
  if (arch) crash.arch = arch;
  if (aftermath.length > 0) crash.aftermath = aftermath.map((l) => l.trimEnd());

  const rawRegs = new Map<string, bigint>();
  let regsDone = false;
  const setReg = (name: string, value: bigint): void => {
    if (regsDone || !arch) return;
    const key = findRegister(arch, name)?.abi ?? name.toLowerCase();
    const prev = rawRegs.get(key);
    // A register seen again with another value belongs to a second dump (another CPU, an exception
    // frame inside the trace): the first dump is the one of the fault.
    if (prev !== undefined && prev !== value) {
      regsDone = true;
      return;
    }
    rawRegs.set(key, value);
  };

  let endian: { endian: Endian; evidence: string } | undefined;
  let codeLine = -1;
  let traceStart = -1;
  let faultFromMessage = false;
  let taintSeen = false;

  for (let i = 0; i < body.length; i++) {
    const line = body[i] ?? "";
    if (crash.kind === "unknown") {
      const k = classifyLine(line);
      if (k) crash.kind = k;
    }
    // --- arch-independent header lines ---
    const setTaint = (t: { raw: string }): void => {
      if (taintSeen) return;
      crash.tainted = { letters: taintLetters(t.raw), meanings: [], raw: t.raw };
      taintSeen = true;
    };
    const setKernel = (t: { release?: string; version?: string }): void => {
      if (t.release && crash.kernel.release === undefined) crash.kernel.release = t.release;
      if (t.version && crash.kernel.version === undefined) crash.kernel.version = t.version;
    };
    const header = crash.pid === undefined ? HEADER.exec(line) : null;
    const oldPid = crash.pid === undefined && !header ? OLD_PID.exec(line) : null;
    const taintOnly = header || oldPid ? null : (TAINT_ONLY.exec(line) ?? EIP_TAINT.exec(line));
    if (header) {
      crash.cpu = Number(header[1]);
      crash.pid = Number(header[2]);
      crash.comm = header[3] ?? "";
      const t = splitTaint(header[5] ?? "", header[4] === "Not tainted");
      setTaint(t);
      setKernel(t);
    } else if (oldPid) {
      crash.pid = Number(oldPid[1]);
      crash.comm = oldPid[2] ?? "";
      const t = splitTaint(oldPid[4] ?? "", oldPid[3] === "Not tainted");
      setTaint(t);
      setKernel(t);
    } else if (taintOnly) {
      const t = splitTaint(taintOnly[2] ?? "", taintOnly[1] === "Not tainted");
      setTaint(t);
      if (!line.startsWith("EIP")) setKernel({ ...(t.release ? { release: t.release } : {}) });
    }
    const efl = EFLAGS_RELEASE.exec(line);
    if (efl) setKernel({ release: efl[1] ?? "", ...(efl[2] ? { version: efl[2] } : {}) });
    const proc = crash.pid === undefined ? PROCESS.exec(line) : null;
    if (proc) {
      crash.comm = proc[1] ?? "";
      crash.pid = Number(proc[2]);
    }
    if (crash.cpu === undefined) {
      for (const re of CPU_ONLY) {
        const c = re.exec(line);
        if (c) {
          crash.cpu = Number(c[1]);
          break;
        }
      }
    }
    const hw = crash.hardware === undefined ? HARDWARE.exec(line) : null;
    if (hw) crash.hardware = hw[1] ?? "";
    const mods = crash.modules.length === 0 ? MODULES.exec(line) : null;
    if (mods) {
      // A long list is continued on following lines (console line length, mail wrapping); such a
      // line starts with a blank and holds nothing but module names.
      let list = mods[1] ?? "";
      for (let j = i + 1; j < body.length && j <= i + 8; j++) {
        const next = body[j] ?? "";
        const toks = next.trim().split(/\s+/);
        if (!/^\s/.test(next) || next.trim() === "" || !toks.every((t) => MODULE_TOKEN.test(t) || /^\[/.test(t))) break;
        list += ` ${next}`;
      }
      crash.modules = parseModules(list);
    }
    const pan = crash.panic === undefined ? PANIC.exec(line) : null;
    if (pan) crash.panic = { message: pan[1] ?? "" };
    const ban = crash.kernel.release === undefined ? BANNER.exec(line) : null;
    if (ban) crash.kernel.release = ban[1] ?? "";
    if (traceStart < 0 && TRACE_START.test(line)) traceStart = i;
    for (const r of ACCESS_RULES)
      if (crash.fault.access === undefined && r.re.test(line)) crash.fault.access = r.access;

    if (!fmt) continue;
    // --- the architecture's rows ---
    for (const row of fmt.rows ?? []) {
      const r = row.re.exec(line);
      if (!r) continue;
      let n = r.groups?.first !== undefined ? Number(r.groups.first) : 0;
      const vals = (r.groups?.values ?? "").trim().split(/\s+/);
      for (let c = 0; c < (row.continuation ?? 0); c++) {
        const next = body[i + 1 + c] ?? "";
        if (!/^\s*(?:[0-9a-f]{8,16}\s*)+$/.test(next)) break;
        vals.push(...next.trim().split(/\s+/));
      }
      for (const v of vals) if (v !== "") setReg(`${row.prefix}${n++}`, BigInt(`0x${v}`));
    }
    if (fmt.pairLines?.test(line) && fmt.pair) {
      for (const p of line.matchAll(fmt.pair)) {
        if (p[1] && p[2]) setReg(p[1], BigInt(`0x${p[2]}`));
      }
    }
    // After the call trace began, a pc line belongs to another frame (the user-mode registers at an
    // exception boundary) unless it names the same function (x86's end-of-oops `EIP: sym… SS:ESP`).
    const sameOrFirst = (into: Location | undefined, loc: Location): boolean =>
      traceStart < 0 || into === undefined || (loc.symbol !== undefined && loc.symbol === into.symbol);
    for (const rule of fmt.pc) {
      const pm = rule.re.exec(line);
      const loc = pm ? locFromMatch(pm) : undefined;
      if (loc && sameOrFirst(crash.pc, loc)) crash.pc = mergeLocation(crash.pc, loc);
    }
    for (const rule of fmt.lr) {
      const lm = rule.re.exec(line);
      const loc = lm ? locFromMatch(lm) : undefined;
      if (loc && sameOrFirst(crash.lr, loc)) crash.lr = mergeLocation(crash.lr, loc);
    }
    if (!faultFromMessage) {
      for (const rule of fmt.fault) {
        const fm = rule.re.exec(line);
        if (!fm) continue;
        const a = normaliseAccess(fm.groups?.access);
        if (a && crash.fault.access === undefined) crash.fault.access = a;
        if (fm.groups?.addr !== undefined) {
          crash.fault.address = BigInt(`0x${fm.groups.addr}`);
          if (rule.hint) crash.fault.hint = true;
          faultFromMessage = true;
          break;
        }
      }
    } else if (crash.fault.access === undefined) {
      for (const rule of fmt.fault) {
        const a = normaliseAccess(rule.re.exec(line)?.groups?.access);
        if (a) crash.fault.access = a;
      }
    }
    if (codeLine < 0 && fmt.code.some((c) => c.re.test(line))) codeLine = i;
    if (!endian) {
      for (const e of fmt.endian) {
        if (e.re.test(line)) {
          endian = { endian: e.endian, evidence: line.trim() };
          break;
        }
      }
    }
    for (const re of fmt.cpuModel) {
      const cm = crash.cpuModel === undefined ? re.exec(line) : null;
      if (cm?.groups?.model) crash.cpuModel = cm.groups.model;
    }
  }

  crash.tainted.meanings = taintMeanings(crash.tainted.letters);
  if (crash.tainted.raw === undefined) delete crash.tainted.raw;
  for (const [k, v] of rawRegs) crash.registers[k] = v;

  if (arch && fmt) {
    const info = ARCHES[arch];
    crash.endian = endian?.endian ?? info.defaultEndian;
    crash.endianEvidence = endian?.evidence ?? "default";
    const pcReg = crash.registers[info.pc];
    if (pcReg !== undefined && crash.pc?.address === undefined) crash.pc = { ...(crash.pc ?? {}), address: pcReg };
    if (info.link) {
      const lrReg = crash.registers[info.link];
      if (lrReg !== undefined && crash.lr?.address === undefined) crash.lr = { ...(crash.lr ?? {}), address: lrReg };
    }
    // The cause register names the kind of access (MIPS ExcCode, RISC-V scause).
    let causeSaysMemory = false;
    if (fmt.accessByCode) {
      const abc = fmt.accessByCode;
      const v = crash.registers[abc.register];
      if (v !== undefined) {
        const code = Number((v >> BigInt(abc.shift)) & BigInt(abc.mask));
        const a = abc.map[code];
        if (a) {
          causeSaysMemory = true;
          if (crash.fault.access === undefined) crash.fault.access = a;
        }
      }
    }
    if (crash.fault.address === undefined && fmt.faultRegister) {
      const v = crash.registers[fmt.faultRegister];
      const memKind =
        crash.kind === "null-deref" || crash.kind === "paging-request" || crash.kind === "unhandled-fault";
      if (v !== undefined && (memKind || causeSaysMemory)) crash.fault.address = v;
    }
    if (codeLine >= 0) {
      const code = decodeCode(body, codeLine, fmt, crash.endian);
      if (code) {
        if (arch === "arm" && code.unitSize === 2) code.thumb = true;
        crash.code = code;
      }
    }
  }
  if (traceStart >= 0) {
    crash.frames = parseTrace(body, traceStart, fmt?.defaultContext ?? "unknown").frames;
  } else {
    // Some logs lose the `Call Trace:` header (cut lines); take a run of frames after the registers.
    crash.frames = headerlessTrace(body, fmt?.defaultContext ?? "unknown");
  }
  inferContexts(crash.frames);
  return crash;
}

function headerlessTrace(body: readonly string[], ctx: Frame["context"]): Frame[] {
  for (let i = 0; i < body.length; i++) {
    // `[<addr>] sym+off/size` (MIPS, old x86) or ARM's `[<where>] (sym) from [<from>] (caller…)`.
    if (/^\s*\[<[0-9a-f]{8,16}>\] (?:\S+\+0x|\([^)]*\) from \[<)/.test(body[i] ?? ""))
      return parseTrace(body, i, ctx).frames;
  }
  return [];
}

function decodeCode(body: readonly string[], at: number, fmt: OopsFormat, endian: Endian): CodeWindow | undefined {
  const line = body[at] ?? "";
  for (const rule of fmt.code) {
    const m = rule.re.exec(line);
    if (!m) continue;
    const text = m.groups?.text ?? "";
    if (rule.listing) {
      const listing = [text];
      for (let j = at + 1; j < body.length && j <= at + 16; j++) {
        const l = body[j] ?? "";
        if (!/^\s*[#>]?[0-9a-f]{8,16}: /.test(l)) break;
        listing.push(l);
      }
      return decodeS390Listing(listing);
    }
    if (rule.following) {
      const parts: string[] = [text];
      for (let j = at + 1; j < body.length && j <= at + rule.following; j++) {
        const l = body[j] ?? "";
        if (!/^\s*(?:[<(]?[0-9a-f]{8}[>)]?\s*)+$/.test(l)) break;
        parts.push(l);
      }
      return decodeCodeUnits(parts.join(" "), endian);
    }
    // A window wrapped onto following lines (mail clients, narrow consoles): append lines made only of units.
    const parts = [text];
    for (let j = at + 1; j < body.length && j <= at + 3; j++) {
      const l = body[j] ?? "";
      if (!/^\s*(?:[<(]?(?:[0-9a-f]{2}|[0-9a-f]{4}|[0-9a-f]{8})[>)]?\s*)+$/.test(l)) break;
      parts.push(l);
    }
    return decodeCodeUnits(parts.join(" "), endian);
  }
  return undefined;
}
