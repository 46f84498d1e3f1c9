/** Architecture tables: the `ArchInfo` interface and one table per architecture. */

export * from "./table.js";
export * from "./types.js";
