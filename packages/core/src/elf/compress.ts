/**
 * Compressed bytes in, plain bytes out: the two ways an ELF section can be compressed and the three
 * ways a kernel module file can be. Sections: `SHF_COMPRESSED` with an `Elf32_Chdr`/`Elf64_Chdr`
 * header (gABI, "Compressed sections": ELFCOMPRESS_ZLIB, ELFCOMPRESS_ZSTD) and the older GNU
 * `.zdebug_*` form ("ZLIB" + the uncompressed size as 8 bytes big-endian, then a zlib stream).
 * Modules: `.ko.xz`, `.ko.zst`, `.ko.gz`, recognised by their magic bytes, never by name.
 *
 * Every decompressed size is checked against a ceiling before anything is allocated for it, and the
 * output is checked against the size the header promised, so a hostile header cannot make us
 * allocate gigabytes or hand back a short section.
 *
 * The decoders (fflate, fzstd, xz-decompress) are imported on first use: a plain vmlinux never
 * needs them, and loading them costs a cold `symbolize` run more than its first lookup.
 */

import { Cursor } from "../binary/cursor.js";
import { type ByteSource, bytesSource } from "../binary/source.js";
import { OopsError } from "../errors.js";
import { ELFCOMPRESS_ZLIB, ELFCOMPRESS_ZSTD } from "./constants.js";
import { huffmanWeightsEnd } from "./zstd-huffman.js";

export type SectionCompression = "zlib" | "zstd" | "zdebug";

/** What a compressed section's header says. */
export interface CompressionHeader {
  kind: SectionCompression;
  /** Uncompressed size promised by the header. */
  size: number;
  /** Bytes of header before the compressed stream. */
  headerSize: number;
}

/**
 * Largest expansion a zlib (deflate) stream can achieve is about 1032:1 (RFC 1951: a 258-byte match
 * costs at least 2 bits of a fixed-Huffman code). zstd can go further with RLE blocks, so it gets a
 * looser ratio; both are further capped by `maxSize`.
 */
const ZLIB_MAX_RATIO = 1040;
const ZSTD_MAX_RATIO = 40_000;

/** Default ceiling on one decompressed section or module: 2 GiB minus a page (a Uint8Array's limit). */
export const DEFAULT_MAX_DECOMPRESSED = 0x7fff_f000;

/** Parses the Chdr of an SHF_COMPRESSED section (`head` = its first bytes), or throws E_ELF_COMPRESSION. */
export function parseChdr(
  head: Uint8Array,
  is64: boolean,
  littleEndian: boolean,
  fileOffset: number,
): CompressionHeader {
  const c = new Cursor(head, littleEndian, fileOffset);
  const headerSize = is64 ? 24 : 12;
  if (head.length < headerSize)
    throw new OopsError(
      "E_ELF_COMPRESSION",
      `section too small (${head.length} bytes) for a compression header`,
      fileOffset,
    );
  const type = c.u32();
  let size: number;
  if (is64) {
    c.u32(); // ch_reserved
    size = c.u64n("ch_size");
  } else {
    size = c.u32();
  }
  if (type === ELFCOMPRESS_ZLIB) return { kind: "zlib", size, headerSize };
  if (type === ELFCOMPRESS_ZSTD) return { kind: "zstd", size, headerSize };
  throw new OopsError("E_ELF_COMPRESSION", `unknown ch_type ${type}`, fileOffset);
}

/** Parses the "ZLIB" + 8-byte big-endian size header of a `.zdebug_*` section. */
export function parseZdebugHeader(head: Uint8Array, fileOffset: number): CompressionHeader {
  if (head.length < 12 || head[0] !== 0x5a || head[1] !== 0x4c || head[2] !== 0x49 || head[3] !== 0x42)
    throw new OopsError("E_ELF_COMPRESSION", 'a .zdebug section does not start with "ZLIB"', fileOffset);
  const size = new Cursor(head, false, fileOffset, 4).u64n("uncompressed size");
  return { kind: "zdebug", size, headerSize: 12 };
}

