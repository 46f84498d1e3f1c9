/**
 * `toJSON`: turns an `Analysis` (bigints, typed arrays) into the plain JSON document described in
 * docs/json-schema.md and analysis/schema.json. Addresses, symbol offsets and sizes, register values
 * and code offsets become lowercase `0x…` strings; counts and text positions stay numbers; bytes
 * become space-separated lowercase hex pairs. Every field the schema lists is present; `null` marks
 * what the input did not say.
 */

import { ARCHES } from "../arch/table.js";
import type { Instruction } from "../disasm/types.js";
import type { BinaryExplanation, NamedStep, NamedVerdict, StepSource } from "../explain/binary.js";
import type { Explanation } from "../explain/types.js";
import type { Boot, Crash, Frame, Location, RebootLoop } from "../oops/model.js";
import type { CallSite, Guard, Registration, RootCause, SourcePlace } from "../source/types.js";
import { hex } from "../types.js";
import type { Analysis, CrashAnalysis, FrameSource } from "./types.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const opt = <T>(v: T | undefined, f: (v: T) => Json): Json => (v === undefined ? null : f(v));
const hx = (v: bigint | number | undefined): Json => (v === undefined ? null : hex(v));

/** Lowercase hex pairs separated by spaces: `92 23 00 18`. */
export function hexBytes(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (i ? " " : "") + (b[i] ?? 0).toString(16).padStart(2, "0");
  return s;
}

function location(l: Location | undefined): Json {
  if (!l) return null;
  return {
    address: hx(l.address),
    symbol: l.symbol ?? null,
    offset: hx(l.offset),
    size: hx(l.size),
    module: l.module ?? null,
  };
}

function frame(f: Frame): JsonObject {
  return {
    address: hx(f.address),
    symbol: f.symbol ?? null,
    offset: hx(f.offset),
    size: hx(f.size),
    module: f.module ?? null,
    reliable: f.reliable,
    context: f.context,
    inline: f.inline ?? false,
    file: f.file ?? null,
    line: f.line ?? null,
  };
}

function instruction(i: Instruction): JsonObject {
  return {
    offset: hex(i.offset),
    address: hx(i.address),
    bytes: hexBytes(i.bytes),
    text: i.opStr ? `${i.mnemonic} ${i.opStr}` : i.mnemonic,
    faulting: i.faulting,
  };
}

function stepSource(s: StepSource | undefined): Json {
  if (!s) return null;
  return { file: s.file, line: s.line, text: s.text ?? null, inlineChain: [...s.inlineChain] };
}

/** The DWARF names of a step (present only with a binary: `--vmlinux`/`--modules`). */
function namedStep(n: NamedStep | undefined): JsonObject {
  if (!n) return {};
  return {
    variable: n.variable ?? null,
    type: n.type ?? null,
    member: n.member ?? null,
    source: stepSource(n.source),
  };
}

function namedVerdict(v: NamedVerdict): JsonObject {
  return {
    text: v.text,
    pointer: v.pointer ?? null,
    pointerType: v.pointerType ?? null,
    elementType: v.elementType ?? null,
    elementSize: v.elementSize ?? null,
    index: hx(v.index),
    member: v.member ?? null,
    memberOffset: hx(v.memberOffset),
    source: stepSource(v.source),
  };
}

/** What the object file added: the Code: check, the whole function's blocks and reaching definitions. */
function binary(b: BinaryExplanation | undefined): Json {
  if (!b) return null;
  const a = b.analysis;
  const c = b.codeCheck;
  return {
    function: b.function,
    codeCheck: c
      ? {
          result: c.result,
          compared: c.compared,
          relocated: c.relocated,
          outside: c.outside,
          mismatches: c.mismatches.map((m) => ({
            offset: hex(m.offset),
            oops: m.oops,
            binary: m.binary,
            known: m.known ?? null,
          })),
          text: c.text,
        }
      : null,
    analysis: a
      ? {
          size: hex(a.size),
          faultOffset: hex(a.faultOffset),
          instructions: a.instructions,
          blocks: a.blocks.map((x) => ({ start: hex(x.start), end: hex(x.end), successors: [...x.successors] })),
          faultBlock: a.faultBlock,
          reaching: a.reaching.map((r) => ({
            register: r.register,
            use: hex(r.use),
            join: r.join,
            definitions: r.definitions.map((d) => ({ offset: hx(d.offset), text: d.text })),
          })),
        }
      : null,
    notes: [...b.notes],
  };
}

