/**
 * A file on disk turned into the core's `ByteSource`: reads go through one open file descriptor at
 * explicit positions, so the core can take a few kilobytes here and a compilation unit there from a
 * 600 MB vmlinux without the file ever being read whole.
 *
 * Opening, each read and closing are synchronous (`open`, `pread` into an unzeroed buffer, `close`):
 * the symbolizer issues thousands of reads of a page-cached file, and handing each to libuv's thread
 * pool (and zero-filling buffers about to be overwritten) cost more CPU than the copies themselves; on
 * a busy machine each thread-pool round trip also waits to be scheduled.
 */

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type ByteSource, OopsError } from "@oopscope/core/symbolizer";

export interface FileSource extends ByteSource {
  readonly path: string;
  close(): Promise<void>;
}

/** Opens `path` read-only; the caller closes it. Errors become E_IO naming the file. */
export async function openFileSource(path: string): Promise<FileSource> {
  let fd: number;
  let size: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new OopsError("E_IO", `${path}: ${(e as Error).message}`);
  }
  try {
    size = fstatSync(fd).size;
  } catch (e) {
    closeSync(fd);
    throw new OopsError("E_IO", `${path}: ${(e as Error).message}`);
  }
  let closed = false;
  return {
    path,
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const start = Math.max(0, Math.min(offset, size));
      const end = Math.max(start, Math.min(size, offset + Math.max(0, length)));
      // Not from Buffer's shared pool (a view of it would expose its neighbours through `.buffer`), and
      // a plain Uint8Array view, so `slice` keeps copying.
      const raw = Buffer.allocUnsafeSlow(end - start);
      const buf = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
      let filled = 0;
      try {
        if (closed) throw new Error("file is closed");
        // A positional read may return fewer bytes than asked; loop until done or end of file.
        while (filled < buf.length) {
          const bytesRead = readSync(fd, buf, filled, buf.length - filled, start + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
      } catch (e) {
        throw new OopsError("E_IO", `${path}: ${(e as Error).message}`, start + filled);
      }
      return filled === buf.length ? buf : buf.subarray(0, filled);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
