/**
 * "Who should have set the pointer": a crash's named verdict (the NULL pointer as a C expression, its
 * type, the faulting function and the call trace) and the C files of a source tree turn into a
 * `RootCause`:
 *
 * - the target: a struct member (`bond->alb.table` → member `table` of the struct(s) declaring it
 *   with the pointer's type) or a global (`lab_ports[...]`); a local (`port`) is followed back
 *   through its initialiser and an inline helper's `return` to what it was loaded from;
 * - every place the target is written (assignments, designated initialisers, the global's definition),
 *   with the conditions it sits under and, two levels up, the callers of its function and theirs;
 * - where the faulting function (and any call-trace function never called directly) is stored as a
 *   function pointer, the call that registers it, and that registration's scope read through the
 *   `REGISTRARS` table (a `struct packet_type` whose `.dev` is unset or NULL sees every device);
 * - one statement tying them, each claim followed by its file:line.
 *
 * Syntax comes from tree-sitter's C grammar; nothing is preprocessed, so a macro that hides an
 * assignment is not seen, and types are resolved only through declarations in view (no typedef
 * chains). Pure: files come from the caller's `SourceTree`.
 */

import type { Node, Tree } from "web-tree-sitter";
import { type CParser, maskAnnotations } from "./parser.js";
import { registrarFor } from "./registrars.js";
import type {
  AssignmentSite,
  CallSite,
  Guard,
  Registration,
  RootCause,
  RootCauseQuery,
  SourcePlace,
  SourceTarget,
  SourceTree,
  TargetOrigin,
} from "./types.js";

