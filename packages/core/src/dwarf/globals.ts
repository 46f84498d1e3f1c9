/**
 * Turns an address into the global (static-storage) variable that holds it, and a byte offset into that
 * variable into the C path that covers it: `lab_ring0` + 0x18 → `lab_ring0.slot[3]`. The variables are
 * the DW_TAG_variable DIEs whose DW_AT_location is a single DW_OP_addr or DW_OP_addrx (DWARF 5
 * §2.5.1.1, §4.1): file-scope and function-static ones alike, named through DW_AT_specification when
 * the definition completes a declaration (§2.13.2). In a relocatable object (`.ko`) the address is the
 * relocated one, in the layout the debug sections give each allocated section; a linked object gives
 * link-time addresses. Each path step has its offset, size and C type; an array step (§5.5, bounds from
 * DW_TAG_subrange_type DW_AT_count or DW_AT_upper_bound) also says its element count, size and type,
 * so that a caller can index it with an expression of its own (`lab_ports[dev->ifindex % 64]`).
 */

import * as K from "./constants.js";
import type { DieRef, DwarfReader, Unit } from "./reader.js";
import { typeString } from "./typeinfo.js";
import type { AttrValue } from "./unit.js";

export interface GlobalVariable {
  readonly name: string;
  /** The address DW_OP_addr gives (relocated, in a relocatable object). */
  readonly address: bigint;
  /** Byte size of its type (0 when unknown). */
  readonly size: number;
  /** Its type as C spells it: `struct lab_port *[64]`. */
  readonly type: string;
  /** The DIE holding DW_AT_location. */
  readonly die: DieRef;
}

export interface GlobalStep {
  /** `lab_ring0`, `lab_ring0.slot`, `lab_ring0.slot[3]`. */
  readonly path: string;
  /** Byte offset from the start of the variable, and size. */
  readonly offset: number;
  readonly size: number;
  readonly type: string;
  /** For a step of array type: its first dimension's element count, the element's size and type. */
  readonly array?: { readonly count: number; readonly elementSize: number; readonly elementType: string };
  /** For an element step: its index. */
  readonly index?: number;
}

const QUALIFIERS = new Set([
  K.DW_TAG_typedef,
  K.DW_TAG_const_type,
  K.DW_TAG_volatile_type,
  K.DW_TAG_restrict_type,
  K.DW_TAG_atomic_type,
]);
const AGGREGATES = new Set([K.DW_TAG_structure_type, K.DW_TAG_union_type]);
/** §7.7.1 operation encodings. */
const DW_OP_addr = 0x03;
const DW_OP_addrx = 0xa1;
const DW_OP_GNU_addr_index = 0xfb;

const cache = new WeakMap<DwarfReader, Promise<GlobalVariable[]>>();
const unitCache = new WeakMap<Unit, Promise<GlobalVariable[]>>();

/**
 * Every variable with a static address in the object, sorted by address. This walks every unit: for
 * a module; for a vmlinux, whose .debug_info is hundreds of megabytes, ask one unit
 * (`globalVariablesIn`).
 */
export function globalVariables(r: DwarfReader): Promise<GlobalVariable[]> {
  let p = cache.get(r);
  if (!p) {
    p = collect(r);
    cache.set(r, p);
  }
  return p;
}

/** The variables with a static address that one unit defines, sorted by address. */
export function globalVariablesIn(r: DwarfReader, u: Unit): Promise<GlobalVariable[]> {
  let p = unitCache.get(u);
  if (!p) {
    p = (async () => {
      const out: GlobalVariable[] = [];
      await collectUnit(r, u, out);
      return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    })();
    unitCache.set(u, p);
  }
  return p;
}

/**
 * The variable whose bytes hold `address`, and the offset into it; undefined when none does. With
 * `unit`, only that unit's variables are searched.
 */
export async function globalAt(
  r: DwarfReader,
  address: bigint,
  unit?: Unit,
): Promise<{ variable: GlobalVariable; offset: number } | undefined> {
  const all = unit ? await globalVariablesIn(r, unit) : await globalVariables(r);
  // The last variable starting at or below the address (sorted), then earlier ones that may still
  // cover it (a zero-size declaration does not).
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((all[mid] as GlobalVariable).address <= address) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo - 1; k >= 0 && k >= lo - 8; k--) {
    const v = all[k] as GlobalVariable;
    const off = address - v.address;
    if (off < BigInt(Math.max(v.size, 1))) return { variable: v, offset: Number(off) };
  }
  return undefined;
}

