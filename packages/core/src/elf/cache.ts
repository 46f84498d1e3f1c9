/**
 * A bounded block cache in front of a `ByteSource`: turns many small reads at scattered offsets (ELF
 * headers, symbol entries, one DWARF unit after another) into a few aligned block reads, keeping at
 * most `maxBlocks` blocks in memory (least recently used evicted first). Reads larger than a block
 * go straight to the source, uncached, so a big section range never floods the cache; a 600 MB
 * vmlinux is therefore never held in memory whole.
 */

import type { ByteSource } from "../binary/source.js";

export interface BlockCacheOptions {
  /** Block size in bytes (a power of two); default 16 KiB (a vmlinux unit's abbreviations or line
   * program is a few KB: larger blocks multiplied the bytes a cold trace read). */
  blockSize?: number;
  /** Most blocks kept; default 256 (4 MiB with the default block size). */
  maxBlocks?: number;
}

export class BlockCache implements ByteSource {
  readonly size: number;
  private readonly blockSize: number;
  private readonly maxBlocks: number;
  /** Insertion order of a Map is its recency order: re-inserted on every hit. */
  private readonly blocks = new Map<number, Promise<Uint8Array>>();

  constructor(
    private readonly source: ByteSource,
    opts: BlockCacheOptions = {},
  ) {
    this.size = source.size;
    this.blockSize = opts.blockSize ?? 16 * 1024;
    this.maxBlocks = Math.max(2, opts.maxBlocks ?? 256);
  }

  private block(index: number): Promise<Uint8Array> {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    const p = this.source.read(index * this.blockSize, this.blockSize);
    this.blocks.set(index, p);
    // A failed read must not stay cached.
    p.catch(() => this.blocks.delete(index));
    while (this.blocks.size > this.maxBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
    return p;
  }

  /**
   * `length` bytes at `offset` straight from the source, neither taken from nor kept in the cache: for
   * a few bytes at a scattered place (a string, a range list), where a block would be 16 KiB of fresh
   * memory for tens of bytes.
   */
  readDirect(offset: number, length: number): Promise<Uint8Array> {
    const start = Math.max(0, Math.min(offset, this.size));
    const end = Math.max(start, Math.min(offset + Math.max(0, length), this.size));
    return end === start ? Promise.resolve(new Uint8Array(0)) : this.source.read(start, end - start);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const start = Math.max(0, Math.min(offset, this.size));
    const end = Math.max(start, Math.min(offset + Math.max(0, length), this.size));
    if (end === start) return new Uint8Array(0);
    if (end - start > this.blockSize) return this.source.read(start, end - start);
    const first = Math.floor(start / this.blockSize);
    const last = Math.floor((end - 1) / this.blockSize);
    if (first === last) {
      const b = await this.block(first);
      const from = start - first * this.blockSize;
      return b.subarray(from, Math.min(b.length, from + (end - start)));
    }
    const out = new Uint8Array(end - start);
    let filled = 0;
    for (let i = first; i <= last; i++) {
      const b = await this.block(i);
      const blockStart = i * this.blockSize;
      const from = Math.max(start, blockStart) - blockStart;
      const to = Math.min(end, blockStart + b.length) - blockStart;
      if (to <= from) break;
      out.set(b.subarray(from, to), filled);
      filled += to - from;
    }
    return filled === out.length ? out : out.subarray(0, filled);
  }
}
