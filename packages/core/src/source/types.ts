/**
 * The `source` stage's value: what a kernel source tree says about the pointer a crash found NULL
 * (where it is assigned, under which conditions, reached from which callers) and about the faulting
 * function (where it is stored as a callback and what it is registered with, with what scope), tied
 * into one root-cause statement. `findRootCause` (rootcause.ts) turns the crash's named verdict and
 * the source files the caller hands over into a `RootCause`; renderers and `toJSON` read it.
 */

/** A place in the source: file (as the caller named it), 1-based line, enclosing function, the line's text. */
export interface SourcePlace {
  file: string;
  line: number;
  /** The function the place is in; absent at file scope (a static initialiser). */
  function?: string;
  /** The source text of the statement or initialiser, whitespace collapsed. */
  text: string;
}

/** A condition an assignment or call sits under, read from the enclosing statements. */
export interface Guard {
  /**
   * `if`: inside the then-branch of `if (text)`; `else`: inside its else-branch (text is the negated
   * condition); `case`: a `switch` label (`mode == BOND_MODE_ALB`); `loop`: inside a loop or an
   * iterator macro (`for_each_netdev(...)`); `early-exit`: an earlier `if (c) return/goto/break/continue`
   * in an enclosing block, so the place is reached only when `!(c)`.
   */
  kind: "if" | "else" | "case" | "loop" | "early-exit";
  /** The condition under which the place is reached, as C. */
  text: string;
  line: number;
  /** When the condition tests a local: its definition (`dev = dev_get_by_name(&init_net, port_dev)`). */
  binding?: string;
}

/** A direct call of a function, with the guards on the way and (up the chain) who calls the caller. */
export interface CallSite {
  place: SourcePlace;
  /** The function called at `place`. */
  callee: string;
  /** What this call passes for the callee's parameters that its guards test (`rlb_enabled = bond->mode == BOND_MODE_ALB`). */
  arguments: string[];
  guards: Guard[];
  /** Callers of `place.function`, one level further up (empty at the depth limit). */
  callers: CallSite[];
  /** When `place.function` is never called directly: where it is registered as a callback. */
  registrations: Registration[];
}

/** What was NULL, in source terms. */
export interface SourceTarget {
  /** `member`: a struct member (`bond->alb.table`); `global`: a global, or an element of a global array. */
  kind: "member" | "global";
  /** The expression as the verdict named it (or as the source derivation found it). */
  expression: string;
  /** The member's name (`table`) and the struct(s) defining it with the verdict's pointer type. */
  member?: string;
  containers?: string[];
  /** The global's name (`lab_ports`). */
  global?: string;
  /**
   * How a local pointer was followed back to the target: each step's place (`port = lab_port_of(dev)`,
   * then `return lab_ports[...]` in `lab_port_of`).
   */
  derivation: SourcePlace[];
  /**
   * For a member: where the object it was read from comes from — the base variable (`bond`) as a
   * parameter, at each call passing it (`lab_null_table(&lab_bond0)`), or as a local, its initialiser.
   */
  origins?: TargetOrigin[];
}

/** Where the object holding the NULL member came from. */
export interface TargetOrigin {
  /** The base variable of the pointer expression (`bond`). */
  variable: string;
  /** The call passing it, or its initialiser. */
  place: SourcePlace;
  /** The value it gets there (`&lab_bond0`, `lab_bonds[dev->ifindex % LAB_MAX_IFINDEX]`). */
  value: string;
  /** When that is (the address of) a global object: its definition, and whether its initialiser sets the member. */
  object?: { name: string; definition: SourcePlace; initialised: boolean; setsMember: boolean };
}

/** One place the target is written. */
export interface AssignmentSite {
  place: SourcePlace;
  /** `assignment`: `x->m = v`; `initializer`: `.m = v` in a designated initialiser; `declaration`: the global's definition. */
  via: "assignment" | "initializer" | "declaration";
  /** The left-hand side and the value stored (`NULL`, `kcalloc(...)`; for a declaration without initialiser: `0 (static storage)`). */
  target: string;
  value: string;
  /** The value is NULL or 0. */
  storesNull: boolean;
  /**
   * `type`: the left-hand side's struct was resolved from the declarations and is one of the target's
   * containers; `name`: the member name matched and the type could not be resolved.
   */
  matchedBy: "type" | "name";
  guards: Guard[];
  /** Callers of the enclosing function (two levels), or its registrations when it is never called directly. */
  callers: CallSite[];
  registrations: Registration[];
}

