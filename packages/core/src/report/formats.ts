/**
 * The crash-report table: which console lines start a Linux crash report, and how each kind of
 * report is turned into a syzbot-compatible title. Every kind is a row of data, not a branch of code;
 * supporting a new report format means adding a row.
 *
 * A row (`OopsKind`) has a `header` — a plain substring whose presence on a line starts a report —
 * plus `suppressions` (lines that contain the header but are not crashes, e.g. `WARNING:` printed by
 * sshd) and an ordered list of `TitleFormat`s. For each format:
 * - `title` is searched in the extracted report; the earliest-matching format wins;
 * - `report`, when present, must also match (it captures the title's variable parts); a title match
 *   without a report match means the report is corrupted;
 * - `fmt` builds the title: `{1}`, `{2}`, … are the captured groups of `report` (or `title`), followed
 *   by the guilty frames extracted by `stack`;
 * - `alt` are alternative titles used for de-duplication (`bad-access in F`, `stall in F`, …);
 * - `stack` says where the guilty frame is: a sequence of `parts`, each a pattern that must be found
 *   on a following line (its capture groups become frames) or `STACK`, meaning "parse the stack trace
 *   that starts here"; `skip` lists function-name patterns that are never guilty (sanitizer
 *   internals, locking, allocation, printk …);
 * - `noStackTrace` rows are not required to carry a call trace; `corrupted` rows always are.
 *
 * The titles must equal syzbot's so a crash can be looked up there, so the rows, the skip lists and
 * the frame rules reproduce the behaviour of syzkaller's Linux report parser (pkg/report in
 * github.com/google/syzkaller, Apache-2.0; the test corpus in corpus/syzkaller is its data). The
 * patterns themselves are the kernel's own message texts, from the printk calls named beside them.
 */

import { re } from "./patterns.js";

/** A stack-trace part: parse frames from here until the next stack start. */
export const STACK = "STACK" as const;
export type StackPart = RegExp | typeof STACK;

export interface StackRule {
  parts: StackPart[];
  /** Tried when `parts` finds no frame. */
  parts2?: StackPart[];
  /** Function-name patterns (unanchored) that are never the guilty frame for this format. */
  skip?: string[];
  /** Custom choice of the guilty frame among all frames (stalls, hangs). Returns [frame, index]. */
  extractor?: (frames: string[]) => [string, number];
}

export interface TitleFormat {
  title: RegExp;
  report?: RegExp;
  fmt: string;
  alt?: string[];
  stack?: StackRule;
  noStackTrace?: boolean;
  corrupted?: boolean;
}

export interface OopsKind {
  header: string;
  formats: TitleFormat[];
  suppressions: RegExp[];
  /**
   * The header is a banner that follows the specific header of the same crash (die()'s `Oops: 0000
   * [#1]`): it starts a report only when it comes first, never a second one inside a report.
   */
  banner?: boolean;
}

// --- frame and stack-start patterns ----------------------------------------------------------

/**
 * The faulting-PC line of each architecture: x86 `RIP: 0010:func+0x1/0x2`, powerpc `NIP`,
 * arm64 `pc : func+…`, arm `PC is at func+…`; also the forms with a raw address or `(null)`.
 * MIPS __show_regs() prints `epc   : ffffffffc0445a10 rlb_arp_recv+0x128/0x228 [bonding]`
 * (arch/mips/kernel/traps.c) and s390 `Krnl PSW : 0704c00180000000 000000000067f2b4 (foo+0x2c/0x98)`
 * (arch/s390/kernel/dumpstack.c) and i386's pre-4.x `EIP is at func+0x24/0x50` are accepted as well;
 * syzkaller fuzzes none of these.
 */
export const RIP_FRAME = re(
  String.raw`(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\))|epc +: [0-9a-f]+ {{FUNC}}|Krnl PSW : [0-9a-f]+ [0-9a-f]+ \({{FUNC}}|EIP is at {{FUNC}}`,
);
/** `Call Trace:` (x86, arm64 `Call trace:`) or arm's `Backtrace:`. */
export const CALL_TRACE = re(String.raw`(?:Call (?:T|t)race:)|(?:Backtrace:)`);
/**
 * RISC-V show_regs() from kernel space prints the stack without a `Call Trace:` line; the last
 * register row (`status: … badaddr: … cause: …`, arch/riscv/kernel/process.c) stands in for it.
 */
export const RISCV_STACK_START = re(String.raw`status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16}`);

/** Lines after which a stack trace follows. */
export const STACK_STARTS: RegExp[] = [
  re(String.raw`Call (?:T|t)race`),
  re(String.raw`Allocated:`),
  re(String.raw`Allocated by task [0-9]+:`),
  re(String.raw`Freed:`),
  re(String.raw`Freed by task [0-9]+:`),
  // kmemleak's `backtrace (crc 1a2b):`, but not lockdep's `stack backtrace:`.
  re(String.raw`[^k] backtrace(?: \(crc [0-9A-Fa-f]*\))?:`),
  re(String.raw`Backtrace:`),
  re(String.raw`Uninit was stored to memory at`),
  RISCV_STACK_START,
];

/** A stack-frame line, capturing the function: `  [<addr>] func+0x1/0x2`, arm `(func) from [<…>] (func+…`. */
export const FRAME_LINES: RegExp[] = [
  re(String.raw`^ *(?:{{PC}} ){0,2}{{FUNC}}`),
  // arm prints `[<pc>] (callee) from [<lr>] (caller+0x…)`: both names are frames, because the top
  // function otherwise only appears in the `lr` register.
  re(String.raw`^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}}`),
];

/** Fault-injection stacks (`should_failslab+0x…`) interleave with crash reports: a report that has one is corrupted. */
export const CORRUPTED_LINES: RegExp[] = [
  re(String.raw`^( \[<?(?:0x)?[0-9a-f]+>?\])? should_fail(slab)?(\.[a-z0-9.]+)?\+0x`),
];

/** Syscall-entry prefixes differ per arch and kernel version; the title uses the shortest stripped name. */
export const STRIP_FRAME_PREFIXES = [
  "SYSC_",
  "SyS_",
  "sys_",
  "__x64_",
  "__ia32_",
  "__arm64_",
  "____sys_",
  "___sys_",
  "__sys_",
  "__se_",
  "__se_sys_",
  "__do_sys_",
  "compat_SYSC_",
  "compat_SyS_",
  "ksys_",
];

/**
 * Functions that are never the guilty frame of any report: sanitizer and debugging machinery,
 * BUG/WARN plumbing, allocation, locking, atomics, string and copy helpers, printing, workqueue and
 * device-core plumbing, I/O accessors, and the arm64 fault-entry path.
 */