function explanation(e: Explanation | undefined, instrs: Instruction[], b?: BinaryExplanation): Json {
  if (!e) return null;
  const named = new Map((b?.steps ?? []).map((n) => [n.step, n]));
  const a = e.access;
  const v = e.verdict;
  const offsetOf = (i: number) => hx(instrs[i]?.offset);
  return {
    access: a
      ? {
          instruction: offsetOf(a.instruction),
          kind: a.kind,
          base: a.base ?? null,
          index: a.index ?? null,
          scale: a.scale,
          disp: hex(a.disp),
          size: a.size ?? null,
          effectiveAddress: hx(a.effectiveAddress),
          faultAddress: hx(a.faultAddress),
          matchesFaultAddress: a.matchesFaultAddress ?? null,
          text: a.text,
        }
      : null,
    steps: e.steps.map((s, k) => ({
      instruction: s.text,
      offset: offsetOf(s.instruction),
      register: s.register,
      value: hx(s.value),
      meaning: s.meaning,
      depth: s.depth,
      ...(b ? namedStep(named.get(k)) : {}),
    })),
    verdict: {
      kind: v.kind,
      text: v.text,
      pointer: hx(v.pointer),
      fieldOffset: hx(v.fieldOffset),
      index: hx(v.index),
      stride: hx(v.stride),
      loadedFrom: v.loadedFrom
        ? { text: v.loadedFrom.text, object: hx(v.loadedFrom.object), offset: hx(v.loadedFrom.offset) }
        : null,
      ...(b ? { named: b.verdict ? namedVerdict(b.verdict) : null } : {}),
    },
    ...(b ? { scope: b.explanation ? "function" : "code" } : {}),
    unknowns: [...e.unknowns],
    notes: [...e.notes],
  };
}

function registers(r: Record<string, bigint>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(r)) out[k] = hex(v);
  return out;
}

function source(s: FrameSource): JsonObject {
  return {
    frame: s.frame,
    function: s.function ?? null,
    file: s.file ?? null,
    line: s.line ?? null,
    column: s.column ?? null,
    inlined: s.inlined,
  };
}

/** `lr` for ARM, AArch64 and PowerPC; `ra` for MIPS and RISC-V (as the kernel dumps it). */
export function linkKey(c: Crash): "lr" | "ra" {
  return c.arch && ARCHES[c.arch].link === "ra" ? "ra" : "lr";
}

export function crashToJSON(ca: CrashAnalysis): JsonObject {
  const c = ca.crash;
  const s = c.signature;
  const code: Json = c.code
    ? {
        text: c.code.text,
        bytes: hexBytes(c.code.bytes),
        faultIndex: c.code.faultIndex ?? null,
        unitSize: c.code.unitSize,
        thumb: c.code.thumb ?? false,
        listing: c.code.listing ? [...c.code.listing] : null,
        instructions: ca.instructions.map(instruction),
      }
    : null;
  const out: JsonObject = {
    arch: c.arch ?? null,
    endian: c.endian ?? null,
    kind: c.kind,
    title: s.title,
    altTitles: [...s.altTitles],
    type: s.type ?? null,
    frame: s.frame ?? null,
    corrupted: s.corrupted,
    corruptedReason: s.corruptedReason ?? null,
    symbolizedTitle: s.symbolized ? s.symbolized.title : null,
    kernel: { release: c.kernel.release ?? null, version: c.kernel.version ?? null },
    tainted: { letters: c.tainted.letters, meanings: [...c.tainted.meanings] },
    cpu: c.cpu ?? null,
    pid: c.pid ?? null,
    comm: c.comm ?? null,
    hardware: c.hardware ?? null,
    cpuModel: c.cpuModel ?? null,
    fault: { address: hx(c.fault.address), access: c.fault.access ?? null },
    pc: location(c.pc),
    [linkKey(c)]: location(c.lr),
    registers: registers(c.registers),
    frames: c.frames.map(frame),
    code,
    modules: c.modules.map((m) => ({ name: m.name, taint: m.taint })),
    panic: opt(c.panic, (p) => ({ message: p.message })),
    aftermath: c.aftermath ? [...c.aftermath] : [],
    boot: c.boot ?? null,
    position: { start: c.position.start, end: c.position.end },
    explanation: ca.binary?.explanation
      ? explanation(ca.binary.explanation, ca.binary.instructions ?? [], ca.binary)
      : explanation(ca.explanation, ca.instructions, ca.binary),
    sources: ca.sources.map(source),
    notes: ca.notes.map((n) => ({ stage: n.stage, code: n.code, message: n.message })),
    report: c.report,
  };
  if (ca.binary) out.binary = binary(ca.binary);
  if (ca.rootCause) out.rootCause = rootCauseToJSON(ca.rootCause);
  return out;
}

