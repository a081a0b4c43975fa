/**
 * Reading strace logs from files and streams: one file, or a `-ff -o`
 * set (trace.PID files, given as a directory or as several files) merged
 * into one timeline by time.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
  events.push(...p.drain());
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

/** Open a file for streaming; gzip is undone by the caller once detection has seen the head. */
export function openText(path: string): Readable {
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

/** The files of an `-ff` set: a directory's regular files, ordered by the pid in their `.PID` suffix. */
export async function expandTraceSet(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await stat(p);
    if (st.isDirectory()) {
      const names = (await readdir(p)).filter((n) => !n.startsWith('.'));
      const files: string[] = [];
      for (const n of names) if ((await stat(join(p, n))).isFile()) files.push(join(p, n));
      out.push(...sortByPidSuffix(files));
    } else out.push(p);
  }
  return out;
}

export function pidFromName(path: string): number | undefined {
  const m = /\.(\d+)$/.exec(basename(path));
  return m ? Number(m[1]) : undefined;
}

function sortByPidSuffix(files: string[]): string[] {
  return files.sort((a, b) => (pidFromName(a) ?? 0) - (pidFromName(b) ?? 0) || a.localeCompare(b));
}

/**
 * Merge several event streams into one timeline by `time`. Streams whose
 * events carry no time cannot be interleaved meaningfully: they follow one
 * another in the order given (for an -ff set, by pid).
 */
export async function* mergeByTime(streams: AsyncGenerator<TraceEvent[]>[]): AsyncGenerator<TraceEvent[]> {
  interface Head { it: AsyncGenerator<TraceEvent[]>; buf: TraceEvent[]; i: number; done: boolean; order: number }
  const heads: Head[] = streams.map((it, order) => ({ it, buf: [], i: 0, done: false, order }));
  const fill = async (h: Head) => {
    while (!h.done && h.i >= h.buf.length) {
      const r = await h.it.next();
      if (r.done) h.done = true;
      else { h.buf = r.value; h.i = 0; }
    }
  };
  for (const h of heads) await fill(h);
  const out: TraceEvent[] = [];
  for (;;) {
    let best: Head | undefined;
    for (const h of heads) {
      if (h.i >= h.buf.length) continue;
      if (!best) { best = h; continue; }
      const a = h.buf[h.i]!.time;
      const b = best.buf[best.i]!.time;
      // Untimed events keep stream order: a stream with no times drains before the next one starts.
      if (a !== undefined && b !== undefined ? a < b : false) best = h;
    }
    if (!best) break;
    out.push(best.buf[best.i++]!);
    if (best.i >= best.buf.length) await fill(best);
    if (out.length >= 4096) yield out.splice(0);
  }
  if (out.length) yield out;
}
