/**
 * Public API of @oopscope/core: text and bytes in, plain data out. No I/O happens here; loaders live
 * in the CLI, the service and the web UI.
 */

export * from "./analysis/index.js";
export * from "./arch/index.js";
export * from "./binary/index.js";
export * from "./disasm/index.js";
export * from "./dwarf/index.js";
export * from "./dwarf/sections.js";
export * from "./elf/index.js";
export * from "./errors.js";
export * from "./explain/index.js";
export * from "./oops/code.js";
export * from "./oops/extract.js";
export * from "./oops/formats.js";
export * from "./oops/frames.js";
export * from "./oops/lines.js";
export * from "./oops/location.js";
export * from "./oops/model.js";
export * from "./oops/parse.js";
export * from "./oops/taint.js";
export * from "./render/index.js";
export * from "./report/index.js";
export * from "./source/index.js";
export * from "./symbolize/elf.js";
export * from "./symbolize/symbolizer.js";
export * from "./symbolize/types.js";
export * from "./types.js";
