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

/** A source's clock, as src/timeline/clock.ts classifies it. */
export type MergeClock = 'epoch' | 'midnight' | 'relative' | 'none';

/** The time an event is ordered by: `at` (the timeline time, when its source was moved) or `time`. */
function orderTime(ev: TraceEvent): number | undefined {
  return (ev as TraceEvent & { at?: number }).at ?? ev.time;
}

/**
 * Merge several event streams into one timeline, streaming (one batch per
 * stream held at a time), by `at` when set, else `time`; ties keep the order
 * given. `clocks` (one per stream, from src/timeline): streams whose clock is
 * `relative` or `none` cannot be interleaved with the others — they follow
 * the timed streams, one after another in the order given. Without `clocks`
 * every stream is merged by time. Within the timed streams an event that
 * carries no time is never overtaken by a later stream's (for an -ff set,
 * files without timestamps follow one another in pid order).
 */
export async function* mergeByTime(streams: AsyncGenerator<TraceEvent[]>[], clocks?: readonly MergeClock[]): AsyncGenerator<TraceEvent[]> {
  const timed = clocks ? streams.filter((_, i) => clocks[i] !== 'relative' && clocks[i] !== 'none') : streams;
  const rest = clocks ? streams.filter((_, i) => clocks[i] === 'relative' || clocks[i] === 'none') : [];
  try {
    yield* mergeTimed(timed);
    for (const it of rest) {
      let out: TraceEvent[] = [];
      for await (const batch of it) {
        out = out.length ? out.concat(batch) : batch;
        if (out.length >= 4096) { yield out; out = []; }
      }
      if (out.length) yield out;
    }
  } finally {
    // Stopped early (`| head`, an error): let every reader close its file.
    await Promise.allSettled(streams.map((it) => it.return(undefined)));
  }
}

async function* mergeTimed(streams: AsyncGenerator<TraceEvent[]>[]): AsyncGenerator<TraceEvent[]> {
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
      const a = orderTime(h.buf[h.i]!);
      const b = orderTime(best.buf[best.i]!);
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
