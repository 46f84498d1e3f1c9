/**
 * Turns an object's debug sections into answers about single addresses and DIEs, lazily: it finds the
 * unit that holds an address through `.debug_aranges` (§6.1.2) or, failing that, a sorted index of
 * every unit's own address ranges (read from the unit DIE alone), and only then fetches that unit's
 * bytes, indexes its DIEs, and runs its line program — each once, with failures cached as well as
 * successes. It also resolves the indirections of DWARF 5: string offsets (§7.26), the address
 * table (§7.27), range lists (§2.17.3, §7.25) and location lists (§2.6.2, §7.29).
 */

import { Cursor } from "../binary/cursor.js";
import { OopsError } from "../errors.js";
import * as K from "./constants.js";
import {
  joinFilePath,
  type LineFiles,
  type LineRowAt,
  type LineTable,
  readLineProgram,
  scanLineProgram,
} from "./line.js";
import type { DebugSections } from "./sections.js";
import {
  AbbrevShapes,
  type AbbrevTable,
  type AttrValue,
  abbrevAt,
  childrenOf,
  coversPc,
  forEachChild,
  pcRangeAt,
  readAbbrevTable,
  readAttr,
  readAttrs,
  readSomeAttrs,
  readUnitHeader,
  type UnitBytes,
  type UnitHeader,
} from "./unit.js";
import { SectionWindow } from "./window.js";

/** A unit whose DIEs have been indexed, plus the attributes of its unit DIE every lookup needs. */
export interface Unit extends UnitBytes {
  readonly h: UnitHeader;
  readonly bytes: Uint8Array;
  readonly abbrevs: AbbrevTable;
  readonly strOffsetsBase: number | undefined;
  readonly addrBase: number | undefined;
  readonly rnglistsBase: number | undefined;
  readonly loclistsBase: number | undefined;
  /** `DW_AT_low_pc` of the unit DIE: the base address of its range and location lists (§3.1.1). */
  readonly baseAddress: bigint;
  readonly compDir: string | undefined;
  readonly name: string | undefined;
  readonly stmtList: number | undefined;
}

/** A DIE: its unit and its section offset. */
export interface DieRef {
  readonly unit: Unit;
  readonly off: number;
}

export type Range = readonly [bigint, bigint];

/** Child scopes with ranges: `offs[j]` owns the quadruples `[loH, loL, endH, endL]` of `r` up to `ends[j]`. */
interface ScopeKids {
  readonly offs: number[];
  readonly ends: number[];
  readonly r: number[];
}

/** One entry of a location list: where a variable lives for pcs in `[lo, hi)`. */
export interface LocEntry {
  readonly lo: bigint;
  readonly hi: bigint;
  readonly expr: Uint8Array;
  /** DWARF 5 `DW_LLE_default_location`: applies where no other entry does. */
  readonly isDefault?: boolean;
}

class Cache<K, V> {
  private readonly m = new Map<K, Promise<V>>();
  has(key: K): boolean {
    return this.m.has(key);
  }
  get(key: K, make: () => Promise<V>): Promise<V> {
    let p = this.m.get(key);
    if (!p) {
      // Failures stay cached too: a bad unit is reported once per query, not re-parsed.
      p = make();
      this.m.set(key, p);
    }
    return p;
  }
}

const PC_ATTRS = [K.DW_AT_low_pc, K.DW_AT_high_pc, K.DW_AT_ranges];
const CONTAINERS = new Set([K.DW_TAG_namespace, K.DW_TAG_class_type, K.DW_TAG_structure_type, K.DW_TAG_union_type]);
const SCOPE_TAGS = [K.DW_TAG_inlined_subroutine, K.DW_TAG_lexical_block];
const SCOPE_TAGS_WITH_SUBPROGRAMS = [K.DW_TAG_inlined_subroutine, K.DW_TAG_lexical_block, K.DW_TAG_subprogram];

/** Total size of a length-prefixed DWARF block (unit or line program, §7.4) read from its start. */
function unitSize(c: Cursor): number {
  const l = c.u32();
  return l === 0xffffffff ? 12 + c.u64n("unit length") : 4 + l;
}

/**
 * First window for an abbreviation table (a vmlinux unit's averages 2.3 KB; a larger one is read
 * again with a window four times as large), read straight from the file: a unit's table is read once,
 * and a 16 KiB window through the block cache was 16–48 KiB of fresh memory.
 */
const ABBREV_WINDOW = 4096;

/** Scattered reads of `.debug_str` and `.debug_rnglists` before they are read whole (see `SectionWindow`). */
const SPARSE_READS = 256;

/** Above this `.debug_info` size, a unit missing from `.debug_aranges` is not searched for. */
const UNIT_WALK_LIMIT = 16 * 1024 * 1024;

export class DwarfReader {
  readonly littleEndian: boolean;
  readonly info: SectionWindow;
  readonly types: SectionWindow;
  readonly abbrev: SectionWindow;
  readonly str: SectionWindow;
  readonly lineStr: SectionWindow;
  readonly strOffsets: SectionWindow;
  readonly addr: SectionWindow;
  readonly rangesSec: SectionWindow;
  readonly rnglists: SectionWindow;
  readonly loc: SectionWindow;
  readonly loclists: SectionWindow;
  readonly line: SectionWindow;
  readonly aranges: SectionWindow;

  private readonly units = new Cache<string, Unit>();
  /** Reused result slots of `readSomeAttrs` for `ranges` (read synchronously, then copied out). */
  private readonly pcScratch: (AttrValue | undefined)[] = [undefined, undefined, undefined];
  private readonly abbrevTables = new Cache<number, AbbrevTable>();
  private readonly lineTables = new Cache<string, LineTable | undefined>();
  private readonly subprogramMaps = new Cache<string, SubprogramMap>();
  /** The subprograms and containers at a unit's top level, as its first query walked them (taken by
   * the subprogram map its second query builds, so that the unit is not walked again). */
  private readonly topLevel = new Map<string, { subs: number[]; nested: number[] }>();
  /** `pcRangeAt`'s output, reused (read synchronously, then copied out). */
  private readonly rangeScratch = [0, 0, 0, 0];
  /** Units queried once: their first lookup scans, the second builds the sorted subprogram map. */
  private readonly scannedOnce = new Set<string>();
  /** Unit start offsets in `.debug_info` known so far (from aranges or scanning), sorted. */
  private knownUnits: number[] = [];
  private arangeIndex: Promise<AddressIndex | undefined> | undefined;
  private unitRangeIndex: Promise<AddressIndex> | undefined;
  private headerCache = new Map<string, Promise<UnitHeader>>();
  private signatures: Promise<Map<bigint, { section: string; unitOffset: number; typeOffset: number }>> | undefined;

