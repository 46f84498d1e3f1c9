/** Crash-report detection and syzbot-compatible titles: console text in, reports with signatures out. */

export {
  type Agreement,
  type CaseResult,
  type CorpusCase,
  type CorpusExpectation,
  checkCase,
  FIELDS,
  type Field,
  type GuiltyCase,
  guiltyOf,
  parseCorpusCase,
  parseGuiltyCase,
  summarise,
} from "./corpus.js";
export { type CrashReport, containsCrash, type FindOptions, findReports, matchOops, parseReport } from "./detect.js";
export { LINUX_OOPSES, type OopsKind, type StackRule, type TitleFormat } from "./formats.js";
export { cleanPath, guiltyFile } from "./guilty.js";
export { normaliseTitle, sanitizeTitle, titleFrame, titleType } from "./title.js";
