/**
 * The numbers of the ELF format this reader needs, turned into named constants: identification bytes,
 * object types, machines, section and segment types, section flags, symbol types and bindings, and
 * compression types. Values are those of the System V gABI (ELF "generic ABI", chapter 4) and, for
 * machines, of the registry in the gABI's e_machine table.
 */

// --- e_ident (gABI 4, "ELF Identification") ---
export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;
export const EI_OSABI = 7;
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;

// --- e_type ---
export const ET_NONE = 0;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

// --- e_machine (gABI registry) ---
export const EM_386 = 3;
export const EM_MIPS = 8;
export const EM_PPC = 20;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;

// --- special section indexes ---
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
/** The real index lives elsewhere: e_shstrndx in section 0's sh_link, st_shndx in SHT_SYMTAB_SHNDX. */
export const SHN_XINDEX = 0xffff;
/** e_phnum value meaning "the real count is in section 0's sh_info" (gABI, "Program Header"). */
export const PN_XNUM = 0xffff;

// --- sh_type ---
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_HASH = 5;
export const SHT_DYNAMIC = 6;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;
export const SHT_SYMTAB_SHNDX = 18;

// --- sh_flags ---
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_COMPRESSED = 0x800;

// --- p_type ---
export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;

// --- symbols (gABI, "Symbol Table") ---
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_COMMON = 5;
export const STT_TLS = 6;
/** GNU indirect function: a function symbol for our purposes. */
export const STT_GNU_IFUNC = 10;
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;

// --- compression (gABI, "Compressed sections"; ELFCOMPRESS_ZSTD added in 2022) ---
export const ELFCOMPRESS_ZLIB = 1;
export const ELFCOMPRESS_ZSTD = 2;

// --- notes ---
/** GNU build-id note type (in notes named "GNU"). */
export const NT_GNU_BUILD_ID = 3;

/** Human names of the machines oopscope knows, for messages. */
export const MACHINE_NAMES: Readonly<Record<number, string>> = {
  [EM_386]: "i386",
  [EM_MIPS]: "MIPS",
  [EM_PPC]: "PowerPC",
  [EM_PPC64]: "PowerPC64",
  [EM_S390]: "s390",
  [EM_ARM]: "ARM",
  [EM_X86_64]: "x86-64",
  [EM_AARCH64]: "AArch64",
  [EM_RISCV]: "RISC-V",
};
