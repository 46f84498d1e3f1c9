/**
 * One flat list of every error oopscope can report, each with a stable code. Code turns a failure into
 * an `OopsError` carrying the code, a message written for a kernel engineer, and — for binary input —
 * the byte offset of the bad value. Tests assert both code and message; codes never change meaning.
 *
 * Add a new code at the end of its group; never reuse or renumber one.
 */

export const ErrorCodes = {
  // --- input / general ---
  E_INPUT_EMPTY: "the input is empty",
  E_INPUT_BINARY: "the input does not look like text (a console log was expected)",
  E_INPUT_TOO_LARGE: "the input exceeds the configured size limit",
  E_USAGE: "bad command-line usage",
  E_IO: "a file could not be read",
  // --- binary cursor ---
  E_TRUNCATED: "a read ran past the end of the data",
  E_BAD_VALUE: "a value is out of its allowed range",
  E_LEB128_OVERFLOW: "a LEB128 number does not fit in 64 bits",
  E_UNTERMINATED_STRING: "a string has no terminating NUL byte",
  // --- ELF ---
  E_ELF_MAGIC: "not an ELF file (bad magic)",
  E_ELF_CLASS: "unsupported ELF class",
  E_ELF_ENCODING: "unsupported ELF data encoding",
  E_ELF_HEADER: "malformed ELF header",
  E_ELF_SECTION: "malformed ELF section",
  E_ELF_SYMBOL: "malformed ELF symbol",
  E_ELF_RELOCATION: "unsupported or malformed relocation",
  E_ELF_COMPRESSION: "compressed section could not be decompressed",
  // --- DWARF ---
  E_DWARF_VERSION: "unsupported DWARF version",
  E_DWARF_FORM: "unknown DWARF attribute form",
  E_DWARF_UNIT: "malformed DWARF unit",
  E_DWARF_ABBREV: "malformed DWARF abbreviation table",
  E_DWARF_LINE: "malformed DWARF line program",
  E_DWARF_SPLIT: "split DWARF (.dwo/.dwp) is not supported",
  E_DWARF_MISSING: "the object carries no DWARF debug information",
  E_DWARF_SYMBOL: "no symbol of that name in the object",
  // --- disassembly / explanation ---
  E_DISASM_INIT: "the disassembler could not be initialised",
  E_DISASM_ARCH: "no disassembler for this architecture",
  E_CODE_BYTES: "the Code: line could not be decoded",
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** The single error type of oopscope. `offset` is a byte offset into the binary being read, when known. */
export class OopsError extends Error {
  override readonly name = "OopsError";
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly offset?: number,
  ) {
    const base = ErrorCodes[code];
    const where = offset === undefined ? "" : ` at offset 0x${offset.toString(16)}`;
    super(detail ? `${base}${where}: ${detail}` : `${base}${where}`);
  }
}

export function isOopsError(e: unknown): e is OopsError {
  return e instanceof OopsError;
}
