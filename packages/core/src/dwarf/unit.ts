/**
 * Turns the bytes of one DWARF unit into something queryable without building a tree of objects:
 * the unit header (DWARF 2–5, 32- and 64-bit formats, §7.5.1), its abbreviation table (§7.5.3), and a
 * flat index of its DIEs — parallel arrays of offset, abbreviation code, tag, parent and end of
 * subtree — from which attributes are decoded on demand by re-reading the DIE's bytes (§7.5.4–7.5.6).
 * A DIE is a number (its index in the unit), never an object.
 */

import { Cursor } from "../binary/cursor.js";
import { OopsError } from "../errors.js";
import * as K from "./constants.js";

export interface UnitHeader {
  /** Section that holds the unit: `.debug_info`, or `.debug_types` for DWARF 4 type units. */
  readonly section: string;
  /** Section offset of the unit's first byte (its `unit_length`). */
  readonly offset: number;
  /** Total size in bytes, `unit_length` field included. */
  readonly size: number;
  readonly offsetSize: 4 | 8;
  readonly version: number;
  /** `DW_UT_*`; DWARF 2–4 units are `DW_UT_compile`, or `DW_UT_type` in `.debug_types`. */
  readonly unitType: number;
  readonly abbrevOffset: number;
  readonly addressSize: number;
  readonly typeSignature?: bigint;
  /** Section offset of a type unit's type DIE. */
  readonly typeOffset?: number;
  /** Section offset of the first DIE. */
  readonly dieOffset: number;
}

/**
 * Reads a unit header at the cursor (DWARF 5 §7.5.1.1–7.5.1.3; DWARF 4 §7.5.1.1 and §7.5.1.2 for
 * `.debug_types`). The 64-bit format is flagged by an initial length of 0xffffffff (§7.4).
 */
export function readUnitHeader(c: Cursor, section: string): UnitHeader {
  const offset = c.base + c.pos;
  let len = c.u32();
  let offsetSize: 4 | 8 = 4;
  if (len === 0xffffffff) {
    offsetSize = 8;
    len = c.u64n("unit length");
  } else if (len >= 0xfffffff0) {
    throw new OopsError("E_DWARF_UNIT", `reserved unit length 0x${len.toString(16)}`, offset);
  }
  const headerStart = c.base + c.pos;
  const size = headerStart - offset + len;
  const version = c.u16();
  if (version < 2 || version > 5) throw new OopsError("E_DWARF_VERSION", `unit version ${version}`, offset);
  let unitType: number = section === ".debug_types" ? K.DW_UT_type : K.DW_UT_compile;
  let abbrevOffset: number;
  let addressSize: number;
  let typeSignature: bigint | undefined;
  let typeOffset: number | undefined;
  if (version >= 5) {
    unitType = c.u8();
    addressSize = c.u8();
    abbrevOffset = offsetSize === 8 ? c.u64n() : c.u32();
    if (unitType === K.DW_UT_skeleton || unitType === K.DW_UT_split_compile || unitType === K.DW_UT_split_type) {
      throw new OopsError(
        "E_DWARF_SPLIT",
        `unit at 0x${offset.toString(16)} is a ${unitType === K.DW_UT_skeleton ? "skeleton" : "split"} unit; its DWARF lives in a .dwo file`,
        offset,
      );
    }
    if (unitType === K.DW_UT_type) {
      typeSignature = c.u64();
      typeOffset = offset + (offsetSize === 8 ? c.u64n() : c.u32());
    } else if (unitType !== K.DW_UT_compile && unitType !== K.DW_UT_partial) {
      throw new OopsError("E_DWARF_UNIT", `unknown unit type 0x${unitType.toString(16)}`, offset);
    }
  } else {
    abbrevOffset = offsetSize === 8 ? c.u64n() : c.u32();
    addressSize = c.u8();
    if (section === ".debug_types") {
      typeSignature = c.u64();
      typeOffset = offset + (offsetSize === 8 ? c.u64n() : c.u32());
    }
  }
  if (addressSize !== 2 && addressSize !== 4 && addressSize !== 8)
    throw new OopsError("E_DWARF_UNIT", `address size ${addressSize}`, offset);
  const dieOffset = c.base + c.pos;
  if (dieOffset > offset + size) throw new OopsError("E_DWARF_UNIT", "header longer than the unit", offset);
  return {
    section,
    offset,
    size,
    offsetSize,
    version,
    unitType,
    abbrevOffset,
    addressSize,
    dieOffset,
    ...(typeSignature !== undefined ? { typeSignature } : {}),
    ...(typeOffset !== undefined ? { typeOffset } : {}),
  };
}

// --- Abbreviations (§7.5.3) ---

export interface Abbrev {
  /** The code it was read with; an interned abbreviation (see `AbbrevShapes`) is shared by every code
   * with its tag, children flag and lists, and keeps the first. */
  readonly code: number;
  readonly tag: number;
  readonly hasChildren: boolean;
  readonly attrs: number[];
  readonly forms: number[];
  /** Values of `DW_FORM_implicit_const` attributes, by attribute position (§7.5.3). */
  readonly consts: (bigint | undefined)[];
  /** Cache of the fixed attribute size for one unit layout (see `fixedSize`). */
  sizeKey: number;
  size: number;
  /** Byte position of `DW_AT_sibling` among the attributes when every attribute before it has a fixed
   * size in that layout, else -1; and its form. */
  sibAt?: number;
  sibForm?: number;
  /** Cache of `coversPc`'s layout for one unit layout: -1 general path, 0 no range, 1 in place. */
  pcKey?: number;
  pcKind?: number;
  lowAt?: number;
  highAt?: number;
  highForm?: number;
}