  /** Attribute/form lists shared by the abbreviation tables of all units (see `readAbbrevTable`). */
  private readonly abbrevShapes = new AbbrevShapes();

  constructor(readonly sections: DebugSections) {
    this.littleEndian = sections.littleEndian;
    const w = (n: string) => new SectionWindow(sections, n);
    this.info = w(".debug_info");
    this.types = w(".debug_types");
    this.abbrev = new SectionWindow(sections, ".debug_abbrev", 1024 * 1024);
    this.str = new SectionWindow(sections, ".debug_str", undefined, SPARSE_READS);
    this.lineStr = w(".debug_line_str");
    this.strOffsets = w(".debug_str_offsets");
    this.addr = w(".debug_addr");
    this.rangesSec = w(".debug_ranges");
    this.rnglists = new SectionWindow(sections, ".debug_rnglists", undefined, SPARSE_READS);
    this.loc = w(".debug_loc");
    this.loclists = w(".debug_loclists");
    this.line = w(".debug_line");
    this.aranges = w(".debug_aranges");
    if (!this.info.present) {
      if (sections.sectionSize(".debug_info.dwo") !== undefined)
        throw new OopsError("E_DWARF_SPLIT", "the object holds only .dwo sections");
    }
  }

  get hasDwarf(): boolean {
    return this.info.present;
  }

  private window(section: string): SectionWindow {
    return section === ".debug_types" ? this.types : this.info;
  }

  // --- Units ---

  /** The header of the unit starting at `offset`. */
  header(offset: number, section = ".debug_info"): Promise<UnitHeader> {
    const key = `${section}:${offset}`;
    let p = this.headerCache.get(key);
    if (!p) {
      p = this.window(section).at(offset, (c) => readUnitHeader(c, section), 64);
      this.headerCache.set(key, p);
    }
    return p;
  }

  /** The unit starting at section offset `offset`, its DIEs indexed. Cached, failures included. */
  unit(offset: number, section = ".debug_info"): Promise<Unit> {
    return this.units.get(`${section}:${offset}`, async () => {
      // One read for most units (a vmlinux unit averages ~75 KB): header and body together.
      const next = section === ".debug_info" ? this.nextKnownUnit(offset) : undefined;
      const bytes = await this.window(section).sized(
        offset,
        128 * 1024,
        unitSize,
        next === undefined ? undefined : next - offset,
      );
      const h = readUnitHeader(new Cursor(bytes, this.littleEndian, offset), section);
      const abbrevs = await this.abbrevTables.get(h.abbrevOffset, () =>
        this.abbrev.at(h.abbrevOffset, (c) => readAbbrevTable(c, this.abbrevShapes), ABBREV_WINDOW, true),
      );
      if (bytes.length < h.size)
        throw new OopsError("E_DWARF_UNIT", `unit runs past the end of ${section}`, offset + bytes.length);
      const ub: UnitBytes = { h, bytes, abbrevs, littleEndian: this.littleEndian };
      const root = h.dieOffset;
      const rootTag = abbrevAt(ub, root).tag;
      const attrs = readAttrs(bytes, this.littleEndian, h, abbrevs, root);
      const get = (at: number) => attrs.find((a) => a.at === at)?.value;
      if (rootTag === K.DW_TAG_skeleton_unit || get(K.DW_AT_dwo_name) || get(K.DW_AT_GNU_dwo_name))
        throw new OopsError("E_DWARF_SPLIT", `unit at 0x${offset.toString(16)} is a skeleton for a .dwo file`, offset);
      const num = (v: AttrValue | undefined) =>
        v && (v.k === "secoff" || v.k === "const") ? (v.k === "const" ? Number(v.v) : v.v) : undefined;
      const partial = {
        h,
        bytes,
        abbrevs,
        littleEndian: this.littleEndian,
        strOffsetsBase: num(get(K.DW_AT_str_offsets_base)),
        addrBase: num(get(K.DW_AT_addr_base) ?? get(K.DW_AT_GNU_addr_base)),
        rnglistsBase: num(get(K.DW_AT_rnglists_base)),
        loclistsBase: num(get(K.DW_AT_loclists_base)),
        baseAddress: 0n,
        compDir: undefined as string | undefined,
        name: undefined as string | undefined,
        stmtList: num(get(K.DW_AT_stmt_list)),
      };
      // DWARF 5 units whose header sizes are standard but lack the base attributes: §7.26/§7.27
      // contributions start after an 8-byte (16 for 64-bit DWARF) header.
      if (h.version >= 5 && partial.strOffsetsBase === undefined && this.strOffsets.present)
        partial.strOffsetsBase = h.offsetSize === 8 ? 16 : 8;
      const low = get(K.DW_AT_low_pc);
      const u: Unit = {
        ...partial,
        baseAddress: (low && (await this.address(partial as Unit, low))) ?? 0n,
        compDir: await this.string(partial as Unit, get(K.DW_AT_comp_dir)),
        name: await this.string(partial as Unit, get(K.DW_AT_name)),
      };
      return u;
    });
  }

  /** The `.debug_info` unit whose bytes contain section offset `off` (for `DW_FORM_ref_addr`). */
  async unitContaining(off: number, section = ".debug_info"): Promise<Unit> {
    if (section === ".debug_types") {
      const sigs = await this.signatureIndex();
      let best = -1;
      for (const s of sigs.values())
        if (s.section === section && s.unitOffset <= off && s.unitOffset > best) best = s.unitOffset;
      if (best < 0) throw new OopsError("E_DWARF_UNIT", `no type unit holds offset 0x${off.toString(16)}`, off);
      return this.unit(best, section);
    }
    if (off < 0 || off >= this.info.size)
      throw new OopsError("E_DWARF_UNIT", `reference 0x${off.toString(16)} outside .debug_info`, off);
    // Start from the nearest known unit at or before `off`, then walk headers forward.
    const k = this.knownUnits;
    let lo = 0;
    let hi = k.length - 1;
    let start = 0;
    while (lo <= hi) {
      const m = (lo + hi) >>> 1;
      if ((k[m] as number) <= off) {
        start = k[m] as number;
        lo = m + 1;
      } else hi = m - 1;
    }
    let pos = start;
    while (pos < this.info.size) {
      const h = await this.header(pos);
      this.noteUnit(pos);
      if (off < pos + h.size) return this.unit(pos);
      if (h.size <= 0) break;
      pos += h.size;
    }
    throw new OopsError("E_DWARF_UNIT", `no unit holds offset 0x${off.toString(16)}`, off);
  }

