/**
 * Code locations as the kernel prints them: turns `[<ffffffffc0445a10>] rlb_arp_recv+0x128/0x228
 * [bonding]`, `foo+0x12/0x34`, `0x80b0f484`, or a syzkaller-symbolized `foo+0x1/0x2 net/x.c:12` into
 * a `Location` (address, symbol, offset, size, module, file:line).
 *
 * The `sym+off/size [module]` spelling is printk's `%pS`/`%pB` format (lib/vsprintf.c, kallsyms
 * sprint_symbol): offset and size are hexadecimal with `0x`, the module name in brackets is absent for
 * built-in code, and a trailing build id may follow the module name (`[mod 0123abcd…]`).
 */

import type { Location } from "./model.js";

// sym+0xoff/0xsize [module buildid]; symbols may hold `.`, `$`, `:` (Rust `::`) and `<…>` (Rust generics)
const SYM_OFF = /^([^\s+[\]()]+)\+0x([0-9a-fA-F]+)\/0x([0-9a-fA-F]+)(?:\s+\[([^\]\s]+)(?:\s+[0-9a-f]+)?\])?/;
// address in `[<…>]`, `[…]` or `<…>` brackets
const BRACKET_ADDR = /^\[<?([0-9a-fA-F]{4,16})>?\]\s*/;
const FILE_LINE = /^\s*([\w./-]+\.(?:c|h|S|rs|s)):(\d+)/;

export interface ParsedLocation extends Location {
  /** Characters of the input consumed. */
  consumed: number;
  file?: string;
  line?: number;
}

/**
 * Parse a location at the start of `s` (leading blanks allowed). Returns undefined when `s` does not
 * start with one.
 */
export function parseLocation(s: string): ParsedLocation | undefined {
  let i = 0;
  while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  let rest = s.slice(i);
  const loc: ParsedLocation = { consumed: 0 };
  let found = false;
  // Up to two bracketed addresses (x86 before 4.x printed `[<a>]  [<a>] sym`); the last one wins.
  for (let k = 0; k < 2; k++) {
    const m = BRACKET_ADDR.exec(rest);
    if (!m) break;
    loc.address = BigInt(`0x${m[1]}`);
    found = true;
    i += m[0].length;
    rest = rest.slice(m[0].length);
  }
  const q = /^\?\s+/.exec(rest);
  if (q) {
    i += q[0].length;
    rest = rest.slice(q[0].length);
  }
  const m = SYM_OFF.exec(rest);
  if (m) {
    loc.symbol = m[1];
    loc.offset = BigInt(`0x${m[2]}`);
    loc.size = BigInt(`0x${m[3]}`);
    if (m[4]) loc.module = m[4];
    found = true;
    i += m[0].length;
    rest = rest.slice(m[0].length);
    const f = FILE_LINE.exec(rest);
    if (f) {
      loc.file = f[1];
      loc.line = Number(f[2]);
      i += f[0].length;
    }
  } else if (!found) {
    // A bare address: `0x80b0f484` (ARM `PC is at 0x…`, x86 user-mode `RIP: 0033:0x7f…`).
    const a = /^0x([0-9a-fA-F]{1,16})\b/.exec(rest);
    if (a) {
      loc.address = BigInt(`0x${a[1]}`);
      found = true;
      i += a[0].length;
    }
  }
  if (!found) return undefined;
  loc.consumed = i;
  return loc;
}

/** Drop the parse bookkeeping, keeping only the model's `Location` fields. */
export function toLocation(p: ParsedLocation): Location {
  const out: Location = {};
  if (p.address !== undefined) out.address = p.address;
  if (p.symbol !== undefined) out.symbol = p.symbol;
  if (p.offset !== undefined) out.offset = p.offset;
  if (p.size !== undefined) out.size = p.size;
  if (p.module !== undefined) out.module = p.module;
  return out;
}
