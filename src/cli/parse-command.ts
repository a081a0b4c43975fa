/**
 * `tracediff parse`: the common event timeline as JSON Lines (streamed,
 * memory flat), one JSON array, or Chrome Trace Event Format JSON for
 * Perfetto and chrome://tracing (streamed; docs/chrome-trace.md).
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Correlation } from '../analysis/correlate/index.js';
import type { PacketEvent, TraceEvent } from '../model/events.js';
import type { Format } from '../readers/detect.js';
import { InputError, openTraces } from '../readers/open.js';
import { parseClockOffsets } from '../timeline/clock.js';
import { UsageError } from './common.js';
import { buildEventFilter, filterEventBatches, filtersAnything, type EventFilterSpec } from '../filter/event-filter.js';

export interface ParseCommandOptions {
  traces: string[];
  /** --pid, --trace/--ignore, --host/--port (docs/filters.md). */
  filter?: EventFilterSpec;
  format: 'jsonl' | 'json' | 'chrome-trace';
  out?: string;
  envelope: boolean;
  stats: boolean;
  inputFormat?: Format;
  /** `--clock-offset FILE=SECONDS`, as given (docs/timeline.md). */
  clockOffsets?: string[];
  /** Link strace sockets to captured connections (`flow`) when both kinds of input are given (default true). */
  flows?: boolean;
}

/**
 * A strace log and a capture of one run: the events are held, correlated
 * (docs/correlation.md) and given their `flow`, then written in timeline
 * order. Correlation needs both sides whole, so this is the one case where
 * parse does not stream.
 */
async function* withFlows(events: AsyncGenerator<TraceEvent[]>, onCorrelation?: (c: Correlation) => void): AsyncGenerator<TraceEvent[]> {
  const all: TraceEvent[] = [];
  for await (const batch of events) all.push(...batch);
  const { annotateFlows, correlate } = await import('../analysis/correlate/index.js');
  const sys = all.filter((e) => e.kind === 'syscall');
  const pkts = all.filter((e): e is PacketEvent => e.kind === 'packet');
  const c = correlate(sys, pkts);
  annotateFlows(sys, pkts, c);
  onCorrelation?.(c);
  for (let i = 0; i < all.length; i += 4096) yield all.slice(i, i + 4096);
}

export async function parseCommand(o: ParseCommandOptions): Promise<number> {
  let opened;
  let clockOffsets;
  try {
    clockOffsets = o.clockOffsets?.length ? parseClockOffsets(o.clockOffsets) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  try {
    opened = await openTraces(o.traces, { envelope: o.envelope, ...(o.inputFormat ? { inputFormat: o.inputFormat } : {}), ...(clockOffsets ? { clockOffsets } : {}) });
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
  const formats = new Set(opened.formats.values());
  const correlating = o.flows !== false && formats.has('strace') && [...formats].some((f) => f !== 'strace');
  // The chrome-trace writer draws arrows from each call to the packets the correlation links it to.
  let correlation: Correlation | undefined;
  const all = correlating ? withFlows(opened.events, (c) => { correlation = c; }) : opened.events;
  // Filtered after correlation: linking a socket to its connection needs the connect or accept that --trace may drop.
  const stream = o.filter && filtersAnything(o.filter) ? filterEventBatches(all, buildEventFilter(o.filter)) : all;
  const sink: Writable = o.out ? createWriteStream(o.out) : process.stdout;
  let closed = false;
  sink.on('error', (err: NodeJS.ErrnoException) => {
    // A reader that went away (`| head`) is not an error worth a message.
    if (err.code === 'EPIPE') closed = true;
    else throw new UsageError(`cannot write ${o.out ?? 'standard output'}: ${err.message}`);
  });
  const write = async (s: string) => {
    if (closed) return;
    if (!sink.write(s)) {
      // Both listeners go once either fires: a long output waits for 'drain' many times.
      await new Promise<void>((res) => {
        const done = () => { sink.off('drain', done); sink.off('close', done); res(); };
        sink.once('drain', done);
        sink.once('close', done);
      });
    }
  };
  let first = true;
  if (o.format === 'json') await write('[');
  try {
    if (o.format === 'chrome-trace') {
      const { flowLinksOf, writeChromeTrace } = await import('../export/chrome-trace.js');
      // A reader that went away ends the input too.
      const untilClosed = async function* () {
        for await (const batch of stream) {
          if (closed) return;
          yield batch;
        }
      };
      await writeChromeTrace(untilClosed(), write, { files: opened.files, links: () => (correlation ? flowLinksOf(correlation) : undefined) });
    } else for await (const batch of stream) {
      if (closed) break;
      let chunk = '';
      for (const ev of batch) {
        if (o.format === 'jsonl') chunk += JSON.stringify(ev) + '\n';
        else {
          chunk += (first ? '\n' : ',\n') + JSON.stringify(ev);
          first = false;
        }
      }
      await write(chunk);
    }
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
  if (o.format === 'json') await write(first ? ']\n' : '\n]\n');
  if (o.out) await new Promise<void>((res) => sink.end(res));
  if (o.stats) {
    for (const [file, s] of opened.stats) {
      if ('kind' in s && s.kind === 'capture') {
        process.stderr.write(`${file}: ${s.format}, ${s.frames} frames, ${s.notes} notes${s.stoppedAt !== undefined ? `, stopped at byte offset ${s.stoppedAt}` : ''}\n`);
        continue;
      }
      const share = s.lines - s.blank > 0 ? ((100 * s.classified) / (s.lines - s.blank)).toFixed(2) : '100.00';
      process.stderr.write(`${file}: ${s.lines} lines, ${s.classified} classified (${share}% of non-blank), ${s.unparsed} unparsed\n`);
    }
  }
  return 0;
}
