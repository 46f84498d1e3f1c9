/**
 * Turns one named debug section into bytes the synchronous parsers can walk: a small section is
 * fetched whole once; a large one (a vmlinux's `.debug_loclists` or `.debug_str` runs to tens of MB)
 * is fetched by range, a window at a time, so only the parts a query touches are ever in memory.
 * `at(offset, parse)` runs a parser over a window starting at `offset` and, when the parser runs off
 * the window's end (`E_TRUNCATED`), retries with a window twice as large, up to the section's end.
 */

import { Cursor } from "../binary/cursor.js";
import { OopsError } from "../errors.js";
import type { DebugSections } from "./sections.js";

/** Sections up to this size are read whole; larger ones by range. */
const WHOLE_LIMIT = 8 * 1024 * 1024;
const FIRST_WINDOW = 512;
/** Windows of a large section kept for a retry at the same offset. */
const KEPT_WINDOWS = 8;
/** Largest expected block size taken on trust for one read (a wrong guess costs an over-read). */
const EXPECTED_LIMIT = 8 * 1024 * 1024;

export class SectionWindow {
  readonly size: number;
  private whole: Promise<Uint8Array | undefined> | undefined;
  /**
   * The last few windows of a large section, by start offset (a parser that ran off one retries at the
   * same offset). Bounded: every caller caches what it parsed, and keeping each window (a 16 KiB
   * abbreviation window per unit) held 35 MB in a 10k-address run — fresh pages, whose first touch
   * costs more than the read on a VM.
   */
  private readonly windows = new Map<number, Uint8Array>();

  /** Reads left before a section small enough to read whole is read whole (see `sparseReads`). */
  private sparseLeft: number;

  constructor(
    private readonly sections: DebugSections,
    readonly name: string,
    /** Read whole when no larger than this (per section: a vmlinux's abbreviations are 5 MB, of which
     * a query needs a few KB per unit). */
    private readonly wholeLimit = WHOLE_LIMIT,
    /**
     * For sections read at scattered places (strings, range lists): the first this many `at` calls
     * read just their window, straight from the file; only then is the section read whole. A 40-frame
     * trace makes a few hundred such reads of a vmlinux's 3.5 MB `.debug_str` and `.debug_rnglists`,
     * where reading both whole was 7 MB of fresh memory; a 10k run reads them whole after these.
     */
    sparseReads = 0,
  ) {
    this.size = sections.sectionSize(name) ?? 0;
    this.sparseLeft = sparseReads;
  }

  get present(): boolean {
    return this.sections.sectionSize(this.name) !== undefined;
  }

  /** The whole section, fetched once (callers use it for sections they must walk end to end). */
  async all(): Promise<Uint8Array> {
    if (!this.whole) this.whole = this.sections.section(this.name);
    const b = await this.whole;
    if (!b) throw new OopsError("E_DWARF_MISSING", `no ${this.name} section`);
    return b;
  }

