/** Disassembly of oops Code: windows: the Capstone adapter, the window decoder and the s390x listing parser. */

export {
  type DecodedInsn,
  type DisasmInitOptions,
  decodeRun,
  disassemblerReady,
  fullRegister,
  initDisassembler,
  registerName,
} from "./capstone.js";
export { type CodeInput, disassembleCode } from "./code.js";
export { disasmTarget, disassembleCrash } from "./crash.js";
export { type KrnlCodeLine, parseKrnlCode, parseKrnlCodeLines } from "./s390.js";
export * from "./types.js";