/**
 * Decompresses a whole compressed section (`raw` includes the header). Checks the promised size
 * against the ceiling and the achievable ratio first, and the result against the promise.
 */
export async function decompressSection(
  raw: Uint8Array,
  h: CompressionHeader,
  fileOffset: number,
  maxSize = DEFAULT_MAX_DECOMPRESSED,
): Promise<Uint8Array> {
  const body = raw.subarray(h.headerSize);
  const ratio = h.kind === "zstd" ? ZSTD_MAX_RATIO : ZLIB_MAX_RATIO;
  if (h.size > maxSize || h.size > body.length * ratio + 1024)
    throw new OopsError(
      "E_ELF_COMPRESSION",
      `claimed uncompressed size ${h.size} is impossible for ${body.length} compressed bytes`,
      fileOffset,
    );
  if (h.size === 0) return new Uint8Array(0);
  let out: Uint8Array;
  try {
    // One byte over the promise is enough to know the promise was broken.
    out = await inflateBounded(h.kind === "zstd" ? "zstd" : "zlib", body, h.size + 1);
  } catch (e) {
    if (e instanceof OopsError) throw e;
    throw new OopsError("E_ELF_COMPRESSION", `${h.kind} stream: ${(e as Error).message}`, fileOffset + h.headerSize);
  }
  if (out.length !== h.size)
    throw new OopsError(
      "E_ELF_COMPRESSION",
      `${h.kind} stream gave ${out.length} bytes, the header promised ${h.size}`,
      fileOffset + h.headerSize,
    );
  return out;
}

/** How a module file is compressed, from its first bytes. */
export type ModuleCompression = "none" | "xz" | "zstd" | "gzip";

export function sniffCompression(head: Uint8Array): ModuleCompression {
  const b = (i: number) => head[i] ?? -1;
  // xz: FD 37 7A 58 5A 00 (.xz file format §2.1.1.1)
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0) return "xz";
  // zstd frame: magic 0xFD2FB528 little-endian (RFC 8878 §3.1.1)
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd) return "zstd";
  // gzip: 1F 8B, method 8 = deflate (RFC 1952 §2.3.1)
  if (b(0) === 0x1f && b(1) === 0x8b && b(2) === 8) return "gzip";
  return "none";
}

/**
 * A module file in (plain, `.ko.xz`, `.ko.zst` or `.ko.gz`, told apart by magic bytes), a
 * `ByteSource` over the plain ELF out. Compressed modules are small (a few MB), so they are
 * decompressed whole; a plain file is returned as is, still read lazily.
 */
export async function openMaybeCompressed(
  source: ByteSource,
  maxSize = DEFAULT_MAX_DECOMPRESSED,
): Promise<{ source: ByteSource; compression: ModuleCompression }> {
  const head = await source.read(0, 6);
  const compression = sniffCompression(head);
  if (compression === "none") return { source, compression };
  if (source.size > maxSize)
    throw new OopsError("E_ELF_COMPRESSION", `compressed module of ${source.size} bytes is over the size limit`);
  const all = await source.read(0, source.size);
  let out: Uint8Array;
  try {
    if (compression === "gzip" || compression === "zstd") {
      out = await inflateBounded(compression, all, maxSize);
    } else {
      out = await xzDecompress(all, maxSize);
    }
  } catch (e) {
    if (e instanceof OopsError) throw e;
    throw new OopsError("E_ELF_COMPRESSION", `${compression} module: ${(e as Error).message}`);
  }
  if (out.length > maxSize)
    throw new OopsError("E_ELF_COMPRESSION", `decompressed module of ${out.length} bytes is over the size limit`);
  return { source: bytesSource(out), compression };
}

/**
 * Decompresses `data`, feeding the decoder small pieces and counting what comes out, so that no more
 * than `limit` bytes are ever produced — whatever sizes a (possibly hostile) header claims. fflate's
 * one-shot gunzip would allocate the size stored in the gzip trailer, and a zstd frame's content size
 * is likewise unchecked input; streaming avoids trusting either.
 */
