/** ELF reading: files, sections, symbols, notes, module info, relocations, compression, debug sections. */
export * from "./cache.js";
export * from "./compress.js";
export * from "./constants.js";
export * from "./debug-sections.js";
export * from "./file.js";
export * from "./lookup.js";
export * from "./notes.js";
export * from "./open.js";
export * from "./relocs.js";
export * from "./symbols.js";
