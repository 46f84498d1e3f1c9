/**
 * The symbolizer over an object's DWARF: turns an address, or a `symbol+offset` as the kernel prints
 * it, into source frames innermost first — the innermost frame takes file/line/column from the line
 * table row of the pc, each outer frame the `DW_AT_call_file`/`call_line`/`call_column` of the inlined
 * subroutine nested in it (DWARF 5 §3.3.8) — answering as `llvm-symbolizer --functions=short -i` does.
 * It also answers "which member is at this offset of struct X" and "which variables live at this pc".
 */

import * as K from "../dwarf/constants.js";
import { type DieRef, DwarfReader, type Unit } from "../dwarf/reader.js";
import type { DebugSections } from "../dwarf/sections.js";
import { type MemberPath, memberAt, type TypeQueryOptions } from "../dwarf/typeinfo.js";
import { type VariableAt, variablesAt } from "../dwarf/variables.js";
import { OopsError } from "../errors.js";
import type { SourceFrame, SymbolizeQuery, Symbolizer } from "./types.js";

/** One symbol as an object's symbol table gives it. */
export interface SymbolInfo {
  readonly name: string;
  /** `st_value`: absolute in linked objects, section-relative in relocatable ones. */
  readonly address: bigint;
  readonly size: bigint;
  /** Section the symbol is defined in (needed for relocatable objects). */
  readonly section?: string;
}

/** What the symbolizer needs from a symbol table (the ELF layer's table satisfies it). */
export interface SymbolLookup {
  /** Every symbol of that name (same-name static functions give several). */
  byName(name: string): readonly SymbolInfo[];
  /** The function symbol covering `address`, for code DWARF does not describe. */
  at?(address: bigint, section?: string): SymbolInfo | undefined;
}

export interface SymbolizerOptions {
  /**
   * Name code that no DWARF subprogram covers (assembly, stripped units) from the symbol table, as
   * `llvm-symbolizer --functions=linkage` does. Off by default: `--functions=short` (the reference
   * the differential tests hold us to) prints `??` there.
   */
  readonly symbolTableNames?: boolean;
  /**
   * How far before a return address its call instruction starts, so that a caller's frame is looked
   * up inside the call (the line the call is on): 1 byte suffices where the return address directly
   * follows the call (x86, arm64, …); on MIPS it follows the call's delay slot, whose instruction may
   * belong to another line, so the call is 8 bytes back (`jal`/`jalr` + delay slot). Default 1;
   * `symbolizerForElf`/`openElfSymbolizer` set it from the ELF machine (`returnAddressStepFor`).
   */
  readonly returnAddressStep?: bigint;
}

/**
 * The return-address step for an ELF `e_machine`: 8 for MIPS (EM_MIPS = 8: the return address is two
 * instructions past the `jal`/`jalr`, the branch delay slot in between), 1 elsewhere.
 */
export function returnAddressStepFor(machine: number): bigint {
  return machine === 8 ? 8n : 1n;
}

export class DwarfSymbolizer implements Symbolizer {
  readonly reader: DwarfReader;
  private symbolsP: Promise<SymbolLookup | undefined> | undefined;

  /**
   * `symbols` may be a function that loads the table: it is then called only when a query needs it
   * (a `symbol+offset`, or an address DWARF does not name) — a vmlinux symbol table costs a second.
   */
  constructor(
    readonly sections: DebugSections,
    private readonly symbolSource?: SymbolLookup | (() => Promise<SymbolLookup | undefined>),
    readonly options: SymbolizerOptions = {},
  ) {
    this.reader = new DwarfReader(sections);
  }

  /** The symbol lookup, loaded on first use. */
  symbols(): Promise<SymbolLookup | undefined> {
    if (!this.symbolsP) {
      const s = this.symbolSource;
      this.symbolsP = typeof s === "function" ? s() : Promise.resolve(s);
    }
    return this.symbolsP;
  }

  /** The DWARF address a query names (section base added, symbol resolved, a return address stepped back into its call). */
  async resolve(q: SymbolizeQuery): Promise<{ pc: bigint; section?: string }> {
    let addr: bigint;
    let section = q.section;
    if (q.symbol !== undefined) {
      const cands = (await this.symbols())?.byName(q.symbol) ?? [];
      if (cands.length === 0) throw new OopsError("E_DWARF_SYMBOL", `no symbol ${q.symbol}`);
      // The kernel prints `func+off/size`: the size tells same-name statics apart.
      const pick = (q.size !== undefined ? cands.find((s) => s.size === q.size) : undefined) ?? cands[0];
      if (!pick) throw new OopsError("E_DWARF_SYMBOL", `no symbol ${q.symbol}`);
      addr = pick.address + (q.offset ?? 0n);
      section = pick.section ?? section;
    } else if (q.address !== undefined) {
      addr = q.address;
    } else throw new OopsError("E_USAGE", "a query needs an address or a symbol");
    if (section !== undefined) addr += this.sections.sectionAddress?.(section) ?? 0n;
    if (q.returnAddress) {
      const step = this.options.returnAddressStep ?? 1n;
      if (addr >= step) addr -= step;
    }
    return section === undefined ? { pc: addr } : { pc: addr, section };
  }