/** A file in view: its text, parsed on first use (most candidate files are never parsed). */
class Parsed {
  private t?: Tree;
  constructor(
    readonly path: string,
    readonly text: string,
    private readonly parser: CParser,
  ) {}
  get tree(): Tree {
    this.t ??= this.parser.parse(maskAnnotations(this.text));
    return this.t;
  }
  get parsed(): boolean {
    return this.t !== undefined;
  }
  close(): void {
    this.t?.delete();
    this.t = undefined;
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A word as a regular expression (`\bname\b`). */
const word = (w: string) => new RegExp(`\\b${escapeRe(w)}\\b`);
/** An assignment or designated initialiser of a member: `->m =`, `.m =` (not `==`). */
const memberStore = (m: string) => new RegExp(`(?:->|\\.)\\s*${escapeRe(m)}\\s*(?:\\[[^\\]]*\\]\\s*)*=(?!=)`);
/** A member declaration: `m;`, `*m;`, `m[N];`, `m:3;`, `m,`. */
const memberDecl = (m: string) => new RegExp(`\\b${escapeRe(m)}\\s*(?:\\[[^\\]]*\\]\\s*)*[;,:]`);

/** A node and the file it is in. */
interface At {
  file: Parsed;
  node: Node;
}

/** Calls through which a local's value is followed back (an inline helper returning one expression). */
const MAX_DERIVATION = 3;
/** Caller levels above an assignment's function (the seed: rlb_initialize ← bond_alb_initialize ← bond_open). */
const CALLER_DEPTH = 2;
/** Call sites kept per function (a helper called from everywhere says little). */
const MAX_CALL_SITES = 8;
/** Structs a member name may belong to before the name alone is taken as saying nothing. */
const MAX_CONTAINERS = 4;
/** Assignment sites kept (a member written everywhere: the rest are counted in a note). */
const MAX_ASSIGNMENTS = 24;

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();
const short = (s: string, n = 160) => {
  const c = collapse(s);
  return c.length > n ? `${c.slice(0, n - 1)}…` : c;
};
/** Compiler-made suffixes of a symbol (`.constprop.0`, `.part.0`, `.isra.0`, `.cold`). */
const baseSymbol = (s: string) => s.replace(/\.(constprop|part|isra|cold|lto_priv|llvm)(\.\d+)*.*$/, "");
const isNullText = (s: string) =>
  /^\(?\s*(NULL|0|0UL|0L|\(void\s*\*\)\s*0|nullptr|\{\s*\}|\{\s*0\s*\})\s*\)?$/.test(s.trim());

/** The text of an `if`/`while` condition without its parentheses. */
function condText(n: Node | null): string {
  if (!n) return "";
  const t = collapse(n.text);
  return n.type === "parenthesized_expression" && t.startsWith("(") && t.endsWith(")") ? t.slice(1, -1).trim() : t;
}

const FLIP: Record<string, string> = { "==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">" };

/** The negation of a condition as C: `a != b` for `a == b`, `x` for `!x`, `!f(x)`, else `!(c)`. */
function negate(cond: Node | null): string {
  let e = cond;
  while (e?.type === "parenthesized_expression" && e.namedChildren.length === 1) e = e.namedChildren[0] ?? null;
  if (!e) return "";
  const t = collapse(e.text);
  if (e.type === "binary_expression") {
    const op = e.childForFieldName("operator")?.type ?? "";
    const l = e.childForFieldName("left");
    const r = e.childForFieldName("right");
    const flipped = FLIP[op];
    if (flipped && l && r) return `${collapse(l.text)} ${flipped} ${collapse(r.text)}`;
  }
  if (e.type === "unary_expression" && e.childForFieldName("operator")?.type === "!") {
    const a = e.childForFieldName("argument");
    if (a) return a.type === "parenthesized_expression" ? condText(a) : collapse(a.text);
  }
  if (/^(identifier|field_expression|call_expression|subscript_expression)$/.test(e.type)) return `!${t}`;
  return `!(${t})`;
}

const same = (a: Node | null | undefined, b: Node | null | undefined) => !!a && !!b && a.id === b.id;

function functionName(def: Node): string | undefined {
  let d = def.childForFieldName("declarator");
  while (d && d.type !== "function_declarator") d = d.childForFieldName("declarator");
  const id = d?.childForFieldName("declarator");
  return id?.type === "identifier" ? id.text : undefined;
}

/** A function definition's parameter names, in order ("" for an unnamed one). */
function parameterNames(def: Node): string[] {
  let d = def.childForFieldName("declarator");
  while (d && d.type !== "function_declarator") d = d.childForFieldName("declarator");
  const params = d?.childForFieldName("parameters")?.namedChildren ?? [];
  return params
    .filter((p): p is Node => p?.type === "parameter_declaration")
    .map((p) => declared(p.childForFieldName("declarator")).name ?? "");
}

function enclosingFunction(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === "function_definition") return p;
  return undefined;
}

const isStatic = (decl: Node) =>
  decl.namedChildren.some((c) => c?.type === "storage_class_specifier" && c.text === "static");

/** The name a declarator declares, and how many `*` it adds. */
function declared(d: Node | null): { name?: string; pointers: number } {
  let pointers = 0;
  while (d) {
    if (d.type === "identifier" || d.type === "field_identifier") return { name: d.text, pointers };
    if (d.type === "pointer_declarator") pointers++;
    if (d.type === "array_declarator") pointers++;
    d = d.childForFieldName("declarator");
  }
  return { pointers };
}

/** `struct x`'s name from a type node (`struct_specifier`), else the type's own text. */
function structName(t: Node | null): string | undefined {
  if (!t) return undefined;
  if (t.type === "struct_specifier" || t.type === "union_specifier") return t.childForFieldName("name")?.text;
  return undefined;
}

function typeText(t: Node | null, pointers: number): string {
  return `${collapse(t?.text ?? "?")}${pointers ? ` ${"*".repeat(pointers)}` : ""}`;
}
const normType = (s: string) => s.replace(/\b(const|volatile|__rcu|__iomem|__user)\b/g, "").replace(/\s+/g, "");

/** The statement (or initialiser entry, or declaration) a node belongs to, for display. */
function statementOf(n: Node): Node {
  for (let p: Node | null = n; p; p = p.parent) {
    if (/_statement$|^declaration$|^initializer_pair$|^field_declaration$/.test(p.type)) return p;
    if (p.type === "compound_statement" || p.type === "translation_unit") break;
  }
  return n;
}

/** A statement that leaves the enclosing block (`return`, `goto`, `break`, `continue`), or a block ending in one. */
function exits(n: Node | null): boolean {
  if (!n) return false;
  if (/^(return|goto|break|continue)_statement$/.test(n.type)) return true;
  if (n.type === "compound_statement") {
    const last = n.namedChildren.filter((c) => c && c.type !== "comment").at(-1);
    return exits(last ?? null);
  }
  return false;
}

/** An iterator macro used as a loop head: `for_each_netdev(net, dev) { … }` parses as a call statement then a block. */
const ITERATOR = /(^|_)for_each|_foreach|^list_for_each|^hlist_for_each/;

/** The conditions under which `n` runs inside `fn`, innermost first. */
export function guardsOf(n: Node, fn: Node | undefined): Guard[] {
  const out: Guard[] = [];
  let child: Node = n;
  for (let p = n.parent; p && !same(p, fn); child = p, p = p.parent) {
    const line = p.startPosition.row + 1;
    if (p.type === "if_statement") {
      const cond = condText(p.childForFieldName("condition"));
      if (same(child, p.childForFieldName("consequence"))) out.push({ kind: "if", text: cond, line });
      else if (same(child, p.childForFieldName("alternative")))
        out.push({ kind: "else", text: negate(p.childForFieldName("condition")), line });
    } else if (p.type === "case_statement") {
      const value = p.childForFieldName("value");
      let sw: Node | null = p.parent;
      while (sw && sw.type !== "switch_statement") sw = sw.parent;
      const on = condText(sw?.childForFieldName("condition") ?? null);
      out.push({ kind: "case", text: value ? `${on} == ${collapse(value.text)}` : `${on}: default`, line });
    } else if (p.type === "while_statement" || p.type === "do_statement") {
      if (!same(child, p.childForFieldName("condition")))
        out.push({ kind: "loop", text: `while (${condText(p.childForFieldName("condition"))})`, line });
    } else if (p.type === "for_statement") {
      const body = p.childForFieldName("body");
      if (same(child, body))
        out.push({ kind: "loop", text: short(p.text.slice(0, (body?.startIndex ?? p.endIndex) - p.startIndex)), line });
    } else if (p.type === "compound_statement") {
      // a block that is an iterator macro's body
      if (child.type === "compound_statement") {
        const head = child.previousNamedSibling;
        const call = head?.type === "expression_statement" ? head.namedChildren[0] : undefined;
        const name = call?.type === "call_expression" ? call.childForFieldName("function")?.text : undefined;
        if (call && name && ITERATOR.test(name))
          out.push({ kind: "loop", text: collapse(call.text), line: call.startPosition.row + 1 });
      }
      // earlier `if (c) return;` in this block: reached only when !c
      for (let s = child.previousNamedSibling; s; s = s.previousNamedSibling) {
        if (
          s.type === "if_statement" &&
          !s.childForFieldName("alternative") &&
          exits(s.childForFieldName("consequence"))
        )
          out.push({
            kind: "early-exit",
            text: negate(s.childForFieldName("condition")),
            line: s.startPosition.row + 1,
          });
      }
    }
  }
  return out;
}

/** member → type text of a struct definition's body (undefined for a forward declaration). */
function fieldsOfBody(node: Node): Map<string, string> | undefined {
  const body = node.childForFieldName("body");
  if (!body) return undefined;
  const fields = new Map<string, string>();
  for (const fd of body.namedChildren) {
    if (fd?.type !== "field_declaration") continue;
    const t = fd.childForFieldName("type");
    const ds = fd.childrenForFieldName("declarator");
    // an anonymous struct or union member: its members are the outer struct's (struct sk_buff's dev)
    if (
      !ds.length &&
      t &&
      (t.type === "struct_specifier" || t.type === "union_specifier") &&
      !t.childForFieldName("name")
    ) {
      for (const [f, ft] of fieldsOfBody(t) ?? []) fields.set(f, ft);
      continue;
    }
    for (const d of ds) {
      const { name: f, pointers } = declared(d);
      if (f) fields.set(f, typeText(t, pointers));
    }
  }
  return fields;
}

/**
 * The files in view; `need` asks the tree for more. Every query names the text a file must match to
 * matter (a word, a member store), so only those files are parsed and walked: a member as common as
 * `table` is in hundreds of headers, and walking all their identifiers would dwarf the rest.
 */
class SourceIndex {
  readonly files = new Map<string, Parsed>();
  private asked = new Set<string>();
  private nodeCache = new Map<string, At[]>();
  private structCache = new Map<string, Map<string, string> | undefined>();
  private declCache = new Map<string, Parsed[]>();

  constructor(
    private readonly parser: CParser,
    private readonly tree: SourceTree,
  ) {}

  async need(ids: Iterable<string>): Promise<void> {
    const fresh = [...new Set(ids)].filter((id) => /^\w+$/.test(id) && !this.asked.has(id));
    if (!fresh.length) return;
    for (const id of fresh) this.asked.add(id);
    for (const f of await this.tree.files(fresh)) {
      if (this.files.has(f.path)) continue;
      this.files.set(f.path, new Parsed(f.path, f.text, this.parser));
      this.nodeCache.clear();
      this.structCache.clear();
      this.declCache.clear();
    }
  }

  close(): void {
    for (const f of this.files.values()) f.close();
  }

  /** Files parsed (not merely in view). */
  get parsedCount(): number {
    let n = 0;
    for (const f of this.files.values()) if (f.parsed) n++;
    return n;
  }

  /** Every node of a type in the files whose text matches `filter` (a word, or a pattern), and `only` when given. */
  all(type: string, filter: string | RegExp, only?: { key: string; has: (f: Parsed) => boolean }): At[] {
    const re = typeof filter === "string" ? word(filter) : filter;
    const key = `${type}\0${re.source}\0${only?.key ?? ""}`;
    let out = this.nodeCache.get(key);
    if (!out) {
      out = [];
      for (const file of this.files.values()) {
        if (!re.test(file.text) || (only && !only.has(file))) continue;
        for (const node of file.tree.rootNode.descendantsOfType(type)) if (node) out.push({ file, node });
      }
      this.nodeCache.set(key, out);
    }
    return out;
  }

  place(at: At, node: Node = statementOf(at.node)): SourcePlace {
    const fn = enclosingFunction(at.node);
    const name = fn ? functionName(fn) : undefined;
    const p: SourcePlace = { file: at.file.path, line: at.node.startPosition.row + 1, text: short(node.text) };
    if (name) p.function = name;
    return p;
  }

  functionDefs(name: string): At[] {
    // only a file where the name's `(` reaches a `{` with no `;` between can define it (a call ends in `;`)
    const def = new RegExp(`\\b${escapeRe(name)}\\s*\\([^;{]*\\)[^;{]*\\{`);
    return this.all("function_definition", def).filter((d) => functionName(d.node) === name);
  }

  /** member → type text (`struct lab_client *`) of `struct name`, from its definition in view. */
  fieldsOf(name: string): Map<string, string> | undefined {
    if (this.structCache.has(name)) return this.structCache.get(name);
    let out: Map<string, string> | undefined;
    for (const { node } of this.all(
      "struct_specifier",
      new RegExp(`\\b(?:struct|union)\\s+${escapeRe(name)}\\s*\\{`),
    )) {
      if (node.childForFieldName("name")?.text !== name) continue;
      const fields = fieldsOfBody(node);
      if (fields) out = new Map([...(out ?? []), ...fields]);
    }
    this.structCache.set(name, out);
    return out;
  }

  /**
   * The files in view that can see the definition of one of `structs`: C reaches a member only
   * through the complete type, so a file that defines the struct, names its tag, or `#include`s a
   * header defining it (directly, or through a header in view that does) is one; the rest of a
   * kernel tree's `->table =` cannot be this struct's. Undefined when no definition is in view.
   */
  seeing(structs: readonly string[]): ((f: Parsed) => boolean) | undefined {
    const defs = new Set<Parsed>();
    for (const name of structs)
      for (const { file, node } of this.all(
        "struct_specifier",
        new RegExp(`\\b(?:struct|union)\\s+${escapeRe(name)}\\s*\\{`),
      ))
        if (node.childForFieldName("name")?.text === name) defs.add(file);
    if (!defs.size) return undefined;
    const tag = new RegExp(`\\b(?:${structs.map(escapeRe).join("|")})\\b`);
    const includes = (f: Parsed, headers: Set<Parsed>) =>
      [...headers].some((h) => {
        const base = h.path.split("/").at(-1) ?? h.path;
        return (
          h.path.endsWith(".h") &&
          f.text.includes(base) &&
          new RegExp(`^\\s*#\\s*include\\s*[<"](?:[^>"]*/)?${escapeRe(base)}[>"]`, "m").test(f.text)
        );
      });
    const headers = new Set(defs);
    for (const f of this.files.values())
      if (f.path.endsWith(".h") && !headers.has(f) && includes(f, defs)) headers.add(f);
    return (f) => defs.has(f) || tag.test(f.text) || includes(f, headers);
  }

  /** Every struct in view that declares `member`, with the member's type. */
  structsWith(member: string, filter: RegExp = memberDecl(member)): { struct: string; type: string }[] {
    const out: { struct: string; type: string }[] = [];
    for (const { node } of this.all("struct_specifier", filter)) {
      const name = node.childForFieldName("name")?.text;
      const type = name ? fieldsOfBody(node)?.get(member) : undefined;
      if (name && type && !out.some((o) => o.struct === name)) out.push({ struct: name, type });
    }
    return out;
  }

  /** Files that may declare `name` at file scope (kernel style starts those at column 0), cached per name. */
  private declaringFiles(name: string): Parsed[] {
    let out = this.declCache.get(name);
    if (!out) {
      const re = new RegExp(`^[A-Za-z_][^;(){}=\\n]*[\\s*]${escapeRe(name)}\\s*(?:\\[[^\\]\\n]*\\]\\s*)*[;=,]`, "m");
      out = [...this.files.values()].filter((f) => f.text.includes(name) && re.test(f.text));
      this.declCache.set(name, out);
    }
    return out;
  }

  /** The declaration of `name` visible at `at` (parameter or local of its function, else file scope, else any file). */
  declarationOf(name: string, at: At): { type: Node | null; pointers: number; decl: At; init?: Node } | undefined {
    const fn = enclosingFunction(at.node);
    const scopes: At[] = [];
    if (fn) scopes.push({ file: at.file, node: fn });
    scopes.push({ file: at.file, node: at.file.tree.rootNode });
    for (const f of this.declaringFiles(name)) if (f !== at.file) scopes.push({ file: f, node: f.tree.rootNode });
    for (const scope of scopes) {
      const fileScope = scope.node.type === "translation_unit";
      for (const d of scope.node.descendantsOfType(["declaration", "parameter_declaration"])) {
        if (!d || (fileScope && d.parent?.type !== "translation_unit")) continue;
        for (const decl of d.childrenForFieldName("declarator")) {
          const target = decl?.type === "init_declarator" ? decl.childForFieldName("declarator") : decl;
          const { name: n, pointers } = declared(target);
          if (n !== name) continue;
          const out: { type: Node | null; pointers: number; decl: At; init?: Node } = {
            type: d.childForFieldName("type"),
            pointers,
            decl: { file: scope.file, node: d },
          };
          const init = decl?.type === "init_declarator" ? decl.childForFieldName("value") : null;
          if (init) out.init = init;
          return out;
        }
      }
    }
    return undefined;
  }

  /** The struct an expression's value is (or points to), from declarations in view. */
  structOf(e: Node, at: At, depth = 0): string | undefined {
    if (depth > 8) return undefined;
    switch (e.type) {
      case "identifier":
        return structName(this.declarationOf(e.text, { file: at.file, node: e })?.type ?? null);
      case "parenthesized_expression":
      case "pointer_expression":
      case "subscript_expression": {
        const inner = e.childForFieldName("argument") ?? e.namedChildren[0];
        return inner ? this.structOf(inner, at, depth + 1) : undefined;
      }
      case "field_expression": {
        const base = e.childForFieldName("argument");
        const field = e.childForFieldName("field")?.text;
        const s = base ? this.structOf(base, at, depth + 1) : undefined;
        const t = s && field ? this.fieldsOf(s)?.get(field) : undefined;
        return t ? /^(?:struct|union)\s+(\w+)/.exec(t)?.[1] : undefined;
      }
      case "cast_expression":
        return structName(e.childForFieldName("type")?.namedChildren[0] ?? null);
      default:
        return undefined;
    }
  }

  /** Direct calls of `name` (a static function: only in its own file). */
  callsOf(name: string): At[] {
    const defs = this.functionDefs(name);
    const onlyIn = defs.length && defs.every((d) => isStatic(d.node)) ? new Set(defs.map((d) => d.file)) : undefined;
    return this.all("call_expression", new RegExp(`\\b${escapeRe(name)}\\s*\\(`)).filter(
      (c) => c.node.childForFieldName("function")?.text === name && (!onlyIn || onlyIn.has(c.file)),
    );
  }
}

/** Parse a C expression on its own (the verdict's pointer), inside a throwaway function. */
function parseExpression(parser: CParser, text: string): { tree: Tree; expr?: Node } {
  const tree = parser.parse(`void __oopscope_expr(void) { (${text}); }`);
  if (tree.rootNode.hasError) return { tree };
  const paren = tree.rootNode.descendantsOfType("parenthesized_expression")[0];
  const expr = paren?.namedChildren[0] ?? undefined;
  return expr ? { tree, expr } : { tree };
}

/** The single expression a function returns (all its `return`s agree), for following a helper. */
function returnedExpression(def: Node): Node | undefined {
  const rets = def.descendantsOfType("return_statement").filter((r): r is Node => !!r);
  const exprs = rets.map((r) => r.namedChildren[0]).filter((e): e is Node => !!e);
  if (!exprs.length || new Set(exprs.map((e) => collapse(e.text))).size !== 1) return undefined;
  return exprs[0];
}

function callee(e: Node): string | undefined {
  if (e.type !== "call_expression") return undefined;
  const f = e.childForFieldName("function");
  return f?.type === "identifier" ? f.text : undefined;
}

/** Strip `&x`, `(x)` and casts around an argument. */
function stripArg(e: Node): Node {
  let n = e;
  for (;;) {
    if (n.type === "parenthesized_expression" && n.namedChildren[0]) n = n.namedChildren[0];
    else if (n.type === "cast_expression" && n.childForFieldName("value")) n = n.childForFieldName("value") as Node;
    else if (n.type === "pointer_expression" && n.text.trimStart().startsWith("&") && n.childForFieldName("argument"))
      n = n.childForFieldName("argument") as Node;
    else return n;
  }
}

class RootCauseFinder {
  private readonly index: SourceIndex;
  private readonly notes: string[] = [];
  private readonly regCache = new Map<string, Promise<Registration[]>>();

  constructor(
    private readonly parser: CParser,
    tree: SourceTree,
    private readonly query: RootCauseQuery,
  ) {
    const gen = tree.generation;
    const k = kept.get(tree);
    if (gen !== undefined && k?.parser === parser && k.generation === gen) this.index = k.index;
    else {
      k?.index.close();
      this.index = new SourceIndex(parser, tree);
      if (gen !== undefined) kept.set(tree, { parser, generation: gen, index: this.index });
      else kept.delete(tree);
    }
    this.keep = gen !== undefined;
  }

  private readonly keep: boolean;

  async run(): Promise<RootCause> {
    const q = this.query;
    const chain = q.inlineChain.map(baseSymbol);
    const trace = [...new Set(q.trace.map(baseSymbol))];
    const nullish = q.verdictKind === "null-pointer" || q.verdictKind === "null-array";
    const pointer = nullish ? q.pointer : undefined;
    try {
      // one walk of the tree for everything known up front: files are parsed only when a query needs them
      await this.index.need([...chain, ...trace, ...(pointer?.match(/[A-Za-z_]\w*/g) ?? [])]);
      const target = pointer ? await this.target(pointer, chain) : undefined;
      const assignments = target ? await this.assignments(target) : [];
      // the faulting function (outermost of the inline chain = the symbol) and trace functions never called directly
      const faulting = chain.at(-1) ?? trace[0];
      const regs: Registration[] = [];
      const candidates = [...new Set([...(faulting ? [faulting] : []), ...chain, ...trace])];
      for (const fn of candidates) {
        const defs = this.index.functionDefs(fn);
        if (!defs.length) continue;
        if (fn !== faulting && this.index.callsOf(fn).length) continue;
        // a static function is named only in its own file; several files defining one (raw_sendmsg
        // in net/ipv4, net/can, net/ieee802154) leave a trace frame's own unknown
        const files = [...new Set(defs.map((d) => d.file.path))].sort();
        if (fn !== faulting && files.length > 1) {
          this.notes.push(
            `${fn} is defined in ${files.length} files (${files.slice(0, 3).join(", ")}${files.length > 3 ? ", …" : ""}): which one the trace ran is not known, so its registrations are not listed`,
          );
          continue;
        }
        const own = defs.every((d) => isStatic(d.node)) ? new Set(files) : undefined;
        regs.push(...(await this.registrations(fn)).filter((r) => !own || own.has(r.stored.file)));
      }
      if (!target && !assignments.length && !regs.length) {
        const why = pointer
          ? `\`${pointer}\` is not traced to a member or global`
          : `the verdict (${q.verdictKind ?? "none"}) names no NULL pointer to trace`;
        const fn =
          faulting && this.index.functionDefs(faulting).length
            ? `${faulting} is stored nowhere as a callback`
            : `no file in view defines ${faulting ?? "the faulting function"}`;
        this.notes.push(`nothing to tie: ${why}; ${fn}`);
      }
      const { statement, evidence } = this.statement(target, assignments, regs);
      const out: RootCause = {
        assignments,
        registrations: regs,
        statement,
        evidence,
        files: this.index.parsedCount,
        notes: this.notes,
      };
      if (target) out.target = target;
      return out;
    } finally {
      if (!this.keep) this.index.close();
    }
  }

  /** What was NULL: a member, a global, or a local followed back to one of those. */
  private async target(pointer: string, chain: string[]): Promise<SourceTarget | undefined> {
    const { tree, expr } = parseExpression(this.parser, pointer);
    try {
      if (!expr) {
        this.notes.push(`the pointer \`${pointer}\` does not parse as a C expression`);
        return undefined;
      }
      return await this.classify(expr, pointer, chain, [], 0);
    } finally {
      tree.delete();
    }
  }

  private async classify(
    e: Node,
    text: string,
    chain: string[],
    derivation: SourcePlace[],
    depth: number,
  ): Promise<SourceTarget | undefined> {
    const ex = collapse(text);
    if (e.type === "parenthesized_expression" && e.namedChildren[0])
      return this.classify(e.namedChildren[0], e.namedChildren[0].text, chain, derivation, depth);
    if (e.type === "field_expression") {
      const member = e.childForFieldName("field")?.text;
      if (!member) return undefined;
      await this.index.need([member]);
      const t: SourceTarget = {
        kind: "member",
        expression: ex,
        member,
        containers: [],
        derivation,
      };
      const own = await this.containerOf(e, chain);
      t.containers = own ? [`struct ${own}`] : this.containers(member);
      let base = e.childForFieldName("argument");
      while (base && (base.type === "field_expression" || base.type === "parenthesized_expression"))
        base = base.childForFieldName("argument") ?? base.namedChildren[0] ?? null;
      if (base?.type === "identifier" && !derivation.length) {
        const origins = await this.origins(base.text, chain, member);
        if (origins.length) t.origins = origins;
      }
      return t;
    }
    if (e.type === "subscript_expression") {
      const base = e.childForFieldName("argument");
      if (base?.type === "identifier") {
        await this.index.need([base.text]);
        return { kind: "global", expression: ex, global: base.text, derivation };
      }
      return base ? this.classify(base, base.text, chain, derivation, depth) : undefined;
    }
    if (e.type !== "identifier") return undefined;
    // a local of a function of the inline chain: follow its value back
    for (const fn of chain) {
      for (const def of this.index.functionDefs(fn)) {
        const decl = this.index.declarationOf(e.text, {
          file: def.file,
          node: def.node.childForFieldName("body") ?? def.node,
        });
        if (!decl || !enclosingFunction(decl.decl.node)) continue;
        let value = decl.init;
        let at: At = { file: decl.decl.file, node: decl.init ?? decl.decl.node };
        if (!value) {
          const asg = def.node
            .descendantsOfType("assignment_expression")
            .find((a) => a?.childForFieldName("left")?.text === e.text);
          value = asg?.childForFieldName("right") ?? undefined;
          if (asg) at = { file: def.file, node: asg };
        }
        if (!value || depth >= MAX_DERIVATION) return undefined;
        const steps = [...derivation, this.index.place(at)];
        return this.follow(value, chain, steps, depth + 1);
      }
    }
    await this.index.need([e.text]);
    return { kind: "global", expression: ex, global: e.text, derivation };
  }

  /** Where the base variable of a member path gets its value: the calls passing it, or its initialiser. */
  private async origins(variable: string, chain: string[], member: string): Promise<TargetOrigin[]> {
    for (const fn of chain) {
      for (const def of this.index.functionDefs(fn)) {
        const i = parameterNames(def.node).indexOf(variable);
        if (i >= 0) {
          const out: TargetOrigin[] = [];
          for (const call of this.index.callsOf(fn).slice(0, MAX_CALL_SITES)) {
            const arg = call.node.childForFieldName("arguments")?.namedChildren[i];
            if (!arg) continue;
            out.push(await this.origin(variable, { file: call.file, node: call.node }, arg, member));
          }
          return out;
        }
        const decl = this.index.declarationOf(variable, {
          file: def.file,
          node: def.node.childForFieldName("body") ?? def.node,
        });
        if (decl?.init && same(enclosingFunction(decl.decl.node), def.node))
          return [await this.origin(variable, { file: decl.decl.file, node: decl.init }, decl.init, member)];
      }
    }
    return [];
  }

  private async origin(variable: string, at: At, value: Node, member: string): Promise<TargetOrigin> {
    const o: TargetOrigin = { variable, place: this.index.place(at), value: collapse(value.text) };
    const g = stripArg(value);
    if (g.type !== "identifier") return o;
    await this.index.need([g.text]);
    // a tentative definition (`static struct x g;` before use) and the one with the initialiser: the latter wins
    const defs = this.index
      .all("declaration", g.text)
      .filter((d) => d.node.childrenForFieldName("declarator").some((x) => x?.type === "init_declarator"))
      .concat(this.index.all("declaration", g.text));
    for (const d of defs) {
      if (d.node.parent?.type !== "translation_unit") continue;
      for (const decl of d.node.childrenForFieldName("declarator")) {
        const target = decl?.type === "init_declarator" ? decl.childForFieldName("declarator") : decl;
        if (declared(target).name !== g.text || target?.type === "function_declarator") continue;
        if (d.node.namedChildren.some((c) => c?.type === "storage_class_specifier" && c.text === "extern")) continue;
        const init = decl?.type === "init_declarator" ? decl.childForFieldName("value") : null;
        const sets = !!init
          ?.descendantsOfType("initializer_pair")
          .some((p) => p?.childForFieldName("designator")?.namedChildren[0]?.text === member);
        o.object = { name: g.text, definition: this.index.place(d), initialised: !!init, setsMember: sets };
        return o;
      }
    }
    return o;
  }

  /** A value: an inline helper's call is replaced by what the helper returns. */
  private async follow(
    v: Node,
    chain: string[],
    derivation: SourcePlace[],
    depth: number,
  ): Promise<SourceTarget | undefined> {
    const name = callee(v);
    if (name) {
      await this.index.need([name]);
      const def = this.index.functionDefs(name)[0];
      const ret = def ? returnedExpression(def.node) : undefined;
      if (!def || !ret) {
        this.notes.push(
          `\`${collapse(v.text)}\`: the value comes from ${name}(), which returns no single expression in view`,
        );
        return undefined;
      }
      return this.classify(
        ret,
        ret.text,
        [name, ...chain],
        [...derivation, this.index.place({ file: def.file, node: ret })],
        depth,
      );
    }
    return this.classify(v, v.text, chain, derivation, depth);
  }

  /** Structs declaring `member`, narrowed to those whose member has the verdict's pointer type. */
  /**
   * The struct holding the member, from the path itself: the base variable's declared type in an
   * inline-chain function, then each member's type (`bond` is `struct lab_bond *`, its `alb` is
   * `struct lab_alb`: the container of `table`). Undefined when any step does not resolve.
   */
  private async containerOf(e: Node, chain: string[]): Promise<string | undefined> {
    const path: string[] = [];
    let base: Node | null = e;
    while (base?.type === "field_expression") {
      path.unshift(base.childForFieldName("field")?.text ?? "");
      base = base.childForFieldName("argument");
      while (base?.type === "parenthesized_expression") base = base.namedChildren[0] ?? null;
    }
    if (base?.type !== "identifier") return undefined;
    for (const fn of chain) {
      for (const def of this.index.functionDefs(fn)) {
        const decl = this.index.declarationOf(base.text, {
          file: def.file,
          node: def.node.childForFieldName("body") ?? def.node,
        });
        let s = structName(decl?.type ?? null);
        if (!s) continue;
        for (const f of path.slice(0, -1)) {
          await this.index.need([s]);
          const t: string | undefined = this.index.fieldsOf(s)?.get(f);
          s = t ? /^(?:struct|union)\s+(\w+)/.exec(t)?.[1] : undefined;
          if (!s) return undefined;
        }
        await this.index.need([s]);
        return this.index.fieldsOf(s)?.has(path.at(-1) ?? "") ? s : undefined;
      }
    }
    return undefined;
  }

  private containers(member: string): string[] {
    const want = this.query.pointerType ? normType(this.query.pointerType) : undefined;
    // with the pointer's type, only files declaring `<type> … member` need parsing
    const base = this.query.pointerType ? /(\w+)\W*$/.exec(this.query.pointerType.replace(/\*/g, " "))?.[1] : undefined;
    if (want && base) {
      const re = new RegExp(`\\b${escapeRe(base)}\\b[^;{}]*\\b${escapeRe(member)}\\s*(?:\\[[^\\]]*\\]\\s*)*[;,:]`);
      const typed = this.index.structsWith(member, re).filter((s) => normType(s.type) === want);
      if (typed.length && typed.length <= MAX_CONTAINERS) return typed.map((s) => `struct ${s.struct}`);
    }
    const all = this.index.structsWith(member).map((s) => `struct ${s.struct}`);
    if (all.length <= MAX_CONTAINERS) return all;
    this.notes.push(
      `\`${member}\` is a member of ${all.length} structs in view and neither the path nor the pointer's type says which: assignments are matched by name`,
    );
    return [];
  }

  private async assignments(t: SourceTarget): Promise<AssignmentSite[]> {
    const out: AssignmentSite[] = [];
    const containers = new Set((t.containers ?? []).map((s) => s.replace(/^struct /, "")));
    const add = async (at: At, site: Omit<AssignmentSite, "guards" | "callers" | "registrations" | "place">) => {
      const fn = enclosingFunction(at.node);
      const name = fn ? functionName(fn) : undefined;
      const a: AssignmentSite = {
        place: this.index.place(at),
        ...site,
        guards: this.bind(guardsOf(at.node, fn), at),
        callers: [],
        registrations: [],
      };
      if (name) {
        a.callers = await this.callers(name, CALLER_DEPTH, new Set([name]), a.guards);
        if (!a.callers.length) a.registrations = await this.registrations(name);
      }
      out.push(a);
    };
    if (t.kind === "member" && t.member) {
      const has = containers.size ? this.index.seeing([...containers]) : undefined;
      const only = has && { key: [...containers].join(","), has };
      for (const at of this.index.all("assignment_expression", memberStore(t.member), only)) {
        const left = at.node.childForFieldName("left");
        if (left?.type !== "field_expression" || left.childForFieldName("field")?.text !== t.member) continue;
        const base = left.childForFieldName("argument");
        const s = base ? this.index.structOf(base, at) : undefined;
        if (s && containers.size && !containers.has(s)) continue;
        const value = collapse(at.node.childForFieldName("right")?.text ?? "");
        await add(at, {
          via: "assignment",
          target: collapse(left.text),
          value,
          storesNull: isNullText(value),
          matchedBy: s ? "type" : "name",
        });
      }
      for (const at of this.index.all("initializer_pair", memberStore(t.member), only)) {
        const des = at.node.childForFieldName("designator");
        if (des?.type !== "field_designator" || des.namedChildren[0]?.text !== t.member) continue;
        const s = this.initializedStruct(at);
        if (containers.size && (!s || !containers.has(s))) continue;
        const value = collapse(at.node.childForFieldName("value")?.text ?? "");
        await add(at, {
          via: "initializer",
          target: `.${t.member}`,
          value,
          storesNull: isNullText(value),
          matchedBy: s ? "type" : "name",
        });
      }
    } else if (t.kind === "global" && t.global) {
      for (const at of this.index.all("assignment_expression", t.global)) {
        let left = at.node.childForFieldName("left");
        while (left?.type === "subscript_expression") left = left.childForFieldName("argument");
        if (left?.type !== "identifier" || left.text !== t.global) continue;
        // a local of the same name shadows the global
        const decl = this.index.declarationOf(t.global, at);
        if (decl && enclosingFunction(decl.decl.node)) continue;
        const value = collapse(at.node.childForFieldName("right")?.text ?? "");
        await add(at, {
          via: "assignment",
          target: collapse(at.node.childForFieldName("left")?.text ?? ""),
          value,
          storesNull: isNullText(value),
          matchedBy: "name",
        });
      }
      for (const at of this.index.all("declaration", t.global)) {
        if (at.node.parent?.type !== "translation_unit") continue;
        for (const d of at.node.childrenForFieldName("declarator")) {
          const init = d?.type === "init_declarator" ? d.childForFieldName("value") : null;
          const target = d?.type === "init_declarator" ? d.childForFieldName("declarator") : d;
          if (declared(target).name !== t.global || d?.type === "function_declarator") continue;
          const extern = at.node.namedChildren.some(
            (c) => c?.type === "storage_class_specifier" && c.text === "extern",
          );
          if (extern) continue;
          const value = init ? collapse(init.text) : "0 (static storage, never initialised)";
          await add(at, {
            via: "declaration",
            target: t.global,
            value,
            storesNull: !init || isNullText(value),
            matchedBy: "name",
          });
        }
      }
    }
    out.sort((a, b) => a.place.file.localeCompare(b.place.file) || a.place.line - b.place.line);
    if (out.length > MAX_ASSIGNMENTS) {
      this.notes.push(`${out.length} assignment sites; the first ${MAX_ASSIGNMENTS} are kept`);
      out.length = MAX_ASSIGNMENTS;
    }
    return out;
  }

  /** The struct a designated initialiser list initialises (`static struct packet_type x = { … }`). */
  private initializedStruct(pair: At): string | undefined {
    const list = pair.node.parent;
    const decl = list?.parent?.type === "init_declarator" ? list.parent.parent : undefined;
    return decl?.type === "declaration" ? structName(decl.childForFieldName("type")) : undefined;
  }

  /** Direct callers of `name`, with their guards, `depth` levels up. */
  private async callers(name: string, depth: number, seen: Set<string>, inner: Guard[]): Promise<CallSite[]> {
    if (depth <= 0) return [];
    await this.index.need([name]);
    // parameters of `name` its guards test (`if (rlb_enabled)`): each call site says what it passes
    const def = this.index.functionDefs(name)[0];
    const tested = (def ? parameterNames(def.node) : [])
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => p && inner.some((g) => new RegExp(`\\b${p}\\b`).test(g.text)));
    const out: CallSite[] = [];
    for (const at of this.index.callsOf(name).slice(0, MAX_CALL_SITES)) {
      const fn = enclosingFunction(at.node);
      const caller = fn ? functionName(fn) : undefined;
      const args = at.node.childForFieldName("arguments")?.namedChildren ?? [];
      const site: CallSite = {
        place: this.index.place(at),
        callee: name,
        arguments: tested.flatMap(({ p, i }) => (args[i] ? [`${p} = ${collapse(args[i].text)}`] : [])),
        guards: this.bind(guardsOf(at.node, fn), at),
        callers: [],
        registrations: [],
      };
      if (caller && !seen.has(caller)) {
        await this.index.need([caller]);
        if (this.index.callsOf(caller).length)
          site.callers = await this.callers(caller, depth - 1, new Set(seen).add(caller), site.guards);
        else site.registrations = await this.registrations(caller);
      }
      out.push(site);
    }
    return out;
  }

  /** Where `fn` is stored as a function pointer, and the call that registers the object holding it. */
  private registrations(fn: string): Promise<Registration[]> {
    let r = this.regCache.get(fn);
    if (!r) {
      r = this.findRegistrations(fn);
      this.regCache.set(fn, r);
    }
    return r;
  }

  private async findRegistrations(fn: string): Promise<Registration[]> {
    await this.index.need([fn]);
    const out: Registration[] = [];
    // a file where the name is only called, declared or defined (always followed by `(`) stores it nowhere
    for (const at of this.index.all("identifier", new RegExp(`\\b${escapeRe(fn)}\\b(?!\\s*\\()`))) {
      if (at.node.text !== fn) continue;
      const p = at.node.parent;
      if (!p) continue;
      if (p.type === "call_expression" && same(p.childForFieldName("function"), at.node)) continue;
      if (p.type === "function_declarator") continue;
      let object: string | undefined;
      let field = "";
      let struct: string | undefined;
      let holder: At | undefined;
      if (p.type === "initializer_pair") {
        field = p.childForFieldName("designator")?.namedChildren[0]?.text ?? "";
        const list = p.parent;
        const init = list?.parent?.type === "init_declarator" ? list.parent : undefined;
        object = init ? declared(init.childForFieldName("declarator")).name : undefined;
        struct = init?.parent ? structName(init.parent.childForFieldName("type")) : undefined;
        if (init?.parent) holder = { file: at.file, node: init.parent };
      } else if (p.type === "assignment_expression" && same(p.childForFieldName("right"), at.node)) {
        const left = p.childForFieldName("left");
        if (left?.type === "field_expression") {
          const base = left.childForFieldName("argument");
          object = base ? collapse(base.text) : undefined;
          field = left.childForFieldName("field")?.text ?? "";
          struct = base ? this.index.structOf(base, at) : undefined;
        } else if (left) object = collapse(left.text);
      } else if (p.type === "argument_list") {
        // passed straight to a call: that call is the registration (not an export, nor the
        // INDIRECT_CALL_*() macros, which call it directly)
        const call = p.parent as Node;
        if (/^(?:EXPORT_SYMBOL|INDIRECT_CALL_)/.test(callee(call) ?? "")) continue;
        const index = p.namedChildren.findIndex((c) => same(c, at.node));
        const reg: Registration = {
          function: fn,
          stored: this.index.place(at),
          object: callee(call) ?? collapse(call.childForFieldName("function")?.text ?? "?"),
          field: `argument ${index + 1}`,
          registeredAt: this.index.place({ file: at.file, node: call }, call),
          guards: guardsOf(call, enclosingFunction(call)),
        };
        // a row for a call that takes the callback itself: its scope is another argument
        const row = registrarFor(reg.object);
        if (row && row.struct === undefined && row.arg === index) {
          reg.registrar = row;
          const scope = row.scopeArg !== undefined ? p.namedChildren[row.scopeArg] : undefined;
          if (scope && row.scopeArg !== undefined) {
            const value = collapse(scope.text);
            const wildcard = row.wildcard && isNullText(value);
            reg.scope = {
              field: `argument ${row.scopeArg + 1}`,
              value,
              place: reg.registeredAt as SourcePlace,
              wildcard,
              meaning: isNullText(value) ? row.nullMeans : row.setMeans,
            };
          }
        }
        out.push(reg);
        continue;
      } else continue;
      if (!object) continue;
      const reg: Registration = {
        function: fn,
        stored: this.index.place(at),
        object,
        field,
        guards: guardsOf(at.node, enclosingFunction(at.node)),
      };
      if (struct) reg.struct = struct;
      await this.registrationCall(reg, at, holder);
      out.push(reg);
    }
    return out;
  }

  /** The call that registers `reg.object`, and the registration's scope per `REGISTRARS`. */
  private async registrationCall(reg: Registration, stored: At, holder: At | undefined): Promise<void> {
    const local = enclosingFunction(stored.node);
    // a file-scope object is registered anywhere in its file (static) or the tree; a local one in its
    // function, so only that function is walked (a local `sd` or `rt` is in a thousand files)
    const scopes: Node[] = local ? [local] : [];
    const within = (n: Node, type: string): At[] =>
      n.descendantsOfType(type).flatMap((node) => (node ? [{ file: stored.file, node }] : []));
    if (!local) await this.index.need([reg.object.replace(/\W.*$/, "")]);
    const calls = local
      ? within(local, "call_expression")
      : this.index.all("call_expression", reg.object.replace(/\W.*$/, ""));
    let found: At | undefined;
    for (const at of calls) {
      if (
        local &&
        !scopes.some(
          (s) => s.startIndex <= at.node.startIndex && at.node.endIndex <= s.endIndex && at.file === stored.file,
        )
      )
        continue;
      const args = at.node.childForFieldName("arguments")?.namedChildren ?? [];
      const name = callee(at.node);
      if (!name) continue;
      const row = registrarFor(name);
      const arg =
        row?.struct !== undefined ? args[row.arg] : args.find((a) => a && collapse(stripArg(a).text) === reg.object);
      if (!arg || collapse(stripArg(arg).text) !== reg.object) continue;
      if (!row && !/(^|_)(register|add|attach|install|hook|setup|create|start|enable)(_|$)/.test(name)) continue;
      if (!found || (row && !registrarFor(callee(found.node) ?? ""))) found = at;
    }
    if (!found) return;
    reg.registeredAt = this.index.place(found, found.node);
    const row = registrarFor(callee(found.node) ?? "");
    if (!row) return;
    reg.registrar = row;
    if (!reg.struct) reg.struct = row.struct;
    const fieldValue = (field: string): { value: string; place?: SourcePlace } => {
      // the initialiser of the object's definition
      if (holder) {
        for (const pair of holder.node.descendantsOfType("initializer_pair")) {
          if (pair?.childForFieldName("designator")?.namedChildren[0]?.text === field)
            return {
              value: collapse(pair.childForFieldName("value")?.text ?? ""),
              place: this.index.place({ file: holder.file, node: pair }),
            };
        }
      }
      // an assignment `object->field = v` / `object.field = v` (in the same function for a local object)
      const stores = local
        ? within(local, "assignment_expression")
        : this.index.all("assignment_expression", memberStore(field));
      for (const at of stores) {
        const left = at.node.childForFieldName("left");
        if (left?.type !== "field_expression" || left.childForFieldName("field")?.text !== field) continue;
        if (collapse(left.childForFieldName("argument")?.text ?? "") !== reg.object) continue;
        if (local && !same(enclosingFunction(at.node), local)) continue;
        return { value: collapse(at.node.childForFieldName("right")?.text ?? ""), place: this.index.place(at) };
      }
      return { value: "unset" };
    };
    if (row.kindField) {
      const k = fieldValue(row.kindField);
      if (k.value !== "unset") reg.kind = { field: row.kindField, value: k.value };
    }
    if (row.scopeField) {
      const s = fieldValue(row.scopeField);
      const wildcard = row.wildcard && (s.value === "unset" || isNullText(s.value));
      const what = reg.kind ? ` (${reg.kind.field} ${reg.kind.value})` : "";
      reg.scope = {
        field: row.scopeField,
        value: s.value,
        wildcard,
        meaning: `${wildcard ? row.nullMeans : row.setMeans}${what}`,
      };
      if (s.place) reg.scope.place = s.place;
    }
  }

  /** Attach to each guard that tests a local of `fn` the local's initialiser. */
  private bind(guards: Guard[], at: At): Guard[] {
    const fn = enclosingFunction(at.node);
    if (!fn) return guards;
    for (const g of guards) {
      const name = /^!?\s*(\w+)$/.exec(g.text)?.[1];
      if (!name) continue;
      const d = this.index.declarationOf(name, at);
      if (d?.init && same(enclosingFunction(d.decl.node), fn)) g.binding = `${name} = ${collapse(d.init.text)}`;
    }
    return guards;
  }

  private statement(
    target: SourceTarget | undefined,
    assignments: AssignmentSite[],
    regs: Registration[],
  ): { statement: string; evidence: SourcePlace[] } {
    const evidence: SourcePlace[] = [];
    const at = (p: SourcePlace) => {
      evidence.push(p);
      return `${p.file}:${p.line}`;
    };
    const fnAt = (p: SourcePlace) => `${p.function ? `${p.function}()` : "a static initialiser"} (${at(p)})`;
    const under = (gs: Guard[]) => {
      const g = mainGuards(gs);
      return g.length
        ? ` under ${g.map((x) => `\`${x.text}\`${x.binding ? ` (\`${x.binding}\`)` : ""}`).join(" and ")}`
        : "";
    };
    const parts: string[] = [];
    const wild = regs.find((r) => r.scope?.wildcard);
    const shown = wild ?? regs[0];
    if (shown) {
      const r = shown;
      let s: string;
      if (r.field.startsWith("argument ") && r.registeredAt)
        s = `\`${r.function}\` is passed to \`${r.registeredAt.text.replace(/;$/, "")}\` (${at(r.registeredAt)})`;
      else {
        s = `\`${r.function}\` is stored in \`${member(r, r.field)}\` (${at(r.stored)})`;
        if (r.registeredAt)
          s += ` and registered by \`${r.registeredAt.text.replace(/;$/, "")}\` (${at(r.registeredAt)})`;
      }
      if (r.scope) {
        const v = r.scope.value === "unset" ? "unset" : `\`${r.scope.value}\``;
        s += ` with \`${member(r, r.scope.field)}\` ${v}${r.scope.place ? ` (${at(r.scope.place)})` : ""}: ${r.scope.meaning}`;
      } else if (r.registrar) s += `: ${r.registrar.nullMeans}`;
      parts.push(`${s}.`);
    }
    if (target) {
      const name = target.kind === "member" ? `${target.member}` : `${target.global}`;
      const whose = target.containers?.length ? ` of ${target.containers.join(" or ")}` : "";
      if (target.derivation.length)
        parts.push(
          `\`${this.query.pointer}\` is loaded from \`${target.expression}\` (${target.derivation.map(at).join(", ")}).`,
        );
      // an origin says something when it is a global object (its definition may leave the member unset)
      for (const o of (target.origins ?? []).filter((x) => x.object).slice(0, 2)) {
        let t = `\`${o.variable}\` is \`${o.value}\` (${at(o.place)})`;
        if (o.object) {
          const d = at(o.object.definition);
          t += o.object.setsMember
            ? `, and \`${o.object.name}\`'s initialiser (${d}) sets \`${target.member}\``
            : o.object.initialised
              ? `, and \`${o.object.name}\` is defined at ${d} with an initialiser that leaves \`${target.member}\` unset (static storage: NULL)`
              : `, and \`${o.object.name}\` is defined at ${d} without an initialiser (static storage: NULL)`;
        }
        parts.push(`${t}.`);
      }
      const sets = assignments.filter((a) => !a.storesNull);
      const decl = assignments.find((a) => a.via === "declaration");
      if (!sets.length) {
        parts.push(
          `\`${name}\`${whose} is never given a non-NULL value in the source in view${decl ? `; it is defined at ${at(decl.place)} as ${decl.value}` : ""}.`,
        );
      } else {
        const where = sets.map((a) => {
          // an element of a global array: which element is stored says which ones stay NULL
          const what = target.kind === "global" && a.target !== name ? `, \`${a.target} = ${a.value}\`` : "";
          let s = `${fnAt(a.place)}${what}${under(a.guards)}`;
          const withArgs = (c: CallSite) =>
            c.arguments.length ? ` with ${c.arguments.map((x) => `\`${x}\``).join(", ")}` : "";
          const up = a.callers.slice(0, 2).map((c) => {
            let t = `${fnAt(c.place)}${withArgs(c)}${under(c.guards)}`;
            const up2 = c.callers[0];
            if (up2) t += `, called from ${fnAt(up2.place)}${withArgs(up2)}${under(up2.guards)}`;
            const reg = (up2 ?? c).registrations[0];
            if (reg) t += `, reached through \`${reg.object}.${reg.field}\` (${at(reg.stored)})`;
            return t;
          });
          if (up.length) s += `, called from ${up.join("; or from ")}`;
          else if (a.registrations[0])
            s += `, reached through \`${a.registrations[0].object}.${a.registrations[0].field}\` (${at(a.registrations[0].stored)})`;
          return s;
        });
        parts.push(
          `${target.kind === "member" ? "Member " : ""}\`${name}\`${whose} is set ${sets.length === 1 ? "only " : ""}in ${where.join("; and in ")}.`,
        );
        // the conditions on the way: the assignment's own, else those of its first chain of callers
        // a guard on a parameter reads with what the caller passes (`rlb_enabled`, passed as `bond->mode == BOND_MODE_ALB`)
        const passed = new Map<string, string>();
        const conds = sets.flatMap((a) => {
          const own = mainGuards(a.guards);
          if (own.length) return own;
          const c = a.callers[0];
          for (const x of c?.callers[0]?.arguments ?? []) {
            const [p, v] = x.split(" = ", 2);
            if (p && v) passed.set(p, v);
          }
          return c ? [...mainGuards(c.guards), ...(c.callers[0] ? mainGuards(c.callers[0].guards) : [])] : [];
        });
        const cond = (g: Guard) => `\`${g.text}\`${passed.has(g.text) ? ` (passed as \`${passed.get(g.text)}\`)` : ""}`;
        if (wild?.scope && conds.length)
          parts.push(
            `So unless ${conds.map(cond).join(" and ")} ${conds.length > 1 ? "hold" : "holds"}, \`${this.query.pointer}\` stays NULL; yet \`${wild.function}\` runs there too, since its registration is not limited to where it was set up (\`${member(wild, wild.scope.field)}\` ${wild.scope.value === "unset" ? "unset" : wild.scope.value}).`,
          );
      }
    }
    const seen = new Set<string>();
    const ev = evidence.filter((p) => {
      const k = `${p.file}:${p.line}`;
      return !seen.has(k) && seen.add(k);
    });
    return { statement: parts.join(" "), evidence: ev };
  }
}