  /** `length` bytes at `offset` (clamped at the section's end), as a copy-free view when possible. */
  async range(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || offset > this.size)
      throw new OopsError("E_TRUNCATED", `${this.name} offset 0x${offset.toString(16)} past its end`, offset);
    if (this.size <= this.wholeLimit) {
      const b = await this.all();
      return b.subarray(offset, Math.min(b.length, offset + length));
    }
    return this.sections.sectionRange(this.name, offset, Math.min(length, this.size - offset));
  }

  /**
   * Run `parse` over a cursor positioned at section offset `offset`; the cursor's `base` is `offset`,
   * so errors name section offsets. Grows the window on truncation.
   */
  async at<T>(offset: number, parse: (c: Cursor) => T, firstWindow = FIRST_WINDOW, direct = false): Promise<T> {
    if (!this.present) throw new OopsError("E_DWARF_MISSING", `no ${this.name} section`);
    if (offset < 0 || offset >= this.size)
      throw new OopsError("E_TRUNCATED", `${this.name} offset 0x${offset.toString(16)} past its end`, offset);
    if (this.size <= this.wholeLimit && (this.whole !== undefined || this.sparseLeft <= 0)) {
      const b = await this.all();
      return parse(new Cursor(b, this.sections.littleEndian, 0, offset));
    }
    if (this.size <= this.wholeLimit) {
      this.sparseLeft--;
      for (let len = firstWindow; ; len *= 4) {
        const want = Math.min(len, this.size - offset);
        const bytes = await this.sections.sectionRange(this.name, offset, want, true);
        try {
          return parse(new Cursor(bytes, this.sections.littleEndian, offset, 0));
        } catch (e) {
          if (!(e instanceof OopsError) || e.code !== "E_TRUNCATED" || want >= this.size - offset) throw e;
        }
      }
    }
    let len = firstWindow;
    for (;;) {
      const want = Math.min(len, this.size - offset);
      let bytes = this.windows.get(offset);
      if (!bytes || bytes.length < want) {
        bytes = await this.sections.sectionRange(this.name, offset, want, direct);
        this.windows.delete(offset);
        this.windows.set(offset, bytes);
        if (this.windows.size > KEPT_WINDOWS) this.windows.delete(this.windows.keys().next().value as number);
      }
      try {
        return parse(new Cursor(bytes, this.sections.littleEndian, offset, 0));
      } catch (e) {
        if (!(e instanceof OopsError) || e.code !== "E_TRUNCATED" || want >= this.size - offset) throw e;
        len *= 4;
      }
    }
  }

  /**
   * A length-prefixed block (a unit, a line program) at `offset`, in one read when it fits in `guess`
   * bytes: `sizeOf` reads the total size from the start of the block.
   */
  async sized(offset: number, guess: number, sizeOf: (c: Cursor) => number, expected?: number): Promise<Uint8Array> {
    if (this.size > this.wholeLimit) {
      // The caller knows where the next block starts (a unit's neighbour from .debug_aranges): one
      // read of exactly that, checked against the block's own length, instead of a block-cache read
      // for the length and a second read for the block (a third of the bytes a 10k run read).
      if (expected !== undefined && expected >= 12 && expected <= EXPECTED_LIMIT && offset + expected <= this.size) {
        const b = await this.sections.sectionRange(this.name, offset, expected, true);
        const total = sizeOf(new Cursor(b, this.sections.littleEndian, offset));
        if (total === b.length) return b;
        if (total < b.length) return b.slice(0, total);
      }
      // A large section: the length first (12 bytes), then exactly the block in one read — no
      // over-read of the guess, no copy out of it, no second read for the tail. Both straight from the
      // file: a block is read once and kept by its caller, and through the block cache a small one
      // (most line programs) was 16–32 KiB of fresh blocks plus a copy.
      if (offset < 0 || offset > this.size)
        throw new OopsError("E_TRUNCATED", `${this.name} offset 0x${offset.toString(16)} past its end`, offset);
      const head = await this.sections.sectionRange(this.name, offset, Math.min(12, this.size - offset), true);
      const total = sizeOf(new Cursor(head, this.sections.littleEndian, offset));
      if (offset + total > this.size)
        throw new OopsError("E_TRUNCATED", `${this.name} block of ${total} bytes runs past the section`, offset);
      return this.sections.sectionRange(this.name, offset, total, true);
    }
    const first = await this.range(offset, guess);
    const total = sizeOf(new Cursor(first, this.sections.littleEndian, offset));
    // A small block is copied out, so that a cached unit does not keep the whole guess alive.
    if (total <= first.length)
      return total < first.length >> 1 && this.size > this.wholeLimit
        ? first.slice(0, total)
        : first.subarray(0, total);
    if (offset + total > this.size)
      throw new OopsError("E_TRUNCATED", `${this.name} block of ${total} bytes runs past the section`, offset);
    if (this.size <= this.wholeLimit) return this.range(offset, total);
    // Only the part the first read missed: re-reading the guess would double the I/O of a large unit.
    const rest = await this.range(offset + first.length, total - first.length);
    const out = new Uint8Array(first.length + rest.length);
    out.set(first, 0);
    out.set(rest, first.length);
    return out;
  }

  /** NUL-terminated string at `offset` (for `.debug_str` / `.debug_line_str`). */
  cstr(offset: number): Promise<string> {
    return this.at(
      offset,
      (c) => {
        // No NUL inside this window yet: ask for a larger one rather than failing.
        if (c.bytes.indexOf(0, c.pos) < 0) c.need(c.remaining + 1, "string");
        return c.cstr();
      },
      128,
    );
  }
}
