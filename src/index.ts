/**
 * tracediff as a library. Each layer is importable on its own:
 *   model    — the event and value types every layer shares
 *   readers  — strace text (today), format detection, -ff sets
 *   knowledge — errno, signal and fd-syscall tables
 */
export type * from './model/events.js';
export type * from './model/values.js';
export { numberValue } from './model/values.js';

export { StraceParser, type StraceParseOptions, type ParseStats } from './readers/strace/parser.js';
export { parseStraceText, readStraceStream, mergeByTime, expandTraceSet, pidFromName } from './readers/strace/read.js';
export { parseArgs, type ArgsResult } from './readers/strace/values-visitor.js';
export { parseDecoration } from './readers/strace/decoration.js';
export { FdTables, sockaddrText } from './readers/strace/fd-table.js';
export { decodeCString, cStringBytes } from './readers/strace/cstring.js';
export { detectFormat, type Detection, type Format } from './readers/detect.js';
export { openTraces, InputError, type OpenedTrace, type OpenOptions } from './readers/open.js';
export { readLines, type LineBatch } from './io/lines.js';

export { scanLine, type LineRecord, type RecordKind } from '../grammars/strace/envelope.js';

export * from './knowledge/fd-syscalls.js';
