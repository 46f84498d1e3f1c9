/**
 * `--src DIR` for the source stage: a directory of C sources turned into the `SourceTree` core asks
 * for candidate files. The tree is walked once for its `.c` and `.h` files (dot-directories and
 * symlinked directories are skipped; in a kernel tree also the directories no crash's code is in,
 * and other architectures' `arch/*`); each request reads the files as bytes and keeps those that
 * hold one of the identifiers as a token (one pass over the bytes, hashing each token), decoding
 * only those, so only candidates reach the C parser. Small trees are kept in memory after the first
 * read; for a kernel-sized tree each file's tokens are kept as a Bloom filter instead, so a later
 * request reads again only the files that may mention its identifiers; progress goes to stderr.
 * What cannot be read is skipped with one warning each.
 * Also loads the tree-sitter runtime and C grammar `.wasm` files that core's parser is given as bytes.
 */

import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  type ArchId,
  type CParser,
  loadCParser,
  releaseRootCause,
  type SourceFile,
  type SourceTree,
} from "@oopscope/core";
import type { CliIO } from "./io.js";

/** Keep every file's text after the first read when the tree is at most this many bytes (else keep its identifier filter). */
const CACHE_BYTES = 64 * 1024 * 1024;
/** Generated register headers can be tens of MB; such files are not what a root cause is in. */
const MAX_FILE = 8 * 1024 * 1024;
/** Warnings printed one by one before they are only counted. */
const MAX_WARNINGS = 5;

/** The C parser from the wasm files shipped with web-tree-sitter and tree-sitter-c (core's dependencies). */
export async function loadParser(): Promise<CParser> {
  const fromCore = createRequire(createRequire(import.meta.url).resolve("@oopscope/core"));
  const runtime = readFileSync(fromCore.resolve("web-tree-sitter/web-tree-sitter.wasm"));
  const grammar = readFileSync(join(dirname(fromCore.resolve("tree-sitter-c/package.json")), "tree-sitter-c.wasm"));
  return loadCParser({ runtime, grammar });
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const wordOf = (id: string) => new RegExp(`\\b${escapeRe(id)}\\b`);

/**
 * A file's identifiers as a Bloom filter (two bits per token, about one bit per four bytes of
 * text): built while the file is read the first time, it lets later requests skip, without reading
 * it again, every file that cannot mention an identifier. A token is a maximal run of [A-Za-z0-9_],
 * so an identifier present as a word is always one token: no false negatives. Bytes are hashed
 * as they are (UTF-8 sequences are not token bytes, as non-ASCII characters are not `\w`).
 */
const FNV = 0x811c9dc5;
const mix = (h: number, c: number) => Math.imul(h ^ c, 0x01000193);
const second = (h: number) => Math.imul(h ^ (h >>> 15), 0x5bd1e995) ^ (h >>> 13);
const hashOf = (id: string) => {
  let h = FNV;
  for (let i = 0; i < id.length; i++) h = mix(h, id.charCodeAt(i));
  return h;
};

/** Token bytes: 0-9 A-Z _ a-z. */
const TOKEN = new Uint8Array(256);
for (let c = 0; c < 256; c++)
  TOKEN[c] = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 ? 1 : 0;

/**
 * One pass over a file's bytes: whether one of its tokens hashes to a wanted identifier's hash
 * (`wanted`, a 4096-bit set of hashes: a hit is confirmed on the decoded text), and, when `filter`
 * is asked for, the file's Bloom filter.
 */
function scanBytes(bytes: Uint8Array, wanted: Uint32Array, filter: boolean): { hit: boolean; filter?: Uint32Array } {
  let bits = 1024;
  if (filter) while (bits < bytes.length / 4 && bits < 1 << 24) bits <<= 1;
  const f = filter ? filterWords(bits >>> 5) : undefined;
  const mask = bits - 1;
  let hit = false;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    if (TOKEN[bytes[i] as number] === 0) {
      i++;
      continue;
    }
    let h = FNV;
    while (i < n) {
      const c = bytes[i] as number;
      if (TOKEN[c] === 0) break;
      h = mix(h, c);
      i++;
    }
    const w = h & 4095;
    if ((((wanted[w >>> 5] as number) >>> (w & 31)) & 1) === 1) {
      hit = true;
      if (!f) return { hit };
    }
    if (f) {
      const a = h & mask;
      const b = second(h) & mask;
      f[a >>> 5] = (f[a >>> 5] as number) | (1 << (a & 31));
      f[b >>> 5] = (f[b >>> 5] as number) | (1 << (b & 31));
    }
  }
  return f ? { hit, filter: f } : { hit };
}

/** Filters are cut from 4 MB slabs: one allocation per 4 MB, not one per file (43k in a kernel tree). */
let slab = new Uint32Array(1 << 20);
let slabUsed = 0;
function filterWords(words: number): Uint32Array {
  if (words > slab.length - slabUsed) {
    slab = new Uint32Array(Math.max(1 << 20, words));
    slabUsed = 0;
  }
  slabUsed += words;
  return slab.subarray(slabUsed - words, slabUsed);
}

