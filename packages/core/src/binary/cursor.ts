/**
 * The one bounds-checked reader every binary format (ELF, DWARF, compressed streams) goes through.
 * It turns a `Uint8Array` plus a byte order into fixed-width integers, LEB128 numbers and C strings,
 * and every failed read throws an `OopsError` naming the absolute offset of the bad value
 * (`base` + position), so a hostile file yields "truncated at offset 0x1234", never a crash.
 */

import { OopsError } from "../errors.js";

export class Cursor {
  /** Current position, relative to the start of `bytes`. */
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    /** Absolute offset of `bytes[0]` in the containing file, for error messages. */
    readonly base = 0,
    start = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get length(): number {
    return this.bytes.length;
  }
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Throws unless `n` more bytes are available at the current position. */
  need(n: number, what = "value"): void {
    if (n < 0 || this.pos < 0 || this.pos + n > this.bytes.length) {
      throw new OopsError(
        "E_TRUNCATED",
        `${what} needs ${n} bytes, ${Math.max(0, this.remaining)} left`,
        this.base + this.pos,
      );
    }
  }

  seek(pos: number): this {
    if (pos < 0 || pos > this.bytes.length)
      throw new OopsError("E_TRUNCATED", `seek to ${pos} of ${this.bytes.length}`, this.base + pos);
    this.pos = pos;
    return this;
  }

  skip(n: number): this {
    this.need(n, "skip");
    this.pos += n;
    return this;
  }

  u8(): number {
    this.need(1, "u8");
    return this.view.getUint8(this.pos++);
  }
  i8(): number {
    this.need(1, "i8");
    return this.view.getInt8(this.pos++);
  }
  u16(): number {
    this.need(2, "u16");
    const v = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }
  i16(): number {
    this.need(2, "i16");
    const v = this.view.getInt16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4, "u32");
    const v = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4, "i32");
    const v = this.view.getInt32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8, "u64");
    const v = this.view.getBigUint64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    this.need(8, "i64");
    const v = this.view.getBigInt64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }
  /** Unsigned integer of 1, 2, 4 or 8 bytes, as bigint. */
  uN(size: number): bigint {
    switch (size) {
      case 1:
        return BigInt(this.u8());
      case 2:
        return BigInt(this.u16());
      case 4:
        return BigInt(this.u32());
      case 8:
        return this.u64();
      default:
        throw new OopsError("E_BAD_VALUE", `integer size ${size}`, this.base + this.pos);
    }
  }
  /** A 64-bit value that must fit a JS number (an offset or a size); throws otherwise. */
  u64n(what = "offset"): number {
    const at = this.pos;
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new OopsError("E_BAD_VALUE", `${what} 0x${v.toString(16)} is too large`, this.base + at);
    return Number(v);
  }

  /** Unsigned LEB128 (DWARF 5 §7.6), at most 64 bits. */
  uleb(): bigint {
    const at = this.pos;
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8();
      if (shift >= 64n && (b & 0x7f) !== 0) throw new OopsError("E_LEB128_OVERFLOW", undefined, this.base + at);
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
    }
    return BigInt.asUintN(64, result);
  }
  /** Unsigned LEB128 that must fit a JS number. */
  ulebn(what = "value"): number {
    const at = this.pos;
    const v = this.uleb();
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new OopsError("E_BAD_VALUE", `${what} 0x${v.toString(16)} is too large`, this.base + at);
    return Number(v);
  }
  /** Signed LEB128 (DWARF 5 §7.6), at most 64 bits. */
  sleb(): bigint {
    const at = this.pos;
    let result = 0n;
    let shift = 0n;
    let b = 0;
    do {
      b = this.u8();
      if (shift >= 70n) throw new OopsError("E_LEB128_OVERFLOW", undefined, this.base + at);
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (shift < 64n && b & 0x40) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }

  /** NUL-terminated string (UTF-8). */
  cstr(): string {
    const start = this.pos;
    const end = this.bytes.indexOf(0, start);
    if (end < 0) throw new OopsError("E_UNTERMINATED_STRING", undefined, this.base + start);
    this.pos = end + 1;
    return utf8.decode(this.bytes.subarray(start, end));
  }

  /** `n` raw bytes, as a view (no copy). */
  slice(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const s = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** C string at `offset` in a string table; throws with the absolute offset when out of range. */
export function cstrAt(table: Uint8Array, offset: number, base = 0): string {
  if (offset < 0 || offset >= table.length)
    throw new OopsError("E_TRUNCATED", `string offset ${offset} outside table of ${table.length}`, base + offset);
  return new Cursor(table, true, base, offset).cstr();
}
