/**
 * Call traces: turns the lines after `Call Trace:` / `Call trace:` / `Backtrace:` into `Frame`s, each
 * with its address, symbol+offset/size, module, reliability and the stack it ran on.
 *
 * Formats (facts from the kernel's unwinders and real logs):
 * - `[<addr>] sym+off/size [mod]` — MIPS, RISC-V, s390x, x86 and arm64 before ~4.x (print_ip_sym).
 * - ` sym+off/size [mod]` — x86 since 4.x and arm64 since 5.x (`%pBb`); arm64 6.x appends ` (P)`/` (L)`.
 * - ` ? sym…` — x86: the address was found on the stack but is not a proven return address
 *   (arch/x86/kernel/dumpstack.c printk_stack_address with reliable == 0).
 * - `<IRQ>`, `</IRQ>`, `<NMI>`, `<SOFTIRQ>`, `<TASK>`, `<#DF>`, old `<EOI>`/`<EOE>` — x86 stack
 *   boundaries (show_trace_log_lvl prints the stack type's name when it changes).
 * - 32-bit ARM: `[<where>] (sym) from [<from>] (caller+off/size)` (dump_backtrace_entry), with
 *   saved-register lines ` r10:… r9:…` and `Exception stack(…)` hex dumps in between.
 * - PowerPC: `[sp] [addr] sym+off/size (unreliable)`, `--- interrupt: 300 at sym+off/size`.
 * - s390x: `([<addr>] sym+off/size)` in parentheses = not a proven return address.
 * - syzkaller-symbolized: ` sym+off/size file.c:123` and ` sym file.c:123 [inline]`.
 */

import { parseLocation, toLocation } from "./location.js";
import type { Frame, StackContext } from "./model.js";

const MAX_SKIP_BEFORE_FRAMES = 32;

export const TRACE_START = /^\s*(?:Call Trace|Call trace|Backtrace|Stack backtrace)\s*:/;

// Marker name → context; a closing marker or `EOI`/`EOE` pops back.
const MARKERS: Readonly<Record<string, StackContext>> = {
  IRQ: "irq",
  NMI: "nmi",
  SOFTIRQ: "softirq",
  TASK: "task",
};
const MARKER = /^\s*<(\/?)(IRQ|NMI|SOFTIRQ|TASK|EOI|EOE|#[A-Z]{2}|DB|MCE|VC)>/;

// Lines that may sit inside a trace without ending it.
const INTERLUDE: readonly RegExp[] = [
  /^\s*r\d+\s*:\s*[0-9a-f]{8}(?:\s|$)/, // ARM saved registers under a frame
  /^\s*(?:[0-9a-f]{4}): (?:[0-9a-f]{8} ?)+$/, // ARM Exception stack hex dump
  /^\s*LR = /, // PowerPC, after `--- interrupt:`
  /^(?:RIP|RSP|RAX|RDX|RBP|R10|R13|FS|CS|CR2|DR0|DR3|DR6|PKRU|Code)\s*:/, // x86 exception frame in a trace
  /^(?:NIP|REGS|MSR|CFAR|DAR|GPR\d\d|LR|CTR|XER|SOFTE|IRQMASK|TRAP)\s*[:[]/, // PowerPC exception frame in a trace
  /^\s*\.\.\.\s*$/,
];
const BOUNDARY: readonly RegExp[] = [/^\s*--- interrupt: [0-9a-f]+/, /^\s*Exception stack\(/, /^RIP: [0-9a-f]{4}:/];

const ARM_ENTRY = /^\s*\[<([0-9a-f]+)>\] \(([^)]*)\) from \[<([0-9a-f]+)>\] \(([^)]*)\)/;
const ARM_ENTERED = /^\s*Function entered at \[<([0-9a-f]+)>\] from \[<([0-9a-f]+)>\]/;
const PPC_FRAME = /^\s*\[([0-9a-f]+)\] \[([0-9a-f]+)\] (.*)$/;
const INLINE = /^\s*(?:\? )?([^\s+[\]()]+) ([\w./-]+\.(?:c|h|S|rs)):(\d+) \[inline\]\s*$/;

/** One frame from one line of a trace, or undefined. `context` is filled by the caller. */
export function parseFrameLine(line: string): Omit<Frame, "context"> | undefined {
  let m = ARM_ENTRY.exec(line);
  if (m) {
    const sym = parseLocation(m[2] ?? "");
    const f: Omit<Frame, "context"> = { address: BigInt(`0x${m[1]}`), reliable: true };
    if (sym) Object.assign(f, toLocation(sym), { address: BigInt(`0x${m[1]}`) });
    else if (m[2]) f.symbol = m[2];
    return f;
  }
  m = ARM_ENTERED.exec(line);
  if (m) return { address: BigInt(`0x${m[1]}`), reliable: true };
  m = PPC_FRAME.exec(line);
  if (m) {
    // `[sp] [lr] rest`: the rest is any frame form (`sym+off/size`, symbolized `sym file:line [inline]`).
    const inner = parseFrameLine(m[3] ?? "");
    const f: Omit<Frame, "context"> = { ...(inner ?? {}), reliable: !/\(unreliable\)/.test(m[3] ?? "") };
    f.address = BigInt(`0x${m[2]}`);
    return f;
  }
  m = INLINE.exec(line);
  if (m) {
    return { symbol: m[1], reliable: !/^\s*\? /.test(line), inline: true, file: m[2], line: Number(m[3]) };
  }
  let text = line;
  let reliable = true;
  // s390x wraps a not-proven address in parentheses.
  const paren = /^\s*\((\[<[0-9a-f]+>\].*)\)\s*$/.exec(text);
  if (paren) {
    text = paren[1] ?? "";
    reliable = false;
  }
  if (/^\s*(?:\[<[0-9a-f]+>\]\s*)?\? /.test(text)) reliable = false;
  const loc = parseLocation(text);
  if (!loc) return undefined;
  // A bare `0x…` is a frame only in bracketed form; otherwise it is prose.
  if (loc.symbol === undefined && !/^\s*\[</.test(text)) return undefined;
  const f: Omit<Frame, "context"> = { ...toLocation(loc), reliable };
  if (loc.file !== undefined) f.file = loc.file;
  if (loc.line !== undefined) f.line = loc.line;
  return f;
}

/**
 * Stack contexts for traces the kernel printed without `<IRQ>`-style markers (MIPS, ARM, RISC-V,
 * PowerPC, s390x): read from the outermost frame inwards, an interrupt entry switches to `irq` and the
 * softirq runner to `softirq`, for that frame and every frame it called. The rows name the generic
 * and per-architecture entry points (kernel/softirq.c, kernel/irq/, arch/<arch>/kernel/entry*.S).
 */
export const CONTEXT_ENTRIES: readonly { re: RegExp; context: StackContext }[] = [
  { re: /^(?:__do_softirq|handle_softirqs|do_softirq_own_stack|run_ksoftirqd)$/, context: "softirq" },
  {
    re: /^(?:do_IRQ|handle_IRQ|generic_handle_irq|generic_handle_arch_irq|handle_arch_irq|ret_from_irq|handle_int|plat_irq_dispatch|__irq_svc|__irq_usr|el1_irq|el0_irq|el1h_64_irq|el0t_64_irq|ext_int_handler|io_int_handler|do_IRQ_common|handle_riscv_irq|asm_common_interrupt)$/,
    context: "irq",
  },
  { re: /^(?:nmi_handle|do_nmi|default_do_nmi|handle_nmi|nmi_exception_handler)$/, context: "nmi" },
  // arm64 prints no stack markers; its synchronous exception entries from user space (svc, aborts:
  // arch/arm64/kernel/entry.S el0t_64_sync, entry-common.c el0_svc) mean the task's own stack.
  { re: /^(?:el0t_64_sync|el0t_32_sync|el0_sync|el0_sync_compat|el0_svc|el0_svc_compat)$/, context: "task" },
  // MIPS neither: its system call entries (arch/mips/kernel/scall32-o32.S handle_sys, scall64-n64.S
  // handle_sys64 and its syscall_common, scall64-n32.S handle_sysn32) run on the task's stack.
  { re: /^(?:handle_sys|handle_sys64|handle_sysn32|syscall_common)$/, context: "task" },
];

/** Fill `unknown` contexts from the entry points found in the trace (see `CONTEXT_ENTRIES`). */
export function inferContexts(frames: Frame[]): void {
  if (frames.length === 0 || frames.some((f) => f.context !== "unknown")) return;
  if (!frames.some((f) => f.symbol !== undefined && CONTEXT_ENTRIES.some((e) => e.re.test(f.symbol ?? "")))) return;
  let ctx: StackContext = "task";
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i];
    if (!f) continue;
    const hit = f.symbol === undefined ? undefined : CONTEXT_ENTRIES.find((e) => e.re.test(f.symbol ?? ""));
    if (hit) ctx = hit.context;
    f.context = ctx;
  }
}

