/**
 * Turns a parsed crash (the oops model) into its decoded Code: window: picks the disassembler target
 * from what the dump says (architecture, byte order, Thumb state from ARM's halfword units, Octeon from
 * MIPS's `PrId … (Cavium Octeon …)`) and places the window at the dumped pc. This is the `disassemble`
 * stage of the analysis pipeline.
 */

import { ARCHES } from "../arch/table.js";
import type { Crash } from "../oops/model.js";
import { type DisasmInitOptions, initDisassembler } from "./capstone.js";
import { disassembleCode } from "./code.js";
import type { DisasmTarget, Instruction } from "./types.js";

/** The disassembler target of a crash, or undefined when the architecture or the window is unknown. */
export function disasmTarget(crash: Crash): DisasmTarget | undefined {
  const arch = crash.arch;
  if (!arch || !crash.code) return undefined;
  const t: DisasmTarget = { arch, endian: crash.endian ?? ARCHES[arch].defaultEndian };
  // ARM prints Thumb code as 16-bit halfwords (arch/arm/kernel/traps.c, dump_instr).
  if (arch === "arm" && (crash.code.thumb || crash.code.unitSize === 2)) t.thumb = true;
  if ((arch === "mips64" || arch === "mips32") && /octeon/i.test(crash.cpuModel ?? "")) t.octeon = true;
  return t;
}

/**
 * Decode a crash's Code: window (initialising the disassembler on first use). Returns [] when the
 * crash has no decodable window. `pc` of the crash, when dumped, gives absolute addresses.
 */
export async function disassembleCrash(crash: Crash, opts?: DisasmInitOptions): Promise<Instruction[]> {
  const target = disasmTarget(crash);
  const code = crash.code;
  if (!target || !code || code.bytes.length === 0) return [];
  await initDisassembler(opts);
  const input: { bytes: Uint8Array; faultIndex?: number; listing?: string[] } = { bytes: code.bytes };
  if (code.faultIndex !== undefined) input.faultIndex = code.faultIndex;
  if (code.listing) input.listing = code.listing;
  return disassembleCode(target, input, code.faultIndex !== undefined ? crash.pc?.address : undefined);
}
