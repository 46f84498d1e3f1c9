/**
 * Title normalisation: turns a raw title built from the report text into the stable, comparable form
 * syzbot uses (so two runs of the same bug get the same title), and maps a title to its crash type.
 *
 * Volatile parts are replaced by words: fuzzer process names lose their number, anything that looks
 * like an address (6+ hex digits) becomes `ADDR`, dotted quads `IP`, `file.c:123` `file.c:LINE`,
 * `func+0x1/0x2` just `func`, `CPU#3` `CPU`, other decimal numbers `NUM`. Each rule is applied until
 * it no longer changes the text (matches can overlap, as in `0,1,2`). Then control characters and
 * non-ASCII are dropped, whitespace is collapsed, and the result is cut to 120 characters.
 */

interface Rewrite {
  pattern: RegExp;
  replacement: string;
}

const REWRITES: Rewrite[] = [
  // syzkaller's executor processes: `syz-executor.3`, `syz-executor123/4`.
  { pattern: /syz-executor\.?[0-9]+((\/|:)[0-9]+)?/g, replacement: "syz-executor" },
  { pattern: /syzkaller[0-9]+((\/|:)[0-9]+)?/g, replacement: "syzkaller" },
  // An address in a title can never be stable.
  { pattern: /([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}/g, replacement: "$1ADDR" },
  { pattern: /([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})/g, replacement: "IP" },
  { pattern: /(\.\w+)(:[0-9]+)+/g, replacement: "$1:LINE" },
  // `ip6_fragment+0x1052/0x2d80` → `ip6_fragment`: offsets and sizes change with every build.
  { pattern: /([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+\/0x[0-9a-z]+/g, replacement: "$1" },
  { pattern: /CPU#[0-9]+/g, replacement: "CPU" },
  { pattern: /(\W)(\d+)(\W|$)/g, replacement: "$1NUM$3" },
  // Digits inside names (cfg80211, nl802154) stay, unless the run is too long to be a name.
  { pattern: /(\d+){7,}/g, replacement: "NUM" },
];

const MAX_TITLE = 120;

/** Replace the volatile parts of a title. */
export function rewriteTitle(title: string): string {
  let s = title;
  for (const { pattern, replacement } of REWRITES) {
    for (let i = 0; i < 64; i++) {
      const t = s.replace(pattern, replacement);
      if (t === s) break;
      s = t;
    }
  }
  return s;
}

/** Drop control and non-ASCII characters, collapse spaces, cap the length (counted over the input). */
export function sanitizeTitle(title: string): string {
  let out = "";
  let prev = 32;
  const n = Math.min(title.length, MAX_TITLE);
  for (let i = 0; i < n; i++) {
    let c = title.charCodeAt(i);
    if (c === 9) c = 32;
    else if (c < 0x20 || c >= 0x7f) continue;
    if (c === 32 && prev === 32) continue;
    out += String.fromCharCode(c);
    prev = c;
  }
  return out.trim();
}

/** The full normalisation applied to titles and alternative titles. */
export function normaliseTitle(title: string): string {
  return sanitizeTitle(rewriteTitle(title));
}

/** The guilty function named by a title: what follows its last ` in `. */
export function titleFrame(title: string): string | undefined {
  const m = /.* in ((?:<[a-zA-Z0-9_: ]+>)?[a-zA-Z0-9_:]+)/.exec(title);
  return m?.[1];
}

/**
 * Crash types by title prefix, first match wins (the order matters: `KASAN: use-after-free Write`
 * before the catch-all `KASAN:`). The type strings are syzbot's.
 */
const TYPES: [string, string[]][] = [
  ["KFENCE-USE-AFTER-FREE-WRITE", ["KFENCE: use-after-free write"]],
  ["KFENCE-USE-AFTER-FREE-READ", ["KFENCE: use-after-free read", "KFENCE: use-after-free"]],
  ["KFENCE-WRITE", ["KFENCE: invalid write", "KFENCE: out-of-bounds write"]],
  ["KFENCE-READ", ["KFENCE: invalid read", "KFENCE: out-of-bounds read", "KFENCE: out-of-bounds"]],
  ["KFENCE-MEMORY-CORRUPTION", ["KFENCE: memory corruption"]],
  ["KFENCE-INVALID-FREE", ["KFENCE: invalid free"]],
  ["KMSAN-UNINIT-VALUE", ["KMSAN: uninit-value"]],
  [
    "KMSAN-USE-AFTER-FREE-READ",
    ["KMSAN: kernel-infoleak-after-free", "KMSAN: kernel-usb-infoleak-after-free", "KMSAN: use-after-free"],
  ],
  ["KMSAN-INFO-LEAK", ["KMSAN: kernel-infoleak", "KMSAN: kernel-usb-infoleak"]],
  ["KASAN-NULL-POINTER-DEREFERENCE-WRITE", ["KASAN: null-ptr-deref Write"]],
  ["KASAN-NULL-POINTER-DEREFERENCE-READ", ["KASAN: null-ptr-deref Read"]],
  ["NULL-POINTER-DEREFERENCE", ["BUG: unable to handle kernel NULL pointer dereference in"]],
  [
    "KASAN-WRITE",
    [
      "KASAN: global-out-of-bounds Write",
      "KASAN: out-of-bounds Write",
      "KASAN: slab-out-of-bounds Write",
      "KASAN: stack-out-of-bounds Write",
      "KASAN: user-memory-access Write",
      "KASAN: vmalloc-out-of-bounds Write",
      "KASAN: wild-memory-access Write",
    ],
  ],
  [
    "KASAN-READ",
    [
      "KASAN: global-out-of-bounds Read",
      "KASAN: invalid-access Read",
      "KASAN: out-of-bounds Read",
      "KASAN: slab-out-of-bounds Read",
      "KASAN: slab-out-of-bounds",
      "KASAN: stack-out-of-bounds Read",
      "KASAN: stack-out-of-bounds",
      "KASAN: unknown-crash Read",
      "KASAN: user-memory-access Read",
      "KASAN: vmalloc-out-of-bounds Read",
      "KASAN: wild-memory-access Read",
      "KASAN: wild-memory-access",
    ],
  ],
  ["KASAN-INVALID-FREE", ["KASAN: double-free or invalid-free", "KASAN: invalid-free"]],
  ["KASAN-USE-AFTER-FREE-WRITE", ["KASAN: slab-use-after-free Write", "KASAN: use-after-free Write"]],
  [
    "KASAN-USE-AFTER-FREE-READ",
    ["KASAN: slab-use-after-free Read", "KASAN: use-after-free Read", "KASAN: use-after-free"],
  ],
  ["MEMORY_SAFETY_BUG", ["BUG: corrupted list", "BUG: unable to handle kernel paging request"]],
  ["REFCOUNT_WARNING", ["WARNING: refcount bug"]],
  ["MEMORY_SAFETY_UBSAN", ["UBSAN: array-index-out-of-bounds"]],
  ["KCSAN-DATARACE", ["KCSAN: data-race"]],
  ["KCSAN-ASSERT", ["KCSAN: assert: race in"]],
  [
    "LOCKDEP",
    [
      "BUG: bad unlock balance in",
      "BUG: held lock freed in",
      "BUG: rwlock",
      "BUG: spinlock",
      "BUG: still has locks held in",
      "BUG: using",
      "WARNING: bad unlock balance in",
      "WARNING: held lock freed in",
      "WARNING: lock held",
      "WARNING: locking bug in",
      "WARNING: nested lock was not taken in",
      "WARNING: still has locks held in",
      "WARNING: suspicious RCU usage in",
      "inconsistent lock state in",
      "possible deadlock in",
    ],
  ],
  ["ATOMIC_SLEEP", ["BUG: scheduling while atomic in", "BUG: sleeping function called from invalid context in"]],
  ["LEAK", ["memory leak in"]],
  ["BUG", ["BUG: bad usercopy in", "kernel BUG"]],
  ["WARNING", ["WARNING in"]],
  // printk()-level reports with no type of their own.
  [
    "",
    [
      "BUG: stack guard page was hit in",
      "WARNING: corrupted",
      "WARNING: kernel stack frame pointer has bad value",
      "WARNING: kernel stack regs has bad",
    ],
  ],
  [
    "HANG",
    [
      "BUG: hard lockup in",
      "BUG: soft lockup in",
      "INFO: rcu detected stall in",
      "INFO: task can't die in",
      "INFO: task hung in",
    ],
  ],
  [
    "DoS",
    [
      "Alignment trap in",
      "BUG: Object already free",
      "Internal error in",
      "PANIC: double fault",
      "Unhandled fault in",
      "VFS: Busy inodes after unmount (use-after-free)",
      "VFS: Close: file count is zero (use-after-free)",
      "divide error in",
      "general protection fault in",
      "go runtime error",
      "int3 in",
      "invalid opcode in",
      "Oops in",
      "kernel panic:",
      "kernel stack overflow",
      "panic:",
      "rust_kernel panicked",
      "stack segment fault in",
      "trusty:",
      "unregister_netdevice: waiting for DEV to become free",
    ],
  ],
  ["REBOOT", ["unexpected kernel reboot"]],
  ["SYZ_FAILURE", ["SYZFAIL", "SYZFATAL:"]],
  // Defaults by tool prefix.
  ["WARNING", ["WARNING:"]],
  ["", ["BUG:", "INFO:"]],
  ["KASAN-UNKNOWN", ["KASAN:"]],
  ["KFENCE-UNKNOWN", ["KFENCE:"]],
  ["KMSAN-UNKNOWN", ["KMSAN:"]],
  ["UBSAN", ["UBSAN:"]],
  ["KCSAN-UNKNOWN", ["KCSAN:"]],
];

/** syzbot crash type of a title, or undefined when the title has none. */
export function titleType(title: string): string | undefined {
  for (const [type, prefixes] of TYPES) {
    if (prefixes.some((p) => title.startsWith(p))) return type === "" ? undefined : type;
  }
  return undefined;
}
