/**
 * The symbolizer's contract: an address (or `symbol+offset`) in one object file in, source frames out,
 * innermost first, like `llvm-symbolizer --functions=short -i` and `addr2line -f -i`. Implemented over
 * elf/ and dwarf/; the CLI, the analysis and the differential tests call only this.
 */

export interface SourceFrame {
  /** Function name (short form, no parameters); undefined when unknown (printed `??`). */
  function?: string;
  /** Source file path as the line table names it (directory joined), undefined when unknown. */
  file?: string;
  /** 0 or undefined when unknown. */
  line?: number;
  column?: number;
  /** true for every frame but the outermost (the frames of `DW_TAG_inlined_subroutine`s). */
  inlined: boolean;
}

export interface SymbolizeQuery {
  /** Address: absolute for linked objects; section-relative for relocatable objects (with `section`). */
  address?: bigint;
  /** `symbol` (+ `offset`) as the kernel prints it; the object's symbol table resolves it. */
  symbol?: string;
  offset?: bigint;
  /** Size printed by the kernel (`func+off/size`), to tell same-name static functions apart. */
  size?: bigint;
  /** Section name for relocatable objects (`.text`, `.init.text`), as `addr2line -j`. */
  section?: string;
  /** A return address (every frame but the faulting pc): look up address − 1. */
  returnAddress?: boolean;
}

export interface Symbolizer {
  symbolize(q: SymbolizeQuery): Promise<SourceFrame[]>;
}
