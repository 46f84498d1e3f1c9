/** The DWARF reader: lazy per-unit access to DIEs, line tables, ranges, locations and types. */

export * as DW from "./constants.js";
export * from "./expr.js";
export * from "./globals.js";
export * from "./line.js";
export * from "./reader.js";
export * from "./typeinfo.js";
export * from "./unit.js";
export * from "./variables.js";
export * from "./window.js";