export const SKIP_FRAMES = [
  "__sanitizer",
  "__asan",
  "kasan",
  "hwasan",
  "__msan",
  "kmsan",
  "kcsan_setup_watchpoint",
  "check_memory_region",
  "check_heap_object",
  "check_object",
  "read_word_at_a_time",
  "(read|write)_once_.*nocheck",
  "print_address_description",
  "panic",
  "invalid_op",
  "report_bug",
  "fixup_bug",
  "print_report",
  "print_usage_bug",
  "do_error",
  "_trap$|do_trap",
  "show_stack",
  "dump_stack",
  "walk_stack",
  "dump_backtrace",
  "warn_slowpath",
  "warn_alloc",
  "warn_bogus",
  "__warn",
  "alloc_page",
  "k?v?(?:m|z|c)alloc",
  "krealloc",
  "kmem_cache",
  "allocate_slab",
  "__alloc_frozen_pages_noprof",
  "folio_(?:alloc|unlock)",
  "filemap_alloc_folio",
  "__filemap_get_folio",
  "find_or_create_page",
  "do_read_cache_folio",
  "read_cache_page",
  "pagecache_get_page",
  "grab_cache_page_write_begin",
  "slab_",
  "debug_object",
  "timer_is_static_object",
  "work_is_static_object",
  "__might_fault",
  "print_unlock",
  "imbalance_bug",
  "lockdep",
  "bh_enable",
  "bh_disable",
  "perf_trace",
  "lock_acquire",
  "lock_release",
  "lock_class",
  "mark_lock",
  "(reacquire|mark)_held_locks",
  "raw_spin_rq",
  "spin_lock",
  "spin_trylock",
  "spin_unlock",
  "read_lock",
  "read_trylock",
  "write_lock",
  "write_trylock",
  "read_unlock",
  "write_unlock",
  "^down$",
  "down_read",
  "down_write",
  "down_read_trylock",
  "down_write_trylock",
  "down_trylock",
  "up_read",
  "up_write",
  "^mutex_",
  "^__mutex_",
  "^rt_mutex_",
  "owner_on_cpu",
  "osq_lock",
  "osq_unlock",
  "atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)",
  "(set|clear|change|test)_bit",
  "__wake_up",
  "^refcount_",
  "^kref_",
  "ref_tracker",
  "seqprop_assert",
  "memcpy",
  "memcmp",
  "memset",
  "memchr",
  "memmove",
  "memdup",
  "strcmp",
  "strncmp",
  "strcpy",
  "strlcpy",
  "strncpy",
  "strscpy",
  "strlen",
  "strstr",
  "strnstr",
  "strnlen",
  "strchr",
  "strdup",
  "strndup",
  "copy_to_user",
  "copy_from_user",
  "copy_to_iter",
  "copy_from_iter",
  "copy_page_to_iter",
  "copy_page_from_iter",
  "copy_folio_to_iter",
  "^copyin$",
  "^copyout$",
  "put_user",
  "get_user",
  "might_fault",
  "might_sleep",
  "list_add",
  "list_del",
  "list_replace",
  "list_move",
  "list_splice",
  "^rb_",
  "^__rb_",
  "_indirect_thunk_",
  "string",
  "pointer",
  "snprintf",
  "scnprintf",
  "kasprintf",
  "kvasprintf",
  "printk",
  "va_format",
  "dev_info",
  "dev_notice",
  "dev_warn",
  "dev_err",
  "dev_alert",
  "dev_crit",
  "dev_emerg",
  "program_check_exception",
  "program_check_common",
  "del_timer",
  "flush_work",
  "__cancel_work_timer",
  "cancel_work_sync",
  "try_to_grab_pending",
  "flush_workqueue",
  "drain_workqueue",
  "destroy_workqueue",
  "queue_work",
  "finish_wait",
  "kthread_stop",
  "kobject_",
  "add_uevent_var",
  "get_device_parent",
  "device_add",
  "device_del",
  "device_unregister",
  "device_destroy",
  "device_release",
  "devres_release_all",
  "hwrng_unregister",
  "i2c_del_adapter",
  "__unregister_client",
  "device_for_each_child",
  "rollback_registered",
  "unregister_netdev",
  "sysfs_remove",
  "device_remove_file",
  "tty_unregister_device",
  "dummy_urb_enqueue",
  "usb_kill_urb",
  "usb_kill_anchored_urbs",
  "usb_control_msg",
  "usb_hcd_submit_urb",
  "usb_submit_urb",
  "^complete$",
  "wait_for_completion",
  "^kv?free$",
  "kfree_skb",
  "readb$",
  "readw$",
  "readl$",
  "readq$",
  "writeb$",
  "writew$",
  "writel$",
  "writeq$",
  "logic_in",
  "logic_out",
  "^crc\\d+",
  "crc_itu_t",
  "__might_resched",
  "assertfail",
  "^iput$",
  "^iput_final$",
  "^ihold$",
  "hex_dump_to_buffer",
  "print_hex_dump",
  "^klist_",
  "(trace|lockdep)_(hard|soft)irq",
  "^(un)?lock_page",
  "stack_trace_consume_entry",
  "arch_stack_walk",
  "stack_trace_save",
  "insert_work",
  "__queue_delayed_work",
  "queue_delayed_work_on",
  "ida_free",
  "do_(kernel|translation)_fault",
  "do_mem_abort",
  "el1_abort",
  "el1h_64_sync(?:_handler)?",
  "print_tainted",
  "xas_(?:start|load|find)",
  "find_lock_entries",
  "truncate_inode_pages_range",
  "__phys_addr",
  "__fortify_report",
  "cleanup_srcu_struct",
  "rhashtable_lookup",
  "extract_(user|iter)_to_sg",
  "drop_nlink",
  "^get_taint$",
  "^put_device$",
  "lock_timer_base",
  "__timer_delete_sync",
  "sk_stop_timer_sync",
  "__mod_timer",
  "fast_dput",
  "dput",
  // WARN_ON(!buffer_uptodate(bh)) inside it is always about the caller's buffer.
  "mark_buffer_dirty",
];

// --- guilty-frame choice for stalls and hangs ---------------------------------------------------

/**
 * Frames that dispatch work (syscall entry, softirq, timers, workqueues, kthreads) or that are
 * discriminating file/socket operations. A stall loops somewhere above one of these, so the frame
 * just above the first anchor identifies the stall better than the random top frame.
 */
const STALL_ANCHORS = [
  "process_one_work",
  "do_syscall_",
  "do_fast_syscall_",
  "sysenter_dispatch",
  "tracesys_phase2",
  "el0_svc_handler",
  "invoke_syscall",
  "ret_fast_syscall",
  "netif_receive_skb",
  "do_softirq",
  "call_timer_fn",
  "_run_timers",
  "run_timer_softirq",
  "hrtimer_run",
  "run_ksoftirqd",
  "smpboot_thread_fn",
  "^kthread$",
  "start_secondary",
  "cpu_startup_entry",
  "ret_from_fork",
  "vfs_write",
  "vfs_read",
  "vfs_iter_read",
  "vfs_iter_write",
  "do_iter_read",
  "do_iter_write",
  "call_read_iter",
  "call_write_iter",
  "new_sync_read",
  "new_sync_write",
  "vfs_ioctl",
  "ksys_ioctl",
  "compat_ioctl",
  "compat_sys_ioctl",
  "blkdev_driver_ioctl",
  "blkdev_ioctl",
  "^call_read_iter",
  "^call_write_iter",
  "do_iter_readv_writev",
  "^call_mmap",
  "mmap_region",
  "do_mmap",
  "do_dentry_open",
  "vfs_open",
  "^sock_sendmsg",
  "^sock_recvmsg",
  "^sock_release",
  "^__sock_release",
  "^setsockopt$",
  "kernel_setsockopt",
  "sock_common_setsockopt",
  "^listen$",
  "kernel_listen",
  "sk_common_release",
  "^sock_mmap",
  "^accept$",
  "kernel_accept",
  "^sock_do_ioctl",
  "^sock_ioctl",
  "^compat_sock_ioctl",
  "^nfnetlink_rcv_msg",
  "^rtnetlink_rcv_msg",
  "^netlink_dump",
  "^(sys_)?(socketpair|connect|ioctl)",
  "__do_fault",
  "do_page_fault",
  "^page_fault$",
  "__fput",
  "task_work_run",
  "exit_to_usermode",
  "smp_call_function",
  "tasklet_action",
  "tasklet_hi_action",
].map((p) => new RegExp(p));

