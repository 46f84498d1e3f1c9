/**
 * The JSON renderer: an `Analysis` in, its versioned JSON document out as text — pretty-printed for a
 * single input, or one compact line for JSON Lines when the CLI analyses several files.
 */

import { toJSON } from "../analysis/json.js";
import type { Analysis } from "../analysis/types.js";

export interface JsonRenderOptions {
  /** One line, no indentation (JSON Lines). */
  compact?: boolean;
}

export function renderJSON(a: Analysis, opts: JsonRenderOptions = {}): string {
  return `${JSON.stringify(toJSON(a), null, opts.compact ? undefined : 2)}\n`;
}