export interface AbbrevTable {
  /** Dense codes (the usual 1..n) index this array; others go in `sparse`. */
  readonly dense: (Abbrev | undefined)[];
  readonly sparse: Map<number, Abbrev>;
  /** Entries not decoded yet (see `readAbbrevTable`), dropped once all are. */
  lazy?: LazyAbbrevs | undefined;
}

/** Where each not-yet-decoded entry of a table starts (just after its code) in the table's bytes. */
interface LazyAbbrevs {
  readonly bytes: Uint8Array;
  readonly littleEndian: boolean;
  readonly base: number;
  readonly dense: number[];
  readonly sparse: Map<number, number>;
  readonly shapes: AbbrevShapes | undefined;
  left: number;
}

export function abbrevOf(t: AbbrevTable, code: number): Abbrev | undefined {
  const a = code < t.dense.length ? t.dense[code] : t.sparse.get(code);
  return a !== undefined || t.lazy === undefined ? a : decodeAbbrev(t, t.lazy, code);
}

/** Decodes entry `code` of a table read lazily, on its first use. */
function decodeAbbrev(t: AbbrevTable, lz: LazyAbbrevs, code: number): Abbrev | undefined {
  const pos = code < lz.dense.length ? lz.dense[code] : lz.sparse.get(code);
  if (pos === undefined || pos < 0) return undefined;
  const c = new Cursor(lz.bytes, lz.littleEndian, lz.base, pos);
  const a = readAbbrevEntry(c, code, lz.shapes);
  if (code < t.dense.length) t.dense[code] = a;
  else t.sparse.set(code, a);
  if (code < lz.dense.length) lz.dense[code] = -1;
  else lz.sparse.delete(code);
  if (--lz.left === 0) t.lazy = undefined;
  return a;
}

/** Attribute and form lists shared between equal abbreviations of different tables (see below). */
export class AbbrevShapes {
  /** Tables read so far: the first few are not interned (see `intern`). */
  private tables = 0;

  /**
   * Whether the next table's lists should be interned: not for the first 64 tables — a short run (a
   * 40-frame trace reads about 40) pays the hashing for no memory worth saving; a long one (thousands
   * of tables) needs the sharing.
   */
  intern(): boolean {
    return ++this.tables > 64;
  }

  private readonly shapes = new Map<number, { attrs: number[]; forms: number[] }[]>();
  private readonly abbrevs = new Map<number, Abbrev[]>();

  /** The shared lists equal to `attrs`/`forms` (these become the shared ones when new). */
  shape(hash: number, attrs: number[], forms: number[]): { attrs: number[]; forms: number[] } {
    hash &= 0x3fffffff; // a small-integer key: Map lookups on heap numbers are slow
    let list = this.shapes.get(hash);
    if (!list) {
      list = [];
      this.shapes.set(hash, list);
    }
    for (const s of list) if (sameList(s.attrs, attrs) && sameList(s.forms, forms)) return s;
    const s = { attrs, forms };
    list.push(s);
    return s;
  }

  /**
   * The shared abbreviation with this tag, children flag and (already shared) lists, whatever its code:
   * a decoder never needs the code back, and per code they were 80,000 objects for 942 tables (the
   * largest part of the heap in a long run); per shape they are a few thousand.
   */
  abbrev(hash: number, code: number, tag: number, hasChildren: boolean, attrs: number[], forms: number[]): Abbrev {
    const h = Math.imul(hash ^ (tag * 2 + (hasChildren ? 1 : 0)), 16777619) & 0x3fffffff;
    let list = this.abbrevs.get(h);
    if (!list) {
      list = [];
      this.abbrevs.set(h, list);
    }
    for (const a of list)
      if (a.tag === tag && a.hasChildren === hasChildren && a.attrs === attrs && a.forms === forms) return a;
    const a: Abbrev = {
      code,
      tag,
      hasChildren,
      attrs,
      forms,
      consts: NO_CONSTS,
      sizeKey: -1,
      size: 0,
      sibAt: -1,
      sibForm: 0,
    };
    list.push(a);
    return a;
  }
}

