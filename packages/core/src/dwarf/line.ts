/**
 * Turns one line-number program (DWARF 2–5, §6.2) into a flat, searchable table: sequences sorted by
 * start address, and per row an address offset from its sequence's start, file index, line and
 * column, held in parallel arrays. File names are resolved afterwards (they may live in
 * `.debug_line_str`), and joined with their include directory and the unit's `DW_AT_comp_dir` the way
 * llvm-symbolizer prints them.
 */

import type { Cursor } from "../binary/cursor.js";
import { OopsError } from "../errors.js";
import * as K from "./constants.js";
import { type AttrValue, type FormContext, readForm, skipForm, slebNum, ulebNum } from "./unit.js";

/** A file or directory name as the header encodes it: a string, or a reference into a string section. */
export type NameRef = AttrValue;

export interface LineFileEntry {
  readonly name: NameRef;
  readonly dir: number;
}

export interface LineProgramHeader {
  readonly offset: number;
  readonly version: number;
  readonly offsetSize: 4 | 8;
  readonly addressSize: number;
  readonly minInstLength: number;
  readonly maxOpsPerInst: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  readonly standardLengths: number[];
  readonly dirs: NameRef[];
  /** Indexed exactly as `DW_LNS_set_file` / `DW_AT_decl_file` count: from 1 before DWARF 5, from 0 in 5. */
  readonly files: (LineFileEntry | undefined)[];
}

/** The rows of one line program, flat. */
export class LineTable {
  readonly seqStart: bigint[] = [];
  readonly seqEnd: bigint[] = [];
  /** Row range of each sequence: `seqFirst[i] .. seqLast[i]-1`; the end_sequence row is not stored. */
  readonly seqFirst: number[] = [];
  readonly seqLast: number[] = [];
  /** Per row: address offset from its sequence start, file index, line, column. */
  rowDelta: Uint32Array | number[] = [];
  rowFile: Uint32Array | number[] = [];
  rowLine: Uint32Array | number[] = [];
  rowColumn: Uint32Array | number[] = [];
  /** Joined file paths by file index, filled on demand by the reader. */
  readonly paths = new Map<number, string | undefined>();
  /** Sequence order by start address. */
  private order: number[] = [];

  constructor(readonly header: LineProgramHeader) {}

  finish(): void {
    this.order = this.seqStart
      .map((_, i) => i)
      .filter((i) => (this.seqEnd[i] as bigint) > (this.seqStart[i] as bigint));
    this.order.sort((a, b) => {
      const d = (this.seqStart[a] as bigint) - (this.seqStart[b] as bigint);
      return d < 0n ? -1 : d > 0n ? 1 : a - b;
    });
  }

  /** Row index whose address range holds `pc`, or -1 (the last row at or below `pc` in its sequence). */
  lookup(pc: bigint): number {
    const o = this.order;
    let lo = 0;
    let hi = o.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.seqStart[o[mid] as number] as bigint) <= pc) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Sequences may overlap (stripped or discarded code left at address 0): the nearest one that
    // actually holds `pc` wins.
    for (let k = found; k >= 0 && k > found - 64; k--) {
      const s = o[k] as number;
      if (pc >= (this.seqEnd[s] as bigint)) continue;
      const delta = Number(pc - (this.seqStart[s] as bigint));
      let a = this.seqFirst[s] as number;
      let b = (this.seqLast[s] as number) - 1;
      let row = -1;
      while (a <= b) {
        const m = (a + b) >>> 1;
        if ((this.rowDelta[m] as number) <= delta) {
          row = m;
          a = m + 1;
        } else b = m - 1;
      }
      if (row >= 0) return row;
    }
    return -1;
  }
}