  async symbolize(q: SymbolizeQuery): Promise<SourceFrame[]> {
    const { pc, section } = await this.resolve(q);
    return this.framesAt(pc, section);
  }

  /**
   * Many queries at once (a whole call trace): they run concurrently, so the reads of different
   * units overlap. Answers are in query order; a failed query gives its error in place of frames.
   */
  symbolizeAll(qs: readonly SymbolizeQuery[]): Promise<(SourceFrame[] | OopsError)[]> {
    return Promise.all(
      qs.map((q) =>
        this.symbolize(q).catch((e: unknown) => {
          if (e instanceof OopsError) return e;
          throw e;
        }),
      ),
    );
  }

  /** Frames for a DWARF address, innermost first. */
  async framesAt(pc: bigint, section?: string): Promise<SourceFrame[]> {
    const r = this.reader;
    const unit = await r.unitForAddress(pc);
    const fallbackName = async () =>
      this.options.symbolTableNames ? (await this.symbols())?.at?.(pc, section)?.name : undefined;
    if (!unit) {
      const f = await fallbackName();
      return [f === undefined ? { inlined: false } : { function: f, inlined: false }];
    }
    const [chain, at] = await Promise.all([r.inlineChain(unit, pc), r.lineAt(unit, pc)]);
    let file: string | undefined;
    let line = 0;
    let column = 0;
    if (at?.row) {
      file = await r.filePath(unit, at, at.file);
      line = at.line;
      column = at.column;
    }
    if (chain.length === 0) {
      const f = await fallbackName();
      return [frame(f, file, line, column, false)];
    }
    const frames: SourceFrame[] = [];
    for (let k = chain.length - 1; k >= 0; k--) {
      const d: DieRef = { unit, off: chain[k] as number };
      let name = await r.dieName(d);
      if (name === undefined && k === 0) name = await fallbackName();
      frames.push(frame(name, file, line, column, k > 0));
      if (k > 0) {
        // The next (outer) frame is positioned at this inlined subroutine's call site.
        const cf = DwarfReader.num(r.attr(d, K.DW_AT_call_file));
        file = cf !== undefined && at ? await r.filePath(unit, at, cf) : undefined;
        line = DwarfReader.num(r.attr(d, K.DW_AT_call_line)) ?? 0;
        column = DwarfReader.num(r.attr(d, K.DW_AT_call_column)) ?? 0;
      }
    }
    return frames;
  }

  /**
   * The member at byte `offset` of a type, e.g. `memberAt("struct bonding", 0x268)` →
   * `alb_info.rx_hashtbl`. `pc` (optional) names the unit to search first.
   */
  memberAt(typeName: string, offset: number | bigint, opts: TypeQueryOptions = {}): Promise<MemberPath | undefined> {
    return memberAt(this.reader, typeName, Number(offset), opts);
  }

  /** Variables and parameters in scope at `pc`, innermost scope first, with their location there. */
  async variablesAt(q: SymbolizeQuery | bigint): Promise<VariableAt[]> {
    const pc = typeof q === "bigint" ? q : (await this.resolve(q)).pc;
    const unit = await this.reader.unitForAddress(pc);
    if (!unit) return [];
    return variablesAt(this.reader, unit, pc);
  }

  /** The unit holding `pc` (for callers that want to scope type lookups). */
  unitAt(pc: bigint): Promise<Unit | undefined> {
    return this.reader.unitForAddress(pc);
  }
}

function frame(fn: string | undefined, file: string | undefined, line: number, column: number, inlined: boolean) {
  const f: SourceFrame = { inlined, line, column };
  if (fn !== undefined) f.function = fn;
  if (file !== undefined) f.file = file;
  return f;
}

/** A symbolizer over an object's debug sections and (optionally) its symbol table. */
export function openSymbolizer(
  sections: DebugSections,
  symbols?: SymbolLookup | (() => Promise<SymbolLookup | undefined>),
  options: SymbolizerOptions = {},
): DwarfSymbolizer {
  return new DwarfSymbolizer(sections, symbols, options);
}
