/** stub */
import type { DwarfReader, Unit } from "./reader.js";
export interface VariableAt {
  name: string;
}
export async function variablesAt(_r: DwarfReader, _u: Unit, _pc: bigint): Promise<VariableAt[]> {
  return [];
}
