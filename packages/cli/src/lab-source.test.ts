/**
 * The source stage on the crash lab: every capture whose truth.json has a `root_cause` (written by
 * hand from lab/module/oopslab.c) is run through `oopscope analyze --json --modules <capture> --src
 * lab/module` in-process, and the root-cause section is checked against it: the faulting handler's
 * registration (where it is stored, the registering call, the scope member's value and that it is a
 * wildcard), what was NULL, and every non-NULL assignment of it with its function, guard and caller.
 * The JSON must validate against docs/analysis.schema.json, and the terminal and Markdown reports
 * must carry the same statement.
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSchema, type SchemaNode } from "@oopscope/core";
import { describe, expect, it } from "vitest";
import { runCli } from "./testutil.js";

const root = join(import.meta.dirname, "../../..");
const crashes = join(root, "lab/crashes");
const src = "lab/module";
const schema = JSON.parse(readFileSync(join(root, "docs/analysis.schema.json"), "utf8")) as SchemaNode;

interface TruthRootCause {
  target: { kind: "member" | "global"; member?: string; container?: string; global?: string };
  registration?: {
    function: string;
    object: string;
    field: string;
    file: string;
    line: number;
    call: string;
    call_line: number;
    scope: { field: string; value: string; line: number; wildcard: boolean };
  };
  assignments: {
    file: string;
    line: number;
    function: string;
    guards: string[];
    caller: { function: string; line: number };
  }[];
  null_definition?: { file: string; line: number };
  /** Where the object holding the NULL member comes from: the call passing it, and that global's definition. */
  origin?: {
    variable: string;
    value: string;
    file: string;
    line: number;
    object: string;
    definition_line: number;
    sets_member: boolean;
  };
}

interface Place {
  file: string;
  line: number;
  function: string | null;
}

const run = (format: string[], dir: string) =>
  runCli(["analyze", ...format, "--modules", dir, "--src", join(root, src), join(dir, "console.log")]);

/** A place the stage reports (relative to --src) is the truth's file:line. */
const at = (p: Place | null | undefined, file: string, line: number) =>
  !!p && `${src}/${p.file}` === file && p.line === line;

const names = existsSync(crashes)
  ? readdirSync(crashes).filter((n) => {
      const t = join(crashes, n, "truth.json");
      // the structured form (a plain sentence elsewhere is a remark, not checkable)
      const rc = existsSync(t) ? JSON.parse(readFileSync(t, "utf8")).root_cause : undefined;
      return (
        existsSync(join(crashes, n, "console.log")) && typeof rc === "object" && rc !== null && "assignments" in rc
      );
    })
  : [];

it("the lab has captures with a hand-written root cause", () => {
  expect(names.length).toBeGreaterThanOrEqual(2);
});

describe.each(names)("lab crash %s with --src lab/module", (name) => {
  const dir = join(crashes, name);
  const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")).root_cause as TruthRootCause;
  const json = run(["--json"], dir);
  const rootCause = async () => {
    const { code, out } = await json;
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(checkSchema(doc, schema)).toEqual([]);
    const rc = doc.crashes[0].rootCause;
    expect(rc).toBeTruthy();
    return rc;
  };

  const reg = truth.registration;
  if (reg)
    it(`registration: ${reg.function} in ${reg.object}.${reg.field}, ${reg.call}(), ${reg.scope.field} = ${reg.scope.value}`, async () => {
      const rc = await rootCause();
      const want = reg;
      const r = rc.registrations.find((x: { function: string }) => x.function === want.function);
      expect(r, "the faulting handler's registration").toBeTruthy();
      expect([r.object, r.field]).toEqual([want.object, want.field]);
      expect(at(r.stored, want.file, want.line), JSON.stringify(r.stored)).toBe(true);
      expect(r.registrar.call).toBe(want.call);
      expect(at(r.registeredAt, want.file, want.call_line), JSON.stringify(r.registeredAt)).toBe(true);
      expect([r.scope.field, r.scope.value, r.scope.wildcard]).toEqual([
        want.scope.field,
        want.scope.value,
        want.scope.wildcard,
      ]);
      expect(at(r.scope.place, want.file, want.scope.line)).toBe(true);
    });

  it(`target: ${truth.target.kind} ${truth.target.member ?? truth.target.global}`, async () => {
    const rc = await rootCause();
    expect(rc.target.kind).toBe(truth.target.kind);
    if (truth.target.member) {
      expect(rc.target.member).toBe(truth.target.member);
      expect(rc.target.containers).toEqual([truth.target.container]);
    }
    if (truth.target.global) expect(rc.target.global).toBe(truth.target.global);
  });

  const origin = truth.origin;
  if (origin)
    it(`origin: ${origin.variable} = ${origin.value}, ${origin.object} defined without ${truth.target.member}`, async () => {
      const rc = await rootCause();
      const o = rc.target.origins.find((x: { variable: string; value: string }) => x.variable === origin.variable);
      expect(o?.value).toBe(origin.value);
      expect(at(o?.place, origin.file, origin.line), JSON.stringify(o?.place)).toBe(true);
      expect(o?.object?.name).toBe(origin.object);
      expect(at(o?.object?.definition, origin.file, origin.definition_line)).toBe(true);
      expect(o?.object?.setsMember).toBe(origin.sets_member);
    });

  it("assignments: every non-NULL store, its function, guards and caller", async () => {
    const rc = await rootCause();
    const sets = rc.assignments.filter((a: { storesNull: boolean }) => !a.storesNull);
    expect(sets).toHaveLength(truth.assignments.length);
    truth.assignments.forEach((want, i) => {
      const a = sets[i];
      expect(at(a.place, want.file, want.line), JSON.stringify(a.place)).toBe(true);
      expect(a.place.function).toBe(want.function);
      const ifs = a.guards.filter((g: { kind: string }) => g.kind === "if").map((g: { text: string }) => g.text);
      expect(ifs).toEqual(want.guards);
      expect(a.callers.map((c: { place: Place }) => [c.place.function, c.place.line])).toEqual([
        [want.caller.function, want.caller.line],
      ]);
    });
    if (truth.null_definition) {
      const d = rc.assignments.find((a: { via: string }) => a.via === "declaration");
      expect(d?.storesNull).toBe(true);
      expect(at(d?.place, truth.null_definition.file, truth.null_definition.line)).toBe(true);
    }
  });

  it("the statement cites the registration, the scope and each assignment by file:line", async () => {
    const rc = await rootCause();
    const f = (line: number) => `oopslab.c:${line}`;
    if (reg) {
      for (const line of [reg.line, reg.call_line, reg.scope.line]) expect(rc.statement).toContain(f(line));
      expect(rc.statement).toContain("wildcard");
    }
    if (origin) for (const line of [origin.line, origin.definition_line]) expect(rc.statement).toContain(f(line));
    for (const a of truth.assignments) expect(rc.statement).toContain(f(a.line));
    const terminal = await run(["--no-color"], dir);
    expect(terminal.out).toContain(rc.statement);
    const md = await run(["--markdown"], dir);
    expect(md.out).toContain("### Root cause");
    expect(md.out).toContain(f(truth.assignments[0]?.line ?? 0));
  });
});
