/** Bounds-checked binary reading. */
export * from "./cursor.js";
