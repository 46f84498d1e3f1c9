/**
 * Pattern vocabulary for the crash-report tables: turns a pattern written with the placeholders
 * `{{PC}}`, `{{FUNC}}`, `{{SRC}}` and `{{ADDR}}` into a JavaScript `RegExp`.
 *
 * The placeholders name the pieces of kernel text that recur in every oops format:
 * - `{{PC}}`   a bracketed address as printed by `%pS`-era stack dumps: `[<ffffffff81234567>]`, also
 *              without the angle brackets or with `0x`;
 * - `{{FUNC}}` a symbol followed by `+` (start of `+0x12/0x34`) or `.` (a `.isra.0` / `.cold`
 *              suffix), capturing the bare name;
 * - `{{SRC}}`  a `path/file.c:123` source position, captured;
 * - `{{ADDR}}` a `0x…` hex number.
 * Keeping them as words lets each table row read like the kernel line it matches.
 */

const EXPANSIONS: [string, string][] = [
  ["{{ADDR}}", "0x[0-9a-f]+"],
  ["{{PC}}", String.raw`\[<?(?:0x)?[0-9a-f]+>?\]`],
  ["{{FUNC}}", String.raw`([a-zA-Z0-9_]+)(?:\.|\+)`],
  ["{{SRC}}", String.raw`([a-zA-Z0-9_/.-]+\.[a-z]+:[0-9]+)`],
];

/** Expand the placeholders in `source` (a RegExp source string). */
export function expand(source: string): string {
  let s = source;
  for (const [k, v] of EXPANSIONS) s = s.replaceAll(k, v);
  return s;
}

/** Compile a table pattern. `flags` is usually empty: matches are first-match, not global. */
export function re(source: string, flags = ""): RegExp {
  return new RegExp(expand(source), flags);
}

/** True when any pattern matches somewhere in `s`. */
export function matchesAny(s: string, patterns: readonly RegExp[]): boolean {
  for (const p of patterns) if (p.test(s)) return true;
  return false;
}
