/**
 * Symbol demangling for stack frames: turns a mangled C++ (Itanium ABI, `_Z…`) or Rust (v0, `_R…`)
 * symbol printed in a kernel stack trace into its readable path without parameters, e.g.
 * `_Z8fakeNameiii` → `fakeName`, `_RNvMs0_NtCs…_11rust_binder4nodeNtB5_4Node22update_refcount_locked`
 * → `<rust_binder::node::Node>::update_refcount_locked`. Titles of crashes in Rust drivers name the
 * function that way on syzbot. Anything this decoder does not understand is returned unchanged.
 *
 * Grammars: the Itanium C++ ABI, section 5.1 "External Names"; Rust RFC 2603 "Rust symbol name
 * mangling v0". Only what stack frames need is implemented: nested names, crate roots, inherent and
 * trait impls, backreferences, generic arguments and the common types.
 */

/** Demangle `name` when it is a C++ or Rust v0 symbol; otherwise return it as is. */
export function demangle(name: string): string {
  try {
    if (name.startsWith("_R")) return new RustV0(name).symbol() ?? name;
    if (name.startsWith("_Z")) return itanium(name) ?? name;
  } catch {
    // Malformed or unsupported: keep the mangled name, which is still a stable identifier.
  }
  return name;
}

// --- Itanium C++ -------------------------------------------------------------------------------

/** `_Z <name> <params>` where name is `<len><id>` or `N [CV] <len><id>… E`; parameters are dropped. */
function itanium(s: string): string | undefined {
  let i = 2;
  const ident = (): string | undefined => {
    let j = i;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j === i) return undefined;
    const n = Number(s.slice(i, j));
    const id = s.slice(j, j + n);
    if (id.length !== n) return undefined;
    i = j + n;
    return id;
  };
  if (s[i] === "N") {
    i++;
    while (s[i] === "r" || s[i] === "V" || s[i] === "K") i++; // cv-qualifiers of a member function
    const parts: string[] = [];
    while (i < s.length && s[i] !== "E") {
      const id = ident();
      if (id === undefined) return undefined;
      parts.push(id);
    }
    return parts.length > 0 ? parts.join("::") : undefined;
  }
  return ident();
}

// --- Rust v0 -----------------------------------------------------------------------------------

const BASIC_TYPES: Record<string, string> = {
  a: "i8",
  b: "bool",
  c: "char",
  d: "f64",
  e: "str",
  f: "f32",
  h: "u8",
  i: "isize",
  j: "usize",
  l: "i32",
  m: "u32",
  n: "i128",
  o: "u128",
  s: "i16",
  t: "u16",
  u: "()",
  v: "...",
  x: "i64",
  y: "u64",
  z: "!",
  p: "_",
};

class RustV0 {
  private pos = 2;
  private depth = 0;
  constructor(private readonly s: string) {}

  symbol(): string | undefined {
    // An optional encoding version (decimal) precedes the path.
    while (this.digit()) this.pos++;
    this.base = this.pos;
    return this.path();
  }

  /** Backreference offsets count from just after `_R`. */
  private base = 2;

