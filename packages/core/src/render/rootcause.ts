/**
 * The source stage's section as rows the terminal and Markdown renderers share: a `RootCause` (see
 * source/types.ts) turns into the statement and one row per fact — what was NULL, each place it is
 * written with its guards and callers, each callback registration with its scope — each row with its
 * file:line, indented by how far up the call chain it is.
 */

import { member } from "../source/rootcause.js";
import type { CallSite, Guard, Registration, RootCause, SourcePlace } from "../source/types.js";

export interface RootCauseRow {
  label: string;
  text: string;
  /** 0 for the fact itself, 1 for its guards, 2.. for callers further up. */
  depth: number;
}

const at = (p: SourcePlace) => `${p.file}:${p.line}`;
const fn = (p: SourcePlace) => (p.function ? `${p.function}()` : "file scope");
const guardText = (g: Guard) =>
  `${g.kind === "early-exit" ? "after an early exit: " : g.kind === "loop" ? "in " : `${g.kind} `}${g.text}${g.binding ? ` [${g.binding}]` : ""} (line ${g.line})`;

function registrationRows(r: Registration, depth: number, label = "callback"): RootCauseRow[] {
  const rows: RootCauseRow[] = [
    {
      label,
      text: r.field.startsWith("argument ")
        ? `${r.function} passed as ${r.field} of ${r.object}() at ${at(r.stored)}: ${r.stored.text}`
        : `${r.function} stored in ${member(r, r.field)} at ${at(r.stored)}: ${r.stored.text}`,
      depth,
    },
  ];
  if (r.registeredAt && !r.field.startsWith("argument "))
    rows.push({
      label: "by",
      text: `${r.registeredAt.text} at ${at(r.registeredAt)} in ${fn(r.registeredAt)}`,
      depth: depth + 1,
    });
  if (r.scope)
    rows.push({
      label: "scope",
      text: `${member(r, r.scope.field)} = ${r.scope.value}${r.scope.place ? ` at ${at(r.scope.place)}` : ""}: ${r.scope.meaning}`,
      depth: depth + 1,
    });
  for (const g of r.guards) rows.push({ label: "guard", text: guardText(g), depth: depth + 1 });
  return rows;
}

function callerRows(c: CallSite, depth: number): RootCauseRow[] {
  const rows: RootCauseRow[] = [
    { label: "called", text: `from ${fn(c.place)} at ${at(c.place)}: ${c.place.text}`, depth },
  ];
  for (const g of c.guards) rows.push({ label: "guard", text: guardText(g), depth: depth + 1 });
  for (const up of c.callers) rows.push(...callerRows(up, depth + 1));
  for (const r of c.registrations) rows.push(...registrationRows(r, depth + 1, "reached"));
  return rows;
}

export function rootCauseRows(rc: RootCause): RootCauseRow[] {
  const rows: RootCauseRow[] = [];
  const t = rc.target;
  if (t) {
    const what =
      t.kind === "member"
        ? `member ${t.member}${t.containers?.length ? ` of ${t.containers.join(", ")}` : ""}`
        : `global ${t.global}`;
    rows.push({ label: "NULL", text: `${t.expression}: ${what}`, depth: 0 });
    for (const d of t.derivation) rows.push({ label: "loaded", text: `${d.text} at ${at(d)} in ${fn(d)}`, depth: 1 });
    for (const o of t.origins ?? []) {
      rows.push({ label: "from", text: `${o.variable} = ${o.value} at ${at(o.place)} in ${fn(o.place)}`, depth: 1 });
      if (o.object)
        rows.push({
          label: "object",
          text: `${o.object.name} defined at ${at(o.object.definition)}: ${o.object.definition.text}${o.object.setsMember ? "" : ` (${t.member} not initialised: NULL)`}`,
          depth: 2,
        });
    }
  }
  for (const a of rc.assignments) {
    const label = a.via === "declaration" ? "defined" : a.storesNull ? "cleared" : "set";
    const how = t?.kind === "member" && a.matchedBy === "name" ? " (matched by member name; type not resolved)" : "";
    rows.push({ label, text: `${at(a.place)} in ${fn(a.place)}: ${a.place.text}${how}`, depth: 0 });
    for (const g of a.guards) rows.push({ label: "guard", text: guardText(g), depth: 1 });
    for (const c of a.callers) rows.push(...callerRows(c, 1));
    for (const r of a.registrations) rows.push(...registrationRows(r, 1, "reached"));
  }
  for (const r of rc.registrations) rows.push(...registrationRows(r, 0));
  for (const n of rc.notes) rows.push({ label: "note", text: n, depth: 0 });
  return rows;
}
