/**
 * NUL-terminated names from an ELF string table (.strtab, .shstrtab), turned into JS strings quickly:
 * symbol and section names are nearly always ASCII, for which building the string from char codes is
 * several times faster than a TextDecoder call per name (a vmlinux has ~150,000 of them). Anything
 * non-ASCII goes through UTF-8 decoding.
 */

import { OopsError } from "../errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** The string at `offset` of `table`; E_TRUNCATED when out of range, E_UNTERMINATED_STRING without a NUL. */
export function nameAt(table: Uint8Array, offset: number, base = 0): string {
  if (offset < 0 || offset >= table.length)
    throw new OopsError("E_TRUNCATED", `string offset ${offset} outside table of ${table.length}`, base + offset);
  let end = offset;
  let ascii = true;
  while (end < table.length) {
    const c = table[end]!;
    if (c === 0) break;
    if (c >= 0x80) ascii = false;
    end++;
  }
  if (end >= table.length) throw new OopsError("E_UNTERMINATED_STRING", undefined, base + offset);
  if (!ascii || end - offset > 1024) return utf8.decode(table.subarray(offset, end));
  // One call over the code units, not one string per character.
  return String.fromCharCode.apply(null, table.subarray(offset, end) as unknown as number[]);
}
