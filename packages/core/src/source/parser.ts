/**
 * The C parser behind the source stage: tree-sitter's runtime and its C grammar, both WebAssembly,
 * turned into a `CParser` that parses one file's text into a syntax tree. Core never reads files: the
 * caller (CLI, web UI) passes the two `.wasm` images as bytes (web-tree-sitter's
 * `web-tree-sitter.wasm` and tree-sitter-c's `tree-sitter-c.wasm`).
 */

import type { Tree } from "web-tree-sitter";

export interface CParserWasm {
  /** web-tree-sitter's runtime (`web-tree-sitter/web-tree-sitter.wasm`). */
  runtime: Uint8Array;
  /** The C grammar (`tree-sitter-c/tree-sitter-c.wasm`). */
  grammar: Uint8Array;
}

/**
 * Kernel annotations that are macros expanding to attributes or nothing, placed where C expects no
 * identifier: `static int __init f(void)` parses as a declaration and a stray block unless `__init`
 * goes. include/linux/init.h (`__init`, `__exit`, `__initdata`, `__initconst`, `__ref`, and the
 * older `__devinit`/`__cpuinit`/`__meminit` families, `__net_init` in include/net/net_namespace.h),
 * include/linux/compiler_types.h and compiler_attributes.h (`notrace`, `__always_inline`,
 * `noinline`, `__cold`, `__weak`, `__maybe_unused`, `__must_check`, …), include/linux/compiler_types.h
 * sparse annotations (`__user`, `__iomem`, `__rcu`, `__percpu`, `__force`, `__acquires(x)`,
 * `__releases(x)`, `__must_hold(x)`), include/linux/cache.h (`__read_mostly`, `__ro_after_init`).
 */
const ANNOTATION = new RegExp(
  [
    "\\b__(?:dev|cpu|mem|net_|)(?:init|exit)(?:data|const|rodata)?\\b",
    "\\b(?:__ref|__refdata|__sched|__cold|__hot|__visible|__weak|__used|__maybe_unused|__must_check|notrace|__noreturn|noinline|__noinline|__always_inline|asmlinkage|__latent_entropy|__read_mostly|__ro_after_init|__cpuidle|__noclone|__flatten|__pure|__malloc|__percpu|__rcu|__iomem|__user|__kernel|__force|__nocast|__safe|__private|__init_or_module)\\b",
    "\\b(?:__acquires|__releases|__must_hold|__printf|__scanf|__aligned|__section|__alloc_size)\\s*\\([^()]*\\)",
  ].join("|"),
  "g",
);

/** The text with kernel annotations blanked (same length, newlines kept), so that positions do not move. */
export function maskAnnotations(text: string): string {
  return text.replace(ANNOTATION, (m) => m.replace(/[^\n]/g, " "));
}

export interface CParser {
  /** Parse C text as written; `maskAnnotations` first for kernel code. */
  parse(text: string): Tree;
}

let runtimeReady: Promise<void> | undefined;

/**
 * Load the runtime (once per process) and the grammar; parsing is then synchronous. web-tree-sitter
 * is imported here, on first use, so that an analysis without a source tree never loads it.
 */
export async function loadCParser(wasm: CParserWasm): Promise<CParser> {
  const { Language, Parser } = await import("web-tree-sitter");
  runtimeReady ??= Parser.init({ wasmBinary: wasm.runtime } as Parameters<typeof Parser.init>[0]);
  await runtimeReady;
  const language = await Language.load(wasm.grammar);
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    parse(text: string): Tree {
      const tree = parser.parse(text);
      if (!tree) throw new Error("tree-sitter returned no tree");
      return tree;
    },
  };
}
