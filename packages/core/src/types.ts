/**
 * Shared value types. Addresses are `bigint` (kernel addresses are 64-bit and do not fit a double).
 * Offsets of different kinds are branded so a file offset can never be passed where a section or
 * code-window offset is meant. Hex strings in JSON are lowercase `0x…`.
 */

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A virtual address as the kernel printed it or as a symbol table gives it. */
export type Address = bigint;
/** Byte offset from the start of a file. */
export type FileOffset = Brand<number, "FileOffset">;
/** Byte offset from the start of a section's contents. */
export type SectionOffset = Brand<number, "SectionOffset">;
/** Byte offset into a log text (UTF-16 code units of the decoded string). */
export type TextOffset = Brand<number, "TextOffset">;
/** Byte offset inside an oops `Code:` window; the faulting instruction is at `faultIndex`. */
export type CodeOffset = Brand<number, "CodeOffset">;

export const fileOffset = (n: number) => n as FileOffset;
export const sectionOffset = (n: number) => n as SectionOffset;
export const textOffset = (n: number) => n as TextOffset;
export const codeOffset = (n: number) => n as CodeOffset;

/** `0x…` lowercase, the one spelling of numbers in JSON output. */
export function hex(v: bigint | number): string {
  const n = typeof v === "number" ? BigInt(v) : v;
  return n < 0n ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}

/** Parse a hex string with or without `0x`; undefined when it is not hex. */
export function parseHex(s: string): bigint | undefined {
  const t = s.startsWith("0x") || s.startsWith("0X") ? s.slice(2) : s;
  if (t.length === 0 || !/^[0-9a-fA-F]+$/.test(t)) return undefined;
  return BigInt(`0x${t}`);
}