function sameList(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** `consts` of the (usual) abbreviation without `DW_FORM_implicit_const`: one shared, never-written array. */
const NO_CONSTS: (bigint | undefined)[] = [];

/**
 * Reads one abbreviation table starting at the cursor, up to its terminating 0 code. `shapes`, when
 * given, interns the attribute and form lists across tables: a GCC vmlinux has one table per unit
 * (thousands), mostly repeating the same few hundred shapes, and they otherwise stay live in the heap.
 */
export function readAbbrevTable(c: Cursor, sharedShapes?: AbbrevShapes): AbbrevTable {
  const shapes = sharedShapes?.intern() ? sharedShapes : undefined;
  // The table is walked (and checked) whole here, but an entry is decoded only when a DIE first uses
  // it: a query reads a small part of a unit, and the decoded entries were the largest allocation of
  // a cold trace.
  const posDense: number[] = [];
  const posSparse = new Map<number, number>();
  let count = 0;
  for (;;) {
    const at = c.base + c.pos;
    const code = ulebNum(c);
    if (code === 0) break;
    const start = c.pos;
    ulebNum(c); // tag
    c.u8(); // children
    for (;;) {
      const name = ulebNum(c);
      const form = ulebNum(c);
      if (name === 0 && form === 0) break;
      if (name === 0 || form === 0) throw new OopsError("E_DWARF_ABBREV", `attribute ${name} form ${form}`, at);
      if (form === K.DW_FORM_implicit_const) c.sleb();
    }
    if (code < 4096 && (code <= posDense.length + 64 || code < 256)) posDense[code] = start;
    else posSparse.set(code, start);
    count++;
  }
  // Codes that landed in `sparse` before `dense` grew past them stay reachable through both paths.
  for (const [code, p] of posSparse) if (code < posDense.length) posDense[code] = p;
  const dense: (Abbrev | undefined)[] = new Array(posDense.length);
  const lazy: LazyAbbrevs = {
    bytes: c.bytes,
    littleEndian: c.littleEndian,
    base: c.base,
    dense: posDense,
    sparse: posSparse,
    shapes,
    left: count,
  };
  return { dense, sparse: new Map(), lazy: count > 0 ? lazy : undefined };
}

/** One abbreviation's declaration after its code (§7.5.3), interned through `shapes` when given. */
function readAbbrevEntry(c: Cursor, code: number, shapes: AbbrevShapes | undefined): Abbrev {
  {
    const at = c.base + c.pos;
    const tag = ulebNum(c);
    const hasChildren = c.u8() !== 0;
    let attrs: number[] = [];
    let forms: number[] = [];
    let consts = NO_CONSTS;
    for (;;) {
      const name = ulebNum(c);
      const form = ulebNum(c);
      if (name === 0 && form === 0) break;
      if (name === 0 || form === 0) throw new OopsError("E_DWARF_ABBREV", `attribute ${name} form ${form}`, at);
      if (form === K.DW_FORM_implicit_const && consts === NO_CONSTS) consts = attrs.map(() => undefined);
      attrs.push(name);
      forms.push(form);
      if (consts !== NO_CONSTS) consts.push(form === K.DW_FORM_implicit_const ? c.sleb() : undefined);
    }
    let a: Abbrev | undefined;
    if (shapes) {
      // FNV-1a over the lists (plain 32-bit arithmetic: a string key cost more than it saved).
      let hash = 2166136261 ^ attrs.length;
      for (let k = 0; k < attrs.length; k++) {
        hash = Math.imul(hash ^ (attrs[k] as number), 16777619);
        hash = Math.imul(hash ^ (forms[k] as number), 16777619);
      }
      const shape = shapes.shape(hash, attrs, forms);
      attrs = shape.attrs;
      forms = shape.forms;
      // The whole abbreviation too, when code, tag and children flag repeat (no implicit constants).
      if (consts === NO_CONSTS) a = shapes.abbrev(hash, code, tag, hasChildren, attrs, forms);
    }
    if (!a) a = { code, tag, hasChildren, attrs, forms, consts, sizeKey: -1, size: 0, sibAt: -1, sibForm: 0 };
    return a;
  }
}

// --- Fast LEB128 on plain numbers (the DIE walk's hot path; Cursor's bigint versions are exact) ---

/** Unsigned LEB128 that must fit 2^53; bounds-checked through the cursor. */
export function ulebNum(c: Cursor): number {
  const b = c.bytes;
  let pos = c.pos;
  const first = b[pos];
  if (first !== undefined && first < 0x80) {
    c.pos = pos + 1;
    return first;
  }
  let result = 0;
  let mul = 1;
  for (;;) {
    const byte = b[pos];
    if (byte === undefined) {
      c.pos = pos;
      c.need(1, "LEB128");
    }
    const v = byte as number;
    pos++;
    result += (v & 0x7f) * mul;
    if ((v & 0x80) === 0) break;
    mul *= 128;
    if (mul > 2 ** 56) {
      c.pos = pos;
      tooLarge(c);
    }
  }
  if (result > Number.MAX_SAFE_INTEGER) tooLarge(c);
  c.pos = pos;
  return result;
}

function tooLarge(c: Cursor): never {
  throw new OopsError("E_BAD_VALUE", "LEB128 value too large", c.base + c.pos);
}

/** Signed LEB128 that must fit 2^53 in magnitude (line advances, member offsets). */
export function slebNum(c: Cursor): number {
  const b = c.bytes;
  const first = b[c.pos];
  if (first !== undefined && first < 0x80) {
    c.pos++;
    return first & 0x40 ? first - 0x80 : first;
  }
  const start = c.pos;
  let result = 0;
  let mul = 1;
  let pos = c.pos;
  for (;;) {
    const v = b[pos];
    if (v === undefined) {
      c.pos = pos;
      c.need(1, "LEB128");
    }
    const byte = v as number;
    pos++;
    result += (byte & 0x7f) * mul;
    mul *= 128;
    if ((byte & 0x80) === 0) {
      if (byte & 0x40) result -= mul;
      break;
    }
    if (mul > 2 ** 49) {
      // Too wide for a number: take the exact bigint path.
      c.pos = start;
      return Number(c.sleb());
    }
  }
  c.pos = pos;
  return result;
}

/** Skips one LEB128 number (signed or unsigned). */
export function skipLeb(c: Cursor): void {
  const b = c.bytes;
  let pos = c.pos;
  for (;;) {
    const v = b[pos++];
    if (v === undefined) {
      c.pos = pos - 1;
      c.need(1, "LEB128");
    }
    if (((v as number) & 0x80) === 0) break;
  }
  c.pos = pos;
}

// --- Forms (§7.5.6) ---

/** The layout facts a form's size depends on. */
export interface FormContext {
  readonly version: number;
  readonly offsetSize: 4 | 8;
  readonly addressSize: number;
}

/** Fixed byte size of a form's value in this unit, or -1 when the size is encoded in the data. */
export function formSize(form: number, u: FormContext): number {
  switch (form) {
    case K.DW_FORM_addr:
      return u.addressSize;
    case K.DW_FORM_data1:
    case K.DW_FORM_ref1:
    case K.DW_FORM_flag:
    case K.DW_FORM_strx1:
    case K.DW_FORM_addrx1:
      return 1;
    case K.DW_FORM_data2:
    case K.DW_FORM_ref2:
    case K.DW_FORM_strx2:
    case K.DW_FORM_addrx2:
      return 2;
    case K.DW_FORM_strx3:
    case K.DW_FORM_addrx3:
      return 3;
    case K.DW_FORM_data4:
    case K.DW_FORM_ref4:
    case K.DW_FORM_strx4:
    case K.DW_FORM_addrx4:
    case K.DW_FORM_ref_sup4:
      return 4;
    case K.DW_FORM_data8:
    case K.DW_FORM_ref8:
    case K.DW_FORM_ref_sig8:
    case K.DW_FORM_ref_sup8:
      return 8;
    case K.DW_FORM_data16:
      return 16;
    case K.DW_FORM_strp:
    case K.DW_FORM_sec_offset:
    case K.DW_FORM_line_strp:
    case K.DW_FORM_strp_sup:
    case K.DW_FORM_GNU_ref_alt:
    case K.DW_FORM_GNU_strp_alt:
      return u.offsetSize;
    case K.DW_FORM_ref_addr:
      // DWARF 2 sized DW_FORM_ref_addr like an address; DWARF 3 made it offset-sized (§7.5.4).
      return u.version <= 2 ? u.addressSize : u.offsetSize;
    case K.DW_FORM_flag_present:
    case K.DW_FORM_implicit_const:
      return 0;
    default:
      return -1;
  }
}

/** Advances the cursor over one attribute value of form `form`. */
export function skipForm(c: Cursor, form: number, u: FormContext): void {
  const fixed = formSize(form, u);
  if (fixed >= 0) {
    c.skip(fixed);
    return;
  }
  switch (form) {
    case K.DW_FORM_block1:
      c.skip(c.u8());
      return;
    case K.DW_FORM_block2:
      c.skip(c.u16());
      return;
    case K.DW_FORM_block4:
      c.skip(c.u32());
      return;
    case K.DW_FORM_block:
    case K.DW_FORM_exprloc:
      c.skip(ulebNum(c));
      return;
    case K.DW_FORM_string:
      skipCstr(c);
      return;
    case K.DW_FORM_sdata:
    case K.DW_FORM_udata:
    case K.DW_FORM_ref_udata:
    case K.DW_FORM_strx:
    case K.DW_FORM_addrx:
    case K.DW_FORM_loclistx:
    case K.DW_FORM_rnglistx:
    case K.DW_FORM_GNU_addr_index:
    case K.DW_FORM_GNU_str_index:
      skipLeb(c);
      return;
    case K.DW_FORM_indirect: {
      // §7.5.3: the actual form precedes the value.
      const actual = ulebNum(c);
      if (actual === K.DW_FORM_indirect) throw new OopsError("E_DWARF_FORM", "nested DW_FORM_indirect", c.base + c.pos);
      skipForm(c, actual, u);
      return;
    }
    default:
      throw new OopsError("E_DWARF_FORM", `form 0x${form.toString(16)}`, c.base + c.pos);
  }
}

function skipCstr(c: Cursor): void {
  const end = c.bytes.indexOf(0, c.pos);
  if (end < 0) throw new OopsError("E_UNTERMINATED_STRING", undefined, c.base + c.pos);
  c.pos = end + 1;
}

/** An attribute value as encoded; string, address and list indices are resolved by the reader. */
export type AttrValue =
  | { readonly k: "addr"; readonly v: bigint }
  | { readonly k: "addrx"; readonly v: number }
  | { readonly k: "const"; readonly v: bigint; readonly signed: boolean; readonly size: number }
  | { readonly k: "flag"; readonly v: boolean }
  /** A reference, already made a section offset in the unit's own section. */
  | { readonly k: "ref"; readonly v: number }
  | { readonly k: "refsig"; readonly v: bigint }
  | { readonly k: "str"; readonly v: string }
  | { readonly k: "strp"; readonly section: ".debug_str" | ".debug_line_str"; readonly v: number }
  | { readonly k: "strx"; readonly v: number }
  | { readonly k: "secoff"; readonly v: number }
  | { readonly k: "loclistx"; readonly v: number }
  | { readonly k: "rnglistx"; readonly v: number }
  | { readonly k: "block"; readonly v: Uint8Array }
  | { readonly k: "unsupported"; readonly form: number };

/** Decodes one attribute value. `unitOffset` is the section offset references are relative to. */
export function readForm(c: Cursor, form: number, u: FormContext, unitOffset: number, implicit?: bigint): AttrValue {
  switch (form) {
    case K.DW_FORM_addr:
      return { k: "addr", v: c.uN(u.addressSize) };
    case K.DW_FORM_addrx:
    case K.DW_FORM_GNU_addr_index:
      return { k: "addrx", v: ulebNum(c) };
    case K.DW_FORM_addrx1:
      return { k: "addrx", v: c.u8() };
    case K.DW_FORM_addrx2:
      return { k: "addrx", v: c.u16() };
    case K.DW_FORM_addrx3:
      return { k: "addrx", v: u24(c) };
    case K.DW_FORM_addrx4:
      return { k: "addrx", v: c.u32() };
    case K.DW_FORM_data1:
      return { k: "const", v: BigInt(c.u8()), signed: false, size: 1 };
    case K.DW_FORM_data2:
      return { k: "const", v: BigInt(c.u16()), signed: false, size: 2 };
    case K.DW_FORM_data4:
      return { k: "const", v: BigInt(c.u32()), signed: false, size: 4 };
    case K.DW_FORM_data8:
      return { k: "const", v: c.u64(), signed: false, size: 8 };
    case K.DW_FORM_data16:
      return { k: "block", v: c.slice(16, "data16") };
    case K.DW_FORM_sdata:
      return { k: "const", v: c.sleb(), signed: true, size: 0 };
    case K.DW_FORM_udata:
      return { k: "const", v: c.uleb(), signed: false, size: 0 };
    case K.DW_FORM_implicit_const:
      return { k: "const", v: implicit ?? 0n, signed: true, size: 0 };
    case K.DW_FORM_flag:
      return { k: "flag", v: c.u8() !== 0 };
    case K.DW_FORM_flag_present:
      return { k: "flag", v: true };
    case K.DW_FORM_ref1:
      return { k: "ref", v: unitOffset + c.u8() };
    case K.DW_FORM_ref2:
      return { k: "ref", v: unitOffset + c.u16() };
    case K.DW_FORM_ref4:
      return { k: "ref", v: unitOffset + c.u32() };
    case K.DW_FORM_ref8:
      return { k: "ref", v: unitOffset + c.u64n("reference") };
    case K.DW_FORM_ref_udata:
      return { k: "ref", v: unitOffset + ulebNum(c) };
    case K.DW_FORM_ref_addr: {
      const size = u.version <= 2 ? u.addressSize : u.offsetSize;
      return { k: "ref", v: size === 8 ? c.u64n("reference") : Number(c.uN(size)) };
    }
    case K.DW_FORM_ref_sig8:
      return { k: "refsig", v: c.u64() };
    case K.DW_FORM_string:
      return { k: "str", v: c.cstr() };
    case K.DW_FORM_strp:
      return { k: "strp", section: ".debug_str", v: offsetOf(c, u) };
    case K.DW_FORM_line_strp:
      return { k: "strp", section: ".debug_line_str", v: offsetOf(c, u) };
    case K.DW_FORM_strx:
    case K.DW_FORM_GNU_str_index:
      return { k: "strx", v: ulebNum(c) };
    case K.DW_FORM_strx1:
      return { k: "strx", v: c.u8() };
    case K.DW_FORM_strx2:
      return { k: "strx", v: c.u16() };
    case K.DW_FORM_strx3:
      return { k: "strx", v: u24(c) };
    case K.DW_FORM_strx4:
      return { k: "strx", v: c.u32() };
    case K.DW_FORM_sec_offset:
      return { k: "secoff", v: offsetOf(c, u) };
    case K.DW_FORM_loclistx:
      return { k: "loclistx", v: ulebNum(c) };
    case K.DW_FORM_rnglistx:
      return { k: "rnglistx", v: ulebNum(c) };
    case K.DW_FORM_block1:
      return { k: "block", v: c.slice(c.u8(), "block") };
    case K.DW_FORM_block2:
      return { k: "block", v: c.slice(c.u16(), "block") };
    case K.DW_FORM_block4:
      return { k: "block", v: c.slice(c.u32(), "block") };
    case K.DW_FORM_block:
    case K.DW_FORM_exprloc:
      return { k: "block", v: c.slice(ulebNum(c), "block") };
    case K.DW_FORM_indirect: {
      const actual = ulebNum(c);
      if (actual === K.DW_FORM_indirect) throw new OopsError("E_DWARF_FORM", "nested DW_FORM_indirect", c.base + c.pos);
      return readForm(c, actual, u, unitOffset, implicit);
    }
    case K.DW_FORM_strp_sup:
    case K.DW_FORM_ref_sup4:
    case K.DW_FORM_ref_sup8:
    case K.DW_FORM_GNU_ref_alt:
    case K.DW_FORM_GNU_strp_alt:
      // Values in a supplementary (dwz) file we do not have: skip them, report them as unknown.
      skipForm(c, form, u);
      return { k: "unsupported", form };
    default:
      throw new OopsError("E_DWARF_FORM", `form 0x${form.toString(16)}`, c.base + c.pos);
  }
}

function u24(c: Cursor): number {
  const a = c.u8();
  const b = c.u8();
  const d = c.u8();
  return c.littleEndian ? a | (b << 8) | (d << 16) : (a << 16) | (b << 8) | d;
}

function offsetOf(c: Cursor, u: FormContext): number {
  return u.offsetSize === 8 ? c.u64n() : c.u32();
}

// --- Walking DIEs in place ---

/** The bytes of one unit and what is needed to decode its DIEs. */
export interface UnitBytes {
  readonly h: UnitHeader;
  readonly bytes: Uint8Array;
  readonly abbrevs: AbbrevTable;
  readonly littleEndian: boolean;
}

/**
 * Fixed attribute size of an abbreviation for one unit layout, cached on the abbreviation with the
 * position of its `DW_AT_sibling` (§2.3): a DIE whose attributes all have fixed sizes is skipped in one
 * step and its sibling link read in place, without decoding the attributes one by one — the
 * top-level walk of a kernel unit meets thousands of such DIEs (types, declarations, subprograms).
 */
function fixedSize(a: Abbrev, h: UnitHeader): number {
  const key = h.version * 256 + h.offsetSize * 16 + h.addressSize;
  if (a.sizeKey === key) return a.size;
  let size = 0;
  let sibAt = -1;
  let sibForm = 0;
  const forms = a.forms;
  for (let k = 0; k < forms.length; k++) {
    const f = forms[k] as number;
    if (a.attrs[k] === K.DW_AT_sibling) {
      sibAt = size;
      sibForm = f;
    }
    const s = formSize(f, h);
    if (s < 0) {
      size = -1;
      break;
    }
    size += s;
  }
  // The in-place read handles the fixed-size reference forms; others take the attribute-by-attribute path.
  if (sibAt >= 0 && sibForm !== K.DW_FORM_ref4 && sibForm !== K.DW_FORM_ref2 && sibForm !== K.DW_FORM_ref1) size = -1;
  a.sizeKey = key;
  a.size = size;
  a.sibAt = size >= 0 ? sibAt : -1;
  a.sibForm = sibForm;
  return size;
}

/** The abbreviation of the DIE at section offset `off`. */
export function abbrevAt(u: UnitBytes, off: number): Abbrev {
  // One- and two-byte codes (nearly all) are read straight from the bytes: a Cursor costs a DataView.
  const b = u.bytes;
  const p = off - u.h.offset;
  const b0 = b[p];
  let code: number;
  if (b0 !== undefined && b0 < 0x80) code = b0;
  else {
    const b1 = b[p + 1];
    if (b0 !== undefined && b1 !== undefined && b1 < 0x80) code = (b0 & 0x7f) | (b1 << 7);
    else code = ulebNum(new Cursor(b, u.littleEndian, u.h.offset, p));
  }
  const a = code === 0 ? undefined : abbrevOf(u.abbrevs, code);
  if (!a) throw new OopsError("E_DWARF_ABBREV", `no DIE (abbreviation code ${code}) at this offset`, off);
  return a;
}

/**
 * Moves the cursor past one DIE's attributes (its code already read) and returns the section offset
 * its `DW_AT_sibling` names, or -1.
 */
function skipAttrs(c: Cursor, a: Abbrev, u: UnitBytes): number {
  const h = u.h;
  const size = fixedSize(a, h);
  if (size >= 0) {
    if (c.pos + size > c.length) c.need(size, "DIE attributes");
    const at = a.sibAt as number;
    let sib = -1;
    if (at >= 0) {
      // A unit-relative reference (§7.5.5): ref4 (what GCC and clang emit), ref2 or ref1.
      const b = c.bytes;
      const p = c.pos + at;
      const f = a.sibForm;
      if (f === K.DW_FORM_ref4)
        sib = u.littleEndian
          ? ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) +
            (b[p + 3] as number) * 0x1000000
          : (b[p] as number) * 0x1000000 +
            (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
      else if (f === K.DW_FORM_ref2)
        sib = u.littleEndian
          ? (b[p] as number) | ((b[p + 1] as number) << 8)
          : ((b[p] as number) << 8) | (b[p + 1] as number);
      else sib = b[p] as number;
      sib += h.offset;
    }
    c.pos += size;
    return sib;
  }
  let sib = -1;
  const forms = a.forms;
  for (let k = 0; k < forms.length; k++) {
    const f = forms[k] as number;
    if (a.attrs[k] === K.DW_AT_sibling) {
      const v = readForm(c, f, h, h.offset, a.consts[k]);
      if (v.k === "ref") sib = v.v;
    } else skipForm(c, f, h);
  }
  return sib;
}

/**
 * Calls `visit(offset, abbrev)` for each child of the DIE at `off`, in order, jumping over each child's
 * subtree through its `DW_AT_sibling` (§2.3) when it has one and walking it otherwise. `visit` returns
 * true to stop. The DIEs are read in place: nothing is allocated per DIE.
 */
export function forEachChild(u: UnitBytes, off: number, visit: (off: number, a: Abbrev) => boolean | undefined): void {
  const h = u.h;
  const end = Math.min(h.size, u.bytes.length);
  const c = new Cursor(u.bytes, u.littleEndian, h.offset, off - h.offset);
  const parent = abbrevOf(u.abbrevs, ulebNum(c));
  if (!parent) throw new OopsError("E_DWARF_ABBREV", "no DIE at this offset", off);
  skipAttrs(c, parent, u);
  if (!parent.hasChildren) return;
  while (c.pos < end) {
    const childOff = h.offset + c.pos;
    const code = ulebNum(c);
    if (code === 0) return;
    const a = abbrevOf(u.abbrevs, code);
    if (!a) throw new OopsError("E_DWARF_ABBREV", `unknown abbreviation code ${code}`, childOff);
    const sib = skipAttrs(c, a, u);
    if (visit(childOff, a)) return;
    if (!a.hasChildren) continue;
    if (sib > childOff && sib - h.offset <= end) {
      c.pos = sib - h.offset;
      continue;
    }
    // No usable sibling link: walk the subtree to its terminating 0.
    let depth = 1;
    while (depth > 0 && c.pos < end) {
      const at = h.offset + c.pos;
      const cc = ulebNum(c);
      if (cc === 0) {
        depth--;
        continue;
      }
      const ca = abbrevOf(u.abbrevs, cc);
      if (!ca) throw new OopsError("E_DWARF_ABBREV", `unknown abbreviation code ${cc}`, at);
      const s = skipAttrs(c, ca, u);
      if (ca.hasChildren) {
        if (s > at && s - h.offset <= end) c.pos = s - h.offset;
        else depth++;
      }
    }
  }
}

/** Offsets of the children of the DIE at `off` (optionally only those with one of `tags`). */
export function childrenOf(u: UnitBytes, off: number, tags?: readonly number[]): number[] {
  const out: number[] = [];
  forEachChild(u, off, (o, a) => {
    if (!tags || tags.includes(a.tag)) out.push(o);
    return undefined;
  });
  return out;
}

/** Reads attribute `at` of the DIE at unit-relative position `pos`, or undefined when absent. */
export function readAttr(
  bytes: Uint8Array,
  littleEndian: boolean,
  h: UnitHeader,
  abbrevs: AbbrevTable,
  dieOffset: number,
  at: number,
): AttrValue | undefined {
  const c = new Cursor(bytes, littleEndian, h.offset, dieOffset - h.offset);
  const a = abbrevOf(abbrevs, ulebNum(c));
  if (!a) throw new OopsError("E_DWARF_ABBREV", "unknown abbreviation code", dieOffset);
  const n = a.attrs.length;
  for (let k = 0; k < n; k++) {
    const f = a.forms[k] as number;
    if (a.attrs[k] === at) return readForm(c, f, h, h.offset, a.consts[k]);
    skipForm(c, f, h);
  }
  return undefined;
}

/** All attributes of a DIE, in abbreviation order. */
export function readAttrs(
  bytes: Uint8Array,
  littleEndian: boolean,
  h: UnitHeader,
  abbrevs: AbbrevTable,
  dieOffset: number,
): { at: number; form: number; value: AttrValue }[] {
  const c = new Cursor(bytes, littleEndian, h.offset, dieOffset - h.offset);
  const a = abbrevOf(abbrevs, ulebNum(c));
  if (!a) throw new OopsError("E_DWARF_ABBREV", "unknown abbreviation code", dieOffset);
  const out: { at: number; form: number; value: AttrValue }[] = [];
  for (let k = 0; k < a.attrs.length; k++) {
    const f = a.forms[k] as number;
    out.push({ at: a.attrs[k] as number, form: f, value: readForm(c, f, h, h.offset, a.consts[k]) });
  }
  return out;
}

/**
 * Several attributes of one DIE in a single pass, decoding only those asked for (the others are
 * skipped): `out[k]` receives the value of attribute `want[k]`, or stays undefined.
 */
export function readSomeAttrs(
  bytes: Uint8Array,
  littleEndian: boolean,
  h: UnitHeader,
  abbrevs: AbbrevTable,
  dieOffset: number,
  want: readonly number[],
  out: (AttrValue | undefined)[],
): void {
  for (let k = 0; k < want.length; k++) out[k] = undefined;
  const c = new Cursor(bytes, littleEndian, h.offset, dieOffset - h.offset);
  const a = abbrevOf(abbrevs, ulebNum(c));
  if (!a) throw new OopsError("E_DWARF_ABBREV", "unknown abbreviation code", dieOffset);
  const n = a.attrs.length;
  for (let k = 0; k < n; k++) {
    const f = a.forms[k] as number;
    const w = want.indexOf(a.attrs[k] as number);
    if (w >= 0) out[w] = readForm(c, f, h, h.offset, a.consts[k]);
    else skipForm(c, f, h);
  }
}

/** `coversPc`'s layout of an abbreviation's pc attributes, cached on it per unit layout. */
function pcLayout(a: Abbrev, h: UnitHeader): number {
  const key = h.version * 256 + h.offsetSize * 16 + h.addressSize;
  if (a.pcKey === key) return a.pcKind as number;
  let hasRanges = false;
  let lowAt = -2;
  let lowForm = 0;
  let highAt = -2;
  let highForm = 0;
  let pos = 0;
  for (let k = 0; k < a.attrs.length; k++) {
    const at = a.attrs[k] as number;
    const f = a.forms[k] as number;
    if (at === K.DW_AT_ranges) hasRanges = true;
    else if (at === K.DW_AT_low_pc) {
      lowAt = pos;
      lowForm = f;
    } else if (at === K.DW_AT_high_pc) {
      highAt = pos;
      highForm = f;
    }
    const size = formSize(f, h);
    pos = pos < 0 || size < 0 ? -1 : pos + size;
  }
  const fixedHigh =
    highForm === K.DW_FORM_addr ||
    highForm === K.DW_FORM_data1 ||
    highForm === K.DW_FORM_data2 ||
    highForm === K.DW_FORM_data4 ||
    highForm === K.DW_FORM_data8;
  // As the reader's `rangesSync`: DW_AT_ranges needs a list; without low_pc and high_pc there is no
  // range; otherwise in place when both sit at fixed positions in forms read here.
  let kind: number;
  if (hasRanges) kind = -1;
  else if (lowAt === -2 || highAt === -2) kind = 0;
  else if (lowAt < 0 || highAt < 0 || lowForm !== K.DW_FORM_addr || !fixedHigh) kind = -1;
  else kind = 1;
  a.pcKey = key;
  a.pcKind = kind;
  a.lowAt = lowAt;
  a.highAt = highAt;
  a.highForm = highForm;
  return kind;
}

function u32At(b: Uint8Array, p: number, le: boolean): number {
  return le
    ? ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) + (b[p + 3] as number) * 0x1000000
    : (b[p] as number) * 0x1000000 +
        (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
}

/** An unsigned value of `size` bytes (1, 2, 4 or 8) at `p`, as two 32-bit halves in `out`. */
function halves(b: Uint8Array, p: number, size: number, le: boolean, out: number[]): void {
  if (size === 8) {
    out[0] = u32At(b, le ? p + 4 : p, le);
    out[1] = u32At(b, le ? p : p + 4, le);
    return;
  }
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + (b[le ? p + size - 1 - i : p + i] as number);
  out[0] = 0;
  out[1] = v;
}

const lowHalves = [0, 0];
const highHalves = [0, 0];

/**
 * The range of the DIE at `off` read in place — no attribute objects, no bigints — when its
 * `DW_AT_low_pc` is `DW_FORM_addr` and its `DW_AT_high_pc` a fixed-size constant (an offset from
 * low_pc, DWARF 4 §2.17.2) or address, both at fixed positions: returns 1 and sets `out` to the 32-bit
 * halves of low and end (`[loH, loL, endH, endL]`; an end past 2^64 has endH ≥ 2^32, as the bigint sum
 * would be past every pc); 0 when the DIE has no pc attributes; -1 when it needs the general path
 * (`DW_AT_ranges`, indexed addresses, variable-size forms before them).
 */
export function pcRangeAt(u: UnitBytes, off: number, out: number[]): number {
  const h = u.h;
  const b = u.bytes;
  let p = off - h.offset;
  const b0 = b[p];
  let code: number;
  if (b0 !== undefined && b0 < 0x80) {
    code = b0;
    p += 1;
  } else {
    const c = new Cursor(b, u.littleEndian, h.offset, p);
    code = ulebNum(c);
    p = c.pos;
  }
  const a = abbrevOf(u.abbrevs, code);
  if (!a) throw new OopsError("E_DWARF_ABBREV", "unknown abbreviation code", off);
  const kind = pcLayout(a, h);
  if (kind <= 0) return kind;
  const lowAt = p + (a.lowAt as number);
  const highAt = p + (a.highAt as number);
  const hf = a.highForm as number;
  const hs = hf === K.DW_FORM_addr ? h.addressSize : formSize(hf, h);
  if (lowAt + h.addressSize > b.length || highAt + hs > b.length) return -1;
  const le = u.littleEndian;
  halves(b, lowAt, h.addressSize, le, lowHalves);
  halves(b, highAt, hs, le, highHalves);
  const lH = lowHalves[0] as number;
  const lL = lowHalves[1] as number;
  out[0] = lH;
  out[1] = lL;
  if (hf === K.DW_FORM_addr) {
    out[2] = highHalves[0] as number;
    out[3] = highHalves[1] as number;
  } else {
    // low + length, carried across the halves.
    let eL = lL + (highHalves[1] as number);
    let eH = lH + (highHalves[0] as number);
    if (eL >= 0x100000000) {
      eL -= 0x100000000;
      eH += 1;
    }
    out[2] = eH;
    out[3] = eL;
  }
  return 1;
}

const rangeHalves = [0, 0, 0, 0];

/**
 * Whether the DIE at `off` covers the pc given as two 32-bit halves, decided in place (see
 * `pcRangeAt`): 1 covers, 0 does not, -1 when the DIE needs the general path. A unit's first query
 * tests every top-level subprogram this way.
 */
export function coversPc(u: UnitBytes, off: number, pcHi: number, pcLo: number): number {
  const kind = pcRangeAt(u, off, rangeHalves);
  if (kind <= 0) return kind;
  const [lHi, lLo, eHi, eLo] = rangeHalves as [number, number, number, number];
  // [low, end) must be non-empty, and low <= pc < end.
  if (eHi < lHi || (eHi === lHi && eLo <= lLo)) return 0;
  if (pcHi < lHi || (pcHi === lHi && pcLo < lLo)) return 0;
  if (pcHi > eHi || (pcHi === eHi && pcLo >= eLo)) return 0;
  return 1;
}