/** Reads the line program header at the cursor (§6.2.4). */
export function readLineHeader(c: Cursor, defaultAddressSize: number): { header: LineProgramHeader; end: number } {
  const offset = c.base + c.pos;
  let len = c.u32();
  let offsetSize: 4 | 8 = 4;
  if (len === 0xffffffff) {
    offsetSize = 8;
    len = c.u64n("line program length");
  } else if (len >= 0xfffffff0) throw new OopsError("E_DWARF_LINE", "reserved unit length", offset);
  const end = c.pos + len;
  const version = c.u16();
  if (version < 2 || version > 5) throw new OopsError("E_DWARF_VERSION", `line program version ${version}`, offset);
  let addressSize = defaultAddressSize;
  if (version >= 5) {
    addressSize = c.u8();
    const segSel = c.u8();
    if (segSel !== 0) throw new OopsError("E_DWARF_LINE", `segment selector size ${segSel}`, offset);
  }
  const headerLength = offsetSize === 8 ? c.u64n() : c.u32();
  const programStart = c.pos + headerLength;
  const minInstLength = c.u8();
  const maxOpsPerInst = version >= 4 ? c.u8() : 1;
  const defaultIsStmt = c.u8() !== 0;
  const lineBase = c.i8();
  const lineRange = c.u8();
  const opcodeBase = c.u8();
  if (lineRange === 0) throw new OopsError("E_DWARF_LINE", "line_range is 0", offset);
  const standardLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardLengths.push(c.u8());
  const dirs: NameRef[] = [];
  const files: (LineFileEntry | undefined)[] = [];
  if (version >= 5) {
    const fc: FormContext = { version, offsetSize, addressSize };
    // §6.2.4.1: directory and file tables described by (content type, form) pairs. Each entry's path
    // and directory index are read as they come (a kernel unit lists hundreds of files).
    const readEntries = (what: string, entry: (path: AttrValue | undefined, dir: AttrValue | undefined) => void) => {
      const nfmt = c.u8();
      const cts: number[] = [];
      const forms: number[] = [];
      for (let i = 0; i < nfmt; i++) {
        cts.push(ulebNum(c));
        forms.push(ulebNum(c));
      }
      const n = ulebNum(c);
      if (n > c.remaining) throw new OopsError("E_DWARF_LINE", `${n} ${what} entries`, offset);
      for (let i = 0; i < n; i++) {
        let path: AttrValue | undefined;
        let dir: AttrValue | undefined;
        for (let k = 0; k < nfmt; k++) {
          const ct = cts[k] as number;
          const form = forms[k] as number;
          if (ct === K.DW_LNCT_path) path = readForm(c, form, fc, 0);
          else if (ct === K.DW_LNCT_directory_index) dir = readForm(c, form, fc, 0);
          else skipForm(c, form, fc); // timestamp, size, MD5 (data16): not needed to name a file
        }
        entry(path, dir);
      }
    };
    readEntries("directory", (path) => dirs.push(path ?? { k: "str", v: "" }));
    readEntries("file", (path, di) =>
      files.push({ name: path ?? { k: "str", v: "" }, dir: di && di.k === "const" ? Number(di.v) : 0 }),
    );
  } else {
    for (;;) {
      const s = c.cstr();
      if (s === "") break;
      dirs.push({ k: "str", v: s });
    }
    files.push(undefined); // file numbers start at 1
    for (;;) {
      const s = c.cstr();
      if (s === "") break;
      const dir = ulebNum(c);
      ulebNum(c); // mtime
      ulebNum(c); // length
      files.push({ name: { k: "str", v: s }, dir });
    }
  }
  if (programStart > end) throw new OopsError("E_DWARF_LINE", "header runs past the program", offset);
  c.seek(programStart);
  return {
    header: {
      offset,
      version,
      offsetSize,
      addressSize,
      minInstLength,
      maxOpsPerInst: Math.max(1, maxOpsPerInst),
      defaultIsStmt,
      lineBase,
      lineRange,
      opcodeBase,
      standardLengths,
      dirs,
      files,
    },
    end,
  };
}

/** The files of a line program with the paths joined so far (a `LineTable` is one). */
export interface LineFiles {
  readonly header: LineProgramHeader;
  readonly paths: Map<number, string | undefined>;
}

/** The row of one pc found by `scanLineProgram`, or `row: false` when no sequence holds it. */
export interface LineRowAt extends LineFiles {
  readonly row: boolean;
  readonly file: number;
  readonly line: number;
  readonly column: number;
}

/** Runs the line-number state machine (§6.2.2, §6.2.5) over the program that follows the header. */
export function readLineProgram(c: Cursor, defaultAddressSize: number): LineTable {
  return runLineProgram(c, defaultAddressSize, undefined) as LineTable;
}

/**
 * The row `LineTable.lookup(pc)` would give, found by running the program once without storing its
 * rows: a unit's first query (a cold trace touches most units once) needs one row, not the table.
 */
export function scanLineProgram(c: Cursor, defaultAddressSize: number, pc: bigint): LineRowAt {
  return runLineProgram(c, defaultAddressSize, pc) as LineRowAt;
}

/** Row columns being written by `runLineProgram` (one program at a time: it never awaits). */
let scratch = {
  rd: new Uint32Array(4096),
  rf: new Uint32Array(4096),
  rl: new Uint32Array(4096),
  rc: new Uint32Array(4096),
};

/** Sequences `LineTable.lookup` looks back over from the last one starting at or below the pc. */
const LOOKBACK = 64;