/** `object->field` when the object is stored through a pointer (`pk_type->func = …`), else `object.field`. */
export function member(r: Registration, field: string): string {
  const obj = /^\w+$/.test(r.object) ? r.object : `(${r.object})`;
  return `${obj}${r.stored.text.includes(`${r.object}->`) ? "->" : "."}${field}`;
}

/**
 * The guards a statement names: the `if` and `case` conditions (the innermost `else` when there is
 * neither: the branch of an else-if chain); loops and early exits stay in the data only.
 */
function mainGuards(gs: Guard[]): Guard[] {
  const g = gs.filter((x) => x.kind === "if" || x.kind === "case");
  if (g.length) return g;
  const e = gs.find((x) => x.kind === "else");
  return e ? [e] : [];
}

/** Find the root-cause section for one crash; undefined when the source in view says nothing about it. */
/** Parsed files kept per tree between calls (a tree with a `generation`): a log's next crash parses nothing again. */
const kept = new WeakMap<SourceTree, { parser: CParser; generation: number; index: SourceIndex }>();

/** Free the parse trees kept for `tree` (tree-sitter's trees live in WebAssembly memory). */
export function releaseRootCause(tree: SourceTree): void {
  kept.get(tree)?.index.close();
  kept.delete(tree);
}

export async function findRootCause(
  parser: CParser,
  tree: SourceTree,
  query: RootCauseQuery,
): Promise<RootCause | undefined> {
  return new RootCauseFinder(parser, tree, query).run();
}
