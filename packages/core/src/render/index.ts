/** Renderers: an `Analysis` in, terminal text, Markdown or JSON out. Pure functions returning strings. */

export * from "./facts.js";
export * from "./json.js";
export * from "./markdown.js";
export * from "./terminal.js";