export async function inflateBounded(
  kind: "zlib" | "gzip" | "zstd",
  data: Uint8Array,
  limit: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const sink = (chunk: Uint8Array) => {
    total += chunk.length;
    if (total > limit) throw new OopsError("E_ELF_COMPRESSION", `${kind} data expands past ${limit} bytes`);
    chunks.push(chunk);
  };
  if (kind === "zstd") checkZstdFrames(data, limit);
  // A zstd block can expand 4 bytes into 128 KiB, so zstd input goes in smaller pieces than deflate's.
  const piece = kind === "zstd" ? 512 : 4096;
  if (data.length === 0) throw new OopsError("E_ELF_COMPRESSION", `empty ${kind} stream`);
  const decoder =
    kind === "zstd"
      ? new (await import("fzstd")).Decompress(sink)
      : kind === "gzip"
        ? new (await import("fflate")).Gunzip(sink)
        : new (await import("fflate")).Unzlib(sink);
  for (let at = 0; at < data.length; at += piece) {
    const end = Math.min(data.length, at + piece);
    decoder.push(data.subarray(at, end), end === data.length);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Largest zstd window accepted whatever the output limit (the zstd CLI's level 19 uses 8 MiB). */
const ZSTD_MIN_WINDOW_CAP = 8 * 1024 * 1024;

/**
 * Walks the frames of a zstd stream (RFC 8878 §3.1) without decoding them, and refuses any frame
 * whose window or declared content size exceeds what we are willing to allocate: the decoder
 * allocates the window a frame header asks for (up to 2 GiB) before decoding a single block, so
 * one flipped bit in a Window_Descriptor would otherwise cost half a gigabyte.
 */
export function checkZstdFrames(data: Uint8Array, limit: number): void {
  const bad = (why: string, at: number) => new OopsError("E_ELF_COMPRESSION", `zstd: ${why}`, at);
  const u8 = (i: number) => {
    const v = data[i];
    if (v === undefined) throw bad("truncated frame", i);
    return v;
  };
  const le = (i: number, n: number) => {
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = v * 256 + u8(i + k);
    return v;
  };
  const windowCap = Math.max(limit, ZSTD_MIN_WINDOW_CAP);
  let p = 0;
  while (p < data.length) {
    const magic = le(p, 4);
    // Skippable frames (§3.1.2): magic 0x184D2A50..5F, a 4-byte size, then that many bytes.
    if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) {
      p += 8 + le(p + 4, 4);
      continue;
    }
    if (magic !== 0xfd2fb528) throw bad(`bad frame magic 0x${magic.toString(16)}`, p);
    const fhd = u8(p + 4);
    if (fhd & 0x08) throw bad("reserved bit set in the frame header", p + 4);
    const single = (fhd >> 5) & 1;
    const fcsFlag = fhd >> 6;
    let q = p + 5;
    let window = 0;
    if (!single) {
      const wd = u8(q++);
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    q += [0, 1, 2, 4][fhd & 3]!;
    const fcsBytes = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag]!;
    if (fcsBytes > 0) {
      const fcs = le(q, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
      if (fcs > limit) throw bad(`frame content size ${fcs} exceeds ${limit} bytes`, q);
      if (single) window = fcs;
      q += fcsBytes;
    }
    if (window > windowCap) throw bad(`window of ${window} bytes exceeds ${windowCap}`, p + 5);
    // Blocks (§3.1.1.2): 3-byte little-endian header: last flag, type, size (RLE blocks store 1 byte).
    for (;;) {
      const h = le(q, 3);
      const type = (h >> 1) & 3;
      if (type === 3) throw bad("reserved block type", q);
      if (type === 2) checkLiterals(data, q + 3, bad);
      q += 3 + (type === 1 ? 1 : h >>> 3);
      if (h & 1) break;
      if (q > data.length) throw bad("truncated frame", q);
    }
    if ((fhd >> 2) & 1) q += 4;
    if (q > data.length) throw bad("truncated frame", q);
    p = q;
  }
}

/** Largest LZMA2 dictionary accepted whatever the output limit (`xz -9` uses 64 MiB). */
const XZ_MIN_DICT_CAP = 64 * 1024 * 1024;

/**
 * Reads the first Block Header of an .xz stream (.xz file format 1.0.4, §3.1) and refuses an LZMA2
 * dictionary or a declared uncompressed size larger than we are willing to allocate: the decoder
 * sizes its dictionary from this header before it decodes anything.
 */
export function checkXzFirstBlock(data: Uint8Array, limit: number): void {
  const bad = (why: string, at: number) => new OopsError("E_ELF_COMPRESSION", `xz: ${why}`, at);
  const u8 = (i: number) => {
    const v = data[i];
    if (v === undefined) throw bad("truncated header", i);
    return v;
  };
  let q = 12; // after the Stream Header
  const vli = () => {
    // Multibyte integer (§1.2): 7 bits per byte, little-endian, at most 9 bytes.
    let v = 0;
    for (let k = 0; k < 9; k++) {
      const b = u8(q++);
      v += (b & 0x7f) * 2 ** (7 * k);
      if ((b & 0x80) === 0) return v;
    }
    throw bad("multibyte integer too long", q);
  };
  const sizeByte = u8(q);
  if (sizeByte === 0) return; // an Index right away: no blocks
  const end = q + (sizeByte + 1) * 4;
  const flags = u8(q + 1);
  q += 2;
  if (flags & 0x40) vli(); // compressed size
  if (flags & 0x80) {
    const usize = vli();
    if (usize > limit) throw bad(`block of ${usize} bytes exceeds ${limit}`, q);
  }
  const cap = Math.max(limit, XZ_MIN_DICT_CAP);
  for (let f = 0; f <= (flags & 3) && q < end; f++) {
    const id = vli();
    const propsSize = vli();
    if (id === 0x21 && propsSize === 1) {
      const d = u8(q) & 0x3f;
      const dict = d >= 40 ? 2 ** 32 - 1 : (2 | (d & 1)) * 2 ** (Math.floor(d / 2) + 11);
      if (dict > cap) throw bad(`LZMA2 dictionary of ${dict} bytes exceeds ${cap}`, q);
    }
    q += propsSize;
  }
}

/**
 * The literals section of a compressed block (RFC 8878 §3.1.1.3.1): when its Huffman tree comes as
 * FSE-compressed weights (§4.2.1.1, header byte < 128), refuse weights whose decoding would not end.
 */
function checkLiterals(data: Uint8Array, at: number, bad: (why: string, at: number) => OopsError): void {
  const b0 = data[at];
  if (b0 === undefined || (b0 & 3) !== 2) return; // only Compressed_Literals_Block carries a tree
  const sizeFormat = (b0 >> 2) & 3;
  const tree = at + (sizeFormat <= 1 ? 3 : sizeFormat === 2 ? 4 : 5);
  const hb = data[tree];
  if (hb === undefined || hb >= 128) return;
  if (!huffmanWeightsEnd(data, tree + 1, hb)) throw bad("Huffman weights that never end (corrupt literals)", tree);
}

/** Streams an .xz file through the WebAssembly decoder, stopping once `maxSize` is exceeded. */
async function xzDecompress(data: Uint8Array, maxSize: number): Promise<Uint8Array> {
  checkXzFirstBlock(data, maxSize);
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(data);
      controller.close();
    },
  });
  // Loaded on first use: the package is CommonJS (no named ESM exports) and instantiates WebAssembly.
  type XzCtor = new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  const mod = (await import("xz-decompress")) as unknown as {
    XzReadableStream?: XzCtor;
    default?: { XzReadableStream?: XzCtor };
  };
  const Xz = mod.XzReadableStream ?? mod.default?.XzReadableStream;
  if (!Xz) throw new OopsError("E_ELF_COMPRESSION", "the xz decoder could not be loaded");
  const reader = new Xz(input).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxSize) {
      await reader.cancel();
      throw new OopsError("E_ELF_COMPRESSION", `decompressed xz module exceeds ${maxSize} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
