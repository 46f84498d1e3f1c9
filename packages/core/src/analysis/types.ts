/**
 * The `Analysis` value: what the pipeline (parse → disassemble → explain) turns one input into, and
 * what every renderer (terminal, JSON, Markdown) reads. It keeps the oops model's values as they are
 * (addresses as bigint); `toJSON` in json.ts turns it into the versioned, documented JSON schema.
 */

import type { Instruction } from "../disasm/types.js";
import type { BinaryExplanation } from "../explain/binary.js";
import type { Explanation } from "../explain/types.js";
import type { Boot, Crash, RebootLoop } from "../oops/model.js";
import type { RootCause } from "../source/types.js";

/** Version of the JSON document `toJSON` produces; bump the major on any incompatible change. */
export const SCHEMA_VERSION = "1.0";

/** A stage that failed for one crash (the crash is still reported). */
export interface StageNote {
  stage: "disasm" | "explain" | "symbolize" | "binary" | "source";
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
  explanation?: Explanation;
  /**
   * With the faulting function's object file (`--vmlinux`/`--modules`): the Code: bytes checked
   * against it, the whole function's blocks and reaching definitions, and the explanation re-run over
   * the whole function with every step named from DWARF (variable, type, member path, source line).
   */
  binary?: BinaryExplanation;
  sources: FrameSource[];
  /**
   * With the source tree (`--src`): where the NULL pointer should have been set (assignment sites,
   * their guards and callers), how the faulting function is registered, and the statement tying them.
   */
  rootCause?: RootCause;
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