/** Stalls and lockups: the frame above the first dispatching anchor (or `smp_call_function` itself). */
export function stallFrame(frames: string[]): [string, number] {
  // MIPS prints the reporting interrupt's own frames (the watchdog's hrtimer: show_stack …
  // watchdog_timer_fn … handle_int, the entry in arch/mips/kernel/genex.S) above the interrupted
  // task's, with no <IRQ> markers: the stall is in the frames below the interrupt entry.
  const irq = frames.lastIndexOf("handle_int");
  const from = irq >= 0 && irq + 1 < frames.length ? irq + 1 : 0;
  let prev = frames[from] ?? "";
  let prevIdx = from;
  for (let i = from; i < frames.length; i++) {
    const f = frames[i]!;
    if (STALL_ANCHORS.some((a) => a.test(f))) {
      if (f.includes("smp_call_function")) return ["smp_call_function", i];
      return [prev, prevIdx];
    }
    prev = f;
    prevIdx = i;
  }
  return ["", -1];
}

/**
 * Hung tasks show up at victim stacks; hangs on `rtnl_lock` and on the RCU grace-period waits are
 * grouped under one frame each, otherwise the first frame that is not scheduling or waiting is taken.
 */
export function hangFrame(frames: string[]): [string, number] {
  const anchors: [string, string][] = [
    ["rtnl_lock", ""],
    ["synchronize_rcu", "synchronize_rcu"],
    ["synchronize_srcu", "synchronize_rcu"],
    ["synchronize_net", "synchronize_rcu"],
    ["synchronize_sched", "synchronize_rcu"],
  ];
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    for (const [a, r] of anchors) if (f.includes(a)) return [r === "" ? f : r, i];
  }
  const skip = [
    "sched",
    "_lock",
    "_slowlock",
    "down",
    "rwsem",
    "completion",
    "kthread",
    "wait",
    "synchronize",
    "context_switch",
    "__switch_to",
    "cancel_delayed_work",
    "rcu_barrier",
  ];
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if (!skip.some((s) => f.includes(s))) return [f, i];
  }
  return ["", -1];
}

// --- the rows ------------------------------------------------------------------------------------

/** WARN(): newer kernels trap and print `RIP:` (x86) / `--- interrupt:` (powerpc) first; older just a stack. */
function warningStack(...skip: string[]): StackRule {
  return {
    parts: [re(`(?:${RIP_FRAME.source}|--- interrupt: [0-9]+ at {{FUNC}})`), STACK],
    parts2: [CALL_TRACE, STACK],
    skip,
  };
}

const ripThenTrace = (extra: Omit<StackRule, "parts"> = {}): StackRule => ({
  parts: [RIP_FRAME, CALL_TRACE, STACK],
  ...extra,
});
const traceOnly = (extra: Omit<StackRule, "parts"> = {}): StackRule => ({ parts: [CALL_TRACE, STACK], ...extra });

const KASAN_HW_TAGS_SKIP = ["kernel_fault", "tag_check", "mem_abort", "^el1_", "^el1h_"];

