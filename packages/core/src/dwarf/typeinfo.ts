/**
 * Turns DWARF type DIEs (§5: base, pointer, const/volatile, typedef, array, structure, union,
 * enumeration, subroutine types) into C spellings and layouts, and a byte offset into a type into the
 * member path that covers it: `memberAt("struct bonding", 0x50)` → `alb_info.rx_hashtbl`, descending
 * through nested structures, unions (first member), arrays (element index) and bit fields, with each
 * step's offset, size and declaration spelled as `gdb ptype /o` prints it.
 */

import { OopsError } from "../errors.js";
import * as K from "./constants.js";
import type { DieRef, DwarfReader } from "./reader.js";
import type { AttrValue } from "./unit.js";

export interface TypeQueryOptions {
  /** An address whose unit is searched first (the type as that code saw it). */
  pc?: bigint;
}

export interface MemberStep {
  /** Member name, `[i]` for an array element step, or `<anonymous>` for an unnamed member. */
  readonly name: string;
  /** The path up to and including this step: `alb_info.flags`. */
  readonly path: string;
  /** Byte offset from the start of the queried type. */
  readonly offset: number;
  /** Size in bytes (for a bit field, of its storage type, as gdb shows it). */
  readonly size: number;
  /** Type as C spells it: `struct slave *`, `u8 [6]`. */
  readonly type: string;
  /** Declaration as gdb prints it in `ptype /o`: `struct slave *next`, `unsigned int mode : 4`. */
  readonly decl: string;
  /** Bit position from the start of the queried type and width, for bit fields. */
  readonly bitOffset?: number;
  readonly bitSize?: number;
  /** Element indices, for array steps. */
  readonly index?: readonly number[];
}

export interface MemberPath {
  /** The type as named in the query, resolved (`struct bonding`). */
  readonly type: string;
  readonly typeSize: number;
  readonly offset: number;
  /** `alb_info.rx_hashtbl`, `spare[1][2].assigned`; empty when the offset is the type's own start. */
  readonly path: string;
  readonly steps: readonly MemberStep[];
  /** Bytes from the start of the innermost step to the offset (0 when the offset starts it). */
  readonly within: number;
  /** True when the offset falls in padding between or after members of the innermost aggregate. */
  readonly inPadding: boolean;
}

const AGGREGATE = new Set([K.DW_TAG_structure_type, K.DW_TAG_union_type, K.DW_TAG_class_type]);
const QUALIFIER = new Set([K.DW_TAG_const_type, K.DW_TAG_volatile_type, K.DW_TAG_restrict_type, K.DW_TAG_atomic_type]);
const DW_AT_signature = 0x69;

/** Things about one DIE, read once. */
interface TypeDie {
  readonly d: DieRef;
  readonly tag: number;
  readonly name: string | undefined;
  readonly target: AttrValue | undefined;
  readonly byteSize: number | undefined;
}

async function typeDie(r: DwarfReader, d: DieRef): Promise<TypeDie> {
  let name: AttrValue | undefined;
  let target: AttrValue | undefined;
  let byteSize: number | undefined;
  for (const a of r.attrs(d)) {
    if (a.at === K.DW_AT_name) name = a.value;
    else if (a.at === K.DW_AT_type) target = a.value;
    else if (a.at === K.DW_AT_byte_size && a.value.k === "const") byteSize = Number(a.value.v);
  }
  return { d, tag: r.tag(d), name: await r.string(d.unit, name), target, byteSize };
}

async function follow(r: DwarfReader, t: TypeDie): Promise<TypeDie | undefined> {
  if (!t.target) return undefined;
  const d = await r.deref(t.d.unit, t.target);
  return d ? typeDie(r, d) : undefined;
}

/** A declaration (`struct foo;`) completed by its definition: through DW_AT_signature (type units). */
async function complete(r: DwarfReader, t: TypeDie): Promise<TypeDie> {
  const sig = r.attr(t.d, DW_AT_signature);
  if (sig) {
    const d = await r.deref(t.d.unit, sig);
    if (d) return typeDie(r, d);
  }
  return t;
}

