/**
 * What every input format shares: opening a file for streaming, the files of
 * a set (an `strace -ff -o` directory, or several files on the command line),
 * and merging several event streams into one timeline by time. Kept apart
 * from the readers so that opening a capture does not load the text grammars.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { TraceEvent } from '../model/events.js';

/** Open a file for streaming; gzip is undone by the caller once detection has seen the head. */
export function openText(path: string, highWaterMark = 1 << 20): Readable {
  return createReadStream(path, { highWaterMark });
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
