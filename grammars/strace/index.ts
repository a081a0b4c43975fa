/**
 * `tracediff/grammars/strace`: the strace grammar on its own, for tools that
 * want strace's line shapes without the event model: the envelope scanner
 * (one line into pid, time, call, arguments' extent, result) and the
 * Chevrotain argument grammar.
 */
export { scanLine, findArgsEnd, SUMMARY_RULE, type LineRecord, type RecordKind, type ArgsEnd } from './envelope.js';
export { parseArgList, type ValuesParse } from './values-parser.js';
