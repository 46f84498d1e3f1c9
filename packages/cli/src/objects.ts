/**
 * Object files for symbolization: a module name (or none, for the kernel itself) in, an open
 * symbolizer over the right ELF file out. The kernel is `--vmlinux`; a `[module]` frame's `.ko` (also
 * `.ko.xz`, `.ko.zst`, `.ko.gz`; `-` and `_` interchangeable, as modprobe treats them) is searched as
 * the kernel's scripts/decode_stacktrace.sh does: the given modules directory, the directory of
 * vmlinux, then `/usr/lib/debug/lib/modules/<release>` and `/lib/modules/<release>`. Each object is
 * opened once and kept for the whole run; every file descriptor is closed by `close()`.
 */

import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type DwarfSymbolizer, OopsError, openElfSymbolizer } from "@oopscope/core/symbolizer";
import { type FileSource, openFileSource } from "./io/file-source.js";

const MODULE_SUFFIXES = [".ko", ".ko.xz", ".ko.zst", ".ko.gz"];

/** `nf_conntrack-ipv4` and `nf_conntrack_ipv4` name the same module. */
const normalise = (name: string) => name.replace(/-/g, "_");

/** Map of normalised module name → path for every module file under `dir` (depth-limited walk). */
async function indexModules(dir: string, depth = 8): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string, left: number): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (left > 0) await walk(p, left - 1);
        continue;
      }
      const suffix = MODULE_SUFFIXES.find((s) => e.name.endsWith(s));
      if (!suffix) continue;
      const key = normalise(e.name.slice(0, -suffix.length));
      // Prefer the uncompressed file when both exist.
      if (!out.has(key) || suffix === ".ko") out.set(key, p);
    }
  };
  await walk(dir, depth);
  return out;
}

export interface ObjectsOptions {
  vmlinux?: string;
  modules?: string;
  /** Search the system module directories for this kernel release too. */
  searchSystem?: boolean;
}

export class ObjectResolver {
  private readonly open = new Map<string, Promise<DwarfSymbolizer>>();
  private readonly sources: FileSource[] = [];
  private readonly indexes = new Map<string, Promise<Map<string, string>>>();

  constructor(private readonly opts: ObjectsOptions) {}

  /** Directories searched for a module's file, in order. */
  private dirs(release?: string): string[] {
    const d: string[] = [];
    if (this.opts.modules) d.push(this.opts.modules);
    if (this.opts.vmlinux) d.push(dirname(this.opts.vmlinux));
    if (release && this.opts.searchSystem !== false)
      d.push(join("/usr/lib/debug/lib/modules", release), join("/lib/modules", release));
    return d;
  }

  /** The file of a module, or undefined when none of the directories has it. */
  async findModule(name: string, release?: string): Promise<string | undefined> {
    for (const dir of this.dirs(release)) {
      let idx = this.indexes.get(dir);
      if (!idx) {
        idx = indexModules(dir);
        this.indexes.set(dir, idx);
      }
      const hit = (await idx).get(normalise(name));
      if (hit) return hit;
    }
    return undefined;
  }

  /** Open (once) the symbolizer of a file. */
  symbolizerForFile(path: string): Promise<DwarfSymbolizer> {
    let s = this.open.get(path);
    if (!s) {
      s = (async () => {
        const src = await openFileSource(path);
        this.sources.push(src);
        return openElfSymbolizer(src);
      })();
      this.open.set(path, s);
    }
    return s;
  }

  /** The symbolizer for a frame: its module's `.ko`, or vmlinux for the kernel proper. */
  async symbolizerFor(module: string | undefined, release?: string): Promise<DwarfSymbolizer> {
    if (module === undefined) {
      if (!this.opts.vmlinux) throw new OopsError("E_USAGE", "a kernel frame needs --vmlinux to be symbolized");
      return this.symbolizerForFile(this.opts.vmlinux);
    }
    const path = await this.findModule(module, release);
    if (!path)
      throw new OopsError(
        "E_IO",
        `no object file for module ${module} (looked for ${module}.ko[.xz|.zst|.gz] in ${this.dirs(release).join(", ") || "no directory: give --modules"})`,
      );
    return this.symbolizerForFile(path);
  }

  async close(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.close()));
  }
}