function sourcePlace(p: SourcePlace): JsonObject {
  return { file: p.file, line: p.line, function: p.function ?? null, text: p.text };
}

function guard(g: Guard): JsonObject {
  return { kind: g.kind, text: g.text, line: g.line, binding: g.binding ?? null };
}

function registration(r: Registration): JsonObject {
  return {
    function: r.function,
    stored: sourcePlace(r.stored),
    object: r.object,
    field: r.field,
    struct: r.struct ?? null,
    registeredAt: opt(r.registeredAt, sourcePlace),
    registrar: opt(r.registrar, (g) => ({
      call: g.call,
      struct: g.struct ?? null,
      scopeField: g.scopeField ?? null,
      scopeArg: g.scopeArg ?? null,
      wildcard: g.wildcard,
      kindField: g.kindField ?? null,
      cites: g.cites,
    })),
    scope: opt(r.scope, (sc) => ({
      field: sc.field,
      value: sc.value,
      place: opt(sc.place, sourcePlace),
      wildcard: sc.wildcard,
      meaning: sc.meaning,
    })),
    kind: opt(r.kind, (k) => ({ field: k.field, value: k.value })),
    guards: r.guards.map(guard),
  };
}

function callSite(c: CallSite): JsonObject {
  return {
    place: sourcePlace(c.place),
    callee: c.callee,
    arguments: [...c.arguments],
    guards: c.guards.map(guard),
    callers: c.callers.map(callSite),
    registrations: c.registrations.map(registration),
  };
}

/** The source stage's section (present only with `--src`). */
export function rootCauseToJSON(r: RootCause): JsonObject {
  return {
    statement: r.statement,
    target: opt(r.target, (t) => ({
      kind: t.kind,
      expression: t.expression,
      member: t.member ?? null,
      containers: [...(t.containers ?? [])],
      global: t.global ?? null,
      derivation: t.derivation.map(sourcePlace),
      origins: (t.origins ?? []).map((o) => ({
        variable: o.variable,
        place: sourcePlace(o.place),
        value: o.value,
        object: opt(o.object, (ob) => ({
          name: ob.name,
          definition: sourcePlace(ob.definition),
          initialised: ob.initialised,
          setsMember: ob.setsMember,
        })),
      })),
    })),
    assignments: r.assignments.map((a) => ({
      place: sourcePlace(a.place),
      via: a.via,
      target: a.target,
      value: a.value,
      storesNull: a.storesNull,
      matchedBy: a.matchedBy,
      guards: a.guards.map(guard),
      callers: a.callers.map(callSite),
      registrations: a.registrations.map(registration),
    })),
    registrations: r.registrations.map(registration),
    evidence: r.evidence.map(sourcePlace),
    files: r.files,
    notes: [...r.notes],
  };
}

function boot(b: Boot): JsonObject {
  return {
    banner: b.banner ?? null,
    release: b.release ?? null,
    position: { start: b.position.start, end: b.position.end },
    secondsToCrash: b.secondsToCrash ?? null,
    crashes: [...b.crashes],
  };
}

function loop(l: RebootLoop): JsonObject {
  return {
    title: l.title,
    boots: [...l.boots],
    count: l.count,
    medianSecondsToCrash: l.medianSecondsToCrash ?? null,
  };
}

/** The whole document for one input. */
export function toJSON(a: Analysis): JsonObject {
  return {
    schemaVersion: a.schemaVersion,
    source: a.source,
    length: a.length,
    boots: a.boots.map(boot),
    crashes: a.crashes.map(crashToJSON),
    rebootLoops: a.rebootLoops.map(loop),
    notes: [...a.notes],
  };
}