export const LINUX_OOPSES: OopsKind[] = [
  {
    header: "BUG:",
    formats: [
      // mm/kasan/report.c: `BUG: KASAN: slab-use-after-free in f+0x…` then `Read of size 8 at addr …`.
      {
        title: re("BUG: KASAN:"),
        report: re(
          String.raw`BUG: KASAN: ([a-z\-]+) in {{FUNC}}(?:.*\n)+?.*(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)`,
        ),
        fmt: "KASAN: {1} {3} in {4}",
        alt: ["bad-access in {4}"],
        stack: {
          parts: [re(String.raw`BUG: KASAN: (?:[a-z\-]+) in {{FUNC}}`), CALL_TRACE, STACK],
          skip: KASAN_HW_TAGS_SKIP,
        },
      },
      {
        title: re("BUG: KASAN:"),
        report: re("BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}"),
        fmt: "KASAN: invalid-free in {2}",
        alt: ["invalid-free in {2}"],
        stack: {
          parts: [
            re("BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}"),
            CALL_TRACE,
            STACK,
          ],
          skip: ["slab_", "kfree", "vunmap", "vfree"],
        },
      },
      {
        title: re(String.raw`BUG: KASAN: ([a-z\-]+) on address(?:.*\n)+?.*(Read|Write) of size ([0-9]+)`),
        fmt: "KASAN: {1} {2}",
      },
      { title: re("BUG: KASAN: (.*)"), fmt: "KASAN: {1}", corrupted: true },
      // mm/kmsan/report.c.
      {
        title: re("BUG: KMSAN: kernel-usb-infoleak"),
        report: re("BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}"),
        fmt: "KMSAN: kernel-usb-infoleak in {2}",
        alt: ["KMSAN origin in {3}"],
        stack: {
          parts: [STACK, re("(Local variable .* created at:|Uninit was created at:)"), STACK],
          skip: [
            "alloc_skb",
            "usb_submit_urb",
            "usb_start_wait_urb",
            "usb_bulk_msg",
            "usb_interrupt_msg",
            "usb_control_msg",
          ],
        },
        noStackTrace: true,
      },
      {
        title: re("BUG: KMSAN:"),
        report: re(String.raw`BUG: KMSAN: ([a-z\-]+) in {{FUNC}}`),
        fmt: "KMSAN: {1} in {3}",
        alt: ["bad-access in {3}"],
        stack: {
          parts: [STACK, re("(Local variable .* created at:|Uninit was created at:)"), STACK],
          // Encryption routines are where uninit data is consumed but never the culprit.
          skip: ["alloc_skb", "netlink_ack", "netlink_rcv_skb", "_encrypt$", "^(?:crypto|cipher|drbg|rng)_"],
        },
        noStackTrace: true,
      },
      // kernel/kcsan/report.c.
      { title: re("BUG: KCSAN: data-race"), report: re("BUG: KCSAN: (.*)"), fmt: "KCSAN: {1}", noStackTrace: true },
      { title: re("BUG: KCSAN:"), report: re("BUG: KCSAN: (.*)"), fmt: "KCSAN: {1}", noStackTrace: true },
      // mm/kfence/report.c.
      {
        title: re("BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in {{FUNC}}"),
        fmt: "KFENCE: {1} {2} in {4}",
        alt: ["bad-access in {4}"],
        stack: { parts: [re(String.raw`BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}`), STACK] },
      },
      {
        title: re("BUG: KFENCE: invalid free in {{FUNC}}"),
        fmt: "KFENCE: invalid free in {2}",
        alt: ["invalid-free in {2}"],
        noStackTrace: true,
        stack: { parts: [re(String.raw`BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}`), STACK] },
      },
      {
        title: re("BUG: KFENCE: invalid (read|write) in {{FUNC}}"),
        fmt: "KFENCE: invalid {1} in {3}",
        alt: ["bad-access in {3}"],
        stack: { parts: [re(String.raw`BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}`), STACK] },
      },
      {
        title: re("BUG: KFENCE: memory corruption in {{FUNC}}"),
        fmt: "KFENCE: memory corruption in {2}",
        noStackTrace: true,
        stack: { parts: [re(String.raw`BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}`), STACK] },
      },
      // arch/x86/mm/fault.c show_fault_oops(), powerpc `Unable to handle kernel data access`.
      {
        title: re(
          "BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access)",
        ),
        fmt: "BUG: unable to handle kernel paging request in {1}",
        alt: ["bad-access in {1}"],
        stack: ripThenTrace(),
      },
      {
        title: re(
          "BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)",
        ),
        fmt: "BUG: unable to handle kernel NULL pointer dereference in {1}",
        alt: ["bad-access in {1}"],
        stack: ripThenTrace(),
      },
      // The fault header is two printk calls; only the first half may have made it out.
      {
        title: re("BUG: (?:unable to handle kernel|Unable to handle kernel)"),
        fmt: "BUG: unable to handle kernel",
        corrupted: true,
      },
      // kernel/locking/spinlock_debug.c.
      {
        title: re(
          "BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)",
        ),
        fmt: "BUG: {1} {2} in {3}",
        stack: traceOnly({ skip: ["spin_", "_lock", "_unlock"] }),
      },
      // kernel/watchdog.c.
      {
        title: re("BUG: soft lockup"),
        fmt: "BUG: soft lockup in {1}",
        alt: ["stall in {1}"],
        stack: ripThenTrace({ extractor: stallFrame }),
      },
      // kernel/locking/lockdep.c debug_check_no_locks_held().
      {
        title: re("BUG: .*still has locks held!"),
        report: re(String.raw`BUG: .*still has locks held!(?:.*\n)+?.*{{PC}} +{{FUNC}}`),
        fmt: "BUG: still has locks held in {1}",
      },
      {
        title: re("BUG: scheduling while atomic"),
        fmt: "BUG: scheduling while atomic in {1}",
        stack: traceOnly({ skip: ["schedule"] }),
      },
      {
        title: re("BUG: lock held when returning to user space"),
        report: re(
          String.raw`BUG: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with locks still held(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}`,
        ),
        fmt: "BUG: lock held when returning to user space in {1}",
        noStackTrace: true,
      },
      {
        title: re("BUG: bad unlock balance detected!"),
        fmt: "BUG: bad unlock balance in {1}",
        stack: { parts: [re("{{PC}} +{{FUNC}}"), CALL_TRACE, STACK] },
      },
      {
        title: re("BUG: held lock freed!"),
        report: re(String.raw`BUG: held lock freed!(?:.*\n)+?.*{{PC}} +{{FUNC}}`),
        fmt: "BUG: held lock freed in {1}",
      },
      { title: re("BUG: Bad rss-counter state"), fmt: "BUG: Bad rss-counter state", noStackTrace: true },
      {
        title: re("BUG: non-zero nr_ptes on freeing mm"),
        fmt: "BUG: non-zero nr_ptes on freeing mm",
        noStackTrace: true,
      },
      {
        title: re("BUG: non-zero nr_pmds on freeing mm"),
        fmt: "BUG: non-zero nr_pmds on freeing mm",
        noStackTrace: true,
      },
      // fs/dcache.c umount_check(): the fs type and device (loop0, loop1 …) are left out of the title.
      {
        title: re("BUG: Dentry .* still in use"),
        report: re(String.raw`BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\]`),
        fmt: "BUG: Dentry still in use in {1}",
        alt: ["BUG: Dentry still in use [{1} of {2}]"],
      },
      // mm/page_alloc.c bad_page(): the page-owner allocation stack names the culprit.
      {
        title: re("BUG: Bad page (state|cache)"),
        fmt: "BUG: Bad page {1} in {2}",
        stack: {
          parts: [re("page last allocated"), STACK],
          skip: [
            "(free|put|get|update|release)_page",
            "free_unref",
            "^_*folio",
            "truncate_inode_pages",
            "page_frag_free",
            "alloc",
            "vmap",
            "page_owner",
          ],
        },
      },
      { title: re("BUG: Bad page map"), fmt: "BUG: Bad page map" },
      { title: re("BUG: workqueue lockup"), fmt: "BUG: workqueue lockup", noStackTrace: true },
      {
        title: re("BUG: sleeping function called from invalid context at (.*)"),
        fmt: "BUG: sleeping function called from invalid context in {2}",
        stack: traceOnly(),
      },
      {
        title: re(String.raw`BUG: using ([a-z_]+)\(\) in preemptible`),
        fmt: "BUG: using {1}() in preemptible code in {2}",
        stack: traceOnly({ skip: ["dump_stack", "preemption", "preempt", "debug_", "processor_id", "this_cpu"] }),
      },
      {
        title: re("BUG: workqueue leaked lock or atomic"),
        report: re(String.raw`BUG: workqueue leaked lock or atomic(?:.*\n)+?.*last function: ([a-zA-Z0-9_]+)\n`),
        fmt: "BUG: workqueue leaked lock or atomic in {1}",
        noStackTrace: true,
      },
      // mm/kmemleak.c: `unreferenced object …` then `backtrace (crc …):`.
      {
        title: re("BUG: memory leak"),
        fmt: "memory leak in {1}",
        stack: {
          parts: [re(String.raw`backtrace(?: \(crc [0-9A-Fa-f]*\))?:`), STACK],
          skip: [
            "kmemleak",
            "mmap",
            "kmem",
            "slab",
            "alloc",
            "create_object",
            "idr_get",
            "list_lru_init",
            "kasprintf",
            "kvasprintf",
            "pcpu_create",
            "strdup",
            "strndup",
            "memdup",
          ],
        },
      },
      {
        title: re("BUG: .*stack guard page was hit at"),
        fmt: "BUG: stack guard page was hit in {1}",
        alt: ["stack-overflow in {1}"],
        stack: ripThenTrace({ extractor: stallFrame }),
      },
      // arm/arm64 print lockdep's wait-context violation as a BUG; x86 as a WARNING: one title for both.
      {
        title: re("BUG: Invalid wait context"),
        fmt: "WARNING: locking bug in {1}",
        stack: traceOnly({ skip: ["lock_sock", "release_sock"] }),
      },
      { title: re(String.raw`BUG:\s*(?:\n|$)`), fmt: "BUG: corrupted", corrupted: true },
    ],
    suppressions: [
      re("ODEBUG:"), // CONFIG_DEBUG_OBJECTS output
      re("Boot_DEBUG:"), // Android boot noise
      re("xlog_status:"),
      re("DEBUG:"), // Android ART
      re("BUG: no syscalls can create resource"), // syzkaller's own host-check output
    ],
  },
  {
    header: "WARNING:",
    formats: [
      {
        title: re(String.raw`WARNING: .*lib/debugobjects\.c.* (?:debug_print|debug_check|at)`),
        fmt: "WARNING: ODEBUG bug in {1}",
        // Users of debug objects (timers, work, percpu, vfree) are skipped too.
        stack: warningStack(
          "debug_",
          "rcu",
          "hrtimer_",
          "timer_",
          "work_",
          "percpu_",
          "vunmap",
          "vfree",
          "__free_",
          "debug_check",
          "kobject_",
        ),
      },
      {
        title: re(String.raw`WARNING: .*mm/usercopy\.c.* (?:usercopy_warn|at)`),
        fmt: "WARNING: bad usercopy in {1}",
        stack: warningStack("usercopy", "__check"),
      },
      {
        title: re(String.raw`WARNING: .*lib/kobject\.c.* (?:kobject_|at)`),
        fmt: "WARNING: kobject bug in {1}",
        stack: warningStack("kobject_"),
      },
      {
        title: re(String.raw`WARNING: .*fs/proc/generic\.c.* (?:proc_register|at)`),
        fmt: "WARNING: proc registration bug in {1}",
        stack: warningStack("proc_"),
      },
      {
        title: re(String.raw`WARNING: .*lib/refcount\.c.* (?:refcount_|at)`),
        fmt: "WARNING: refcount bug in {1}",
        stack: warningStack("refcount", "kobject_"),
      },
      {
        title: re(String.raw`WARNING: .*kernel/locking/lockdep\.c.*lock_`),
        fmt: "WARNING: locking bug in {1}",
        stack: warningStack("lock_sock", "release_sock"),
      },
      {
        title: re("WARNING: .*still has locks held!"),
        report: re(String.raw`WARNING: .*still has locks held!(?:.*\n)+?.*at: {{FUNC}}`),
        fmt: "WARNING: still has locks held in {1}",
      },
      {
        title: re("WARNING: Nested lock was not taken"),
        fmt: "WARNING: nested lock was not taken in {1}",
        stack: warningStack(),
      },
      {
        title: re("WARNING: lock held when returning to user space"),
        report: re(
          String.raw`WARNING: lock held when returning to user space(?:.*\n)+?.*leaving the kernel with locks still held(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}`,
        ),
        fmt: "WARNING: lock held when returning to user space in {1}",
        noStackTrace: true,
      },
      {
        title: re(String.raw`WARNING: .*mm/.*\.c.* k?.?malloc`),
        fmt: "WARNING: kmalloc bug in {1}",
        stack: warningStack("kmalloc", "krealloc", "slab", "kmem"),
      },
      {
        title: re("WARNING: .*mm/vmalloc.c.*__vmalloc_node"),
        fmt: "WARNING: zero-size vmalloc in {1}",
        stack: warningStack(),
      },
      {
        title: re("WARNING: .* usb_submit_urb"),
        fmt: "WARNING in {1}/usb_submit_urb",
        stack: warningStack(
          "usb_submit_urb",
          "usb_start_wait_urb",
          "usb_bulk_msg",
          "usb_interrupt_msg",
          "usb_control_msg",
        ),
      },
      // Newer __warn() prints `WARNING: file.c:123 at 0x…, CPU#0: comm/pid`.
      { title: re(String.raw`WARNING: {{SRC}} at 0x\d+, CPU#\d+`), fmt: "WARNING in {2}", stack: warningStack() },
      // Classic `WARNING: CPU: 0 PID: 1 at file.c:123 func+0x…`.
      { title: re("WARNING: .* at {{SRC}} {{FUNC}}"), fmt: "WARNING in {3}", stack: warningStack() },
      { title: re("WARNING: {{SRC}} at {{FUNC}}"), fmt: "WARNING in {3}", stack: warningStack() },
      { title: re(String.raw`WARNING: \[.*\] {{SRC}} at {{FUNC}}.*`), fmt: "WARNING in {3}", stack: warningStack() },
      // kernel/locking/lockdep.c reports.
      {
        title: re("WARNING: possible circular locking dependency detected"),
        report: re(
          String.raw`WARNING: possible circular locking dependency detected(?:.*\n)+?.*is trying to acquire lock`,
        ),
        fmt: "possible deadlock in {1}",
        stack: {
          parts: [re("at: (?:{{PC}} +)?{{FUNC}}"), re("at: (?:{{PC}} +)?{{FUNC}}"), STACK],
          // Workqueue flushing takes the work item's lockdep map: such deadlocks belong to the work item.
          skip: ["process_one_work", "flush_workqueue", "drain_workqueue", "destroy_workqueue"],
        },
      },
      {
        title: re("WARNING: possible irq lock inversion dependency detected"),
        report: re(
          String.raw`WARNING: possible irq lock inversion dependency detected(?:.*\n)+?.*just changed the state of lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}`,
        ),
        fmt: "possible deadlock in {1}",
      },
      {
        title: re("WARNING: .*-safe -> .*-unsafe lock order detected"),
        fmt: "possible deadlock in {1}",
        stack: { parts: [re("which became (?:.*) at:"), STACK] },
      },
      {
        title: re("WARNING: possible recursive locking detected"),
        report: re(
          String.raw`WARNING: possible recursive locking detected(?:.*\n)+?.*is trying to acquire lock(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}`,
        ),
        fmt: "possible deadlock in {1}",
      },
      {
        title: re("WARNING: inconsistent lock state"),
        report: re(String.raw`WARNING: inconsistent lock state(?:.*\n)+?.*takes(?:.*\n)+?.*at: (?:{{PC}} +)?{{FUNC}}`),
        fmt: "inconsistent lock state in {2}",
        stack: traceOnly(),
      },
      {
        title: re("WARNING: suspicious RCU usage"),
        report: re(String.raw`WARNING: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}`),
        fmt: "WARNING: suspicious RCU usage in {2}",
        stack: traceOnly({ skip: ["rcu", "kmem", "slab"] }),
      },
      {
        title: re("WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value"),
        fmt: "WARNING: kernel stack regs has bad '{1}' value",
        noStackTrace: true,
      },
      {
        title: re("WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value"),
        fmt: "WARNING: kernel stack frame pointer has bad value",
        noStackTrace: true,
      },
      {
        title: re("WARNING: bad unlock balance detected!"),
        fmt: "WARNING: bad unlock balance in {1}",
        stack: { parts: [re("{{PC}} +{{FUNC}}"), CALL_TRACE, STACK] },
      },
      {
        title: re("WARNING: held lock freed!"),
        report: re(String.raw`WARNING: held lock freed!(?:.*\n)+?.*at:(?: {{PC}})? +{{FUNC}}`),
        fmt: "WARNING: held lock freed in {1}",
      },
      {
        title: re("WARNING: kernel stack regs .* has bad 'bp' value"),
        fmt: "WARNING: kernel stack regs has bad value",
        noStackTrace: true,
      },
      {
        title: re("WARNING: kernel stack frame pointer .* has bad value"),
        fmt: "WARNING: kernel stack regs has bad value",
        noStackTrace: true,
      },
      { title: re(String.raw`WARNING:\s*(?:\n|$)`), fmt: "WARNING: corrupted", corrupted: true },
    ],
    suppressions: [
      re("WARNING: /etc/ssh/moduli does not exist, using fixed modulus"), // sshd
      re("WARNING: workqueue cpumask: online intersect > possible intersect"),
      re("WARNING: [Tt]he mand mount option"),
      re(String.raw`WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1`), // glibc
      re("WARNING: Unprivileged eBPF is enabled with eIBRS"),
      re(
        String.raw`WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size (\((?:\d+)x(?:\d+) vs\. (?:\d+)x(?:\d+)\))`,
      ),
      re("WARNING: See https.* for mitigation options."),
      re("WARNING: kernel not compiled with CPU_SRSO"),
      re(String.raw`EXT4-[Ff][Ss](?: \(.*\))?:`), // __ext4_msg
      re("warning: .* uses (deprecated v2 capabilities|wireless extensions)", "i"),
      re(String.raw`XFS \(\w+\): WARNING`),
    ],
  },
  {
    header: "INFO:",
    formats: [
      // Older lockdep printed these as INFO: with a closing ` ]` on the banner.
      {
        title: re("INFO: possible circular locking dependency detected"),
        report: re(
          String.raw`INFO: possible circular locking dependency detected \](?:.*\n)+?.*is trying to acquire lock(?:.*\n)+?.*at: {{PC}} +{{FUNC}}`,
        ),
        fmt: "possible deadlock in {1}",
      },
      {
        title: re("INFO: possible irq lock inversion dependency detected"),
        report: re(
          String.raw`INFO: possible irq lock inversion dependency detected \](?:.*\n)+?.*just changed the state of lock(?:.*\n)+?.*at: {{PC}} +{{FUNC}}`,
        ),
        fmt: "possible deadlock in {1}",
      },
      {
        title: re("INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected"),
        report: re(
          String.raw`INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \](?:.*\n)+?.*is trying to acquire(?:.*\n)+?.*at: {{PC}} +{{FUNC}}`,
        ),
        fmt: "possible deadlock in {1}",
      },
      {
        title: re("INFO: possible recursive locking detected"),
        report: re(
          String.raw`INFO: possible recursive locking detected \](?:.*\n)+?.*is trying to acquire lock(?:.*\n)+?.*at: {{PC}} +{{FUNC}}`,
        ),
        fmt: "possible deadlock in {1}",
      },
      {
        title: re("INFO: inconsistent lock state"),
        report: re(String.raw`INFO: inconsistent lock state \](?:.*\n)+?.*takes(?:.*\n)+?.*at: {{PC}} +{{FUNC}}`),
        fmt: "inconsistent lock state in {1}",
      },
      // kernel/rcu/tree_stall.h.
      {
        // `rcu_tasks detected stalls on tasks:` comes from the RCU-tasks flavour (kernel/rcu/tasks.h).
        title: re("INFO: rcu_(?:preempt|sched|bh|tasks) (?:self-)?detected(?: expedited)? stall"),
        fmt: "INFO: rcu detected stall in {1}",
        alt: ["stall in {1}"],
        stack: {
          parts: [re("apic_timer_interrupt"), RIP_FRAME, STACK],
          parts2: [re("(?:apic_timer_interrupt|Exception stack|el1h_64_irq)"), STACK],
          skip: ["apic_timer_interrupt", "rcu"],
          extractor: stallFrame,
        },
      },
      {
        title: re("INFO: trying to register non-static key"),
        fmt: "INFO: trying to register non-static key in {1}",
        stack: traceOnly({ skip: ["stack", "lock", "IRQ"] }),
      },
      {
        title: re("INFO: suspicious RCU usage"),
        report: re(String.raw`INFO: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}`),
        fmt: "INFO: suspicious RCU usage in {2}",
        stack: traceOnly({ skip: ["rcu", "kmem", "slab"] }),
      },
      // kernel/hung_task.c.
      {
        // Newer kernels say `blocked in I/O wait for more than`; a task name holding a newline splits
        // the line in two, so one line break is allowed inside.
        title: re(String.raw`INFO: task [^\n]*(?:\n[^\n]*)? blocked (?:in I/O wait )?for more than [0-9]+ seconds`),
        fmt: "INFO: task hung in {1}",
        alt: ["hang in {1}"],
        stack: traceOnly({ extractor: hangFrame }),
      },
      {
        title: re("INFO: task .* can't die for more than .* seconds"),
        fmt: "INFO: task can't die in {1}",
        alt: ["hang in {1}"],
        stack: traceOnly({ skip: ["schedule"] }),
      },
      // Old-style KASAN reports whose header was lost.
      { title: re("INFO: (Freed|Allocated) in (.*)"), fmt: "INFO: {1} in {2}", corrupted: true },
      { title: re(String.raw`INFO:\s*(?:\n|$)`), fmt: "INFO: corrupted", corrupted: true },
    ],
    suppressions: [
      re("INFO: lockdep is turned off"),
      re("INFO: Stall ended before state dump start"),
      re("INFO: NMI handler"),
      re("INFO: recovery required on readonly filesystem"),
      re("(handler|interrupt).*took too long"),
      re("INFO: sys_.* is not present in /proc/kallsyms"),
      re("INFO: no syscalls can create resource"),
      re("rmt_storage:INFO:"), // Android
      re("_INFO:"), // `INVALID BTF_INFO:` and the like
    ],
  },
  {
    // arm/arm64/riscv/mips do_kernel_fault / die_kernel_fault.
    header: "Unable to handle kernel",
    formats: [
      {
        title: re("Unable to handle kernel (paging request|NULL pointer dereference|access to user memory)"),
        fmt: "BUG: unable to handle kernel {1} in {2}",
        alt: ["bad-access in {2}"],
        stack: ripThenTrace(),
      },
      // s390 do_no_context(): `Unable to handle kernel pointer dereference in virtual kernel address space`.
      {
        title: re("Unable to handle kernel pointer dereference in virtual (?:kernel|user) address space"),
        fmt: "BUG: unable to handle kernel pointer dereference in {1}",
        alt: ["bad-access in {1}"],
        stack: ripThenTrace(),
      },
    ],
    suppressions: [],
  },
  {
    header: "general protection fault",
    formats: [
      {
        title: re("general protection fault.*:"),
        fmt: "general protection fault in {1}",
        alt: ["bad-access in {1}"],
        stack: ripThenTrace(),
      },
    ],
    // A user-space GPF is logged as `traps: … general protection fault ip:… error:0 in libc.so`.
    suppressions: [re(String.raw`general protection fault .* error:\d+ in `)],
  },
  {
    header: "stack segment: ",
    formats: [{ title: re("stack segment: "), fmt: "stack segment fault in {1}", stack: ripThenTrace() }],
    suppressions: [],
  },
  {
    header: "Kernel panic",
    formats: [
      // The stack protector may not be able to name the function, or to unwind.
      {
        title: re("Kernel panic - not syncing: stack-protector:"),
        report: re("Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: {{FUNC}}"),
        fmt: "kernel panic: stack is corrupted in {1}",
        noStackTrace: true,
      },
      {
        title: re("Kernel panic - not syncing: stack-protector:"),
        report: re("Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: [a-f0-9]+"),
        fmt: "kernel panic: stack is corrupted in {1}",
        stack: traceOnly({ skip: ["stack_chk"] }),
      },
      {
        title: re("Kernel panic - not syncing: corrupted stack end"),
        report: re("Kernel panic - not syncing: corrupted stack end detected inside scheduler"),
        fmt: "kernel panic: corrupted stack end in {1}",
        alt: ["stack-overflow in {1}"],
        stack: traceOnly({ skip: ["schedule", "retint_kernel"], extractor: stallFrame }),
      },
      {
        title: re("Kernel panic - not syncing: kernel stack overflow"),
        fmt: "kernel stack overflow in {1}",
        alt: ["stack-overflow in {1}"],
        stack: traceOnly({ skip: ["bad_stack"], extractor: stallFrame }),
      },
      {
        title: re("Kernel panic - not syncing: Attempted to kill init!"),
        fmt: "kernel panic: Attempted to kill init!",
      },
      {
        title: re("Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+"),
        fmt: "kernel panic: Couldn't open N_TTY ldisc",
      },
      // These panics follow an oops / WARNING / hung-task report; seen as the first line, the
      // report proper was lost.
      {
        title: re("Kernel panic - not syncing: Fatal exception"),
        fmt: "kernel panic: Fatal exception",
        corrupted: true,
      },
      {
        title: re("Kernel panic - not syncing: panic_on_warn set"),
        fmt: "kernel panic: panic_on_warn set",
        corrupted: true,
      },
      {
        title: re("Kernel panic - not syncing: hung_task: blocked tasks"),
        fmt: "kernel panic: hung_task: blocked tasks",
        corrupted: true,
      },
      { title: re("Kernel panic - not syncing: (.*)"), fmt: "kernel panic: {1}" },
    ],
    suppressions: [],
  },
  {
    // x86 do_int3() with no handler for the breakpoint: `Oops: int3: 0000 [#1]`.
    header: "Oops: int3:",
    formats: [{ title: re("Oops: int3:"), fmt: "int3 in {1}", stack: ripThenTrace() }],
    suppressions: [],
  },
  {
    header: "PANIC: double fault",
    formats: [{ title: re("PANIC: double fault"), fmt: "PANIC: double fault in {1}", stack: { parts: [RIP_FRAME] } }],
    suppressions: [],
  },
  {
    header: "rust_kernel: panicked",
    formats: [
      {
        title: re("rust_kernel: panicked"),
        report: re(String.raw`rust_kernel: panicked at [^\n]*?\n(.+?)\n`),
        fmt: "{1} in {2}",
        stack: traceOnly({ skip: [String.raw`__rustc::rust_begin_unwind`] }),
      },
    ],
    suppressions: [],
  },
  {
    header: "kernel BUG",
    formats: [
      {
        title: re("kernel BUG at mm/usercopy.c"),
        fmt: "BUG: bad usercopy in {1}",
        stack: traceOnly({ skip: ["usercopy", "__check"] }),
      },
      {
        title: re("kernel BUG at lib/list_debug.c"),
        fmt: "BUG: corrupted list in {1}",
        alt: ["bad-access in {1}"],
        stack: traceOnly(),
      },
      // Many skb helpers carry BUG_ON()s; the bug is almost always in their caller.
      { title: re("kernel BUG at (.*)"), fmt: "kernel BUG in {2}", stack: ripThenTrace({ skip: ["^skb_"] }) },
    ],
    suppressions: [],
  },
  { header: "Kernel BUG", formats: [{ title: re("Kernel BUG (.*)"), fmt: "kernel BUG {1}" }], suppressions: [] },
  {
    header: "BUG kmalloc-",
    formats: [{ title: re("BUG kmalloc-.*: Object already free"), fmt: "BUG: Object already free" }],
    suppressions: [],
  },
  {
    header: "divide error:",
    formats: [{ title: re("divide error: "), fmt: "divide error in {1}", stack: { parts: [RIP_FRAME] } }],
    suppressions: [],
  },
  {
    // The x86 IDTENTRY conversion (v5.8) misspelt the trap name for a while.
    header: "divide_error:",
    formats: [{ title: re("divide_error: "), fmt: "divide error in {1}", stack: { parts: [RIP_FRAME] } }],
    suppressions: [],
  },
  {
    header: "invalid opcode:",
    formats: [{ title: re("invalid opcode: "), fmt: "invalid opcode in {1}", stack: { parts: [RIP_FRAME] } }],
    suppressions: [],
  },
  {
    header: "UBSAN:",
    formats: [
      {
        title: re("UBSAN:"),
        report: re("UBSAN: Undefined behaviour in"),
        fmt: "UBSAN: undefined-behaviour in {1}",
        stack: traceOnly({ skip: ["ubsan", "overflow"] }),
      },
      {
        title: re("UBSAN: array-index-out-of-bounds in"),
        fmt: "UBSAN: array-index-out-of-bounds in {1}",
        alt: ["bad-access in {1}"],
        stack: traceOnly({ skip: ["ubsan", "overflow"] }),
      },
      {
        title: re("UBSAN:"),
        report: re("UBSAN: (.*?) in"),
        fmt: "UBSAN: {1} in {2}",
        stack: traceOnly({ skip: ["ubsan", "overflow"] }),
      },
    ],
    suppressions: [],
  },
  {
    // The decompressor's banner in the middle of a log: the machine rebooted without a report.
    header: "Booting the kernel.",
    formats: [{ title: re("^Booting the kernel"), fmt: "unexpected kernel reboot", noStackTrace: true }],
    // The fuzzer may echo boot text back as a bogus mount option.
    suppressions: [re("Parsing ELF|Decompressing Linux|Unknown parameter '")],
  },
  {
    header: "unregister_netdevice: waiting for",
    formats: [
      {
        title: re("unregister_netdevice: waiting for (?:.*) to become free"),
        fmt: "unregister_netdevice: waiting for DEV to become free",
        noStackTrace: true,
      },
    ],
    suppressions: [],
  },
  {
    header: "VFS: Close: file count is 0",
    formats: [
      {
        title: re("VFS: Close: file count is 0"),
        fmt: "VFS: Close: file count is zero (use-after-free)",
        noStackTrace: true,
      },
    ],
    suppressions: [],
  },
  {
    header: "VFS: Busy inodes after unmount",
    formats: [
      {
        title: re("VFS: Busy inodes after unmount"),
        fmt: "VFS: Busy inodes after unmount (use-after-free)",
        noStackTrace: true,
      },
    ],
    suppressions: [],
  },
  {
    // arm/arm64 die(): `Internal error: Oops: 96000005 [#1] PREEMPT SMP`.
    header: "Internal error:",
    formats: [
      {
        title: re("Internal error:"),
        fmt: "Internal error in {1}",
        // arm64's synchronous external abort is arm's paging request: one bucket.
        alt: ["bad-access in {1}"],
        stack: ripThenTrace(),
      },
    ],
    suppressions: [],
  },
  {
    // arm do_DataAbort(): `Unhandled fault: page domain fault (0x01b) at 0x…`.
    header: "Unhandled fault:",
    formats: [
      {
        title: re("Unhandled fault:"),
        fmt: "Unhandled fault in {1}",
        alt: ["bad-access in {1}"],
        stack: ripThenTrace(),
      },
    ],
    suppressions: [],
  },
  {
    header: "Alignment trap:",
    formats: [{ title: re("Alignment trap:"), fmt: "Alignment trap in {1}", stack: ripThenTrace() }],
    suppressions: [],
  },
  {
    header: "trusty: panic",
    formats: [
      {
        title: re("trusty: panic.* ASSERT FAILED"),
        report: re(String.raw`trusty: panic \(.*?\):(?: DEBUG)? ASSERT FAILED at \(.*?\): (.+)`),
        fmt: "trusty: ASSERT FAILED: {1}",
        noStackTrace: true,
      },
      { title: re("trusty: panic.* ASSERT FAILED.*: *(.*)"), fmt: "trusty: ASSERT FAILED: {1}", corrupted: true },
      {
        title: re("trusty: panic"),
        report: re(String.raw`trusty: panic \(.*?\): (.+)`),
        fmt: "trusty: panic: {1}",
        noStackTrace: true,
      },
    ],
    suppressions: [],
  },
  // --- Rows beyond syzkaller's table. syzbot never sees these kinds (or sees them only after another
  // header), so they cannot change a syzbot title; they give the other architectures and the
  // watchdog a title of the same shape instead of a raw first line.
  {
    // kernel/watchdog_perf.c (kernel/watchdog.c before v6.5): `Watchdog detected hard LOCKUP on cpu 1`.
    header: "Watchdog detected hard LOCKUP",
    formats: [
      {
        title: re("Watchdog detected hard LOCKUP"),
        fmt: "BUG: hard lockup in {1}",
        alt: ["stall in {1}"],
        stack: ripThenTrace({ extractor: stallFrame }),
      },
    ],
    suppressions: [],
  },
  {
    // The die() banner: `Oops: 0000 [#1] SMP` (i386, older x86, s390), `Oops: Kernel access of bad
    // area, sig: 11 [#1]` (powerpc). Usually it follows a more specific header and then belongs to
    // that report (see REPORT_START_IGNORES); alone, it still names the faulting function.
    header: "Oops: ",
    formats: [
      {
        title: re(String.raw`Oops: (?:[^\n]*?)\[#[0-9]+\]`),
        fmt: "Oops in {1}",
        alt: ["bad-access in {1}"],
        stack: ripThenTrace(),
      },
    ],
    suppressions: [],
    banner: true,
  },
  {
    // MIPS do_be(): `Data bus error, epc == 80221c28, ra == 83314e60` (arch/mips/kernel/traps.c).
    header: "bus error, epc ==",
    formats: [
      {
        title: re("(Data|Instruction) bus error, epc =="),
        fmt: "{1} bus error in {2}",
        alt: ["bad-access in {2}"],
        stack: ripThenTrace(),
      },
    ],
    suppressions: [],
  },
  {
    // MIPS BUG(): die("Kernel bug detected") prints `Kernel bug detected[#1]:`.
    header: "Kernel bug detected[#",
    formats: [
      // CONFIG_DEBUG_LIST: lib/list_debug.c's validators (__list_add_valid, __list_del_entry_valid,
      // in 6.6+ `…_valid_or_report`) call BUG() through CHECK_DATA_CORRUPTION (include/linux/bug.h)
      // after pr_err()ing `list_del corruption, …`. Without GENERIC_BUG there is no `kernel BUG at
      // lib/list_debug.c` line to match; the report's own evidence is the pc: the validator itself,
      // or the out-of-line BUG() helper (`break 12`, arch/mips/include/asm/bug.h) with ra in the
      // validator. Titled as syzkaller titles the `kernel BUG at lib/list_debug.c` report.
      {
        title: re(String.raw`Kernel bug detected\[#`),
        report: re(String.raw`^epc +: [0-9a-f]+ (?:BUG\+0x0/0x[0-9a-f]+\nra +: [0-9a-f]+ )?__list_[a-z_]*_valid`, "m"),
        fmt: "BUG: corrupted list in {1}",
        alt: ["bad-access in {1}"],
        stack: traceOnly({ skip: ["^BUG$"] }),
      },
      {
        title: re(String.raw`Kernel bug detected\[#`),
        fmt: "kernel BUG in {1}",
        stack: ripThenTrace({ skip: ["^skb_"] }),
      },
    ],
    suppressions: [],
  },
  {
    // MIPS do_ade(): die_if_kernel("Unhandled kernel unaligned access") for an address error the
    // emulation could not handle (arch/mips/kernel/unaligned.c): `Unhandled kernel unaligned access[#1]:`.
    header: "Unhandled kernel unaligned access[#",
    formats: [
      {
        title: re(String.raw`Unhandled kernel unaligned access\[#`),
        fmt: "Unhandled kernel unaligned access in {1}",
        alt: ["bad-access in {1}"],
        stack: ripThenTrace(),
      },
    ],
    suppressions: [],
  },
  {
    // MIPS die("Oops") without a more specific line before it: `Oops[#1]:`.
    header: "Oops[#",
    formats: [
      { title: re(String.raw`Oops\[#[0-9]+\]`), fmt: "Oops in {1}", alt: ["bad-access in {1}"], stack: ripThenTrace() },
    ],
    suppressions: [],
    banner: true,
  },
  // A Go runtime crash of the fuzzer's own programs (fatal error: …).
  {
    header: "fatal error:",
    formats: [{ title: re("fatal error:"), fmt: "go runtime error", noStackTrace: true }],
    suppressions: [re("ALSA"), re("fatal error: cannot create timer")],
  },
  // Failures reported by syzkaller's executor and tools.
  {
    header: "SYZFAIL:",
    formats: [{ title: re("SYZFAIL:(.*)"), fmt: "SYZFAIL:{1}", noStackTrace: true }],
    suppressions: [],
  },
  {
    header: "SYZFATAL:",
    formats: [{ title: re("SYZFATAL:(.*)()"), alt: ["SYZFATAL{2}"], fmt: "SYZFATAL:{1}", noStackTrace: true }],
    suppressions: [],
  },
  {
    header: "panic:",
    formats: [
      {
        title: re("panic: Sentry detected .* stuck task"),
        fmt: "panic: Sentry detected stuck tasks",
        noStackTrace: true,
      },
      { title: re("panic:(.*)"), fmt: "panic:{1}", noStackTrace: true },
    ],
    // skb_panic / skb_over_panic are kernel functions; the rest is Android boot noise.
    suppressions: [re("_panic:"), re("xlog_status:"), re(String.raw`ddb\.onpanic:`), re("evtlog_status:")],
  },
];