/** Strips typedefs and qualifiers. */
async function strip(r: DwarfReader, t: TypeDie): Promise<TypeDie> {
  let cur = await complete(r, t);
  for (let hop = 0; hop < 64 && (cur.tag === K.DW_TAG_typedef || QUALIFIER.has(cur.tag)); hop++) {
    const next = await follow(r, cur);
    if (!next) break;
    cur = await complete(r, next);
  }
  return cur;
}

/** Array dimensions from the `DW_TAG_subrange_type` children (§5.13): count, or upper bound + 1. */
function dims(r: DwarfReader, t: TypeDie): number[] {
  const out: number[] = [];
  for (const d of r.children(t.d, [K.DW_TAG_subrange_type])) {
    const count = r.attr(d, K.DW_AT_count);
    const ub = r.attr(d, K.DW_AT_upper_bound);
    if (count?.k === "const") out.push(Number(count.v));
    else if (ub?.k === "const") out.push(Number(ub.signed ? BigInt.asIntN(64, ub.v) : ub.v) + 1);
    else out.push(0); // flexible or unknown bound
  }
  return out;
}

/** Byte size of a type (§5.1 byte_size; arrays multiply out; typedefs and qualifiers pass through). */
export async function sizeOf(r: DwarfReader, t: TypeDie, depth = 0): Promise<number> {
  if (depth > 64) return 0;
  if (t.byteSize !== undefined) return t.byteSize;
  const c = await complete(r, t);
  if (c !== t && c.byteSize !== undefined) return c.byteSize;
  if (t.tag === K.DW_TAG_pointer_type || t.tag === K.DW_TAG_reference_type) return t.d.unit.h.addressSize;
  if (t.tag === K.DW_TAG_array_type) {
    const elem = await follow(r, t);
    const n = dims(r, t).reduce((a, b) => a * b, 1);
    return elem ? n * (await sizeOf(r, elem, depth + 1)) : 0;
  }
  const next = await follow(r, t);
  return next ? sizeOf(r, next, depth + 1) : 0;
}

/**
 * The C declaration of `inner` (a name, or "" for the bare type) with type `t` (C declarator rules:
 * pointers prefix, arrays and functions suffix, parentheses when a pointer meets either).
 */
export async function declare(r: DwarfReader, t: TypeDie | undefined, inner: string, depth = 0): Promise<string> {
  const sp = (base: string) => (inner === "" ? base : `${base} ${inner}`);
  if (!t) return sp("void");
  if (depth > 32) return sp("...");
  switch (t.tag) {
    case K.DW_TAG_pointer_type:
    case K.DW_TAG_reference_type:
    case K.DW_TAG_rvalue_reference_type: {
      const mark = t.tag === K.DW_TAG_pointer_type ? "*" : t.tag === K.DW_TAG_reference_type ? "&" : "&&";
      const target = await follow(r, t);
      const tt = target ? await complete(r, target) : undefined;
      const wrap = tt && (tt.tag === K.DW_TAG_array_type || tt.tag === K.DW_TAG_subroutine_type);
      return declare(r, tt, wrap ? `(${mark}${inner})` : `${mark}${inner}`, depth + 1);
    }
    case K.DW_TAG_array_type: {
      const elem = await follow(r, t);
      const suffix = dims(r, t)
        .map((n) => `[${n || ""}]`)
        .join("");
      return declare(r, elem, inner === "" ? suffix : `${inner}${suffix}`, depth + 1);
    }
    case K.DW_TAG_subroutine_type: {
      const ret = await follow(r, t);
      const params: string[] = [];
      for (const p of r.children(t.d, [K.DW_TAG_formal_parameter])) {
        const pt = r.attr(p, K.DW_AT_type);
        const pd = pt ? await r.deref(t.d.unit, pt) : undefined;
        params.push(await declare(r, pd ? await typeDie(r, pd) : undefined, "", depth + 1));
      }
      return declare(r, ret, `${inner}(${params.length ? params.join(", ") : "void"})`, depth + 1);
    }
    case K.DW_TAG_const_type:
    case K.DW_TAG_volatile_type:
    case K.DW_TAG_restrict_type:
    case K.DW_TAG_atomic_type: {
      // Gather a run of qualifiers; gdb prints them in the order const, volatile, restrict.
      const quals = new Set<number>();
      let cur: TypeDie | undefined = t;
      while (cur && QUALIFIER.has(cur.tag)) {
        quals.add(cur.tag);
        cur = await follow(r, cur);
      }
      const words = [
        quals.has(K.DW_TAG_const_type) ? "const" : "",
        quals.has(K.DW_TAG_volatile_type) ? "volatile" : "",
        quals.has(K.DW_TAG_atomic_type) ? "_Atomic" : "",
      ].filter((w) => w);
      const restrict = quals.has(K.DW_TAG_restrict_type);
      const base = cur ? await complete(r, cur) : undefined;
      if (base && base.tag === K.DW_TAG_pointer_type) {
        // A qualified pointer: the qualifier follows the `*` (`char * const p`).
        const q = [...words, restrict ? "restrict" : ""].filter((w) => w).join(" ");
        return declare(r, base, inner === "" ? q : `${q} ${inner}`, depth + 1);
      }
      const rest = await declare(r, base, inner, depth + 1);
      // A qualifier of an array type qualifies its elements (C11 6.7.3p9), and GCC often puts the
      // `const` on both the array and the element type: say each qualifier once, as gdb does
      // (`const char [9]`, not `const const char [9]`).
      const lead = new Set(base?.tag === K.DW_TAG_array_type ? rest.split(" ") : []);
      return `${words.filter((w) => !lead.has(w)).join(" ")} ${rest}`.trim();
    }
    default:
      return sp(await typeName(r, t));
  }
}