/** How a registration function scopes a callback: a row of `REGISTRARS`. */
export interface Registrar {
  /** The kernel function that registers (`dev_add_pack`). */
  call: string;
  /** The struct passed to it that holds the callback (`packet_type`); absent when the callback itself is passed. */
  struct?: string;
  /** Which argument (0-based) is that struct's address, or, without a struct, the callback. */
  arg: number;
  /** The member that scopes delivery (`dev`), when there is one. */
  scopeField?: string;
  /** Without a struct: the argument (0-based) that scopes delivery (`netdev_rx_handler_register(dev, …)`). */
  scopeArg?: number;
  /** An unset or NULL scope receives everything (a packet_type's dev); otherwise NULL is just wrong. */
  wildcard: boolean;
  /** The member that says which events (`type`: the ethertype). */
  kindField?: string;
  /** What an unset or NULL scope field means. */
  nullMeans: string;
  /** What a set scope field means. */
  setMeans: string;
  /** Where the rule comes from in the kernel source. */
  cites: string;
}

/** A faulting (or never directly called) function stored as a function pointer and registered. */
export interface Registration {
  /** The callback (`lab_alb_rcv`). */
  function: string;
  /** Where it is stored: `.func = lab_alb_rcv` in `lab_alb_pt`'s initialiser, or `pt->func = lab_alb_rcv`. */
  stored: SourcePlace;
  /** The object holding it (`lab_alb_pt`, `pk_type`) and the member (`func`). */
  object: string;
  field: string;
  /** The object's struct, when declared in view (`packet_type`). */
  struct?: string;
  /** The registration call (`dev_add_pack(&lab_alb_pt)`), when found. */
  registeredAt?: SourcePlace;
  registrar?: Registrar;
  /** The scope field's value: `NULL`, an expression, or `unset` (absent from the initialiser / never assigned). */
  scope?: { field: string; value: string; place?: SourcePlace; wildcard: boolean; meaning: string };
  /** The kind field's value (`cpu_to_be16(ETH_P_IP)`). */
  kind?: { field: string; value: string };
  guards: Guard[];
}

export interface RootCause {
  target?: SourceTarget;
  assignments: AssignmentSite[];
  /** Registrations of the faulting function and of call-trace functions never called directly. */
  registrations: Registration[];
  /** One paragraph tying them together; each claim is followed by its file:line. */
  statement: string;
  /** Every place the statement relies on. */
  evidence: SourcePlace[];
  /** Files parsed. */
  files: number;
  /** What could not be established (no assignment found, type unresolved, …). */
  notes: string[];
}

/** A source file the caller read: its path as it should be shown (relative to the tree) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/**
 * The source tree as the caller sees it: `files(ids)` returns the files whose text contains any of the
 * identifiers (the caller's cheap text prefilter), each once across calls or again (the stage keeps
 * its own cache by path).
 */
export interface SourceTree {
  files(identifiers: readonly string[]): Promise<SourceFile[]>;
  /**
   * When present, what the stage parsed is kept for its next call on this tree (the next crash of
   * a log) while the value stays the same; a tree whose files change (more in view) changes it.
   * `releaseRootCause(tree)` frees what was kept.
   */
  generation?: number;
}

/** What the stage is asked: from explain's named verdict and the crash's call trace. */
export interface RootCauseQuery {
  /** The verdict kind (only a NULL pointer has "who should have set it"). */
  verdictKind?: string;
  /** The NULL pointer as a C expression (`bond->alb.table`, `lab_ports[...]`, `port`) and its type. */
  pointer?: string;
  pointerType?: string;
  /** Innermost first: the faulting line's function and those it is inlined into (DWARF). */
  inlineChain: string[];
  /** The faulting symbol and the call trace's functions, innermost first. */
  trace: string[];
}
