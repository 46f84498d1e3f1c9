/** Fault explanation: instruction semantics per architecture, the register slicer and `explainCrash`. */

export {
  type BasicBlock,
  type BinaryExplanation,
  type BinaryOptions,
  type CodeCheck,
  explainWithBinary,
  type FunctionAnalysis,
  type NamedStep,
  type NamedVerdict,
  type ReachingDefs,
  type StepSource,
} from "./binary.js";
export { explainCrash } from "./explain.js";
export { explainListPoisonCaller } from "./listpoison.js";
export { semanticsFor } from "./semantics/index.js";
export type { Effect, Expr, Semantics } from "./semantics/types.js";
export type { Access, Explanation, Step, Verdict, VerdictKind } from "./types.js";
