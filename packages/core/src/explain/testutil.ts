/**
 * Test helpers for explain/: turn a console log (file text) into the `Crash` fields explain reads
 * (arch, registers under ABI names, fault address, pc, Code window) and decode its Code window, using
 * the real oops parser and disassembler when they are available. Used only by *.test.ts files.
 */

import { abiName } from "../arch/table.js";
import type { ArchId, Endian } from "../arch/types.js";
import { disassembleCode } from "../disasm/code.js";
import type { DisasmTarget, Instruction } from "../disasm/types.js";
import type { Crash } from "../oops/model.js";
import { textOffset } from "../types.js";

const H = (s: string) => BigInt(`0x${s}`);

/** A minimal Crash: the fields explain uses, read from the log with the kernel's own labels. */
export function crashFromLog(text: string, arch: ArchId, kind: Crash["kind"] = "oops"): Crash {
  const registers: Record<string, bigint> = {};
  // syzkaller report files: a `KEY: value` header, a blank line, then the log.
  const body = /^TITLE:/.test(text) ? text.slice(text.indexOf("\n\n") + 2) : text;
  const lines = body.split("\n").map((l) => l.replace(/^\[[^\]]*\](\[[^\]]*\])?\s?/, ""));
  let fault: bigint | undefined;
  let pc: bigint | undefined;
  for (const l of lines) {
    if (arch.startsWith("mips")) {
      // `$16 : a8000000029d214e 0000000000000300 …` (arch/mips/kernel/traps.c __show_regs)
      const m = /^\$\s*(\d+)\s*:\s*((?:[0-9a-f]{8,16}\s*)+)$/.exec(l.trim());
      if (m?.[1] && m[2]) {
        m[2]
          .trim()
          .split(/\s+/)
          .forEach((v, i) => {
            const n = abiName(arch, `$${Number(m[1]) + i}`);
            if (n) registers[n] = H(v);
          });
      }
      const kv = /^(Hi|Lo|epc|BadVA|Cause)\s*:\s*([0-9a-f]+)/.exec(l.trim());
      if (kv?.[1] && kv[2]) {
        const k = kv[1].toLowerCase();
        registers[k === "badva" ? "badva" : k] = H(kv[2]);
        if (k === "badva") fault = H(kv[2]);
        if (k === "epc") pc = H(kv[2]);
      }
    } else if (arch === "arm64" || arch === "arm") {
      // `x29: ffff… x28: …`, `r10: 8280e800  r9 : 00000000`, `pc : [<80260410>]` (arch/*/kernel/process.c)
      if (/^(?:x\d+|r\d+|sl|fp|ip|sp|lr|pc)\s*:/.test(l.trim())) {
        for (const m of l.matchAll(/\b(x\d{1,2}|r\d{1,2}|sl|fp|ip|sp|lr|pc)\s*:\s*\[?<?([0-9a-f]{8,16})\b/g)) {
          const n = abiName(arch, m[1] ?? "");
          if (n && registers[n] === undefined) registers[n] = H(m[2] ?? "0");
          if (n === "pc" && pc === undefined) pc = H(m[2] ?? "0");
        }
      }
      const a = /virtual address ([0-9a-f]{8,16})/.exec(l);
      if (a?.[1] && fault === undefined) fault = H(a[1]);
    } else if (arch === "x86_64") {
      for (const m of l.matchAll(/\b(R[A-Z0-9]{1,2}|CR2):\s?(?:[0-9a-f]{4}:)?([0-9a-f]{16})\b/g)) {
        const n = m[1]?.toLowerCase() ?? "";
        if (n === "rip") continue;
        if (registers[n] === undefined) registers[n] = H(m[2] ?? "0");
      }
      const rip = /RIP: 0010:(?:\[<)?([0-9a-f]{16}|0x[0-9a-f]+)?/.exec(l);
      if (rip?.[1] && pc === undefined && rip[1].startsWith("0x")) pc = BigInt(rip[1]);
      const a =
        /(?:dereference at|paging request at|page fault for address:|guard page was hit at|dereference, address:) ([0-9a-f]{8,16})/.exec(
          l,
        );
      if (a?.[1] && fault === undefined) fault = H(a[1]);
    }
  }
  const codeLine = lines.find((l) => /\bCode: /.test(l));
  const c: Crash = {
    arch,
    kind,
    signature: { title: "", altTitles: [], corrupted: false },
    kernel: {},
    tainted: { letters: "", meanings: [] },
    fault: fault === undefined ? {} : { address: fault },
    registers,
    frames: [],
    modules: [],
    position: { start: textOffset(0), end: textOffset(text.length) },
    report: body,
  };
  if (pc !== undefined) c.pc = { address: pc };
  const x86 = arch === "x86_64" || arch === "i386";
  const endian = arch.startsWith("mips") || arch === "ppc64" || arch === "ppc32" ? "big" : "little";
  if (codeLine && !/Bad RIP value/.test(codeLine)) c.code = codeWindow(codeLine, x86 ? 1 : 4, endian);
  return c;
}

/** `Code:` units → bytes in memory order and the marked unit's offset. */
function codeWindow(line: string, unit: 1 | 4, endian: Endian): NonNullable<Crash["code"]> {
  const units = line
    .replace(/^.*Code:\s*/, "")
    .trim()
    .split(/\s+/);
  const bytes: number[] = [];
  let faultIndex: number | undefined;
  for (const u of units) {
    if (/^[<(]/.test(u)) faultIndex = bytes.length;
    const v = Number.parseInt(u.replace(/[<>()]/g, ""), 16);
    if (unit === 1) bytes.push(v);
    else {
      const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
      bytes.push(...(endian === "big" ? b : b.reverse()));
    }
  }
  const w: NonNullable<Crash["code"]> = { text: line, bytes: Uint8Array.from(bytes), unitSize: unit };
  if (faultIndex !== undefined) w.faultIndex = faultIndex;
  return w;
}

/** Decode the crash's Code window with the real disassembler. */
export function decode(c: Crash, t: Omit<DisasmTarget, "arch">): Instruction[] {
  if (!c.code || !c.arch) return [];
  const input: { bytes: Uint8Array; faultIndex?: number } = { bytes: c.code.bytes };
  if (c.code.faultIndex !== undefined) input.faultIndex = c.code.faultIndex;
  return disassembleCode({ arch: c.arch, ...t }, input, c.pc?.address);
}
