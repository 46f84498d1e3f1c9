/**
 * `--src DIR` for the source stage: a directory of C sources turned into the `SourceTree` core asks
 * for candidate files. The tree is walked once for its `.c` and `.h` files (dot-directories and
 * symlinked directories are skipped); each request reads the files and keeps those whose text
 * mentions one of the identifiers as a word — a cheap text prefilter, so only candidates reach the
 * C parser. Small trees are kept in memory after the first read; a kernel-sized tree (~70k files) is
 * re-read per request with progress on stderr. What cannot be read is skipped with one warning each.
 * Also loads the tree-sitter runtime and C grammar `.wasm` files that core's parser is given as bytes.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { type CParser, loadCParser, type SourceFile, type SourceTree } from "@oopscope/core";
import type { CliIO } from "./io.js";

/** Keep every file's text after the first read when the tree is at most this many bytes. */
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

export class DirectorySourceTree implements SourceTree {
  private list?: { path: string; size: number }[];
  private cache = new Map<string, string>();
  private byId = new Map<string, SourceFile[]>();
  private warned = 0;
  private skipped = 0;
  /** Files read over all requests, and walks over the tree's files (for tests). */
  reads = 0;
  scans = 0;

  constructor(
    private readonly dir: string,
    private readonly io: CliIO,
  ) {}

  private warn(what: string, e: unknown): void {
    this.skipped++;
    if (this.warned++ < MAX_WARNINGS)
      this.io.stderr.write(
        `oopscope analyze: --src: ${what}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (skipped)\n`,
      );
  }

  /** Every .c and .h file under the directory, relative paths with `/`. */
  private files_(): { path: string; size: number }[] {
    if (this.list) return this.list;
    const out: { path: string; size: number }[] = [];
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
    const keep = list.reduce((n, f) => n + f.size, 0) <= CACHE_BYTES;
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
        try {
          text = readFileSync(join(this.dir, f.path), "utf8");
          this.reads++;
        } catch (e) {
          this.warn(`cannot read ${f.path}`, e);
          f.size = MAX_FILE + 1;
          continue;
        }
        if (keep) this.cache.set(f.path, text);
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