function mayHave(f: Uint32Array, id: string): boolean {
  const h = hashOf(id);
  const mask = f.length * 32 - 1;
  const a = h & mask;
  const b = second(h) & mask;
  return (((f[a >>> 5] as number) >>> (a & 31)) & 1) === 1 && (((f[b >>> 5] as number) >>> (b & 31)) & 1) === 1;
}

/**
 * In a kernel tree (a top-level `Kconfig`, `Makefile` and `arch/`), directories whose code never
 * runs in a kernel that oopsed: `tools/` (user space: perf, bpf and the selftests), `scripts/` and
 * `usr/` (build-host programs), `samples/` (example modules, not part of any subsystem),
 * `Documentation/` (a few example programs); and `drivers/gpu/drm/amd/include/asic_reg/`, generated
 * register headers (only `#define`s of offsets and masks: a third of the tree's bytes, no
 * assignment, call or registration).
 */
const KERNEL_SKIP = new Set([
  "tools",
  "scripts",
  "usr",
  "samples",
  "Documentation",
  "drivers/gpu/drm/amd/include/asic_reg",
]);

/** The `arch/` directory of each architecture the oops parser names. */
const ARCH_DIR: Record<ArchId, string> = {
  x86_64: "x86",
  i386: "x86",
  arm64: "arm64",
  arm: "arm",
  mips32: "mips",
  mips64: "mips",
  ppc32: "powerpc",
  ppc64: "powerpc",
  riscv64: "riscv",
  s390x: "s390",
};

type Entry = { path: string; size: number; filter?: Uint32Array };

export class DirectorySourceTree implements SourceTree {
  private list?: Entry[];
  /** Bytes of every file read, when the tree is small enough to keep. */
  private cache = new Map<string, Buffer>();
  private readonly cacheBytes: number;
  private byId = new Map<string, SourceFile[]>();
  /** Decoded candidates, shared by the identifiers that hit them. */
  private texts = new Map<string, SourceFile>();
  private warned = 0;
  private skipped = 0;
  /** In a kernel tree, the `arch/` directories of the crashes asked about (all while none is known). */
  private arches = new Set<string>();
  private kernel?: boolean;
  /** The source stage keeps what it parsed for the log's next crash while this stays the same. */
  generation = 0;
  /** Files read over all requests, and walks over the tree's files (for tests). */
  reads = 0;
  scans = 0;

  constructor(
    private readonly dir: string,
    private readonly io: CliIO,
    /** Keep every file's text after the first read when the tree is at most this many bytes. */
    options: { cacheBytes?: number } = {},
  ) {
    this.cacheBytes = options.cacheBytes ?? CACHE_BYTES;
  }

  /** Whether the directory is a kernel tree (top-level `Kconfig`, `Makefile` and `arch/`). */
  isKernelTree(): boolean {
    this.kernel ??= ["Kconfig", "Makefile", "arch"].every((n) => existsSync(join(this.dir, n)));
    return this.kernel;
  }

  /**
   * The crash's architecture: in a kernel tree, the other `arch/*` directories are not read (their
   * code never ran on this machine). A second architecture widens the set, and what was found
   * without its directory is looked for again.
   */
  setArch(arch: ArchId | undefined): void {
    const d = arch ? ARCH_DIR[arch] : undefined;
    if (!d || this.arches.has(d)) return;
    if (this.arches.size) {
      this.byId.clear();
      this.generation++;
    }
    this.arches.add(d);
  }

  private skips(path: string): boolean {
    if (!this.isKernelTree()) return false;
    for (const d of KERNEL_SKIP) if (path.startsWith(`${d}/`)) return true;
    if (this.arches.size && path.startsWith("arch/")) {
      const a = path.slice(5, path.indexOf("/", 5));
      return !this.arches.has(a);
    }
    return false;
  }

  private warn(what: string, e: unknown): void {
    this.skipped++;
    if (this.warned++ < MAX_WARNINGS)
      this.io.stderr.write(
        `oopscope analyze: --src: ${what}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (skipped)\n`,
      );
  }