/**
 * GCC names integer base types `short unsigned int`, `long long int`; C (and gdb's `ptype`) spell them
 * `unsigned short`, `long long`. Only these spellings are rewritten; every other name is kept.
 */
const C_SPELLING: Record<string, string> = {
  "short int": "short",
  "short unsigned int": "unsigned short",
  "long int": "long",
  "long unsigned int": "unsigned long",
  "long long int": "long long",
  "long long unsigned int": "unsigned long long",
};

/** The name of a named type: `struct slave`, `u32`, `union {...}` for an anonymous one. */
async function typeName(r: DwarfReader, t: TypeDie): Promise<string> {
  const kw =
    t.tag === K.DW_TAG_structure_type
      ? "struct "
      : t.tag === K.DW_TAG_union_type
        ? "union "
        : t.tag === K.DW_TAG_enumeration_type
          ? "enum "
          : t.tag === K.DW_TAG_class_type
            ? "class "
            : "";
  if (t.name !== undefined) return `${kw}${t.tag === K.DW_TAG_base_type ? (C_SPELLING[t.name] ?? t.name) : t.name}`;
  if (kw) return `${kw}{...}`;
  const c = await complete(r, t);
  if (c !== t && c.name !== undefined) return typeName(r, c);
  return "void";
}

/** The type spelled as C, `struct slave *`. */
export async function typeString(r: DwarfReader, d: DieRef | undefined): Promise<string> {
  return declare(r, d ? await typeDie(r, d) : undefined, "");
}