/** Report-start lines that do not begin a new report when they follow one (they are part of it). */
export const REPORT_START_IGNORES: RegExp[] = [
  re("invalid opcode: 0000"),
  re("Kernel panic - not syncing"),
  re("unregister_netdevice: waiting for"),
  // A double fault can come from handling a paging fault with memory badly corrupted.
  re("PANIC: double fault"),
  re("Internal error:"),
];

/** Informational messages that carry a stack trace: one inside a report means the report is intermixed. */
export const INFO_MESSAGES_WITH_STACK = [
  "vmalloc: allocation failure:",
  "FAULT_INJECTION: forcing a failure",
  "FAULT_FLAG_ALLOW_RETRY missing",
];

/** Logs that match these are real crashes of the test harness environment, not kernel bugs (OOM kills of the fuzzer, sshd). */
export const SUPPRESSIONS: RegExp[] = [
  "panic: failed to start executor binary",
  "panic: executor failed: pthread_create failed",
  "panic: failed to create temp dir",
  "fatal error: unexpected signal during runtime execution",
  "signal SIGBUS: bus error",
  "SYZFAIL: SIGBUS",
  String.raw`Out of memory: Kill process .* \(syz-executor\)`,
  String.raw`Out of memory: Kill process .* \(sshd\)`,
  String.raw`Killed process .* \(syz-executor\)`,
  String.raw`Killed process .* \(sshd\)`,
  "lowmemorykiller: Killing 'syz-executor'",
  "lowmemorykiller: Killing 'sshd'",
  "INIT: PANIC: segmentation violation!",
  String.raw`\*\*\* stack smashing detected \*\*\*: terminated`,
  // Go runtime out-of-memory messages.
  "fatal error: runtime: out of memory",
  "fatal error: runtime: cannot allocate memory",
  "fatal error: out of memory",
  "fatal error: newosproc",
  "panic: .*cannot allocate memory",
].map((s) => new RegExp(s));

/** Lines that contain one of these after the report started are cut: the panic_on_warn / lockdep echo. */
export const PANIC_TAIL_MARKERS = [
  "Kernel panic - not syncing",
  "WARNING: possible circular locking dependency detected",
];