  private peek(): string {
    return this.s[this.pos] ?? "";
  }
  private digit(): boolean {
    const c = this.s.charCodeAt(this.pos);
    return c >= 48 && c <= 57;
  }
  private take(c: string): boolean {
    if (this.s[this.pos] === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  private base62(): number {
    if (this.take("_")) return 0;
    let n = 0;
    for (;;) {
      const c = this.s[this.pos++];
      if (c === undefined) throw new Error("truncated");
      if (c === "_") return n + 1;
      const v = /[0-9]/.test(c) ? c.charCodeAt(0) - 48 : /[a-z]/.test(c) ? c.charCodeAt(0) - 87 : c.charCodeAt(0) - 29;
      n = n * 62 + v;
    }
  }

  private disambiguator(): void {
    if (this.take("s")) this.base62();
  }

  private identifier(): string {
    this.disambiguator();
    const punycode = this.take("u");
    let j = this.pos;
    while (j < this.s.length && this.s.charCodeAt(j) >= 48 && this.s.charCodeAt(j) <= 57) j++;
    if (j === this.pos) throw new Error("identifier length");
    const n = Number(this.s.slice(this.pos, j));
    this.pos = j;
    this.take("_");
    const id = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    return punycode ? `punycode{${id}}` : id;
  }

  private backref<T>(f: () => T): T {
    const target = this.base + this.base62();
    if (target >= this.pos) throw new Error("forward backref");
    const saved = this.pos;
    this.pos = target;
    try {
      return f();
    } finally {
      this.pos = saved;
    }
  }

  private guard(): void {
    if (++this.depth > 200) throw new Error("too deep");
  }

  path(): string {
    this.guard();
    try {
      const tag = this.s[this.pos++];
      switch (tag) {
        case "C":
          return this.identifier();
        case "M": {
          this.disambiguator();
          this.path(); // the impl's own path (crate / module) is not printed
          return `<${this.type()}>`;
        }
        case "X": {
          this.disambiguator();
          this.path();
          const t = this.type();
          return `<${t} as ${this.path()}>`;
        }
        case "Y": {
          const t = this.type();
          return `<${t} as ${this.path()}>`;
        }
        case "N": {
          const ns = this.s[this.pos++] ?? "";
          const parent = this.path();
          const id = this.identifier();
          if (ns >= "A" && ns <= "Z")
            return `${parent}::{${ns === "C" ? "closure" : ns === "S" ? "shim" : ns}${id === "" ? "" : `:${id}`}}`;
          return id === "" ? parent : `${parent}::${id}`;
        }
        case "I": {
          const p = this.path();
          const args: string[] = [];
          while (!this.take("E")) args.push(this.genericArg());
          return `${p}::<${args.join(", ")}>`;
        }
        case "B":
          return this.backref(() => this.path());
        default:
          throw new Error(`path tag ${tag}`);
      }
    } finally {
      this.depth--;
    }
  }

  private genericArg(): string {
    if (this.take("L")) {
      this.base62();
      return "'_";
    }
    if (this.take("K")) return this.constant();
    return this.type();
  }

  private constant(): string {
    if (this.take("p")) return "_";
    if (this.peek() === "B") {
      this.pos++;
      return this.backref(() => this.constant());
    }
    const ty = this.s[this.pos++] ?? "";
    const neg = this.take("n");
    let j = this.pos;
    while (j < this.s.length && this.s[j] !== "_") j++;
    const hex = this.s.slice(this.pos, j);
    this.pos = j + 1;
    if (ty === "b") return hex === "1" ? "true" : "false";
    return `${neg ? "-" : ""}${hex === "" ? "0" : BigInt(`0x${hex}`).toString()}`;
  }

  type(): string {
    this.guard();
    try {
      const c = this.peek();
      const basic = BASIC_TYPES[c];
      if (basic !== undefined) {
        this.pos++;
        return basic;
      }
      switch (c) {
        case "R":
        case "Q": {
          this.pos++;
          if (this.take("L")) this.base62();
          return `&${c === "Q" ? "mut " : ""}${this.type()}`;
        }
        case "P":
          this.pos++;
          return `*const ${this.type()}`;
        case "O":
          this.pos++;
          return `*mut ${this.type()}`;
        case "A": {
          this.pos++;
          const t = this.type();
          return `[${t}; ${this.constant()}]`;
        }
        case "S":
          this.pos++;
          return `[${this.type()}]`;
        case "T": {
          this.pos++;
          const ts: string[] = [];
          while (!this.take("E")) ts.push(this.type());
          return `(${ts.join(", ")}${ts.length === 1 ? "," : ""})`;
        }
        case "B":
          this.pos++;
          return this.backref(() => this.type());
        case "F":
        case "D":
          throw new Error("function and dyn types are not decoded");
        default:
          return this.path();
      }
    } finally {
      this.depth--;
    }
  }
}
