/**
 * Guilty source file: turns a symbolized crash report (frames carrying `file.c:123`) into the one
 * source file most likely at fault — the file whose maintainers should hear about the crash, as
 * syzbot picks it. The first file in the report that is not infrastructure (headers, lib/, the
 * sanitizers, allocators, locking, scheduler, printk, core networking plumbing …) wins; a deeper
 * file further down in the same directory tree then refines it (`fs/x.c` → `fs/ext4/y.c`).
 * For RCU stalls the search starts at the interrupt entry, above which the stack is only the stall
 * detector.
 */

// Paths that are infrastructure, never the guilty file.
const IGNORED_FILES = [
  /.*\.h/,
  /^lib\/.*/,
  /^virt\/lib\/.*/,
  /^mm\/kasan\/.*/,
  /^mm\/kmsan\/.*/,
  /^kernel\/kcov.c/,
  /^mm\/sl.b.c/,
  /^mm\/filemap.c/,
  /^mm\/folio-compat.c/,
  /^mm\/truncate.c/,
  /^mm\/memory.c/,
  /^mm\/percpu.*/,
  /^mm\/vmalloc.c/,
  /^mm\/page_alloc.c/,
  /^mm\/mempool.c/,
  /^mm\/util.c/,
  /^kernel\/rcu\/.*/,
  /^arch\/.*\/kernel\/traps.c/,
  /^arch\/.*\/kernel\/unwind.*.c/,
  /^arch\/.*\/mm\/fault.c/,
  /^arch\/.*\/mm\/physaddr.c/,
  /^arch\/.*\/kernel\/stacktrace.c/,
  /^arch\/.*\/kernel\/apic\/apic.c/,
  /^arch\/arm64\/kernel\/entry.*.c/,
  /^arch\/arm64\/kernel\/process\.c/,
  /^kernel\/locking\/.*/,
  /^kernel\/panic.c/,
  /^kernel\/printk\/printk.*.c/,
  /^kernel\/softirq.c/,
  /^kernel\/kthread.c/,
  /^kernel\/sched\/.*.c/,
  /^kernel\/stacktrace.c/,
  /^kernel\/time\/timer.c/,
  /^kernel\/workqueue.c/,
  /^net\/core\/dev.c/,
  /^net\/core\/sock.c/,
  /^net\/core\/skbuff.c/,
  /^fs\/proc\/generic.c/,
  /^trusty\//, // Trusty sources are not in the kernel tree.
  /^drivers\/usb\/core\/urb.c/, // a WARNING in urb.c is the submitting driver's bug
  /^arch\/.*\/lib\/crc.*/,
];
// Lockdep's irq-state history, its list of held locks (` #0: … at: func file.c:12`) and arm register
// annotations name files that are not the culprit.
const IGNORED_LINE = /(hardirqs|softirqs)\s+last\s+(enabled|disabled)|^Register r\d+ information|^\s*#\d+: /;
const FILE_LINE = /([a-zA-Z0-9_\-./]*[a-zA-Z0-9_-]+\.(c|h)):[0-9]+/;
const DEEPER = /^\/[a-zA-Z0-9_\-./]+\/[a-zA-Z0-9_-]+\.(c|h)$/;
const STALL_ENTRIES = ["apic_timer_interrupt+0x", "el1h_64_irq+0x", "Exception stack"];

/** Lexical path clean-up: drop `.` and empty parts, resolve `..` (as Go's filepath.Clean). */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? "/" : "") + out.join("/");
  return s === "" ? (rooted ? "/" : ".") : s;
}

function dirOf(p: string): string {
  const c = cleanPath(p);
  const i = c.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : c.slice(0, i);
}

function ignored(file: string, line: string): boolean {
  return IGNORED_FILES.some((re) => re.test(file)) || IGNORED_LINE.test(line);
}

function fromLines(report: string): string {
  const lines = report.split("\n");
  let guilty = "";
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const m = FILE_LINE.exec(line);
    if (m === null) continue;
    const file = m[1]!;
    // Fall back to the first file of all, so a report is never sent to nobody.
    if (guilty === "") guilty = file;
    if (ignored(file, line)) continue;
    guilty = cleanPath(file);
    i++;
    break;
  }
  let deepest = dirOf(guilty);
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const m = FILE_LINE.exec(line);
    if (m === null || ignored(m[1]!, line)) continue;
    const clean = cleanPath(m[1]!);
    if (clean.startsWith(deepest) && DEEPER.test(clean.slice(deepest.length))) {
      guilty = clean;
      deepest = dirOf(guilty);
    }
  }
  return guilty;
}

/** The guilty source file of a symbolized report body (without prefix lines), or "" when none. */
export function guiltyFile(title: string, report: string): string {
  if (title.startsWith("INFO: rcu detected stall")) {
    for (const entry of STALL_ENTRIES) {
      const pos = report.indexOf(entry);
      if (pos < 0) continue;
      const f = fromLines(report.slice(pos));
      if (f !== "") return f;
    }
  }
  return fromLines(report);
}
