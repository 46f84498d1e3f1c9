/**
 * The `Analysis` value: what the pipeline (parse → disassemble → explain) turns one input into, and
 * what every renderer (terminal, JSON, Markdown) reads. It keeps the oops model's values as they are
 * (addresses as bigint); `toJSON` in json.ts turns it into the versioned, documented JSON schema.
 */

import type { Instruction } from "../disasm/types.js";
import type { Boot, Crash, RebootLoop } from "../oops/model.js";

/** Version of the JSON document `toJSON` produces; bump the major on any incompatible change. */
export const SCHEMA_VERSION = "1.0";

/** The faulting memory access, as the explanation layer reconstructs it from the instruction and registers. */
export interface AccessView {
  /** ABI register names of the memory operand. */
  base?: string;
  index?: string;
  scale?: number;
  disp?: bigint;
  /** base + index × scale + disp, computed from the dumped registers. */
  effectiveAddress?: bigint;
  /** true when it equals the reported fault address; undefined when either is unknown. */
  matchesFaultAddress?: boolean;
  /** Read, write or both, when the instruction says. */
  kind?: "read" | "write" | "rw";
  /** Access width in bytes, when known. */
  size?: number;
}

/** One step of the backward slice from the faulting operand's registers. */
export interface StepView {
  /** The instruction as disassembled, e.g. `ld a0,616(s2)`. */
  instruction: string;
  /** Code-window offset of that instruction, when it comes from the window. */
  offset?: number;
  /** The register it produced. */
  register?: string;
  /** The value of that register (from the dump, or computed). */
  value?: bigint;
  /** What it means, in words: "loaded from [s2+0x268]". */
  meaning: string;
}

export interface VerdictView {
  /** Machine-readable verdict: `null-pointer-field`, `null-array-element`, `slab-poison`, `unknown`, … */
  kind: string;
  /** The verdict in words, only as strong as the data allows. */
  text: string;
}

export interface ExplanationView {
  access?: AccessView;
  steps: StepView[];
  verdict: VerdictView;
  /** What the data could not tell. */
  unknowns: string[];
}

/** A stage that failed for one crash (the crash is still reported). */
export interface StageNote {
  stage: "disasm" | "explain" | "symbolize";
  code: string;
  message: string;
}

/** Source frames for one call-trace frame, filled in when a symbolizer was given. */
export interface FrameSource {
  /** Index into `crash.frames`; -1 for the faulting pc. */
  frame: number;
  function?: string;
  file?: string;
  line?: number;
  column?: number;
  inlined: boolean;
}

export interface CrashAnalysis {
  crash: Crash;
  /** The `Code:` window decoded; empty when there was no window or it could not be decoded. */
  instructions: Instruction[];
  explanation?: ExplanationView;
  sources: FrameSource[];
  notes: StageNote[];
}

export interface Analysis {
  schemaVersion: string;
  /** The input's name: a file path as given, or `-` for stdin. */
  source: string;
  /** Characters of decoded text analysed. */
  length: number;
  boots: Boot[];
  crashes: CrashAnalysis[];
  rebootLoops: RebootLoop[];
  /** Input-level remarks: options that could not be honoured yet, decoding replacements, … */
  notes: string[];
}
