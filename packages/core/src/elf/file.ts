/**
 * An ELF object (32- or 64-bit, either byte order) read lazily through a `ByteSource`: turns the
 * file header, section header table and program header table into plain records, and fetches a
 * section's bytes (decompressed when compressed) only when asked. Layouts and the escape values for
 * large counts (e_shnum = 0, e_shstrndx = SHN_XINDEX, e_phnum = PN_XNUM) follow the System V gABI,
 * chapter 4 ("ELF Header", "Sections", "Program Header").
 *
 * Nothing is allocated from an unchecked header value: every table must lie inside the file before
 * it is read, so the memory used is bounded by the file's size.
 */

import { Cursor } from "../binary/cursor.js";
import type { ByteSource } from "../binary/source.js";
import { OopsError } from "../errors.js";
import { BlockCache, type BlockCacheOptions } from "./cache.js";
import {
  type CompressionHeader,
  DEFAULT_MAX_DECOMPRESSED,
  decompressSection,
  parseChdr,
  parseZdebugHeader,
} from "./compress.js";
import {
  EI_CLASS,
  EI_DATA,
  EI_OSABI,
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  PN_XNUM,
  SHF_COMPRESSED,
  SHN_XINDEX,
  SHT_NOBITS,
} from "./constants.js";
import { nameAt } from "./strings.js";

export interface ElfHeader {
  /** 32 or 64 (EI_CLASS). */
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly osabi: number;
  /** e_type: ET_REL, ET_EXEC, ET_DYN, ... */
  readonly type: number;
  readonly machine: number;
  readonly version: number;
  readonly entry: bigint;
  readonly phoff: number;
  readonly shoff: number;
  readonly flags: number;
  readonly ehsize: number;
  readonly phentsize: number;
  /** Real program header count (PN_XNUM resolved). */
  readonly phnum: number;
  readonly shentsize: number;
  /** Real section count (0 with a section table resolved from section 0's sh_size). */
  readonly shnum: number;
  /** Real index of the section name table (SHN_XINDEX resolved). */
  readonly shstrndx: number;
}

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly nameOffset: number;
  readonly type: number;
  readonly flags: bigint;
  readonly addr: bigint;
  readonly offset: number;
  /** sh_size: bytes in the file (compressed size for compressed sections). */
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: bigint;
  readonly entsize: number;
  /** Set for SHF_COMPRESSED and `.zdebug_*` sections. */
  readonly compression?: CompressionHeader;
  /** Size of the contents once decompressed (= size when not compressed, 0 for SHT_NOBITS). */
  readonly dataSize: number;
}

export interface ElfSegment {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: bigint;
  readonly paddr: bigint;
  readonly filesz: number;
  readonly memsz: bigint;
  readonly align: bigint;
}

export interface ElfOpenOptions {
  cache?: BlockCacheOptions;
  /** Ceiling on one decompressed section (default just under 2 GiB). */
  maxDecompressedSize?: number;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

export class ElfFile {
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
  private readonly byName = new Map<string, ElfSection[]>();
  private readonly maxDecompressed: number;

  private constructor(
    readonly source: ByteSource,
    readonly header: ElfHeader,
    sections: ElfSection[],
    segments: ElfSegment[],
    maxDecompressed: number,
  ) {
    this.sections = sections;
    this.segments = segments;
    this.maxDecompressed = maxDecompressed;
    for (const s of sections) {
      const list = this.byName.get(s.name);
      if (list) list.push(s);
      else this.byName.set(s.name, [s]);
    }
  }

  get littleEndian(): boolean {
    return this.header.littleEndian;
  }
  get is64(): boolean {
    return this.header.bits === 64;
  }
  get addressSize(): 4 | 8 {
    return this.header.bits === 64 ? 8 : 4;
  }
  get machine(): number {
    return this.header.machine;
  }
  get type(): number {
    return this.header.type;
  }

  /** Opens an ELF file: reads and checks the file header, section headers and program headers. */
  static async open(raw: ByteSource, opts: ElfOpenOptions = {}): Promise<ElfFile> {
    const source = raw instanceof BlockCache ? raw : new BlockCache(raw, opts.cache);
    const maxDecompressed = opts.maxDecompressedSize ?? DEFAULT_MAX_DECOMPRESSED;
    const ident = await source.read(0, 64);
    if (ident.length < 16 || ELF_MAGIC.some((m, i) => ident[i] !== m))
      throw new OopsError("E_ELF_MAGIC", ident.length < 4 ? `only ${ident.length} bytes` : undefined, 0);
    const cls = ident[EI_CLASS];
    if (cls !== ELFCLASS32 && cls !== ELFCLASS64) throw new OopsError("E_ELF_CLASS", `EI_CLASS ${cls}`, EI_CLASS);
    const data = ident[EI_DATA];
    if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) throw new OopsError("E_ELF_ENCODING", `EI_DATA ${data}`, EI_DATA);
    const is64 = cls === ELFCLASS64;
    const le = data === ELFDATA2LSB;
    const ehsizeMin = is64 ? 64 : 52;
    if (ident.length < ehsizeMin)
      throw new OopsError("E_ELF_HEADER", `file of ${ident.length} bytes is shorter than an ELF header`, 0);

