/**
 * Tests of the CLI's input layer: binary sniffing against real console logs (the whole syzkaller
 * report corpus, including its files with deliberate non-UTF-8 bytes) and real ELF objects, and
 * streamed decoding that must equal a one-shot decode whatever the chunk size.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isOopsError } from "@oopscope/core";
import { describe, expect, it } from "vitest";
import { binaryReason, streamText } from "./input.js";

const root = join(import.meta.dirname, "../../..");
const reportDir = join(root, "corpus/syzkaller/report");
const seed = join(root, "examples/seed/oops.log");
const writeup = join(root, "examples/seed/000_9ff384e645645ed1.txt");
const elfDir = join(root, "packages/core/test-data/fixtures/aarch64");

describe("binaryReason", () => {
  it("accepts every real console log of the syzkaller corpus as text", () => {
    const files = readdirSync(reportDir).filter((f) => /^\d+$/.test(f));
    expect(files.length).toBe(747);
    const flagged = files.filter(
      (f) => binaryReason(readFileSync(join(reportDir, f)).subarray(0, 65536)) !== undefined,
    );
    expect(flagged).toEqual([]);
  });

  it("accepts the seed oops and its Chinese write-up (multi-byte UTF-8)", () => {
    expect(binaryReason(readFileSync(seed))).toBeUndefined();
    expect(binaryReason(readFileSync(writeup))).toBeUndefined();
  });

  it("names an ELF object as such", () => {
    const elf = readdirSync(elfDir).find((f) => f.endsWith(".ko"));
    expect(elf).toBeDefined();
    expect(binaryReason(readFileSync(join(elfDir, elf!)))).toMatch(/ELF file/);
  });

  it("rejects random bytes and NUL-filled data", () => {
    let x = 12345;
    const junk = Uint8Array.from({ length: 4096 }, () => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      return x >> 16;
    });
    expect(binaryReason(junk)).toMatch(/invalid UTF-8 sequences/);
    expect(binaryReason(new Uint8Array(1000))).toMatch(/1000 NUL bytes/);
  });
});

describe("streamText", () => {
  it("decodes the multi-byte write-up identically with 1-, 3- and 7-byte chunks", async () => {
    const whole = readFileSync(writeup, "utf8");
    for (const chunkSize of [1, 3, 7]) {
      const parts: string[] = [];
      const r = await streamText(writeup, (t) => parts.push(t), { chunkSize });
      expect(parts.join("")).toBe(whole);
      expect(r.chars).toBe(whole.length);
      expect(r.bytes).toBe(readFileSync(writeup).length);
    }
  });

  it("reads stdin when the path is -", async () => {
    const bytes = readFileSync(seed);
    async function* stdin() {
      yield bytes.subarray(0, 100);
      yield bytes.subarray(100);
    }
    const parts: string[] = [];
    await streamText("-", (t) => parts.push(t), { stdin: stdin() });
    expect(parts.join("")).toBe(bytes.toString("utf8"));
  });

  it("throws E_INPUT_BINARY before handing on any text, and E_IO for a missing file", async () => {
    const elf = join(elfDir, readdirSync(elfDir).find((f) => f.endsWith(".ko"))!);
    const parts: string[] = [];
    const err = await streamText(elf, (t) => parts.push(t), { chunkSize: 100 }).catch((e) => e);
    expect(isOopsError(err) && err.code).toBe("E_INPUT_BINARY");
    expect(parts).toEqual([]);
    const missing = await streamText(join(root, "no-such-file.log"), () => {}).catch((e) => e);
    expect(isOopsError(missing) && missing.code).toBe("E_IO");
    expect((missing as Error).message).toMatch(/ENOENT/);
  });
});