/** Finds a type definition by name (`struct X`, `union X`, `enum X`, or a bare / typedef name). */
export async function findType(
  r: DwarfReader,
  typeName: string,
  opts: TypeQueryOptions = {},
): Promise<DieRef | undefined> {
  const m = /^\s*(struct|union|enum|class)\s+(\S+)\s*$/.exec(typeName);
  const want = m ? (m[2] as string) : typeName.trim();
  const tags =
    m?.[1] === "struct"
      ? [K.DW_TAG_structure_type]
      : m?.[1] === "union"
        ? [K.DW_TAG_union_type]
        : m?.[1] === "enum"
          ? [K.DW_TAG_enumeration_type]
          : m?.[1] === "class"
            ? [K.DW_TAG_class_type]
            : [K.DW_TAG_typedef, K.DW_TAG_structure_type, K.DW_TAG_union_type, K.DW_TAG_base_type];
  const search = async (unit: Awaited<ReturnType<DwarfReader["unit"]>>): Promise<DieRef | undefined> => {
    const scan = async (parent: DieRef): Promise<DieRef | undefined> => {
      for (const d of r.children(parent, [...tags, K.DW_TAG_namespace])) {
        if (r.tag(d) === K.DW_TAG_namespace) {
          const hit = await scan(d);
          if (hit) return hit;
          continue;
        }
        const decl = r.attr(d, K.DW_AT_declaration);
        const sig = r.attr(d, DW_AT_signature);
        if (decl?.k === "flag" && decl.v && !sig) continue;
        if ((await r.string(unit, r.attr(d, K.DW_AT_name))) !== want) continue;
        if (sig) {
          const full = await r.deref(unit, sig);
          if (full) return full;
          continue;
        }
        return d;
      }
      return undefined;
    };
    return scan({ unit, off: unit.h.dieOffset });
  };
  if (opts.pc !== undefined) {
    const u = await r.unitForAddress(opts.pc);
    const hit = u && (await search(u));
    if (hit) return hit;
  }
  for await (const u of r.allUnits()) {
    const hit = await search(u);
    if (hit) return hit;
  }
  return undefined;
}

interface Member {
  readonly d: DieRef;
  readonly name: string | undefined;
  readonly type: TypeDie | undefined;
  /** Bit position from the aggregate's start, and bit width (bit fields only). */
  readonly bitPos: number;
  readonly bitSize: number | undefined;
  readonly size: number;
}

/** Members of a structure or union with their positions (§5.7.6 data_member_location, bit fields). */
async function membersOf(r: DwarfReader, agg: TypeDie): Promise<Member[]> {
  const out: Member[] = [];
  const le = r.littleEndian;
  for (const d of r.children(agg.d, [K.DW_TAG_member])) {
    let name: AttrValue | undefined;
    let type: AttrValue | undefined;
    let loc: AttrValue | undefined;
    let dataBitOffset: number | undefined;
    let bitOffset: number | undefined;
    let bitSize: number | undefined;
    let byteSize: number | undefined;
    for (const a of r.attrs(d)) {
      if (a.at === K.DW_AT_name) name = a.value;
      else if (a.at === K.DW_AT_type) type = a.value;
      else if (a.at === K.DW_AT_data_member_location) loc = a.value;
      else if (a.at === K.DW_AT_data_bit_offset && a.value.k === "const") dataBitOffset = Number(a.value.v);
      else if (a.at === K.DW_AT_bit_offset && a.value.k === "const") bitOffset = Number(a.value.v);
      else if (a.at === K.DW_AT_bit_size && a.value.k === "const") bitSize = Number(a.value.v);
      else if (a.at === K.DW_AT_byte_size && a.value.k === "const") byteSize = Number(a.value.v);
    }
    const td = type ? await r.deref(d.unit, type) : undefined;
    const t = td ? await typeDie(r, td) : undefined;
    const size = t ? await sizeOf(r, t) : 0;
    let byteOff = 0;
    if (loc?.k === "const") byteOff = Number(loc.v);
    else if (loc?.k === "block") byteOff = plusUconst(loc.v);
    let bitPos = byteOff * 8;
    if (dataBitOffset !== undefined) bitPos = dataBitOffset;
    else if (bitOffset !== undefined && bitSize !== undefined) {
      // DWARF 2/3 §5.6.6: DW_AT_bit_offset counts from the most significant bit of the storage unit;
      // on a little-endian target that is the far end of the storage bytes.
      const storage = (byteSize ?? size) * 8;
      bitPos = le ? byteOff * 8 + storage - bitOffset - bitSize : byteOff * 8 + bitOffset;
    }
    out.push({ d, name: await r.string(d.unit, name), type: t, bitPos, bitSize, size });
  }
  return out;
}

