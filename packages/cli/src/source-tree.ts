/**
 * `--src DIR` for the source stage: a directory of C sources turned into the `SourceTree` core asks
 * for candidate files. The tree is walked once for its `.c` and `.h` files (dot-directories and
 * symlinked directories are skipped); each request reads the files and keeps those whose text
 * mentions one of the identifiers as a word — a cheap text prefilter, so only candidates reach the
 * C parser. Small trees are kept in memory after the first read; for a kernel-sized tree (~70k files)
 * each file's identifiers are kept as a Bloom filter instead, so a later request reads again only the
 * files that may mention its identifiers; progress goes to stderr. What cannot be read is skipped with one warning each.
 * Also loads the tree-sitter runtime and C grammar `.wasm` files that core's parser is given as bytes.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { type CParser, loadCParser, type SourceFile, type SourceTree } from "@oopscope/core";
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
 * A file's identifiers as a Bloom filter (two bits per token, about one bit per four characters of
 * text): built while the file is read the first time, it lets later requests skip, without reading
 * it again, every file that cannot mention an identifier. A token is a maximal run of [A-Za-z0-9_],
 * so an identifier present as a word is always one token: no false negatives.
 */
const FNV = 0x811c9dc5;
const mix = (h: number, c: number) => Math.imul(h ^ c, 0x01000193);
const second = (h: number) => Math.imul(h ^ (h >>> 15), 0x5bd1e995) ^ (h >>> 13);

function identifierFilter(text: string): Uint32Array {
  let bits = 1024;
  while (bits < text.length / 4 && bits < 1 << 24) bits <<= 1;
  const f = new Uint32Array(bits >>> 5);
  const mask = bits - 1;
  const set = (h: number) => {
    const a = h & mask;
    const b = second(h) & mask;
    f[a >>> 5] = (f[a >>> 5] as number) | (1 << (a & 31));
    f[b >>> 5] = (f[b >>> 5] as number) | (1 << (b & 31));
  };
  let h = FNV;
  let inToken = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) {
      h = mix(h, c);
      inToken = true;
    } else if (inToken) {
      set(h);
      h = FNV;
      inToken = false;
    }
  }
  if (inToken) set(h);
  return f;
}

function mayHave(f: Uint32Array, id: string): boolean {
  let h = FNV;
  for (let i = 0; i < id.length; i++) h = mix(h, id.charCodeAt(i));
  const mask = f.length * 32 - 1;
  const a = h & mask;
  const b = second(h) & mask;
  return (((f[a >>> 5] as number) >>> (a & 31)) & 1) === 1 && (((f[b >>> 5] as number) >>> (b & 31)) & 1) === 1;
}

export class DirectorySourceTree implements SourceTree {
  private list?: { path: string; size: number; filter?: Uint32Array }[];
  private cache = new Map<string, string>();
  private readonly cacheBytes: number;
  private byId = new Map<string, SourceFile[]>();
  private warned = 0;
  private skipped = 0;
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

  private warn(what: string, e: unknown): void {
    this.skipped++;
    if (this.warned++ < MAX_WARNINGS)
      this.io.stderr.write(
        `oopscope analyze: --src: ${what}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (skipped)\n`,
      );
  }

  /** Every .c and .h file under the directory, relative paths with `/`. */
  private files_(): { path: string; size: number; filter?: Uint32Array }[] {
    if (this.list) return this.list;
    const out: { path: string; size: number; filter?: Uint32Array }[] = [];
    const walk = (d: string) => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch (e) {
        this.warn(`cannot list ${relative(this.dir, d) || "."}`, e);
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith(".")) continue;
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.[ch]$/.test(e.name) && (e.isFile() || e.isSymbolicLink())) {
          try {
            const st = statSync(p);
            if (st.isFile()) out.push({ path: relative(this.dir, p).split(sep).join("/"), size: st.size });
          } catch (err) {
            this.warn(`cannot read ${relative(this.dir, p)}`, err);
          }
        }
      }
    };
    walk(this.dir);
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

  /** Read the tree once for `ids`, remembering each identifier's files. */
  private async scan(ids: string[]): Promise<void> {
    const list = this.files_();
    this.scans++;
    for (const id of ids) this.byId.set(id, []);
    const keep = list.reduce((n, f) => n + f.size, 0) <= this.cacheBytes;
    const word = new RegExp(`\\b(?:${ids.map(escapeRe).join("|")})\\b`);
    let found = 0;
    const tty = !!this.io.stderr.isTTY;
    const started = Date.now();
    let last = started;
    let shown = false;
    for (const [i, f] of list.entries()) {
      if (f.size > MAX_FILE) continue;
      let text = this.cache.get(f.path);
      if (text === undefined) {
        // read before: its identifiers say whether it can matter now
        const filter = f.filter;
        if (filter && !ids.some((id) => mayHave(filter, id))) continue;
        try {
          text = readFileSync(join(this.dir, f.path), "utf8");
          this.reads++;
        } catch (e) {
          this.warn(`cannot read ${f.path}`, e);
          f.size = MAX_FILE + 1;
          continue;
        }
        if (keep) this.cache.set(f.path, text);
        else f.filter ??= identifierFilter(text);
      }
      // includes() first: most files mention none of the identifiers
      if (ids.some((id) => text.includes(id)) && word.test(text)) {
        const file = { path: f.path, text };
        found++;
        for (const id of ids) if (text.includes(id) && wordOf(id).test(text)) this.byId.get(id)?.push(file);
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
        `oopscope analyze: --src: ${list.length} files scanned in ${secs.toFixed(0)} s for ${ids.length} identifier(s)\n`,
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

  /** Say how many more could not be read than were warned about. */
  finish(): void {
    if (this.warned > MAX_WARNINGS)
      this.io.stderr.write(
        `oopscope analyze: --src: ${this.warned - MAX_WARNINGS} more file(s) could not be read (skipped)\n`,
      );
  }
}
