/** stub */
import type { DwarfReader } from "./reader.js";
export interface TypeQueryOptions {
  pc?: bigint;
}
export interface MemberPath {
  path: string;
}
export async function memberAt(
  _r: DwarfReader,
  _t: string,
  _o: number,
  _opts: TypeQueryOptions,
): Promise<MemberPath | undefined> {
  return undefined;
}