  /** Start of the next unit after `off` known so far (or the section's end when `off` is the last known). */
  private nextKnownUnit(off: number): number | undefined {
    const k = this.knownUnits;
    let lo = 0;
    let hi = k.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if ((k[m] as number) <= off) lo = m + 1;
      else hi = m;
    }
    if (lo === 0 || k[lo - 1] !== off) return undefined;
    return lo < k.length ? (k[lo] as number) : this.info.size;
  }

  private noteUnit(off: number): void {
    const k = this.knownUnits;
    let lo = 0;
    let hi = k.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if ((k[m] as number) < off) lo = m + 1;
      else hi = m;
    }
    if (k[lo] !== off) k.splice(lo, 0, off);
  }

  /** The DIE at section offset `off`. */
  async die(off: number, section = ".debug_info"): Promise<DieRef> {
    const unit = await this.unitContaining(off, section);
    if (off < unit.h.dieOffset) throw new OopsError("E_DWARF_UNIT", `no DIE at offset 0x${off.toString(16)}`, off);
    return { unit, off };
  }

  /** Follows a reference attribute value to its DIE (same unit, other unit, or a type unit). */
  async deref(from: Unit, v: AttrValue): Promise<DieRef | undefined> {
    if (v.k === "ref") {
      if (v.v >= from.h.dieOffset && v.v < from.h.offset + from.h.size) return { unit: from, off: v.v };
      return this.die(v.v, from.h.section);
    }
    if (v.k === "refsig") {
      const t = (await this.signatureIndex()).get(v.v);
      if (!t) return undefined;
      return this.die(t.typeOffset, t.section);
    }
    return undefined;
  }

  /** Type units by signature (DWARF 4 `.debug_types`, DWARF 5 `DW_UT_type` in `.debug_info`). */
  private signatureIndex(): Promise<Map<bigint, { section: string; unitOffset: number; typeOffset: number }>> {
    if (!this.signatures) {
      this.signatures = (async () => {
        const m = new Map<bigint, { section: string; unitOffset: number; typeOffset: number }>();
        for (const [section, w] of [
          [".debug_types", this.types],
          [".debug_info", this.info],
        ] as const) {
          if (!w.present) continue;
          let pos = 0;
          while (pos < w.size) {
            let h: UnitHeader;
            try {
              h = await this.header(pos, section);
            } catch (e) {
              if (e instanceof OopsError && e.code === "E_DWARF_SPLIT") break;
              throw e;
            }
            if (section === ".debug_info") this.noteUnit(pos);
            if (h.typeSignature !== undefined && h.typeOffset !== undefined)
              m.set(h.typeSignature, { section, unitOffset: pos, typeOffset: h.typeOffset });
            pos += h.size;
          }
        }
        return m;
      })();
    }
    return this.signatures;
  }

  /**
   * Every unit, in section order (`.debug_info`, then `.debug_types`), indexed one at a time — for
   * queries that no address narrows (a type by name). Units that fail to parse are skipped.
   */
  async *allUnits(): AsyncGenerator<Unit> {
    for (const [section, w] of [
      [".debug_info", this.info],
      [".debug_types", this.types],
    ] as const) {
      if (!w.present) continue;
      let pos = 0;
      while (pos < w.size) {
        let h: UnitHeader;
        try {
          h = await this.header(pos, section);
        } catch {
          break;
        }
        if (section === ".debug_info") this.noteUnit(pos);
        let u: Unit | undefined;
        try {
          u = await this.unit(pos, section);
        } catch {
          u = undefined;
        }
        if (u) yield u;
        if (h.size <= 0) break;
        pos += h.size;
      }
    }
  }

  // --- Attributes ---

  attr(d: DieRef, at: number): AttrValue | undefined {
    const u = d.unit;
    return readAttr(u.bytes, this.littleEndian, u.h, u.abbrevs, d.off, at);
  }

  attrs(d: DieRef): { at: number; form: number; value: AttrValue }[] {
    const u = d.unit;
    return readAttrs(u.bytes, this.littleEndian, u.h, u.abbrevs, d.off);
  }

  tag(d: DieRef): number {
    return abbrevAt(d.unit, d.off).tag;
  }

  /** Children of a DIE (optionally only those with one of `tags`), read in place. */
  children(d: DieRef, tags?: readonly number[]): DieRef[] {
    return childrenOf(d.unit, d.off, tags).map((off) => ({ unit: d.unit, off }));
  }

  /** A string-class value, resolved through `.debug_str`, `.debug_line_str` or `.debug_str_offsets`. */
  async string(u: Unit, v: AttrValue | undefined): Promise<string | undefined> {
    if (!v) return undefined;
    if (v.k === "str") return v.v;
    if (v.k === "strp") return (v.section === ".debug_line_str" ? this.lineStr : this.str).cstr(v.v);
    if (v.k === "strx") {
      // §7.26: the unit's contribution starts at DW_AT_str_offsets_base.
      const base = u.strOffsetsBase ?? 0;
      const size = u.h.offsetSize;
      const off = await this.strOffsets.at(base + v.v * size, (c) => (size === 8 ? c.u64n() : c.u32()), size);
      return this.str.cstr(off);
    }
    return undefined;
  }

  /** An address-class value (`DW_FORM_addr` or an index into `.debug_addr`, §7.27). */
  async address(u: Unit, v: AttrValue): Promise<bigint | undefined> {
    if (v.k === "addr") return v.v;
    if (v.k === "addrx") {
      const base = u.addrBase ?? (u.h.offsetSize === 8 ? 16 : 8);
      const size = u.h.addressSize;
      return this.addr.at(base + v.v * size, (c) => c.uN(size), size);
    }
    return undefined;
  }

  /** A constant-class value as a number, or undefined. */
  static num(v: AttrValue | undefined): number | undefined {
    if (!v) return undefined;
    return v.k === "const" ? Number(v.v) : undefined;
  }

  /**
   * The address ranges of a DIE: `DW_AT_low_pc` with `DW_AT_high_pc` (an address, or since DWARF 4 an
   * offset from low_pc when of constant class, §2.17.2), or `DW_AT_ranges` (§2.17.3).
   */
  /**
   * The ranges of a DIE when they can be had without a read (low_pc/high_pc as `DW_FORM_addr` and a
   * constant or address), else undefined; a DIE without pc attributes gives [].
   */
  rangesSync(d: DieRef): Range[] | undefined {
    const u = d.unit;
    const v = this.pcScratch;
    readSomeAttrs(u.bytes, this.littleEndian, u.h, u.abbrevs, d.off, PC_ATTRS, v);
    const [low, high, ranges] = v;
    if (ranges) return undefined;
    if (!low || !high) return [];
    if (low.k !== "addr") return undefined;
    const hi = high.k === "const" ? low.v + high.v : high.k === "addr" ? high.v : undefined;
    if (hi === undefined) return undefined;
    return hi > low.v ? [[low.v, hi]] : [];
  }

  async ranges(d: DieRef): Promise<Range[]> {
    const u = d.unit;
    const v = this.pcScratch;
    readSomeAttrs(u.bytes, this.littleEndian, u.h, u.abbrevs, d.off, PC_ATTRS, v);
    const [low, high, ranges] = v;
    if (ranges) return this.rangeList(u, ranges, d.off === u.h.dieOffset);
    if (low && high) {
      const lo = low.k === "addr" ? low.v : await this.address(u, low);
      if (lo === undefined) return [];
      let hi: bigint | undefined;
      if (high.k === "const") hi = lo + high.v;
      else hi = high.k === "addr" ? high.v : await this.address(u, high);
      if (hi === undefined || hi <= lo) return [];
      return [[lo, hi]];
    }
    // A DIE with only low_pc (a unit's base address, a label) covers no range by itself.
    return [];
  }

  /** Decodes a range list referenced by `v` (`.debug_ranges` before DWARF 5, `.debug_rnglists` in 5). */
  async rangeList(u: Unit, v: AttrValue, isUnitDie: boolean): Promise<Range[]> {
    const addrSize = u.h.addressSize;
    const maxAddr = addrSize === 8 ? 0xffffffffffffffffn : (1n << BigInt(addrSize * 8)) - 1n;
    if (u.h.version < 5) {
      const off = v.k === "secoff" ? v.v : v.k === "const" ? Number(v.v) : undefined;
      if (off === undefined) return [];
      // §2.17.3 (DWARF 4): pairs of addresses relative to the base address; (max, x) sets the base;
      // (0, 0) ends the list.
      return this.rangesSec.at(off, (c) => {
        const out: Range[] = [];
        pairList(c, addrSize, maxAddr, u.baseAddress, (lo, hi) => {
          if (hi > lo) out.push([lo, hi]);
        });
        return out;
      });
    }
    let off: number;
    if (v.k === "rnglistx") {
      // §7.28: an index into the offsets table that follows the unit's list header.
      const base = u.rnglistsBase ?? (u.h.offsetSize === 8 ? 20 : 12);
      const size = u.h.offsetSize;
      off = base + (await this.rnglists.at(base + v.v * size, (c) => (size === 8 ? c.u64n() : c.u32()), size));
    } else if (v.k === "secoff" || v.k === "const") {
      off = v.k === "secoff" ? v.v : Number(v.v);
      void isUnitDie;
    } else return [];
    const entries = await this.rnglists.at(off, (c) => {
      const raw: [number, bigint, bigint][] = [];
      for (let n = 0; n < 1_000_000; n++) {
        const kind = c.u8();
        if (kind === K.DW_RLE_end_of_list) break;
        switch (kind) {
          case K.DW_RLE_base_addressx:
            raw.push([kind, c.uleb(), 0n]);
            break;
          case K.DW_RLE_startx_endx:
          case K.DW_RLE_startx_length:
          case K.DW_RLE_offset_pair:
            raw.push([kind, c.uleb(), c.uleb()]);
            break;
          case K.DW_RLE_base_address:
            raw.push([kind, c.uN(addrSize), 0n]);
            break;
          case K.DW_RLE_start_end:
            raw.push([kind, c.uN(addrSize), c.uN(addrSize)]);
            break;
          case K.DW_RLE_start_length:
            raw.push([kind, c.uN(addrSize), c.uleb()]);
            break;
          default:
            throw new OopsError("E_DWARF_UNIT", `unknown range list entry kind ${kind}`, c.base + c.pos - 1);
        }
      }
      return raw;
    });
    const out: Range[] = [];
    let base = u.baseAddress;
    const ax = async (i: bigint) => (await this.address(u, { k: "addrx", v: Number(i) })) ?? 0n;
    for (const [kind, a, b] of entries) {
      switch (kind) {
        case K.DW_RLE_base_addressx:
          base = await ax(a);
          break;
        case K.DW_RLE_base_address:
          base = a;
          break;
        case K.DW_RLE_startx_endx: {
          const s = await ax(a);
          const e = await ax(b);
          if (e > s) out.push([s, e]);
          break;
        }
        case K.DW_RLE_startx_length: {
          const s = await ax(a);
          if (b > 0n) out.push([s, s + b]);
          break;
        }
        case K.DW_RLE_offset_pair:
          if (b > a) out.push([base + a, base + b]);
          break;
        case K.DW_RLE_start_end:
          if (b > a) out.push([a, b]);
          break;
        case K.DW_RLE_start_length:
          if (b > 0n) out.push([a, a + b]);
          break;
      }
    }
    return out;
  }

  /**
   * The location list a `DW_AT_location` (or `DW_AT_frame_base`) value names: `.debug_loc` before
   * DWARF 5 (§2.6.2 of DWARF 4), `.debug_loclists` in 5 (§2.6.2, §7.29).
   */
  async locationList(u: Unit, v: AttrValue): Promise<LocEntry[]> {
    const addrSize = u.h.addressSize;
    const maxAddr = addrSize === 8 ? 0xffffffffffffffffn : (1n << BigInt(addrSize * 8)) - 1n;
    if (u.h.version < 5) {
      const off = v.k === "secoff" ? v.v : v.k === "const" ? Number(v.v) : undefined;
      if (off === undefined) return [];
      return this.loc.at(off, (c) => {
        const out: LocEntry[] = [];
        pairList(c, addrSize, maxAddr, u.baseAddress, (lo, hi) => {
          // Each `.debug_loc` pair is followed by a 2-byte length and the expression (DWARF 4 §2.6.2).
          const expr = c.slice(c.u16(), "location expression");
          out.push({ lo, hi, expr });
        });
        return out;
      });
    }
    let off: number;
    if (v.k === "loclistx") {
      const base = u.loclistsBase ?? (u.h.offsetSize === 8 ? 20 : 12);
      const size = u.h.offsetSize;
      off = base + (await this.loclists.at(base + v.v * size, (c) => (size === 8 ? c.u64n() : c.u32()), size));
    } else if (v.k === "secoff" || v.k === "const") off = v.k === "secoff" ? v.v : Number(v.v);
    else return [];
    const raw = await this.loclists.at(off, (c) => {
      const r: { kind: number; a: bigint; b: bigint; expr: Uint8Array }[] = [];
      const empty = new Uint8Array(0);
      for (let n = 0; n < 1_000_000; n++) {
        const kind = c.u8();
        if (kind === K.DW_LLE_end_of_list) break;
        let a = 0n;
        let b = 0n;
        switch (kind) {
          case K.DW_LLE_base_addressx:
            r.push({ kind, a: c.uleb(), b, expr: empty });
            continue;
          case K.DW_LLE_base_address:
            r.push({ kind, a: c.uN(addrSize), b, expr: empty });
            continue;
          case K.DW_LLE_startx_endx:
          case K.DW_LLE_startx_length:
          case K.DW_LLE_offset_pair:
            a = c.uleb();
            b = c.uleb();
            break;
          case K.DW_LLE_start_end:
            a = c.uN(addrSize);
            b = c.uN(addrSize);
            break;
          case K.DW_LLE_start_length:
            a = c.uN(addrSize);
            b = c.uleb();
            break;
          case K.DW_LLE_default_location:
            break;
          default:
            throw new OopsError("E_DWARF_UNIT", `unknown location list entry kind ${kind}`, c.base + c.pos - 1);
        }
        const len = Number(c.uleb());
        r.push({ kind, a, b, expr: c.slice(len, "location expression") });
      }
      return r;
    });
    const out: LocEntry[] = [];
    let base = u.baseAddress;
    const ax = async (i: bigint) => (await this.address(u, { k: "addrx", v: Number(i) })) ?? 0n;
    for (const e of raw) {
      switch (e.kind) {
        case K.DW_LLE_base_addressx:
          base = await ax(e.a);
          break;
        case K.DW_LLE_base_address:
          base = e.a;
          break;
        case K.DW_LLE_startx_endx:
          out.push({ lo: await ax(e.a), hi: await ax(e.b), expr: e.expr });
          break;
        case K.DW_LLE_startx_length: {
          const s = await ax(e.a);
          out.push({ lo: s, hi: s + e.b, expr: e.expr });
          break;
        }
        case K.DW_LLE_offset_pair:
          out.push({ lo: base + e.a, hi: base + e.b, expr: e.expr });
          break;
        case K.DW_LLE_start_end:
          out.push({ lo: e.a, hi: e.b, expr: e.expr });
          break;
        case K.DW_LLE_start_length:
          out.push({ lo: e.a, hi: e.a + e.b, expr: e.expr });
          break;
        case K.DW_LLE_default_location:
          out.push({ lo: 0n, hi: maxAddr, expr: e.expr, isDefault: true });
          break;
      }
    }
    return out;
  }

  // --- Line tables ---

  /** Line programs read by a unit's first `lineAt`, kept for the table its second one builds. */
  private readonly lineBytes = new Map<string, Promise<Uint8Array | undefined>>();

  private lineProgramBytes(u: Unit): Promise<Uint8Array | undefined> {
    const key = `${u.h.section}:${u.h.offset}`;
    const kept = this.lineBytes.get(key);
    if (kept) {
      this.lineBytes.delete(key);
      return kept;
    }
    if (u.stmtList === undefined || !this.line.present) return Promise.resolve(undefined);
    // The program in one read when it fits the first guess; its length leads it (§6.2.4).
    return this.line.sized(u.stmtList, 16 * 1024, unitSize);
  }

  /** The unit's line table with file paths joined, or undefined when it has none. */
  lineTable(u: Unit): Promise<LineTable | undefined> {
    return this.lineTables.get(`${u.h.section}:${u.h.offset}`, async () => {
      const bytes = await this.lineProgramBytes(u);
      if (bytes === undefined || u.stmtList === undefined) return undefined;
      return readLineProgram(new Cursor(bytes, this.littleEndian, u.stmtList), u.h.addressSize);
    });
  }

  /**
   * The line-table row of `pc` in a unit (`row: false` when no sequence holds it), or undefined when the
   * unit has no line program. A unit's first query runs the program without storing its rows and
   * keeps the program's bytes; the second builds the table (as `lineTable`), which later ones search.
   */
  async lineAt(u: Unit, pc: bigint): Promise<LineRowAt | undefined> {
    const key = `${u.h.section}:${u.h.offset}`;
    if (!this.lineTables.has(key) && !this.lineBytes.has(key)) {
      if (u.stmtList === undefined || !this.line.present) return undefined;
      const bytesP = this.line.sized(u.stmtList, 16 * 1024, unitSize);
      this.lineBytes.set(key, bytesP);
      const bytes = await bytesP;
      return scanLineProgram(new Cursor(bytes, this.littleEndian, u.stmtList), u.h.addressSize, pc);
    }
    const t = await this.lineTable(u);
    if (!t) return undefined;
    const row = t.lookup(pc);
    if (row < 0) return { header: t.header, paths: t.paths, row: false, file: 0, line: 0, column: 0 };
    return {
      header: t.header,
      paths: t.paths,
      row: true,
      file: t.rowFile[row] as number,
      line: t.rowLine[row] as number,
      column: t.rowColumn[row] as number,
    };
  }

  /** The joined path of file `index` of a unit's line program (resolved on first use, then cached). */
  async filePath(u: Unit, t: LineFiles, index: number): Promise<string | undefined> {
    if (t.paths.has(index)) return t.paths.get(index);
    const h = t.header;
    const f = h.files[index];
    let path: string | undefined;
    if (f) {
      // Strings of the line header use the line program's own offset size.
      const fc = { ...u, h: { ...u.h, offsetSize: h.offsetSize } } as Unit;
      const name = (await this.string(fc, f.name)) ?? "";
      const dirs: string[] = [];
      const want = h.version >= 5 ? f.dir : f.dir - 1;
      for (let k = 0; k < h.dirs.length; k++) dirs.push(k === want ? ((await this.string(fc, h.dirs[k])) ?? "") : "");
      path = joinFilePath(h.version, name, f.dir, dirs, u.compDir);
    }
    t.paths.set(index, path);
    return path;
  }

  // --- Finding the unit of an address ---

  /** The unit whose code holds `pc`, or undefined. */
  async unitForAddress(pc: bigint): Promise<Unit | undefined> {
    const ar = await this.arangesIndex();
    const hit = ar?.find(pc);
    if (hit !== undefined) return this.unit(hit);
    // GCC emits an aranges set for every unit (a Debian vmlinux: 2352 sets for 2352 units), so on a
    // large object a miss means "no unit covers it" and walking every unit header — a read spread over
    // the whole of .debug_info — is not worth it. Small objects, and producers that emit no aranges
    // (clang by default), get the walk of unit DIE ranges.
    if (ar && ar.size > 0 && this.info.size > UNIT_WALK_LIMIT) return undefined;
    const ur = await this.unitRanges();
    const off = ur.find(pc);
    return off === undefined ? undefined : this.unit(off);
  }

  private arangesIndex(): Promise<AddressIndex | undefined> {
    if (!this.arangeIndex) {
      this.arangeIndex = (async () => {
        if (!this.aranges.present || this.aranges.size === 0) return undefined;
        const b = await this.aranges.all();
        const idx = new AddressIndex();
        const c = new Cursor(b, this.littleEndian);
        // §6.1.2: a header per unit, then (address, length) tuples aligned to twice the address size.
        while (c.remaining > 0) {
          const start = c.pos;
          let len = c.u32();
          let os = 4;
          if (len === 0xffffffff) {
            len = c.u64n();
            os = 8;
          }
          const end = c.pos + len;
          if (end > c.length) throw new OopsError("E_DWARF_UNIT", "aranges set runs past the section", start);
          c.u16(); // version
          const cu = os === 8 ? c.u64n() : c.u32();
          const as = c.u8();
          const seg = c.u8();
          if (as !== 2 && as !== 4 && as !== 8)
            throw new OopsError("E_DWARF_UNIT", `aranges address size ${as}`, start);
          const tuple = 2 * as + seg;
          const rel = c.pos - start;
          const pad = (tuple - (rel % tuple)) % tuple;
          c.skip(Math.min(pad, end - c.pos));
          this.noteUnit(cu);
          while (c.pos + 2 * as <= end) {
            if (seg) c.skip(seg);
            if (as === 8) {
              // 64-bit tuples as 32-bit halves, without bigints (a vmlinux has ~11,000 of them).
              const a0 = c.u32();
              const a1 = c.u32();
              const l0 = c.u32();
              const l1 = c.u32();
              const aH = this.littleEndian ? a1 : a0;
              const aL = this.littleEndian ? a0 : a1;
              const lH = this.littleEndian ? l1 : l0;
              const lL = this.littleEndian ? l0 : l1;
              if (aH === 0 && aL === 0 && lH === 0 && lL === 0) break;
              if (lH === 0 && lL === 0) continue;
              let eL = aL + lL;
              let eH = aH + lH;
              if (eL >= 0x100000000) {
                eL -= 0x100000000;
                eH += 1;
              }
              idx.addHalves(aH, aL, eH, eL, cu);
              continue;
            }
            const a = c.uN(as);
            const l = c.uN(as);
            if (a === 0n && l === 0n) break;
            if (l > 0n) idx.add(a, a + l, cu);
          }
          c.seek(end);
        }
        idx.sort();
        return idx;
      })();
    }
    return this.arangeIndex;
  }

  /**
   * Every unit's own ranges, from its unit DIE (low_pc/high_pc or DW_AT_ranges) — used for addresses
   * `.debug_aranges` does not cover. Walks unit headers and unit DIEs only, never whole DIE trees.
   */
  unitRanges(): Promise<AddressIndex> {
    if (!this.unitRangeIndex) {
      this.unitRangeIndex = (async () => {
        const idx = new AddressIndex();
        let pos = 0;
        while (pos < this.info.size) {
          let h: UnitHeader;
          try {
            h = await this.header(pos);
          } catch (e) {
            if (e instanceof OopsError && e.code === "E_DWARF_SPLIT") throw e;
            break;
          }
          this.noteUnit(pos);
          if (h.unitType === K.DW_UT_compile || h.unitType === K.DW_UT_partial) {
            try {
              for (const [lo, hi] of await this.unitDieRanges(h)) idx.add(lo, hi, pos);
            } catch (e) {
              if (e instanceof OopsError && e.code === "E_DWARF_SPLIT") throw e;
              // A malformed unit contributes no ranges; it will report its error if queried directly.
            }
          }
          if (h.size <= 0) break;
          pos += h.size;
        }
        idx.sort();
        return idx;
      })();
    }
    return this.unitRangeIndex;
  }

  /** Ranges of a unit read from its unit DIE alone (the first DIE), without indexing the unit. */
  private async unitDieRanges(h: UnitHeader): Promise<Range[]> {
    const abbrevs = await this.abbrevTables.get(h.abbrevOffset, () =>
      this.abbrev.at(h.abbrevOffset, (c) => readAbbrevTable(c, this.abbrevShapes), ABBREV_WINDOW, true),
    );
    const bytes = await this.info.range(h.offset, Math.min(h.size, h.dieOffset - h.offset + 1024));
    const attrs = readAttrs(bytes, this.littleEndian, h, abbrevs, h.dieOffset);
    const get = (at: number) => attrs.find((a) => a.at === at)?.value;
    if (get(K.DW_AT_dwo_name) || get(K.DW_AT_GNU_dwo_name))
      throw new OopsError(
        "E_DWARF_SPLIT",
        `unit at 0x${h.offset.toString(16)} is a skeleton for a .dwo file`,
        h.offset,
      );
    const num = (v: AttrValue | undefined) =>
      v && (v.k === "secoff" || v.k === "const") ? (v.k === "const" ? Number(v.v) : v.v) : undefined;
    const stub: Unit = {
      h,
      bytes,
      abbrevs,
      littleEndian: this.littleEndian,
      strOffsetsBase: num(get(K.DW_AT_str_offsets_base)),
      addrBase: num(get(K.DW_AT_addr_base)),
      rnglistsBase: num(get(K.DW_AT_rnglists_base)),
      loclistsBase: undefined,
      baseAddress: 0n,
      compDir: undefined,
      name: undefined,
      stmtList: undefined,
    };
    const low = get(K.DW_AT_low_pc);
    const base = (low && (await this.address(stub, low))) ?? 0n;
    const u = { ...stub, baseAddress: base };
    return this.ranges({ unit: u, off: h.dieOffset });
  }

  // --- Subprograms of a unit ---

  /** Sorted address ranges of the unit's subprograms (those with code), for the inline-chain walk. */
  subprograms(u: Unit): Promise<SubprogramMap> {
    return this.subprogramMaps.get(`${u.h.section}:${u.h.offset}`, async () => {
      const m = new SubprogramMap();
      // Top-level subprograms, and those nested in namespaces/classes (C++); subprograms inside
      // subprograms are reached by the walk from their parent. Other subtrees are jumped over.
      const key = `${u.h.section}:${u.h.offset}`;
      const walked = this.topLevel.get(key);
      this.topLevel.delete(key);
      const visit = async (parent: number) => {
        let subs: number[] = [];
        let nested: number[] = [];
        if (walked && parent === u.h.dieOffset) ({ subs, nested } = walked);
        else
          forEachChild(u, parent, (off, a) => {
            if (a.tag === K.DW_TAG_subprogram) subs.push(off);
            else if (a.hasChildren && CONTAINERS.has(a.tag)) nested.push(off);
            return undefined;
          });
        const r = this.rangeScratch;
        for (const off of subs) {
          // In place for low_pc/high_pc (nearly all), through the general path otherwise.
          const kind = pcRangeAt(u, off, r);
          if (kind === 1) {
            const [lH, lL, eH, eL] = r as [number, number, number, number];
            if (eH > lH || (eH === lH && eL > lL)) m.addHalves(lH, lL, eH, eL, off);
          } else if (kind < 0) {
            const d = { unit: u, off };
            for (const [lo, hi] of this.rangesSync(d) ?? (await this.ranges(d))) m.add(lo, hi, off);
          }
        }
        for (const off of nested) await visit(off);
      };
      await visit(u.h.dieOffset);
      m.sort();
      return m;
    });
  }

  /**
   * The subprogram whose code holds `pc`. A unit's first query walks its subprograms in place without
   * building anything (a cold trace touches most units once); later queries use the sorted map.
   */
  async subprogramAt(u: Unit, pc: bigint): Promise<number | undefined> {
    const key = `${u.h.section}:${u.h.offset}`;
    if (this.subprogramMaps.has(key) || this.scannedOnce.has(key)) return (await this.subprograms(u)).find(pc);
    this.scannedOnce.add(key);
    const pcHi = Number(pc >> 32n);
    const pcLo = Number(pc & 0xffffffffn);
    const scan = async (parent: number): Promise<number | undefined> => {
      // Subprograms with low_pc/high_pc in place (nearly all) are tested as the walk meets them,
      // without an object or a bigint; the others (range lists, indexed addresses) afterwards.
      let hit = -1;
      const slow: number[] = [];
      const nested: number[] = [];
      // The unit's top level is also remembered for the subprogram map its next query builds.
      const subs: number[] | undefined = parent === u.h.dieOffset ? [] : undefined;
      forEachChild(u, parent, (off, a) => {
        if (a.tag === K.DW_TAG_subprogram) {
          subs?.push(off);
          const covers = coversPc(u, off, pcHi, pcLo);
          if (covers === 1) hit = off;
          else if (covers < 0) slow.push(off);
        } else if (a.hasChildren && CONTAINERS.has(a.tag)) nested.push(off);
        return undefined;
      });
      if (subs) this.topLevel.set(key, { subs, nested });
      // When several subprograms cover the pc (assembler aliases: `__memset` and `memset` with one
      // range), the last in DIE order wins, as with llvm-symbolizer and the sorted map below.
      for (let k = slow.length - 1; k >= 0; k--) {
        const off = slow[k] as number;
        if (off < hit) break;
        const d = { unit: u, off };
        if ((this.rangesSync(d) ?? (await this.ranges(d))).some(([lo, hi]) => pc >= lo && pc < hi)) {
          hit = off;
          break;
        }
      }
      if (hit >= 0) return hit;
      for (const off of nested) {
        const hit = await scan(off);
        if (hit !== undefined) return hit;
      }
      return undefined;
    };
    return scan(u.h.dieOffset);
  }

  /** Child scopes of a scope DIE with their ranges, worked out once per scope (warm lookups scan this). */
  private readonly scopeKids = new Map<string, Promise<ScopeKids>>();

  /** The child scope of `scope` (with one of `tags`) whose ranges hold `pc`, or -1. */
  private async childAt(u: Unit, scope: number, pc: bigint, tags: readonly number[]): Promise<number> {
    const key = `${u.h.section}:${scope}:${tags.length}`;
    let kids = this.scopeKids.get(key);
    if (!kids) {
      kids = (async () => {
        // Ranges as 32-bit halves in one flat array (low/high read in place when they can be): these
        // lists are kept for every scope a run walks through.
        const out: ScopeKids = { offs: [], ends: [], r: [] };
        const q = this.rangeScratch;
        for (const off of childrenOf(u, scope, tags)) {
          const kind = pcRangeAt(u, off, q);
          if (kind === 1) {
            const [lH, lL, eH, eL] = q as [number, number, number, number];
            if (eH > lH || (eH === lH && eL > lL)) out.r.push(lH, lL, eH, eL);
          } else if (kind < 0) {
            const d = { unit: u, off };
            for (const [lo, hi] of this.rangesSync(d) ?? (await this.ranges(d)))
              out.r.push(Number(lo >> 32n), Number(lo & 0xffffffffn), Number(hi >> 32n), Number(hi & 0xffffffffn));
          }
          if (out.r.length > (out.ends[out.ends.length - 1] ?? 0)) {
            out.offs.push(off);
            out.ends.push(out.r.length);
          }
        }
        return out;
      })();
      this.scopeKids.set(key, kids);
    }
    const k = await kids;
    const pH = Number(pc >> 32n);
    const pL = Number(pc & 0xffffffffn);
    const r = k.r;
    let i = 0;
    for (let j = 0; j < k.offs.length; j++) {
      const end = k.ends[j] as number;
      for (; i < end; i += 4) {
        const lH = r[i] as number;
        const eH = r[i + 2] as number;
        if (
          (pH > lH || (pH === lH && pL >= (r[i + 1] as number))) &&
          (pH < eH || (pH === eH && pL < (r[i + 3] as number)))
        ) {
          return k.offs[j] as number;
        }
      }
    }
    return -1;
  }

  /**
   * The chain of DIEs whose code holds `pc`: the subprogram first, then each
   * `DW_TAG_inlined_subroutine` nested in it (lexical blocks are walked through, not returned).
   */
  async inlineChain(u: Unit, pc: bigint): Promise<number[]> {
    const scopes = await this.scopesAt(u, pc, true);
    return scopes.filter((off) => abbrevAt(u, off).tag !== K.DW_TAG_lexical_block);
  }

  /** Scopes holding `pc`, outermost first: the subprogram, inlined subroutines and lexical blocks. */
  async scopesAt(u: Unit, pc: bigint, nestedSubprograms = false): Promise<number[]> {
    const sp = await this.subprogramAt(u, pc);
    if (sp === undefined) return [];
    const scopes = [sp];
    const tags = nestedSubprograms ? SCOPE_TAGS_WITH_SUBPROGRAMS : SCOPE_TAGS;
    let scope = sp;
    for (let depth = 0; depth < 10_000; depth++) {
      const next = await this.childAt(u, scope, pc, tags);
      if (next < 0) break;
      scopes.push(next);
      scope = next;
    }
    return scopes;
  }

  /** Names of `.debug_info` DIEs already looked up (every frame of every query asks for one). */
  private readonly names = new Map<number, Promise<string | undefined>>();

  /** Walks abstract_origin / specification links (bounded) to find a DIE's name. */
  dieName(d: DieRef, preferLinkage = false): Promise<string | undefined> {
    if (preferLinkage || d.unit.h.section !== ".debug_info") return this.findName(d, preferLinkage);
    let p = this.names.get(d.off);
    if (!p) {
      p = this.findName(d, false);
      this.names.set(d.off, p);
    }
    return p;
  }

  private async findName(d: DieRef, preferLinkage: boolean): Promise<string | undefined> {
    let cur: DieRef | undefined = d;
    for (let hop = 0; cur && hop < 16; hop++) {
      let name: AttrValue | undefined;
      let linkage: AttrValue | undefined;
      let origin: AttrValue | undefined;
      let spec: AttrValue | undefined;
      for (const a of this.attrs(cur)) {
        if (a.at === K.DW_AT_name) name = a.value;
        else if (a.at === K.DW_AT_linkage_name || a.at === K.DW_AT_MIPS_linkage_name) linkage = a.value;
        else if (a.at === K.DW_AT_abstract_origin) origin = a.value;
        else if (a.at === K.DW_AT_specification) spec = a.value;
      }
      const first = preferLinkage ? (linkage ?? name) : (name ?? linkage);
      if (first) return this.string(cur.unit, first);
      const link = origin ?? spec;
      cur = link ? await this.deref(cur.unit, link) : undefined;
    }
    return undefined;
  }
}

