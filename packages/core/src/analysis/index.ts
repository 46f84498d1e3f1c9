/** The analysis stage: the `Analysis` value, the pipeline that builds it, and its JSON form. */

export * from "./analyze.js";
export * from "./json.js";
export * from "./schema-check.js";
export * from "./types.js";