/** DWARF 2 member locations are expressions; gcc and clang emit `DW_OP_plus_uconst N` (§2.5.1.2). */
function plusUconst(expr: Uint8Array): number {
  if (expr[0] !== 0x23) return 0;
  let v = 0;
  let mul = 1;
  for (let k = 1; k < expr.length && k < 10; k++) {
    const b = expr[k] as number;
    v += (b & 0x7f) * mul;
    mul *= 128;
    if ((b & 0x80) === 0) break;
  }
  return v;
}

/** The member path covering byte `offset` of the named type. */
export async function memberAt(
  r: DwarfReader,
  typeName: string,
  offset: number,
  opts: TypeQueryOptions = {},
): Promise<MemberPath | undefined> {
  if (!Number.isInteger(offset) || offset < 0) throw new OopsError("E_BAD_VALUE", `member offset ${offset}`);
  const d = await findType(r, typeName, opts);
  if (!d) return undefined;
  const root = await typeDie(r, d);
  const typeSize = await sizeOf(r, root);
  const steps: MemberStep[] = [];
  let path = "";
  let base = 0;
  let cur = await strip(r, root);
  let inPadding = false;
  for (let depth = 0; depth < 64; depth++) {
    const rel = offset - base;
    if (cur.tag === K.DW_TAG_array_type) {
      const elem = await follow(r, cur);
      if (!elem) break;
      const esize = await sizeOf(r, elem);
      const ds = dims(r, cur);
      if (esize <= 0 || ds.length === 0) break;
      // Row-major element index across every dimension (C arrays, §5.5).
      let flat = Math.floor(rel / esize);
      const idx: number[] = [];
      for (let k = ds.length - 1; k >= 0; k--) {
        const n = (ds[k] as number) || Number.MAX_SAFE_INTEGER;
        idx.unshift(flat % n);
        flat = Math.floor(flat / n);
      }
      if (flat > 0) break; // past the last element
      const name = idx.map((n) => `[${n}]`).join("");
      base += Math.floor(rel / esize) * esize;
      path += name;
      steps.push({
        name,
        path,
        offset: base,
        size: esize,
        type: await declare(r, elem, ""),
        decl: await declare(r, elem, name),
        index: idx,
      });
      cur = await strip(r, elem);
      continue;
    }
    if (!AGGREGATE.has(cur.tag)) break;
    const members = await membersOf(r, cur);
    const bit = rel * 8;
    let hit: Member | undefined;
    for (const m of members) {
      if (m.bitSize !== undefined) {
        if (bit < m.bitPos + m.bitSize && bit + 8 > m.bitPos) {
          hit = m;
          break;
        }
      } else if (rel >= m.bitPos / 8 && rel < m.bitPos / 8 + m.size) {
        hit = m;
        break;
      }
    }
    if (!hit) {
      inPadding = rel < (await sizeOf(r, cur)) && rel >= 0;
      break;
    }
    const name = hit.name ?? "<anonymous>";
    const start = base + Math.floor(hit.bitPos / 8);
    // An anonymous member adds nothing to the path: C reaches its members directly.
    if (hit.name !== undefined) path = path === "" ? hit.name : `${path}.${hit.name}`;
    const decl = await declare(r, hit.type, hit.name ?? "");
    steps.push({
      name,
      path,
      offset: start,
      size: hit.size,
      type: await declare(r, hit.type, ""),
      decl: hit.bitSize !== undefined ? `${decl} : ${hit.bitSize}` : decl,
      ...(hit.bitSize !== undefined ? { bitOffset: base * 8 + hit.bitPos, bitSize: hit.bitSize } : {}),
    });
    if (hit.bitSize !== undefined || !hit.type) break;
    base = start;
    cur = await strip(r, hit.type);
  }
  const last = steps[steps.length - 1];
  return {
    type: await typeNameOf(r, root, typeName),
    typeSize,
    offset,
    path,
    steps,
    within: offset - (last ? last.offset : 0),
    inPadding,
  };
}

async function typeNameOf(r: DwarfReader, t: TypeDie, asked: string): Promise<string> {
  const n = await typeName(r, t);
  return n === "void" ? asked : n;
}
