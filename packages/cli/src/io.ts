/**
 * The CLI's view of the outside world: standard streams and whether they are terminals. `main` takes
 * one of these so tests can run the whole command in-process with captured output and a fake stdin.
 */

export interface OutStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  stdin: AsyncIterable<Uint8Array> & { isTTY?: boolean };
  /** Override the read size (tests use tiny chunks to put a crash across chunk boundaries). */
  chunkSize?: number;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}
