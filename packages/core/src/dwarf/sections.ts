/**
 * What the DWARF reader needs from an object file, and nothing more: named debug sections (already
 * decompressed and, for relocatable objects, relocated), readable whole or by range so that a large
 * `.debug_info` is fetched one compilation unit at a time. The ELF layer implements it.
 */

export interface DebugSections {
  readonly littleEndian: boolean;
  /** Address size of the target in bytes (4 or 8). */
  readonly addressSize: 4 | 8;
  /** ELF `e_machine`, for register numbering and relocation-free hints. */
  readonly machine: number;
  /** Size of a section's (uncompressed) contents, or undefined when the object has no such section. */
  sectionSize(name: string): number | undefined;
  /** A section's whole contents, or undefined when absent. */
  section(name: string): Promise<Uint8Array | undefined>;
  /**
   * `length` bytes of a section starting at `offset` (clamped at its end). `direct` (a hint) asks for
   * a read that no cache keeps: a few bytes at a scattered place.
   */
  sectionRange(name: string, offset: number, length: number, direct?: boolean): Promise<Uint8Array>;
  /**
   * Optional, for relocatable objects: the address the relocated DWARF gives offset 0 of the allocated
   * section `name` (`.text`, `.init.text`). When relocations resolve every section symbol to 0, code
   * in `.text` and `.init.text` overlaps in the DWARF; placing each allocated section at its own base
   * (as GNU addr2line does for `.o` files) and reporting it here lets `section`+offset queries tell
   * them apart. Linked objects: the section's `sh_addr` (or leave it out).
   */
  sectionAddress?(name: string): bigint | undefined;
}
