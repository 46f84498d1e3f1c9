/**
 * The pipeline: a parsed log (or console text) in, an `Analysis` out. For every crash it decodes the
 * `Code:` window and explains the faulting access; a stage that fails for one crash leaves a typed note
 * on that crash instead of failing the whole input. Pure: the caller supplies the text (the CLI streams
 * files through the incremental parser and hands the parsed log here).
 */

import { ARCHES } from "../arch/table.js";
import { disassembleCrash } from "../disasm/crash.js";
import type { Instruction } from "../disasm/types.js";
import { isOopsError } from "../errors.js";
import type { BinaryExplanation } from "../explain/binary.js";
import { explainCrash } from "../explain/explain.js";
import type { Explanation } from "../explain/types.js";
import type { Crash, ParsedLog } from "../oops/model.js";
import { parseLog } from "../oops/parse.js";
import { rootCauseQuery } from "../source/query.js";
import type { RootCause, RootCauseQuery } from "../source/types.js";
import type { SourceFrame, SymbolizeQuery } from "../symbolize/types.js";
import { type Analysis, type CrashAnalysis, type FrameSource, SCHEMA_VERSION } from "./types.js";

/** The stages analyze composes; each may be replaced (tests, the web UI) or left out. */
export interface AnalyzeStages {
  /** Decode the crash's `Code:` window. */
  disassemble?: (crash: Crash) => Promise<Instruction[]>;
  /** Explain the faulting access from the decoded window and the dumped registers. */
  explain?: (crash: Crash, instructions: Instruction[]) => Explanation | undefined;
  /**
   * Symbolize one location of a crash (the faulting pc when `frame` is -1): the CLI supplies this
   * when given `--vmlinux`/`--modules`, choosing the object file by the frame's module.
   */
  symbolize?: (crash: Crash, q: SymbolizeQuery & { frame: number; module?: string }) => Promise<SourceFrame[]>;
  /**
   * Explain the fault with the faulting function's object file (`explainWithBinary` over the
   * symbolizer the CLI picks by the pc's module): names from DWARF, whole-function slice.
   */
  binary?: (
    crash: Crash,
    instructions: Instruction[],
    explanation: Explanation | undefined,
  ) => Promise<BinaryExplanation | undefined>;
  /**
   * Read the source tree (`--src`) for the crash's root cause: the CLI supplies this with
   * `findRootCause` over the tree's candidate files; the query comes from the stages above.
   */
  source?: (crash: Crash, query: RootCauseQuery) => Promise<RootCause | undefined>;
}

/** The stages `analyzeLog` runs when the caller does not replace them. */
export function defaultStages(): AnalyzeStages {
  return { disassemble: (c) => disassembleCrash(c), explain: explainCrash };
}

export interface AnalyzeOptions {
  /** Replace or add stages; those not given are the defaults (`defaultStages()`). */
  stages?: AnalyzeStages;
  /** The input's name for the report (`-` for stdin). */
  source?: string;
  /** Input-level notes to carry into the analysis (e.g. options not yet available). */
  notes?: string[];
}

function note(stage: "disasm" | "explain" | "symbolize" | "binary" | "source", e: unknown) {
  if (isOopsError(e)) return { stage, code: e.code, message: e.message };
  return { stage, code: "E_INTERNAL", message: e instanceof Error ? e.message : String(e) };
}

async function analyzeCrash(crash: Crash, stages: AnalyzeStages): Promise<CrashAnalysis> {
  const out: CrashAnalysis = { crash, instructions: [], sources: [], notes: [] };
  if (crash.code && stages.disassemble) {
    try {
      out.instructions = await stages.disassemble(crash);
    } catch (e) {
      out.notes.push(note("disasm", e));
    }
  }
  if (stages.explain) {
    try {
      const ex = stages.explain(crash, out.instructions);
      if (ex) out.explanation = ex;
    } catch (e) {
      out.notes.push(note("explain", e));
    }
  }
  if (stages.binary && crash.pc?.symbol !== undefined) {
    try {
      const b = await stages.binary(crash, out.instructions, out.explanation);
      if (b) out.binary = b;
    } catch (e) {
      out.notes.push(note("binary", e));
    }
  }
  if (stages.symbolize) {
    const sym = stages.symbolize;
    const locs: { frame: number; loc: Crash["pc"] }[] = [{ frame: -1, loc: crash.pc }];
    crash.frames.forEach((f, i) => {
      locs.push({ frame: i, loc: f });
    });
    for (const { frame, loc } of locs) {
      if (!loc || (loc.symbol === undefined && loc.address === undefined)) continue;
      // Every frame but the faulting pc holds a return address (the symbolizer looks up address − 1).
      // arm64 (and RISC-V) print the pc itself as the first trace entry, by symbol+offset only; MIPS
      // always starts its trace at a pc (ArchInfo.traceStartsAtPc).
      const pc = crash.pc;
      const isPc =
        frame === -1 ||
        (frame === 0 && crash.arch !== undefined && ARCHES[crash.arch].traceStartsAtPc === true) ||
        (loc.address !== undefined && loc.address === pc?.address) ||
        (frame === 0 &&
          loc.address === undefined &&
          loc.symbol !== undefined &&
          loc.symbol === pc?.symbol &&
          loc.offset === pc?.offset &&
          loc.module === pc?.module);
      const q: SymbolizeQuery & { frame: number; module?: string } = { frame, returnAddress: !isPc };
      if (loc.symbol !== undefined) q.symbol = loc.symbol;
      if (loc.offset !== undefined) q.offset = loc.offset;
      if (loc.size !== undefined) q.size = loc.size;
      if (loc.symbol === undefined && loc.address !== undefined) q.address = loc.address;
      if (loc.module !== undefined) q.module = loc.module;
      try {
        for (const s of await sym(crash, q)) {
          const fs: FrameSource = { frame, inlined: s.inlined };
          if (s.function !== undefined) fs.function = s.function;
          if (s.file !== undefined) fs.file = s.file;
          if (s.line !== undefined) fs.line = s.line;
          if (s.column !== undefined) fs.column = s.column;
          out.sources.push(fs);
        }
      } catch (e) {
        const n = note("symbolize", e);
        if (!out.notes.some((x) => x.stage === n.stage && x.message === n.message)) out.notes.push(n);
      }
    }
  }
  if (stages.source) {
    try {
      const rc = await stages.source(crash, rootCauseQuery(crash, out.explanation, out.binary));
      if (rc) out.rootCause = rc;
    } catch (e) {
      out.notes.push(note("source", e));
    }
  }
  return out;
}

/** Run the stages over every crash of an already parsed log. */
export async function analyzeLog(parsed: ParsedLog, length: number, options: AnalyzeOptions = {}): Promise<Analysis> {
  const crashes: CrashAnalysis[] = [];
  const stages = { ...defaultStages(), ...options.stages };
  for (const c of parsed.crashes) crashes.push(await analyzeCrash(c, stages));
  return {
    schemaVersion: SCHEMA_VERSION,
    source: options.source ?? "-",
    length,
    boots: parsed.boots,
    crashes,
    rebootLoops: parsed.rebootLoops,
    notes: [...(options.notes ?? [])],
  };
}

/** Parse console text held in memory and analyse every crash in it. */
export async function analyze(text: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  return analyzeLog(parseLog(text), text.length, options);
}
