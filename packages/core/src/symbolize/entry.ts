/**
 * The symbolizer alone: an object file's bytes in, source frames out, without the parser, the
 * disassembler and the renderers of the full `@oopscope/core` entry. `oopscope symbolize` loads only
 * this (as `@oopscope/core/symbolizer`), so a cold run does not pay for modules it never calls.
 */

export type { ByteSource } from "../binary/source.js";
export { bytesSource } from "../binary/source.js";
export { isOopsError, OopsError } from "../errors.js";
export { openElfSymbolizer, symbolizerForElf } from "./elf.js";
export * from "./symbolizer.js";
export * from "./types.js";
