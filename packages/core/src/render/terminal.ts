/**
 * The terminal report: an `Analysis` in, readable text out — the fault, where, the machine and task,
 * the registers that matter, the call trace grouped by stack context, modules and taint explained,
 * the `Code:` window disassembled objdump-style with the faulting line marked and register values
 * inline, then the explanation. ANSI colour only when `color` is set (the CLI passes `isTTY`).
 */

import type { Analysis, CrashAnalysis } from "../analysis/types.js";
import { hex } from "../types.js";
import {
  accessOperand,
  CONTEXT_NAMES,
  codeRows,
  faultText,
  fmtLocation,
  groupFrames,
  headline,
  linkName,
  machine,
  moduleTaintMeaning,
  registersThatMatter,
  sourceText,
  taskText,
} from "./facts.js";
import { rootCauseRows } from "./rootcause.js";

export interface TerminalOptions {
  color?: boolean;
}

interface Paint {
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
  dim(s: string): string;
}

function paint(color: boolean): Paint {
  const w = (open: number, close: number) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { bold: w(1, 22), red: w(31, 39), yellow: w(33, 39), cyan: w(36, 39), green: w(32, 39), dim: w(2, 22) };
}

const label = (p: Paint, name: string) => p.bold(name.padEnd(10));

function crashSection(ca: CrashAnalysis, n: number, total: number, p: Paint): string[] {
  const c = ca.crash;
  const out: string[] = [];
  out.push(p.bold(p.red(`Crash ${n} of ${total}: ${headline(ca)}`)));
  if (c.signature.corrupted)
    out.push(
      `  ${p.yellow("corrupted report")}${c.signature.corruptedReason ? `: ${c.signature.corruptedReason}` : ""}`,
    );
  out.push(`  ${label(p, "fault")}${faultText(c)}${c.signature.type ? p.dim(`  [${c.signature.type}]`) : ""}`);
  const pcAddr = c.pc?.address !== undefined ? p.dim(`  (pc ${hex(c.pc.address)})`) : "";
  out.push(`  ${label(p, "where")}${p.cyan(fmtLocation(c.pc))}${pcAddr}`);
  for (const s of ca.sources.filter((x) => x.frame === -1))
    out.push(`  ${label(p, s.inlined ? "  inlined" : "source")}${p.green(sourceText(s))}`);
  if (c.lr) {
    const a = c.lr.address !== undefined ? p.dim(`  (${hex(c.lr.address)})`) : "";
    out.push(`  ${label(p, linkName(c))}${fmtLocation(c.lr)}${a}`);
  }
  const m = machine(c);
  if (m) out.push(`  ${label(p, "machine")}${m}${c.hardware ? `, ${c.hardware}` : ""}`);
  else if (c.hardware) out.push(`  ${label(p, "hardware")}${c.hardware}`);
  const t = taskText(c);
  if (t) out.push(`  ${label(p, "task")}${t}`);
  if (c.kernel.release || c.kernel.version)
    out.push(`  ${label(p, "kernel")}${[c.kernel.release, c.kernel.version].filter(Boolean).join(" ")}`);
  if (c.tainted.letters) {
    out.push(`  ${label(p, "tainted")}${p.yellow(c.tainted.letters)}`);
    for (const meaning of c.tainted.meanings) out.push(`  ${" ".repeat(10)}${p.dim("·")} ${meaning}`);
  }
  if (c.panic) out.push(`  ${label(p, "panic")}${p.red(c.panic.message)}`);
  if (c.aftermath?.length)
    out.push(`  ${label(p, "aftermath")}${c.aftermath.length} line(s) after the crash (e.g. NMI watchdog, reset)`);
  if (c.boot !== undefined) out.push(`  ${label(p, "boot")}#${c.boot + 1}`);

  const regs = registersThatMatter(ca);
  if (regs.length) {
    out.push("", p.bold("Registers that matter"));
    const w = Math.max(...regs.map((r) => r.name.length));
    for (const r of regs) out.push(`  ${r.name.padEnd(w)} = ${p.cyan(hex(r.value).padEnd(18))}  ${p.dim(r.why)}`);
  }

  if (c.frames.length) {
    out.push("", p.bold("Call trace") + p.dim(" (innermost first; ? = unreliable)"));
    for (const g of groupFrames(c.frames)) {
      out.push(`  ${p.yellow(CONTEXT_NAMES[g.context])}`);
      for (const { index, frame } of g.frames) {
        const mark = frame.reliable ? " " : "?";
        const addr = frame.address !== undefined ? p.dim(`${hex(frame.address)}  `) : "";
        const inl = frame.inline ? p.dim(" [inline]") : "";
        const src = frame.file ? p.dim(`  ${frame.file}${frame.line ? `:${frame.line}` : ""}`) : "";
        const text = `${fmtLocation(frame)}${inl}`;
        out.push(`   ${mark} #${String(index).padEnd(3)}${addr}${frame.reliable ? text : p.dim(text)}${src}`);
        for (const s of ca.sources.filter((x) => x.frame === index))
          out.push(`        ${p.green(`${s.inlined ? "inlined " : ""}${sourceText(s)}`)}`);
      }
    }
  }

  if (c.modules.length) {
    out.push("", p.bold(`Modules linked in (${c.modules.length})`));
    out.push(`  ${c.modules.map((mo) => (mo.taint ? `${mo.name}(${mo.taint})` : mo.name)).join(" ")}`);
    for (const mo of c.modules.filter((x) => x.taint))
      out.push(`  ${p.yellow(mo.name)}: ${moduleTaintMeaning(mo.taint).join(", ")}`);
    const inTrace = new Set(c.frames.map((f) => f.module).filter((x): x is string => !!x));
    if (c.pc?.module) inTrace.add(c.pc.module);
    if (inTrace.size) out.push(`  ${p.dim(`in the trace: ${[...inTrace].join(", ")}`)}`);
  }

  const rows = codeRows(ca);
  if (rows.length) {
    out.push("", p.bold("Code") + p.dim(" (decoded from the oops; >> marks the faulting instruction)"));
    const wWhere = Math.max(...rows.map((r) => r.where.length));
    const wSym = Math.max(0, ...rows.map((r) => (r.symbolic ?? "").length));
    const wBytes = Math.max(...rows.map((r) => r.bytes.length));
    const wText = Math.max(...rows.map((r) => `${r.mnemonic} ${r.opStr}`.length));
    for (const r of rows) {
      const text = `${r.mnemonic.padEnd(7)} ${r.opStr}`.padEnd(Math.max(wText, 8) + 1);
      let line = `${r.faulting ? ">>" : "  "} ${r.where.padStart(wWhere)}${wSym ? ` ${(r.symbolic ?? "").padEnd(wSym)}` : ""}:  ${r.bytes.padEnd(wBytes)}  ${text}`;
      if (r.values.length) line += `  ${p.dim(`; ${r.values.join(" ")}`)}`;
      line = line.trimEnd();
      out.push(r.faulting ? p.bold(p.red(line)) : r.after ? p.dim(line) : line);
    }
  } else if (c.code?.listing?.length) {
    out.push("", p.bold("Code") + p.dim(" (as the kernel disassembled it)"));
    for (const l of c.code.listing) out.push(`  ${l}`);
  } else if (c.code) {
    out.push("", p.bold("Code"), `  ${c.code.text}`);
  }

  const b = ca.binary;
  const e = b?.explanation ?? ca.explanation;
  const named = new Map((b?.steps ?? []).map((n) => [n.step, n]));
  if (e) {
    out.push(
      "",
      p.bold("Explanation") + (b?.explanation ? p.dim(` (whole function ${b.function}, from the object file)`) : ""),
    );
    const a = e.access;
    if (a) {
      const ea = a.effectiveAddress !== undefined ? ` = ${hex(a.effectiveAddress)}` : "";
      const match =
        a.matchesFaultAddress === true
          ? p.green(" — matches the fault address")
          : a.matchesFaultAddress === false
            ? p.yellow(" — differs from the reported fault address")
            : "";
      out.push(`  ${label(p, "access")}${a.kind ? `${a.kind} ` : ""}${accessOperand(a)}${ea}${match}`);
    }
    for (const [k, s] of e.steps.entries()) {
      const v = s.value !== undefined ? `${s.register} = ${hex(s.value)}` : s.register;
      out.push(`  ${"  ".repeat(s.depth)}${p.dim("←")} ${s.text.padEnd(24)} ${p.cyan(v.padEnd(24))} ${s.meaning}`);
      const n = named.get(k);
      if (n) {
        const pad = `  ${"  ".repeat(s.depth)}  `;
        const what = [
          n.variable ? `${s.register} is ${p.bold(n.variable)}${n.type ? ` (${n.type})` : ""}` : "",
          n.member ? `loads ${p.bold(n.member)}${!n.variable && n.type ? ` (${n.type})` : ""}` : "",
        ].filter((x) => x);
        if (what.length) out.push(`${pad}${what.join("; ")}`);
        if (n.source) {
          out.push(
            `${pad}${p.dim(`${n.source.file}:${n.source.line}`)}${n.source.text !== undefined ? `  ${n.source.text.trim()}` : ""}`,
          );
        }
      }
    }
    out.push(`  ${label(p, "verdict")}${p.bold(e.verdict.text)}`);
    if (b?.verdict) out.push(`  ${label(p, "named")}${p.bold(b.verdict.text)}`);
    if (b?.verdict?.source?.text !== undefined) out.push(`  ${label(p, "source")}${b.verdict.source.text.trim()}`);
    for (const u of e.unknowns) out.push(`  ${label(p, "unknown")}${p.dim(u)}`);
    for (const n of e.notes) out.push(`  ${label(p, "note")}${p.dim(n)}`);
  }
  if (b) {
    out.push("", p.bold("Binary") + p.dim(` (${b.function} in the object file)`));
    if (b.codeCheck) {
      const c = b.codeCheck;
      const t = c.result === "mismatch" ? p.yellow(c.text) : c.result === "match" ? p.green(c.text) : p.dim(c.text);
      out.push(`  ${label(p, "Code:")}${t}`);
    }
    const a = b.analysis;
    if (a) {
      out.push(
        `  ${label(p, "function")}${a.instructions} instructions in ${a.blocks.length} basic blocks; the fault is in block ${a.faultBlock} (+${hex(a.blocks[a.faultBlock]?.start ?? 0)}..+${hex(a.blocks[a.faultBlock]?.end ?? 0)})`,
      );
      for (const r of a.reaching) {
        const defs = r.definitions.map((d) => (d.offset !== undefined ? `${d.text} at +${hex(d.offset)}` : d.text));
        const join = r.join ? p.yellow(` — join: ${r.definitions.length} reaching definitions, all kept`) : "";
        out.push(`  ${p.dim("reaches")}   ${r.register} at +${hex(r.use)} ← ${defs.join(" | ")}${join}`);
      }
    }
    for (const n of b.notes) out.push(`  ${label(p, "note")}${p.dim(n)}`);
  }

  if (ca.rootCause) {
    const rc = ca.rootCause;
    out.push("", p.bold("Root cause") + p.dim(` (source tree: ${rc.files} file(s) parsed)`));
    if (rc.statement) out.push(`  ${p.bold(rc.statement)}`);
    for (const r of rootCauseRows(rc))
      out.push(`  ${"  ".repeat(r.depth)}${r.depth ? p.dim(r.label.padEnd(10)) : label(p, r.label)}${r.text}`);
  }

  for (const no of ca.notes) out.push(`  ${p.yellow(`note (${no.stage}):`)} ${no.message}`);
  return out;
}

/** The whole report for one input. */
export function renderTerminal(a: Analysis, opts: TerminalOptions = {}): string {
  const p = paint(opts.color ?? false);
  const out: string[] = [];
  const boots = a.boots.length;
  const head = `oopscope: ${a.source} — ${a.crashes.length} crash${a.crashes.length === 1 ? "" : "es"}${boots ? ` in ${boots} boot${boots === 1 ? "" : "s"}` : ""}`;
  out.push(p.bold(head));
  for (const l of a.rebootLoops)
    out.push(
      p.red(
        `Reboot loop: ${l.count} consecutive boots end in "${l.title}"${l.medianSecondsToCrash !== undefined ? ` (median ${l.medianSecondsToCrash.toFixed(1)} s from boot to crash)` : ""}`,
      ),
    );
  for (const n of a.notes) out.push(p.yellow(`note: ${n}`));
  if (a.crashes.length === 0) out.push("No kernel crash found in this input.");
  a.crashes.forEach((ca, i) => {
    out.push("", ...crashSection(ca, i + 1, a.crashes.length, p));
  });
  return `${out.join("\n")}\n`;
}
