/**
 * The C parser behind the source stage: tree-sitter's runtime and its C grammar, both WebAssembly,
 * turned into a `CParser` that parses one file's text into a syntax tree. Core never reads files: the
 * caller (CLI, web UI) passes the two `.wasm` images as bytes (web-tree-sitter's
 * `web-tree-sitter.wasm` and tree-sitter-c's `tree-sitter-c.wasm`).
 */

import { Language, Parser, type Tree } from "web-tree-sitter";

export interface CParserWasm {
  /** web-tree-sitter's runtime (`web-tree-sitter/web-tree-sitter.wasm`). */
  runtime: Uint8Array;
  /** The C grammar (`tree-sitter-c/tree-sitter-c.wasm`). */
  grammar: Uint8Array;
}

export interface CParser {
  parse(text: string): Tree;
}

let runtimeReady: Promise<void> | undefined;

/** Load the runtime (once per process) and the grammar; parsing is then synchronous. */
export async function loadCParser(wasm: CParserWasm): Promise<CParser> {
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