function runLineProgram(c: Cursor, defaultAddressSize: number, pc: bigint | undefined): LineTable | LineRowAt {
  const { header: h, end } = readLineHeader(c, defaultAddressSize);
  if (end > c.length) c.need(end - c.pos, "line program");
  const t = new LineTable(h);
  const scan = pc !== undefined;
  // Scan mode: per sequence, the last row at or below the pc (rows of a sequence rise in address, so
  // that is the row the table's binary search finds); the best sequence is chosen at the end.
  let target = -1;
  let hasRow = false;
  let cFile = 0;
  let cLine = 0;
  let cColumn = 0;
  let best = -1;
  let bestFile = 0;
  let bestLine = 0;
  let bestColumn = 0;
  const setTarget = () => {
    if (pc === undefined) return;
    target = pc >= seqStart ? Number(pc - seqStart) : -1;
    hasRow = false;
  };
  // Rows are written in place into four typed arrays (no per-row call or object: tens of thousands
  // per unit): shared scratch arrays, grown as needed and reused by every program, from which the
  // table takes one exact-size copy at the end — fresh memory is what costs (its first touch), so only
  // what the table keeps is ever fresh.
  let rd = scratch.rd;
  let rf = scratch.rf;
  let rl = scratch.rl;
  let rc = scratch.rc;
  let cap = rd.length;
  let n = 0;
  const grow = () => {
    cap *= 2;
    const g = (x: Uint32Array) => {
      const y = new Uint32Array(cap);
      y.set(x);
      return y;
    };
    rd = g(rd);
    rf = g(rf);
    rl = g(rl);
    rc = g(rc);
    scratch = { rd, rf, rl, rc };
  };
  // The address is kept as a bigint sequence start plus a plain-number offset, so that rows (tens of
  // thousands per kernel unit) cost no bigint arithmetic.
  let seqStart = 0n;
  let delta = 0;
  let opIndex = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let first = 0;
  const reset = () => {
    seqStart = 0n;
    delta = 0;
    opIndex = 0;
    file = 1;
    line = 1;
    column = 0;
    first = n;
    setTarget();
  };
  const emit = () => {
    if (scan) {
      if (delta <= target) {
        hasRow = true;
        cFile = file;
        cLine = line;
        cColumn = column;
      }
      n++;
      return;
    }
    if (n === cap) grow();
    rd[n] = delta;
    rf[n] = file;
    rl[n] = line;
    rc[n] = column;
    n++;
  };
  const endSequence = () => {
    const seqEnd = (seqStart + BigInt(delta)) & mask;
    t.seqStart.push(seqStart);
    t.seqEnd.push(seqEnd);
    t.seqFirst.push(first);
    t.seqLast.push(n);
    // A sequence holding the pc with a row at or below it: the latest-starting one wins (the table
    // sorts by start, then by position, and looks from the last start at or below the pc down).
    if (scan && hasRow && pc < seqEnd) {
      const i = t.seqStart.length - 1;
      const bs = best < 0 ? -1n : (t.seqStart[best] as bigint);
      if (best < 0 || seqStart >= bs) {
        best = i;
        bestFile = cFile;
        bestLine = cLine;
        bestColumn = cColumn;
      }
    }
  };
  // §6.2.5.1: address advance in VLIW terms; with max_ops_per_instruction 1 this is plain bytes.
  const minInst = h.minInstLength;
  const maxOps = h.maxOpsPerInst;
  const advance = (opAdvance: number) => {
    if (maxOps === 1) {
      delta += minInst * opAdvance;
    } else {
      const total = opIndex + opAdvance;
      delta += minInst * Math.floor(total / maxOps);
      opIndex = total % maxOps;
    }
  };
  const mask = h.addressSize === 8 ? 0xffffffffffffffffn : (1n << BigInt(h.addressSize * 8)) - 1n;
  reset();
  // Special opcodes (most of a program) are decoded straight from the bytes with the header's
  // parameters in locals; the others go through the cursor. `end` lies inside the bytes (checked above).
  const bytes = c.bytes;
  const opBase = h.opcodeBase;
  const lineRange = h.lineRange;
  const lineBase = h.lineBase;
  while (c.pos < end) {
    const op = bytes[c.pos] as number;
    c.pos++;
    if (op >= opBase) {
      // Special opcode (§6.2.5.1).
      const adj = op - opBase;
      const opAdvance = (adj / lineRange) | 0;
      if (maxOps === 1) delta += minInst * opAdvance;
      else advance(opAdvance);
      line += lineBase + (adj - opAdvance * lineRange);
      emit();
    } else if (op === 0) {
      const len = ulebNum(c);
      const next = c.pos + len;
      if (len === 0 || next > end) throw new OopsError("E_DWARF_LINE", "bad extended opcode length", c.base + c.pos);
      const sub = c.u8();
      if (sub === K.DW_LNE_end_sequence) {
        endSequence();
        reset();
      } else if (sub === K.DW_LNE_set_address) {
        const a = c.uN(len - 1 === 8 ? 8 : len - 1 === 4 ? 4 : len - 1 === 2 ? 2 : h.addressSize);
        const here = seqStart + BigInt(delta);
        if (n === first) {
          // No row yet in this sequence: it starts here.
          seqStart = a;
          delta = 0;
          setTarget();
        } else if (a >= here && a - seqStart <= BigInt(Number.MAX_SAFE_INTEGER)) {
          delta = Number(a - seqStart);
        } else {
          // A jump backwards inside a sequence is malformed; close the sequence and start another
          // rather than storing a negative offset.
          endSequence();
          seqStart = a;
          delta = 0;
          first = n;
          setTarget();
        }
        opIndex = 0;
      } else if (sub === K.DW_LNE_define_file) {
        const name = c.cstr();
        const dir = ulebNum(c);
        (h.files as (LineFileEntry | undefined)[]).push({ name: { k: "str", v: name }, dir });
      }
      // DW_LNE_set_discriminator and vendor opcodes: skipped by their length.
      c.seek(next);
    } else {
      switch (op) {
        case K.DW_LNS_copy:
          emit();
          break;
        case K.DW_LNS_advance_pc:
          advance(ulebNum(c));
          break;
        case K.DW_LNS_advance_line:
          line += slebNum(c);
          break;
        case K.DW_LNS_set_file:
          file = ulebNum(c);
          break;
        case K.DW_LNS_set_column:
          column = ulebNum(c);
          break;
        case K.DW_LNS_const_add_pc:
          advance(Math.floor((255 - h.opcodeBase) / h.lineRange));
          break;
        case K.DW_LNS_fixed_advance_pc:
          delta += c.u16();
          opIndex = 0;
          break;
        case K.DW_LNS_negate_stmt:
        case K.DW_LNS_set_basic_block:
        case K.DW_LNS_set_prologue_end:
        case K.DW_LNS_set_epilogue_begin:
          break;
        default: {
          // set_isa and unknown standard opcodes: skip their ULEB operands, as many as the header says.
          const n = h.standardLengths[op - 1] ?? 0;
          for (let i = 0; i < n; i++) ulebNum(c);
        }
      }
    }
  }
  if (scan) {
    // The table would look back at most LOOKBACK sequences from the last one starting at or below the
    // pc (by start, then position); a winner further back than that is not what it finds.
    let row = best >= 0;
    if (row) {
      const bs = t.seqStart[best] as bigint;
      let below = 0;
      let before = 0;
      for (let i = 0; i < t.seqStart.length; i++) {
        const st = t.seqStart[i] as bigint;
        if ((t.seqEnd[i] as bigint) <= st) continue;
        if (st <= (pc as bigint)) below++;
        if (st < bs || (st === bs && i < best)) before++;
      }
      row = before > below - 1 - LOOKBACK;
    }
    return { header: h, paths: t.paths, row, file: bestFile, line: bestLine, column: bestColumn };
  }
  // One allocation for the four columns.
  const rows = new Uint32Array(4 * n);
  const col = (x: Uint32Array, k: number) => {
    const v = rows.subarray(k * n, (k + 1) * n);
    v.set(x.subarray(0, n));
    return v;
  };
  t.rowDelta = col(rd, 0);
  t.rowFile = col(rf, 1);
  t.rowLine = col(rl, 2);
  t.rowColumn = col(rc, 3);
  t.finish();
  return t;
}