/** A global variable by name (the first definition, in unit order). */
export async function globalNamed(r: DwarfReader, name: string): Promise<GlobalVariable | undefined> {
  return (await globalVariables(r)).find((v) => v.name === name);
}

/**
 * The path from the variable down to the innermost member or element covering `offset`: the
 * variable itself first. Stops at a scalar, a bit field, padding, or an index past an array's bound.
 */
export async function globalPath(r: DwarfReader, v: GlobalVariable, offset: number): Promise<GlobalStep[]> {
  const steps: GlobalStep[] = [];
  let t = typeOf(r, v.die) ?? (await specTypeOf(r, v.die));
  let path = v.name;
  let base = 0;
  let size = v.size;
  let type = v.type;
  let index: number | undefined;
  for (let depth = 0; depth < 64; depth++) {
    const td = t ? await r.deref(t.unit, t.v) : undefined;
    const s = td ? await strip(r, td) : undefined;
    const tag = s ? r.tag(s) : 0;
    const here = { path, offset: base, size, type, ...(index !== undefined ? { index } : {}) };
    index = undefined;
    if (s && tag === K.DW_TAG_array_type) {
      const dims = dimensions(r, s);
      const et = r.attr(s, K.DW_AT_type);
      const ed = et ? await r.deref(s.unit, et) : undefined;
      const count = dims[0] ?? 0;
      const esize = ed ? await sizeOf(r, ed) : 0;
      steps.push({ ...here, array: { count, elementSize: esize, elementType: await typeString(r, ed) } });
      // Multi-dimensional arrays are left whole: C has no name for a row as a type of its own here.
      if (esize <= 0 || dims.length !== 1) return steps;
      const i = Math.floor((offset - base) / esize);
      if (i < 0 || (count > 0 && i >= count)) return steps;
      path = `${path}[${i}]`;
      index = i;
      base += i * esize;
      size = esize;
      type = await typeString(r, ed);
      t = et ? { unit: s.unit, v: et } : undefined;
      continue;
    }
    steps.push(here);
    if (!s || !AGGREGATES.has(tag)) return steps;
    const rel = offset - base;
    let hit: { d: DieRef; at: number; size: number } | undefined;
    for (const m of r.children(s, [K.DW_TAG_member])) {
      if (r.attr(m, K.DW_AT_bit_size)) continue; // bit fields end no path of a global's bytes here
      const at = memberOffset(r.attr(m, K.DW_AT_data_member_location));
      const mt = r.attr(m, K.DW_AT_type);
      const md = mt ? await r.deref(m.unit, mt) : undefined;
      const msize = md ? await sizeOf(r, md) : 0;
      if (rel >= at && rel < at + msize) {
        hit = { d: m, at, size: msize };
        break;
      }
    }
    if (!hit) return steps;
    const name = await r.dieName(hit.d);
    const mt = r.attr(hit.d, K.DW_AT_type);
    const md = mt ? await r.deref(hit.d.unit, mt) : undefined;
    // An anonymous member adds nothing to the path: C reaches its members directly.
    if (name !== undefined) path = `${path}.${name}`;
    base += hit.at;
    size = hit.size;
    type = await typeString(r, md);
    t = mt ? { unit: hit.d.unit, v: mt } : undefined;
  }
  return steps;
}

async function collect(r: DwarfReader): Promise<GlobalVariable[]> {
  const out: GlobalVariable[] = [];
  for await (const u of r.allUnits()) await collectUnit(r, u, out);
  out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return out;
}

async function collectUnit(r: DwarfReader, u: Unit, out: GlobalVariable[]): Promise<void> {
  {
    const root: DieRef = { unit: u, off: u.h.dieOffset };
    const walk = async (d: DieRef, depth: number): Promise<void> => {
      for (const c of r.children(d)) {
        const tag = r.tag(c);
        if (tag === K.DW_TAG_variable) {
          const g = await variable(r, c);
          if (g) out.push(g);
        } else if (
          depth < 32 &&
          (tag === K.DW_TAG_subprogram || tag === K.DW_TAG_lexical_block || tag === K.DW_TAG_namespace)
        ) {
          // Function-static variables live in their function's (or a block's) scope.
          await walk(c, depth + 1);
        }
      }
    };
    await walk(root, 0);
  }
}

