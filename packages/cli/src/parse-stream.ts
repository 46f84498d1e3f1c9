/**
 * The bridge from streamed text chunks to the core's incremental log parser: chunks in (as the CLI
 * reads and decodes them), a `ParsedLog` out at the end. The parser keeps a bounded window across
 * chunk boundaries, so memory stays bounded by the crashes found, not by the log's size.
 */

import { createLogParser, type LogParser, type LogParserOptions } from "@oopscope/core";

export type StreamParser = LogParser;

export function createStreamParser(options: LogParserOptions = {}): StreamParser {
  return createLogParser(options);
}