    const c = new Cursor(ident, le, 0, 16);
    const type = c.u16();
    const machine = c.u16();
    const version = c.u32();
    const entry = is64 ? c.u64() : BigInt(c.u32());
    const phoff = is64 ? c.u64n("e_phoff") : c.u32();
    const shoff = is64 ? c.u64n("e_shoff") : c.u32();
    const flags = c.u32();
    const ehsize = c.u16();
    const phentsize = c.u16();
    let phnum = c.u16();
    const shentsize = c.u16();
    let shnum = c.u16();
    let shstrndx = c.u16();

    const shdrSize = is64 ? 64 : 40;
    const phdrSize = is64 ? 56 : 32;
    const size = source.size;

    // Section 0 holds the real counts when they do not fit the header's 16-bit fields.
    let sec0: Uint8Array | undefined;
    if (shoff !== 0) {
      if (shentsize < shdrSize)
        throw new OopsError("E_ELF_HEADER", `e_shentsize ${shentsize} is smaller than ${shdrSize}`, is64 ? 58 : 46);
      if (shoff + shdrSize > size)
        throw new OopsError(
          "E_ELF_HEADER",
          `section header table at 0x${shoff.toString(16)} is outside the file`,
          is64 ? 40 : 32,
        );
      sec0 = await source.read(shoff, shdrSize);
      const s0 = new Cursor(sec0, le, shoff);
      s0.skip(is64 ? 32 : 20);
      const s0size = is64 ? s0.u64n("sh_size") : s0.u32();
      const s0link = s0.u32();
      const s0info = s0.u32();
      if (shnum === 0) shnum = s0size;
      if (shstrndx === SHN_XINDEX) shstrndx = s0link;
      if (phnum === PN_XNUM) phnum = s0info;
    } else {
      shnum = 0;
    }
    if (shnum > 0 && shoff + shnum * shentsize > size)
      throw new OopsError(
        "E_ELF_HEADER",
        `${shnum} section headers of ${shentsize} bytes at 0x${shoff.toString(16)} run past the end of the file (${size} bytes)`,
        is64 ? 60 : 48,
      );
    if (phnum > 0) {
      if (phentsize < phdrSize)
        throw new OopsError("E_ELF_HEADER", `e_phentsize ${phentsize} is smaller than ${phdrSize}`, is64 ? 54 : 42);
      if (phoff + phnum * phentsize > size)
        throw new OopsError(
          "E_ELF_HEADER",
          `${phnum} program headers at 0x${phoff.toString(16)} run past the end of the file`,
          is64 ? 56 : 44,
        );
    }
    if (shnum > 0 && shstrndx >= shnum)
      throw new OopsError(
        "E_ELF_HEADER",
        `e_shstrndx ${shstrndx} is not below the section count ${shnum}`,
        is64 ? 62 : 50,
      );

    const header: ElfHeader = {
      bits: is64 ? 64 : 32,
      littleEndian: le,
      osabi: ident[EI_OSABI] ?? 0,
      type,
      machine,
      version,
      entry,
      phoff,
      shoff,
      flags,
      ehsize,
      phentsize,
      phnum,
      shentsize,
      shnum,
      shstrndx,
    };

    // --- section headers ---
    interface RawSection extends Omit<ElfSection, "name" | "dataSize" | "compression"> {}
    const rawSections: RawSection[] = [];
    if (shnum > 0) {
      const table = await source.read(shoff, shnum * shentsize);
      const sc = new Cursor(table, le, shoff);
      for (let i = 0; i < shnum; i++) {
        sc.seek(i * shentsize);
        const nameOffset = sc.u32();
        const stype = sc.u32();
        const sflags = is64 ? sc.u64() : BigInt(sc.u32());
        const addr = is64 ? sc.u64() : BigInt(sc.u32());
        const offset = is64 ? sc.u64n("sh_offset") : sc.u32();
        const ssize = is64 ? sc.u64n("sh_size") : sc.u32();
        const link = sc.u32();
        const info = sc.u32();
        const addralign = is64 ? sc.u64() : BigInt(sc.u32());
        const entsize = is64 ? sc.u64n("sh_entsize") : sc.u32();
        rawSections.push({
          index: i,
          nameOffset,
          type: stype,
          flags: sflags,
          addr,
          offset,
          size: ssize,
          link,
          info,
          addralign,
          entsize,
        });
      }
    }
    // --- section names ---
    let names: Uint8Array | undefined;
    const strSec = rawSections[shstrndx];
    if (strSec && shnum > 0 && strSec.type !== SHT_NOBITS) {
      if (strSec.offset + strSec.size > size)
        throw new OopsError("E_ELF_SECTION", `section name table runs past the end of the file`, strSec.offset);
      names = await source.read(strSec.offset, strSec.size);
    }
    const sections: ElfSection[] = [];
    for (const r of rawSections) {
      const name = r.index === 0 || !names ? "" : nameAt(names, r.nameOffset, strSec?.offset ?? 0);
      let compression: CompressionHeader | undefined;
      if (r.type !== SHT_NOBITS && r.size > 0 && r.offset + r.size <= size) {
        if (r.flags & BigInt(SHF_COMPRESSED)) {
          compression = parseChdr(await source.read(r.offset, Math.min(r.size, 24)), is64, le, r.offset);
        } else if (name.startsWith(".zdebug")) {
          compression = parseZdebugHeader(await source.read(r.offset, Math.min(r.size, 12)), r.offset);
        }
      }
      const dataSize = r.type === SHT_NOBITS ? 0 : compression ? compression.size : r.size;
      const sec: ElfSection = {
        index: r.index,
        name,
        nameOffset: r.nameOffset,
        type: r.type,
        flags: r.flags,
        addr: r.addr,
        offset: r.offset,
        size: r.size,
        link: r.link,
        info: r.info,
        addralign: r.addralign,
        entsize: r.entsize,
        dataSize,
      };
      sections.push(compression ? { ...sec, compression } : sec);
    }

