/** The source stage: a crash's named verdict and a C source tree in, the root-cause section out. */

export * from "./parser.js";
export * from "./query.js";
export * from "./registrars.js";
export * from "./rootcause.js";
export * from "./types.js";