  /** Every .c and .h file under the directory, relative paths with `/`. */
  private files_(): Entry[] {
    if (this.list) return this.list;
    const out: Entry[] = [];
    const kernel = this.isKernelTree();
    const walk = (d: string, rel: string) => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch (e) {
        this.warn(`cannot list ${rel || "."}`, e);
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith(".")) continue;
        const p = join(d, e.name);
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!(kernel && KERNEL_SKIP.has(r))) walk(p, r);
        } else if (/\.[ch]$/.test(e.name) && (e.isFile() || e.isSymbolicLink())) {
          try {
            const st = statSync(p);
            if (st.isFile()) out.push({ path: r, size: st.size });
          } catch (err) {
            this.warn(`cannot read ${r}`, err);
          }
        }
      }
    };
    walk(this.dir, "");
    out.sort((a, b) => (a.path < b.path ? -1 : 1));
    this.list = out;
    return out;
  }

  async files(identifiers: readonly string[]): Promise<SourceFile[]> {
    const wanted = [...new Set(identifiers.filter((id) => /^\w+$/.test(id)))];
    // each identifier's files are remembered: the next crash of the log (a reboot loop) asks again
    const ids = wanted.filter((id) => !this.byId.has(id));
    if (ids.length) await this.scan(ids);
    const seen = new Set<string>();
    const out: SourceFile[] = [];
    for (const id of wanted)
      for (const f of this.byId.get(id) ?? [])
        if (!seen.has(f.path)) {
          seen.add(f.path);
          out.push(f);
        }
    return out.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** One reused buffer: a kernel tree's 50k files read into fresh buffers kept the collector busy. */
  private scratch = Buffer.alloc(1 << 20);

  /** A file's bytes, in the scratch buffer (valid until the next read). */
  private read(path: string): Buffer {
    const fd = openSync(join(this.dir, path), "r");
    try {
      const size = fstatSync(fd).size;
      if (size + 1 > this.scratch.length) this.scratch = Buffer.alloc(Math.max(size + 1, this.scratch.length * 2));
      let n = 0;
      for (let r = 1; r > 0 && n < this.scratch.length; n += r)
        r = readSync(fd, this.scratch, n, this.scratch.length - n, n);
      return this.scratch.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }

  /** Read the tree once for `ids`, remembering each identifier's files. */
  private async scan(ids: string[]): Promise<void> {
    const list = this.files_();
    this.scans++;
    for (const id of ids) this.byId.set(id, []);
    const keep = list.reduce((n, f) => n + f.size, 0) <= this.cacheBytes;
    const wanted = new Uint32Array(4096 / 32);
    for (const id of ids) {
      const w = hashOf(id) & 4095;
      wanted[w >>> 5] = (wanted[w >>> 5] as number) | (1 << (w & 31));
    }
    const words = ids.map((id) => ({ id, re: wordOf(id) }));
    let found = 0;
    let read = 0;
    const tty = !!this.io.stderr.isTTY;
    const started = Date.now();
    let last = started;
    let shown = false;
    for (const [i, f] of list.entries()) {
      if (f.size > MAX_FILE || this.skips(f.path)) continue;
      let bytes = this.cache.get(f.path);
      let hit: boolean;
      if (bytes === undefined) {
        // read before: its identifiers say whether it can matter now
        const filter = f.filter;
        if (filter && !ids.some((id) => mayHave(filter, id))) continue;
        try {
          bytes = this.read(f.path);
          this.reads++;
          read++;
        } catch (e) {
          this.warn(`cannot read ${f.path}`, e);
          f.size = MAX_FILE + 1;
          continue;
        }
        if (keep) {
          bytes = Buffer.from(bytes);
          this.cache.set(f.path, bytes);
        }
        const r = scanBytes(bytes, wanted, !keep && !f.filter);
        if (r.filter) f.filter = r.filter;
        hit = r.hit;
      } else hit = scanBytes(bytes, wanted, false).hit;
      if (hit) {
        let file = this.texts.get(f.path);
        if (!file) {
          file = { path: f.path, text: bytes.toString("utf8") };
          this.texts.set(f.path, file);
        }
        let any = false;
        for (const { id, re } of words)
          if (file.text.includes(id) && re.test(file.text)) {
            this.byId.get(id)?.push(file);
            any = true;
          }
        if (any) found++;
      }
      const now = Date.now();
      if (tty && now - started > 500 && now - last > 250) {
        last = now;
        shown = true;
        this.io.stderr.write(
          `\r\x1b[Koopscope: --src: looking for ${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""}: ${i + 1}/${list.length} files, ${found} candidate(s)`,
        );
        await new Promise((r) => setImmediate(r));
      }
    }
    if (shown) this.io.stderr.write("\r\x1b[K");
    const secs = (Date.now() - started) / 1000;
    if (!tty && secs > 5)
      this.io.stderr.write(
        `oopscope analyze: --src: ${read} of ${list.length} files read in ${secs.toFixed(0)} s for ${ids.length} identifier(s)\n`,
      );
  }

  /** How many .c and .h files the tree has (walks it on the first call). */
  count(): number {
    return this.files_().length;
  }

  /** Files that could not be read (or listed); printed once each up to a limit. */
  get unreadable(): number {
    return this.skipped;
  }

  /** Say how many more could not be read than were warned about; free what the stage kept parsed. */
  finish(): void {
    releaseRootCause(this);
    if (this.warned > MAX_WARNINGS)
      this.io.stderr.write(
        `oopscope analyze: --src: ${this.warned - MAX_WARNINGS} more file(s) could not be read (skipped)\n`,
      );
  }
}