export interface TraceResult {
  frames: Frame[];
  /** Index of the first line after the trace. */
  end: number;
}

/**
 * Parse the trace whose header is at `lines[start]` (or whose first frame is there when the header is
 * missing). Stops at the first line that is neither a frame, a context marker nor an interlude.
 */
export function parseTrace(lines: readonly string[], start: number, defaultContext: StackContext): TraceResult {
  const frames: Frame[] = [];
  const stack: StackContext[] = [defaultContext];
  let boundary: string | undefined;
  let skipped = 0;
  let i = start;
  if (i < lines.length && TRACE_START.test(lines[i] ?? "")) i++;
  for (; i < lines.length; i++) {
    let line = lines[i] ?? "";
    // Context markers, possibly several and possibly followed by a frame on the same line.
    let marked = false;
    for (let mm = MARKER.exec(line); mm; mm = MARKER.exec(line)) {
      marked = true;
      const name = mm[2] ?? "";
      if (mm[1] === "/" || name === "EOI" || name === "EOE") {
        if (stack.length > 1) stack.pop();
        else stack[0] = "task";
      } else {
        stack.push(MARKERS[name] ?? "exception");
      }
      line = line.slice(mm[0].length);
    }
    if (marked && line.trim() === "") continue;
    const f = parseFrameLine(line);
    if (f) {
      const frame: Frame = { ...f, context: stack[stack.length - 1] ?? defaultContext };
      if (boundary !== undefined) {
        frame.boundary = boundary;
        boundary = undefined;
      }
      frames.push(frame);
      continue;
    }
    const b = BOUNDARY.find((re) => re.test(line));
    if (b) {
      boundary = line.trim();
      continue;
    }
    if (INTERLUDE.some((re) => re.test(line))) continue;
    // Before the first frame, other printk output may interleave (an untagged busy console).
    if (frames.length === 0 && ++skipped <= MAX_SKIP_BEFORE_FRAMES) continue;
    break;
  }
  return { frames, end: i };
}
