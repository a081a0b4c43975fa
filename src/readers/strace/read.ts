/**
 * Reading strace logs from text and streams. Sets of files (`-ff -o`) and
 * merging them by time are in ../trace-set.ts, shared with the other formats.
 */
import type { Readable } from 'node:stream';
import { readLines } from '../../io/lines.js';
import type { TraceEvent } from '../../model/events.js';
import { StraceParser, type ParseStats, type StraceParseOptions } from './parser.js';

export type ReadOptions = Omit<StraceParseOptions, 'file'>;

/** Parse a whole strace text held in memory (small inputs, tests, library use). */
export function parseStraceText(text: string, opts: StraceParseOptions): { events: TraceEvent[]; stats: ParseStats } {
  const p = new StraceParser(opts);
  const events: TraceEvent[] = [];
  let lineNo = 1;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    let end = nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    p.push(text.slice(start, end), lineNo++);
    start = nl + 1;
  }
  if (start < text.length) p.push(text.slice(start).replace(/\r$/, ''), lineNo);
  p.end();
  // Not events.push(...p.drain()): spreading more than ~120 000 events overflows the stack
  // (RangeError: Maximum call stack size exceeded, found by fuzzing; docs/fuzzing.md).
  for (const ev of p.drain()) events.push(ev);
  return { events, stats: p.stats };
}

/** Stream events from a readable (a file, stdin, a gunzip stream) in batches. */
export async function* readStraceStream(input: Readable, opts: StraceParseOptions, statsOut?: (s: ParseStats) => void): AsyncGenerator<TraceEvent[]> {
  const p = new StraceParser(opts);
  for await (const batch of readLines(input)) {
    let n = batch.firstLine;
    for (const line of batch.lines) p.push(line, n++);
    const ev = p.drain();
    if (ev.length) yield ev;
  }
  p.end();
  const ev = p.drain();
  if (ev.length) yield ev;
  statsOut?.(p.stats);
}
