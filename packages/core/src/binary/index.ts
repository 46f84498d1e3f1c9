/** Bounds-checked binary reading. */
export * from "./cursor.js";
export * from "./source.js";
