/**
 * The per-architecture semantic tables behind one lookup, keyed by `ArchId` like every other
 * per-arch table. `semanticsFor` returns undefined for an architecture without a table.
 */

import type { ArchId } from "../../arch/types.js";
import { arm } from "./arm.js";
import { arm64 } from "./arm64.js";
import { mips32, mips64 } from "./mips.js";
import { ppc32, ppc64 } from "./ppc.js";
import { riscv64 } from "./riscv.js";
import { s390x } from "./s390x.js";
import type { Semantics } from "./types.js";
import { i386, x86_64 } from "./x86.js";

const TABLES: Partial<Record<ArchId, Semantics>> = {
  mips32,
  mips64,
  x86_64,
  i386,
  arm64,
  arm,
  ppc32,
  ppc64,
  riscv64,
  s390x,
};

export function semanticsFor(arch: ArchId): Semantics | undefined {
  return TABLES[arch];
}

export type { BinOp, Control, Effect, Expr, Semantics, Write } from "./types.js";
