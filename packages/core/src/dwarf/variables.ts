/**
 * Turns a pc into the variables and parameters in scope there (DWARF 5 §3.3.8, §3.5: those owned by the
 * subprogram, the inlined subroutines and the lexical blocks whose ranges hold the pc), innermost scope
 * first, each with its name and type (through DW_AT_abstract_origin for inlined and out-of-line
 * copies) and where it lives at that pc: the single location expression, or the location-list entry
 * covering the pc (§2.6.2), decoded to text; `<optimized out>` when no entry covers it.
 */

import * as K from "./constants.js";
import { archOfMachine, exprToText } from "./expr.js";
import type { DieRef, DwarfReader, Unit } from "./reader.js";
import { typeString } from "./typeinfo.js";
import type { AttrValue } from "./unit.js";

export interface VariableAt {
  readonly name: string;
  readonly kind: "parameter" | "variable";
  /** Type as C spells it (`struct bonding *`). */
  readonly type: string;
  /** Location at the pc, as `llvm-dwarfdump` prints expressions (`DW_OP_reg5 rdi`), or `<optimized out>`. */
  readonly location: string;
  /** Function (possibly inlined) the variable belongs to. */
  readonly function: string | undefined;
  /** Tag of the scope holding it: subprogram, inlined subroutine or lexical block. */
  readonly scope: "function" | "inlined" | "block";
  /** Section offset of the variable's DIE (to match it against other tools' dumps). */
  readonly offset: number;
}

const WANT = [K.DW_TAG_formal_parameter, K.DW_TAG_variable];

/** An attribute of a DIE, or of the DIE its abstract_origin / specification names (bounded). */
async function inherited(r: DwarfReader, d: DieRef, at: number): Promise<{ d: DieRef; v: AttrValue } | undefined> {
  let cur: DieRef | undefined = d;
  for (let hop = 0; cur && hop < 8; hop++) {
    const v = r.attr(cur, at);
    if (v) return { d: cur, v };
    const link: AttrValue | undefined = r.attr(cur, K.DW_AT_abstract_origin) ?? r.attr(cur, K.DW_AT_specification);
    cur = link ? await r.deref(cur.unit, link) : undefined;
  }
  return undefined;
}

export async function variablesAt(r: DwarfReader, unit: Unit, pc: bigint): Promise<VariableAt[]> {
  const scopes = await r.scopesAt(unit, pc);
  const ctx = {
    littleEndian: r.littleEndian,
    addressSize: unit.h.addressSize,
    offsetSize: unit.h.offsetSize,
    arch: archOfMachine(r.sections.machine, unit.h.addressSize),
  };
  const out: VariableAt[] = [];
  // The function a scope belongs to: the nearest subprogram or inlined subroutine at or above it.
  let fnName: string | undefined;
  const fnOf: (string | undefined)[] = [];
  for (const off of scopes) {
    const tag = r.tag({ unit, off });
    if (tag === K.DW_TAG_subprogram || tag === K.DW_TAG_inlined_subroutine) fnName = await r.dieName({ unit, off });
    fnOf.push(fnName);
  }
  for (let k = scopes.length - 1; k >= 0; k--) {
    const scope: DieRef = { unit, off: scopes[k] as number };
    const stag = r.tag(scope);
    const kind = stag === K.DW_TAG_subprogram ? "function" : stag === K.DW_TAG_inlined_subroutine ? "inlined" : "block";
    for (const d of r.children(scope, WANT)) {
      const name = (await r.dieName(d)) ?? "<anonymous>";
      const t = await inherited(r, d, K.DW_AT_type);
      const td = t ? await r.deref(t.d.unit, t.v) : undefined;
      const type = await typeString(r, td);
      let location = "<optimized out>";
      const loc = r.attr(d, K.DW_AT_location);
      if (loc?.k === "block") {
        location = exprToText(loc.v, ctx);
      } else if (loc) {
        const entries = await r.locationList(unit, loc);
        const hit = entries.find((e) => !e.isDefault && pc >= e.lo && pc < e.hi) ?? entries.find((e) => e.isDefault);
        if (hit) location = exprToText(hit.expr, ctx);
      } else {
        const cv = r.attr(d, K.DW_AT_const_value);
        if (cv?.k === "const") location = `DW_AT_const_value ${cv.v}`;
        else if (cv?.k === "block") location = `DW_AT_const_value <${cv.v.length} bytes>`;
      }
      out.push({
        name,
        kind: r.tag(d) === K.DW_TAG_formal_parameter ? "parameter" : "variable",
        type,
        location,
        function: fnOf[k],
        scope: kind,
        offset: d.off,
      });
    }
  }
  return out;
}
