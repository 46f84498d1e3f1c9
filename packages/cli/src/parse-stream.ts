/**
 * The bridge from streamed text chunks to the core's incremental log parser: chunks in (as the CLI
 * reads and decodes them), a `ParsedLog` out at the end. The parser keeps only what it needs across
 * chunk boundaries, so memory stays bounded by the crashes found, not by the log's size.
 */

import type { ParsedLog } from "@oopscope/core";
import * as core from "@oopscope/core";
import { OopsError } from "@oopscope/core";

export interface StreamParser {
  push(text: string): void;
  finish(): ParsedLog;
}

type LogParserFactory = () => StreamParser;

export function createStreamParser(): StreamParser {
  const factory = (core as unknown as { createLogParser?: LogParserFactory }).createLogParser;
  if (typeof factory !== "function") throw new OopsError("E_USAGE", "the log parser is not available in this build");
  return factory();
}