const TWO32 = 0x100000000;

/**
 * Sorted `[lo, hi) → value` intervals; overlapping intervals are searched nearest-start first.
 * Addresses are held as 32-bit halves in plain number arrays (unboxed doubles), not as bigints: a
 * 10k-address run keeps a subprogram map per unit — close to a million ranges — and as bigints they
 * were millions of heap objects for every garbage collection to walk.
 */
export class AddressIndex {
  private loH: number[] = [];
  private loL: number[] = [];
  private hiH: number[] = [];
  private hiL: number[] = [];
  private val: number[] = [];
  /** An upper bound of the longest interval's length (see `find`). */
  private maxLen = 0;

  add(lo: bigint, hi: bigint, v: number): void {
    this.addHalves(Number(lo >> 32n), Number(lo & 0xffffffffn), Number(hi >> 32n), Number(hi & 0xffffffffn), v);
  }

  /** `[loH·2^32 + loL, hiH·2^32 + hiL)`; `hiH` may reach 2^32 (an end past the address space). */
  addHalves(loH: number, loL: number, hiH: number, hiL: number, v: number): void {
    this.loH.push(loH);
    this.loL.push(loL);
    this.hiH.push(hiH);
    this.hiL.push(hiL);
    this.val.push(v);
  }

  sort(): void {
    const n = this.loH.length;
    const loH = this.loH;
    const loL = this.loL;
    let order: number[];
    // Upper halves seen (a kernel's text and the zero addresses of discarded code: two).
    const highs: number[] = [];
    for (let i = 0; i < n && highs.length <= 32; i++)
      if (!highs.includes(loH[i] as number)) highs.push(loH[i] as number);
    if (n > 0 && n <= 2 ** 16 && highs.length <= 32) {
      // The rank of the upper half, the low half and the position in one exact number
      // (2^5 · 2^32 · 2^16 = 2^53), sorted natively — a comparator sort of the ~11,000 ranges of a
      // vmlinux's aranges was a tenth of a cold trace.
      highs.sort((a, b) => a - b);
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++)
        keys[i] = (highs.indexOf(loH[i] as number) * 2 ** 32 + (loL[i] as number)) * 2 ** 16 + i;
      keys.sort();
      order = new Array<number>(n);
      for (let i = 0; i < n; i++) order[i] = (keys[i] as number) % 2 ** 16;
    } else {
      order = loH.map((_, i) => i);
      order.sort((a, b) => (loH[a] as number) - (loH[b] as number) || (loL[a] as number) - (loL[b] as number) || a - b);
    }
    const pick = (x: number[]) => order.map((i) => x[i] as number);
    this.loH = pick(this.loH);
    this.loL = pick(this.loL);
    this.hiH = pick(this.hiH);
    this.hiL = pick(this.hiL);
    this.val = pick(this.val);
    let max = 0;
    for (let i = 0; i < n; i++) {
      const l =
        ((this.hiH[i] as number) - (this.loH[i] as number)) * TWO32 +
        ((this.hiL[i] as number) - (this.loL[i] as number));
      if (l > max) max = l;
    }
    // Lengths past 2^53 are rounded as doubles: the margin keeps this an upper bound.
    this.maxLen = max * (1 + 2 ** -40) + 2;
  }

  get size(): number {
    return this.loH.length;
  }

  find(pc: bigint): number | undefined {
    const pH = Number(pc >> 32n);
    const pL = Number(pc & 0xffffffffn);
    const loH = this.loH;
    const loL = this.loL;
    let a = 0;
    let b = loH.length - 1;
    let k = -1;
    while (a <= b) {
      const m = (a + b) >>> 1;
      const h = loH[m] as number;
      if (h < pH || (h === pH && (loL[m] as number) <= pL)) {
        k = m;
        a = m + 1;
      } else b = m - 1;
    }
    // The innermost (latest-starting) interval holding pc wins; stop once no earlier one can reach it.
    for (let i = k; i >= 0; i--) {
      const eH = this.hiH[i] as number;
      if (pH < eH || (pH === eH && pL < (this.hiL[i] as number))) return this.val[i];
      if ((pH - (loH[i] as number)) * TWO32 + (pL - (loL[i] as number)) >= this.maxLen) break;
    }
    return undefined;
  }
}

export class SubprogramMap extends AddressIndex {}

/**
 * The pre-DWARF-5 list protocol shared by `.debug_ranges` (DWARF 4 §2.17.3) and `.debug_loc`
 * (§2.6.2): address pairs relative to the base address; a pair whose first address is the largest
 * address sets the base to its second; (0, 0) ends the list. `entry` reads whatever follows a pair.
 * At most a million entries, so a list without its end marker in a hostile file still stops.
 */
function pairList(
  c: Cursor,
  addrSize: number,
  maxAddr: bigint,
  base: bigint,
  entry: (lo: bigint, hi: bigint) => void,
): void {
  for (let n = 0; n < 1_000_000; n++) {
    const a = c.uN(addrSize);
    const b = c.uN(addrSize);
    if (a === 0n && b === 0n) return;
    if (a === maxAddr) {
      base = b;
      continue;
    }
    entry(base + a, base + b);
  }
}
