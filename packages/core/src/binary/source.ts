/**
 * Random access to a binary without loading it whole. The CLI implements `ByteSource` over a file
 * descriptor, the web UI over `Blob.slice`; tests and small inputs use `bytesSource`. Reads are async
 * because the browser's are; parsers fetch what they need first, then parse synchronously from the
 * returned bytes.
 */

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes at `offset`; fewer only when the range runs past the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A `ByteSource` over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) =>
      bytes.subarray(Math.max(0, Math.min(offset, bytes.length)), Math.max(0, Math.min(offset + length, bytes.length))),
  };
}