async function variable(r: DwarfReader, d: DieRef): Promise<GlobalVariable | undefined> {
  const loc = r.attr(d, K.DW_AT_location);
  if (loc?.k !== "block") return undefined;
  const address = await staticAddress(r, d, loc.v);
  if (address === undefined) return undefined;
  const name = await r.dieName(d);
  if (name === undefined) return undefined;
  const t = typeOf(r, d) ?? (await specTypeOf(r, d));
  const td = t ? await r.deref(t.unit, t.v) : undefined;
  return { name, address, size: td ? await sizeOf(r, td) : 0, type: await typeString(r, td), die: d };
}

/** The address of a location expression that is exactly DW_OP_addr a / DW_OP_addrx i (§2.5.1.1). */
async function staticAddress(r: DwarfReader, d: DieRef, e: Uint8Array): Promise<bigint | undefined> {
  const size = d.unit.h.addressSize;
  if (e[0] === DW_OP_addr && e.length === 1 + size) {
    let v = 0n;
    for (let k = 0; k < size; k++) {
      const b = BigInt(e[r.littleEndian ? 1 + k : size - k] as number);
      v |= b << BigInt(8 * k);
    }
    return v;
  }
  if (e[0] === DW_OP_addrx || e[0] === DW_OP_GNU_addr_index) {
    let v = 0;
    let mul = 1;
    let k = 1;
    for (; k < e.length && k < 6; k++) {
      const b = e[k] as number;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) break;
    }
    if (k !== e.length - 1) return undefined;
    return r.address(d.unit, { k: "addrx", v });
  }
  return undefined;
}

function typeOf(r: DwarfReader, d: DieRef): { unit: DieRef["unit"]; v: AttrValue } | undefined {
  const t = r.attr(d, K.DW_AT_type);
  return t ? { unit: d.unit, v: t } : undefined;
}

/** The type of the declaration a definition completes (DW_AT_specification, §2.13.2). */
async function specTypeOf(r: DwarfReader, d: DieRef): Promise<{ unit: DieRef["unit"]; v: AttrValue } | undefined> {
  const s = r.attr(d, K.DW_AT_specification);
  const sd = s ? await r.deref(d.unit, s) : undefined;
  return sd ? typeOf(r, sd) : undefined;
}

async function strip(r: DwarfReader, d: DieRef): Promise<DieRef> {
  let cur = d;
  for (let hop = 0; hop < 64 && QUALIFIERS.has(r.tag(cur)); hop++) {
    const t = r.attr(cur, K.DW_AT_type);
    const next = t ? await r.deref(cur.unit, t) : undefined;
    if (!next) break;
    cur = next;
  }
  return cur;
}

/** Array dimensions (§5.13): DW_AT_count, or DW_AT_upper_bound + 1 (C's lower bound is 0); 0 unknown. */
function dimensions(r: DwarfReader, d: DieRef): number[] {
  return r.children(d, [K.DW_TAG_subrange_type]).map((s) => {
    const count = r.attr(s, K.DW_AT_count);
    const ub = r.attr(s, K.DW_AT_upper_bound);
    if (count?.k === "const") return Number(count.v);
    if (ub?.k === "const") return Number(ub.signed ? BigInt.asIntN(64, ub.v) : ub.v) + 1;
    return 0;
  });
}

/** Byte size of a type (§5.1 DW_AT_byte_size; pointers the address size; arrays multiplied out). */
async function sizeOf(r: DwarfReader, d: DieRef, depth = 0): Promise<number> {
  if (depth > 64) return 0;
  const bs = r.attr(d, K.DW_AT_byte_size);
  if (bs?.k === "const") return Number(bs.v);
  const tag = r.tag(d);
  if (tag === K.DW_TAG_pointer_type || tag === K.DW_TAG_reference_type || tag === K.DW_TAG_rvalue_reference_type)
    return d.unit.h.addressSize;
  const t = r.attr(d, K.DW_AT_type);
  const next = t ? await r.deref(d.unit, t) : undefined;
  if (!next) return 0;
  const inner = await sizeOf(r, next, depth + 1);
  if (tag === K.DW_TAG_array_type) return dimensions(r, d).reduce((a, b) => a * b, inner);
  return inner;
}

/** DW_AT_data_member_location: a constant, or (DWARF 2) `DW_OP_plus_uconst n` (§5.7.6). */
function memberOffset(v: AttrValue | undefined): number {
  if (v?.k === "const") return Number(v.v);
  if (v?.k === "block" && v.v[0] === 0x23) {
    let n = 0;
    let mul = 1;
    for (let k = 1; k < v.v.length && k < 10; k++) {
      const b = v.v[k] as number;
      n += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) break;
    }
    return n;
  }
  return 0;
}