    // --- program headers ---
    const segments: ElfSegment[] = [];
    if (phnum > 0) {
      const table = await source.read(phoff, phnum * phentsize);
      const pc = new Cursor(table, le, phoff);
      for (let i = 0; i < phnum; i++) {
        pc.seek(i * phentsize);
        if (is64) {
          const ptype = pc.u32();
          const pflags = pc.u32();
          const offset = pc.u64n("p_offset");
          const vaddr = pc.u64();
          const paddr = pc.u64();
          const filesz = pc.u64n("p_filesz");
          const memsz = pc.u64();
          const align = pc.u64();
          segments.push({ type: ptype, flags: pflags, offset, vaddr, paddr, filesz, memsz, align });
        } else {
          const ptype = pc.u32();
          const offset = pc.u32();
          const vaddr = BigInt(pc.u32());
          const paddr = BigInt(pc.u32());
          const filesz = pc.u32();
          const memsz = BigInt(pc.u32());
          const pflags = pc.u32();
          const align = BigInt(pc.u32());
          segments.push({ type: ptype, flags: pflags, offset, vaddr, paddr, filesz, memsz, align });
        }
      }
    }
    return new ElfFile(source, header, sections, segments, maxDecompressed);
  }

  /** The first section with this name. */
  section(name: string): ElfSection | undefined {
    return this.byName.get(name)?.[0];
  }
  /** Every section with this name (a .ko can have several `.text` groups, several `.rela.text`...). */
  sectionsNamed(name: string): readonly ElfSection[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * `length` bytes at a file offset; throws E_TRUNCATED if the file is shorter. `direct`: past the
   * block cache (see `BlockCache.readDirect`).
   */
  async read(offset: number, length: number, direct = false): Promise<Uint8Array> {
    if (offset < 0 || length < 0 || offset + length > this.source.size)
      throw new OopsError(
        "E_TRUNCATED",
        `${length} bytes at 0x${offset.toString(16)} run past the end of the file (${this.source.size} bytes)`,
        offset,
      );
    const src = this.source;
    const b = await (direct && src instanceof BlockCache ? src.readDirect(offset, length) : src.read(offset, length));
    if (b.length !== length) throw new OopsError("E_TRUNCATED", `short read: ${b.length} of ${length} bytes`, offset);
    return b;
  }

  /** A section's bytes as stored in the file (still compressed if compressed); empty for SHT_NOBITS. */
  async rawSectionData(s: ElfSection): Promise<Uint8Array> {
    if (s.type === SHT_NOBITS || s.size === 0) return new Uint8Array(0);
    if (s.offset + s.size > this.source.size)
      throw new OopsError(
        "E_ELF_SECTION",
        `section ${s.index} (${s.name || "unnamed"}) of ${s.size} bytes at 0x${s.offset.toString(16)} runs past the end of the file`,
        s.offset,
      );
    return this.read(s.offset, s.size);
  }

  /** A section's contents, decompressed when compressed (not relocated: see `DebugSections`). */
  async sectionData(s: ElfSection): Promise<Uint8Array> {
    const raw = await this.rawSectionData(s);
    if (!s.compression) return raw;
    return decompressSection(raw, s.compression, s.offset, this.maxDecompressed);
  }

  /**
   * `length` bytes of a section's contents from `offset` (clamped at the end). Uncompressed sections
   * are read straight from the source; compressed ones are decompressed whole first.
   */
  async sectionDataRange(s: ElfSection, offset: number, length: number, direct = false): Promise<Uint8Array> {
    const start = Math.max(0, Math.min(offset, s.dataSize));
    const end = Math.max(start, Math.min(s.dataSize, offset + Math.max(0, length)));
    if (s.compression) return (await this.sectionData(s)).subarray(start, end);
    if (s.type === SHT_NOBITS || end === start) return new Uint8Array(0);
    if (s.offset + s.size > this.source.size)
      throw new OopsError("E_ELF_SECTION", `section ${s.name || s.index} runs past the end of the file`, s.offset);
    return this.read(s.offset + start, end - start, direct);
  }
}