function isAbsolute(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith("\\");
}

/** Joins path parts with `/`, skipping empty parts and not doubling a separator. */
function join(parts: string[]): string {
  let out = "";
  for (const p of parts) {
    if (p === "") continue;
    if (out === "" || out.endsWith("/")) out += p;
    else if (p.startsWith("/")) out += p;
    else out += `/${p}`;
  }
  return out;
}

/**
 * The path of file `index` as llvm-symbolizer prints it: an absolute name as is; otherwise its include
 * directory (DWARF 5: directory 0 is the compilation directory itself; before 5, directory numbers
 * count from 1 and 0 means "the compilation directory"), prefixed by `comp_dir` unless that directory
 * is already absolute or is DWARF 5's directory 0.
 */
export function joinFilePath(
  version: number,
  name: string,
  dirIndex: number,
  dirs: readonly string[],
  compDir: string | undefined,
): string {
  if (isAbsolute(name)) return name;
  let incl = "";
  if (version >= 5) incl = dirs[dirIndex] ?? "";
  else if (dirIndex > 0) incl = dirs[dirIndex - 1] ?? "";
  const parts: string[] = [];
  if ((version < 5 || dirIndex !== 0) && compDir && !isAbsolute(incl)) parts.push(compDir);
  parts.push(incl, name);
  return join(parts);
}
