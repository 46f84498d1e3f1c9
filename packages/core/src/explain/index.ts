/** Fault explanation: instruction semantics per architecture, the register slicer and `explainCrash`. */

export { explainCrash } from "./explain.js";
export { semanticsFor } from "./semantics/index.js";
export type { Effect, Expr, Semantics } from "./semantics/types.js";
export type { Access, Explanation, Step, Verdict, VerdictKind } from "./types.js";
