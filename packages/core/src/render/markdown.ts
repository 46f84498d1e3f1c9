/**
 * The Markdown report, for pasting into a bug tracker: an `Analysis` in, GitHub-flavoured Markdown
 * out — a summary table per crash (fault, where, machine, task, kernel, taint, panic), the registers
 * that matter, the call trace grouped by stack context, modules with their taint, the decoded `Code:`
 * window in a fenced block with the faulting line marked, the explanation, and the extracted report
 * in a collapsed block.
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

/** Escape what would break a table cell or inline text. */
function esc(s: string): string {
  return s.replace(/([\\`*_|<>[\]])/g, "\\$1");
}
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
/** Text whose `backquoted` parts are code (the named verdict): those stay code, the rest is escaped. */
const withCode = (s: string) =>
  s
    .split("`")
    .map((part, i) => (i % 2 ? code(part) : esc(part)))
    .join("");

function fence(lines: string[], lang = ""): string[] {
  const body = lines.join("\n");
  const ticks = body.includes("```") ? "````" : "```";
  return [`${ticks}${lang}`, ...lines, ticks];
}

function crashSection(ca: CrashAnalysis, n: number, total: number): string[] {
  const c = ca.crash;
  const out: string[] = [`## Crash ${n} of ${total}: ${esc(headline(ca))}`, ""];
  const rows: [string, string][] = [];
  rows.push(["Fault", esc(faultText(c))]);
  if (c.signature.type) rows.push(["Type", code(c.signature.type)]);
  if (c.signature.corrupted)
    rows.push(["Corrupted", `yes${c.signature.corruptedReason ? ` — ${esc(c.signature.corruptedReason)}` : ""}`]);
  rows.push([
    "Where",
    code(fmtLocation(c.pc)) + (c.pc?.address !== undefined ? ` (pc ${code(hex(c.pc.address))})` : ""),
  ]);
  const pcSources = ca.sources.filter((x) => x.frame === -1);
  if (pcSources.length) rows.push(["Source", pcSources.map((x) => code(sourceText(x))).join("; inlined into ")]);
  if (c.lr) rows.push([linkName(c), code(fmtLocation(c.lr))]);
  const m = machine(c);
  if (m) rows.push(["Machine", esc(m)]);
  if (c.hardware) rows.push(["Hardware", esc(c.hardware)]);
  const t = taskText(c);
  if (t) rows.push(["Task", esc(t)]);
  if (c.kernel.release || c.kernel.version)
    rows.push(["Kernel", esc([c.kernel.release, c.kernel.version].filter(Boolean).join(" "))]);
  if (c.tainted.letters)
    rows.push([
      "Tainted",
      `${code(c.tainted.letters)}${c.tainted.meanings.length ? ` — ${esc(c.tainted.meanings.join("; "))}` : ""}`,
    ]);
  if (c.panic) rows.push(["Panic", esc(c.panic.message)]);
  if (c.boot !== undefined) rows.push(["Boot", `#${c.boot + 1}`]);
  out.push("| | |", "|---|---|", ...rows.map(([k, v]) => `| **${k}** | ${v} |`), "");

  const regs = registersThatMatter(ca);
  if (regs.length) {
    out.push("### Registers that matter", "", "| register | value | why |", "|---|---|---|");
    for (const r of regs) out.push(`| ${code(r.name)} | ${code(hex(r.value))} | ${esc(r.why)} |`);
    out.push("");
  }

  if (c.frames.length) {
    out.push("### Call trace", "");
    for (const g of groupFrames(c.frames)) {
      out.push(`*${CONTEXT_NAMES[g.context]}*`, "");
      const lines: string[] = [];
      for (const { index, frame } of g.frames) {
        const addr = frame.address !== undefined ? `${hex(frame.address)} ` : "";
        lines.push(
          `${frame.reliable ? " " : "?"}#${index} ${addr}${fmtLocation(frame)}${frame.inline ? " [inline]" : ""}${frame.file ? ` ${frame.file}${frame.line ? `:${frame.line}` : ""}` : ""}`,
        );
        for (const s of ca.sources.filter((x) => x.frame === index))
          lines.push(`      ${s.inlined ? "inlined " : ""}${sourceText(s)}`);
      }
      out.push(...fence(lines), "");
    }
  }

  if (c.modules.length) {
    out.push(`### Modules linked in (${c.modules.length})`, "");
    out.push(c.modules.map((mo) => code(mo.taint ? `${mo.name}(${mo.taint})` : mo.name)).join(" "), "");
    for (const mo of c.modules.filter((x) => x.taint))
      out.push(`- ${code(mo.name)}: ${esc(moduleTaintMeaning(mo.taint).join(", "))}`);
    if (c.modules.some((x) => x.taint)) out.push("");
  }

  const rows2 = codeRows(ca);
  if (rows2.length) {
    out.push("### Code", "", "Decoded from the oops; `>>` marks the faulting instruction.", "");
    const wWhere = Math.max(...rows2.map((r) => r.where.length));
    const wSym = Math.max(0, ...rows2.map((r) => (r.symbolic ?? "").length));
    const wBytes = Math.max(...rows2.map((r) => r.bytes.length));
    const wText = Math.max(...rows2.map((r) => `${r.mnemonic.padEnd(7)} ${r.opStr}`.length));
    out.push(
      ...fence(
        rows2.map((r) => {
          const text = `${r.mnemonic.padEnd(7)} ${r.opStr}`;
          const head = `${r.faulting ? ">>" : "  "} ${r.where.padStart(wWhere)}${wSym ? ` ${(r.symbolic ?? "").padEnd(wSym)}` : ""}:  ${r.bytes.padEnd(wBytes)}  `;
          return r.values.length ? `${head}${text.padEnd(wText)}  ; ${r.values.join(" ")}` : `${head}${text}`;
        }),
      ),
      "",
    );
  } else if (c.code) {
    out.push("### Code", "", ...fence(c.code.listing?.length ? c.code.listing : [c.code.text]), "");
  }

  const b = ca.binary;
  const e = b?.explanation ?? ca.explanation;
  const named = new Map((b?.steps ?? []).map((n) => [n.step, n]));
  if (e) {
    out.push("### Explanation", "");
    if (b?.explanation) out.push(`Over the whole function \`${b.function}\`, from the object file.`, "");
    const a = e.access;
    if (a) {
      const ea = a.effectiveAddress !== undefined ? ` = ${code(hex(a.effectiveAddress))}` : "";
      const match =
        a.matchesFaultAddress === true
          ? " — matches the fault address"
          : a.matchesFaultAddress === false
            ? " — **differs** from the reported fault address"
            : "";
      out.push(`- **Access:** ${a.kind ? `${a.kind} ` : ""}${code(accessOperand(a))}${ea}${match}`);
    }
    if (e.steps.length && b) {
      out.push(
        "",
        "| instruction | register | value | variable | member | source | meaning |",
        "|---|---|---|---|---|---|---|",
      );
      for (const [k, s] of e.steps.entries()) {
        const n = named.get(k);
        const v = n?.variable ? `${code(n.variable)}${n.type ? ` (${code(n.type)})` : ""}` : "";
        const m = n?.member ? code(n.member) : "";
        const src = n?.source
          ? `${esc(`${n.source.file}:${n.source.line}`)}${n.source.text !== undefined ? ` ${code(n.source.text.trim())}` : ""}`
          : "";
        out.push(
          `| ${code(s.text)} | ${code(s.register)} | ${s.value !== undefined ? code(hex(s.value)) : ""} | ${v} | ${m} | ${src} | ${esc(s.meaning)} |`,
        );
      }
      out.push("");
    } else if (e.steps.length) {
      out.push("", "| instruction | register | value | meaning |", "|---|---|---|---|");
      for (const s of e.steps)
        out.push(
          `| ${code(s.text)} | ${code(s.register)} | ${s.value !== undefined ? code(hex(s.value)) : ""} | ${esc(s.meaning)} |`,
        );
      out.push("");
    }
    out.push(`**Verdict:** ${esc(e.verdict.text)}`);
    if (b?.verdict) out.push("", `**In source terms:** ${withCode(b.verdict.text)}`);
    for (const u of e.unknowns) out.push(`- Unknown: ${esc(u)}`);
    for (const n of e.notes) out.push(`- Note: ${esc(n)}`);
    out.push("");
  }
  if (b) {
    out.push(`### Binary (\`${b.function}\`)`, "");
    if (b.codeCheck) out.push(`- **Code: bytes:** ${esc(b.codeCheck.text)}`);
    const a = b.analysis;
    if (a) {
      out.push(
        `- **Function:** ${a.instructions} instructions, ${a.blocks.length} basic blocks; the fault is in block ${a.faultBlock}`,
      );
      for (const r of a.reaching) {
        const defs = r.definitions.map((d) =>
          d.offset !== undefined ? `${code(d.text)} at +${hex(d.offset)}` : esc(d.text),
        );
        out.push(
          `- ${code(r.register)} at +${hex(r.use)} ← ${defs.join(" or ")}${r.join ? ` (join: ${r.definitions.length} reaching definitions, all kept)` : ""}`,
        );
      }
    }
    for (const n of b.notes) out.push(`- Note: ${esc(n)}`);
    out.push("");
  }

  if (ca.rootCause) {
    const rc = ca.rootCause;
    out.push(`### Root cause (source tree, ${rc.files} file(s) parsed)`, "");
    if (rc.statement) out.push(withCode(rc.statement), "");
    for (const r of rootCauseRows(rc)) out.push(`${"  ".repeat(r.depth)}- **${esc(r.label)}:** ${code(r.text)}`);
    out.push("");
  }

  for (const no of ca.notes) out.push(`> Note (${no.stage}): ${esc(no.message)}`, "");

  if (c.report) {
    out.push(
      "<details><summary>Extracted report</summary>",
      "",
      ...fence(c.report.replace(/\n+$/, "").split("\n")),
      "",
      "</details>",
      "",
    );
  }
  return out;
}

/** The whole Markdown document for one input. */
export function renderMarkdown(a: Analysis): string {
  const out: string[] = [`# oopscope: ${esc(a.source)}`, ""];
  out.push(
    `${a.crashes.length} crash${a.crashes.length === 1 ? "" : "es"}${a.boots.length ? ` in ${a.boots.length} boot${a.boots.length === 1 ? "" : "s"}` : ""}.`,
    "",
  );
  for (const l of a.rebootLoops)
    out.push(
      `**Reboot loop:** ${l.count} consecutive boots end in ${code(l.title)}${l.medianSecondsToCrash !== undefined ? ` (median ${l.medianSecondsToCrash.toFixed(1)} s from boot to crash)` : ""}.`,
      "",
    );
  for (const n of a.notes) out.push(`> Note: ${esc(n)}`, "");
  if (a.crashes.length === 0) out.push("No kernel crash found in this input.", "");
  a.crashes.forEach((ca, i) => {
    out.push(...crashSection(ca, i + 1, a.crashes.length));
  });
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}
