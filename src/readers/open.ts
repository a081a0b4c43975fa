/**
 * Open what the user named — files, directories of an -ff set, or `-` for
 * standard input — detect each one's format from its content, and return
 * one event stream. Every problem becomes an InputError naming the file.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { TraceEvent } from '../model/events.js';
import { CaptureError } from './capture/frame.js';
import type { CaptureStats } from './capture/read.js';
import type { Detection, Format } from './detect.js';
import { captureMagic, inflateHead, isGzip } from './magic.js';
import type { ParseStats } from './strace/parser.js';
import type { TcpdumpStats } from './tcpdump/parser.js';
import type { ClockInfo } from '../timeline/clock.js';
import { buildTimeline, ClockOffsetError, type TimelineSource } from '../timeline/timeline.js';
import { expandTraceSet, pidFromName } from './trace-set.js';
import { buildEventFilter, filterEventBatches, filtersAnything, type EventFilterSpec } from '../filter/event-filter.js';

export class InputError extends Error {}

export interface OpenOptions {
  /** Envelope only: no argument trees, no fd tables. */
  envelope?: boolean;
  /** Standard input, for `-` (injectable for tests). */
  stdin?: Readable;
  /**
   * Called with every chunk read from standard input, so a caller that must
   * quote lines afterwards (the diff report) can keep what cannot be re-read.
   */
  onStdinChunk?: (chunk: Buffer) => void;
  /**
   * `--input-format`: read every file as this format whatever its content
   * looks like (a strace log whose first lines are program output). gzip is
   * still undone.
   */
  inputFormat?: Format;
  /**
   * `--clock-offset FILE=SECONDS`: seconds added to that source's clock to put
   * it on the common timeline (docs/timeline.md). FILE is a path as given (a
   * directory applies to every file of its set).
   */
  clockOffsets?: Map<string, number>;
  /**
   * The offsets name files of other inputs too (the other side of a diff):
   * a name that is none of these files is ignored rather than an error.
   */
  clockOffsetsShared?: boolean;
  /** Told of each input stream as it opens, to show how far reading has got (the CLI's progress bar). */
  progress?: ReadProgress;
  /**
   * `--pid`, `--trace`/`--ignore`, `--host`/`--port` (docs/filters.md): events
   * the filter drops never leave openTraces. Readers still see every line, so
   * fd tables and unfinished/resumed joins stay right.
   */
  filter?: EventFilterSpec;
}

/** Something that watches bytes being read: `bytesRead` of a file stream, polled, so reading itself is never slowed. */
export interface ReadProgress {
  watch(file: string, stream: { readonly bytesRead?: number }, totalBytes: number | undefined): void;
}

/** Per-file reading statistics: lines for text traces, frames for captures. */
export type FileStats = ParseStats | TcpdumpStats | CaptureStats;

export interface OpenedTrace {
  files: string[];
  events: AsyncGenerator<TraceEvent[]>;
  /** Per-file statistics, filled in as each file ends. */
  stats: Map<string, FileStats>;
  /** The format each file was read as. */
  formats: Map<string, Format>;
  /** Each file's clock and where it was placed on the common timeline (docs/timeline.md). */
  clocks: Map<string, ClockInfo>;
}

const HEAD_BYTES = 64 * 1024;
const TEXT_CHUNK = 1 << 20;
const CAPTURE_CHUNK = 1 << 16;

async function fileSize(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.size;
}

export async function openTraces(paths: string[], opts: OpenOptions = {}): Promise<OpenedTrace> {
  if (!paths.includes('-')) paths = await splitCommaLists(paths);
  const files = paths.includes('-') ? paths : await expandTraceSet(paths).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${e.path ?? paths.join(' ')}: ${describeFsError(e)}`);
  });
  if (files.length === 0) throw new InputError(`${paths.join(' ')}: no trace files found`);
  // The command line's defaults (diff) name files of either side: a name that is not on this side is not an error here.
  const offsets = matchClockOffsets(opts.clockOffsets, files, !opts.clockOffsetsShared);
  const stats = new Map<string, FileStats>();
  const formats = new Map<string, Format>();
  const sources: TimelineSource[] = [];
  const isSet = files.length > 1;
  for (const file of files) {
    const got = file === '-' ? await stdinWithHead(opts.stdin ?? process.stdin, opts.onStdinChunk) : { head: await fileHead(file), stream: undefined };
    const head = got.head;
    const inflated = inflateHead(head);
    const detected = await detect(head, inflated);
    // --input-format overrides what the content looks like, not a gzip stream that cannot be undone.
    const det = opts.inputFormat && !(isGzip(head) && 'error' in detected) ? { format: opts.inputFormat, gzip: isGzip(head) } : detected;
    if ('error' in det) {
      got.stream?.destroy();
      throw new InputError(`${file} ${det.error}`);
    }
    formats.set(file, det.format);
    // Captures are read in small chunks: a chunk's frames become one batch of
    // events, and small batches die young in the GC (2-3x faster than 1 MiB).
    const stream = got.stream ?? createReadStream(file, { highWaterMark: det.format === 'pcap' || det.format === 'pcapng' ? CAPTURE_CHUNK : TEXT_CHUNK });
    if (opts.progress && file !== '-') opts.progress.watch(file, stream as { bytesRead?: number }, await fileSize(file));
    const input = det.gzip ? stream.pipe(createGunzip()) : stream;
    input.on('error', () => undefined);
    const done = (st: FileStats) => stats.set(file, st);
    let events: AsyncGenerator<TraceEvent[]>;
    let tcpdumpMode: TimelineSource['tcpdumpMode'];
    // Each reader is loaded when a file needs it: the text grammars (Chevrotain)
    // take longer to load than a whole capture takes to read.
    switch (det.format) {
      case 'strace': {
        const { readStraceStream } = await import('./strace/read.js');
        const defaultPid = isSet ? pidFromName(file) : undefined;
        events = readStraceStream(input, { file, args: opts.envelope ? 'none' : 'parse', ...(defaultPid !== undefined ? { defaultPid } : {}) }, done);
        break;
      }
      case 'tcpdump': {
        const { readTcpdumpStream, sniffTcpdumpText } = await import('./tcpdump/read.js');
        // Detection sniffed the head already; only --input-format tcpdump skipped it.
        let shape = 'tcpdump' in det ? det.tcpdump : undefined;
        if (!shape && !('error' in inflated)) shape = sniffTcpdumpText((await import('./detect.js')).headTextLines(inflated.bytes));
        tcpdumpMode = shape?.timeMode;
        events = readTcpdumpStream(input, { file, ...shape }, done);
        break;
      }
      case 'pcap':
      case 'pcapng': {
        const { readCaptureStream } = await import('./capture/read.js');
        events = readCaptureStream(input, { file, format: det.format }, done);
        break;
      }
    }
    sources.push({ file, format: det.format, events: guardStream(events, file, input), ...(tcpdumpMode ? { tcpdumpMode } : {}) });
  }
  let timeline;
  try {
    timeline = await buildTimeline(sources, offsets);
  } catch (e) {
    if (e instanceof ClockOffsetError) throw new InputError(e.message);
    throw e;
  }
  // A fresh predicate per call: it keeps per-stream state (which pid a pid-less line belongs to), and diff opens each side apart.
  const events = opts.filter && filtersAnything(opts.filter) ? filterEventBatches(timeline.events, buildEventFilter(opts.filter)) : timeline.events;
  return { files, events, stats, formats, clocks: timeline.clocks };
}

/**
 * A side given as one comma-separated argument (`good.strace,good.pcap`) is
 * its files; an argument that exists as it is (a file name with a comma) is
 * taken literally.
 */
async function splitCommaLists(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (!p.includes(',') || (await stat(p).then(() => true, () => false))) out.push(p);
    else out.push(...p.split(',').filter((part) => part !== ''));
  }
  return out;
}

/** --clock-offset names → the files they apply to; a name that is none of the inputs is an error. */
function matchClockOffsets(given: Map<string, number> | undefined, files: string[], strict: boolean): Map<string, number> {
  const out = new Map<string, number>();
  if (!given) return out;
  for (const [name, seconds] of given) {
    const full = resolve(name);
    const hit = files.filter((f) => f === name || (f !== '-' && (resolve(f) === full || resolve(f).startsWith(full + sep))));
    if (hit.length === 0 && strict) throw new InputError(`--clock-offset ${name}: not one of the inputs (${files.join(', ')})`);
    for (const f of hit) out.set(f, seconds);
  }
  return out;
}

/** Turn a read or gunzip failure in the middle of a file into an InputError that names it. */
async function* guardStream(it: AsyncGenerator<TraceEvent[]>, file: string, input: Readable): AsyncGenerator<TraceEvent[]> {
  try {
    yield* it;
  } catch (e) {
    if (e instanceof CaptureError) throw new InputError(`${file}: ${e.message} (byte offset ${e.offset})`);
    const err = e as NodeJS.ErrnoException;
    throw new InputError(`${file}: ${err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR' ? 'the gzip data is truncated or corrupt' : describeFsError(err)}`);
  } finally {
    input.destroy();
  }
}

/** Captures by their magic alone; text formats through the line sniffers (which load the grammars). */
async function detect(head: Buffer, inflated: ReturnType<typeof inflateHead>): Promise<Detection> {
  if (head.length === 0) return { error: 'is empty' };
  if ('error' in inflated) return inflated;
  const capture = captureMagic(inflated.bytes);
  if (capture) return { format: capture, gzip: inflated.gzip };
  const { detectText } = await import('./detect.js');
  return detectText(inflated.bytes, inflated.gzip);
}

async function fileHead(file: string): Promise<Buffer> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${describeFsError(e as NodeJS.ErrnoException)}`);
  }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${describeFsError(e as NodeJS.ErrnoException)}`);
  } finally {
    await fh.close();
  }
}

/** Read enough of stdin to detect its format, then replay it in front of the rest. */
async function stdinWithHead(stdin: Readable, onChunk?: (chunk: Buffer) => void): Promise<{ stream: Readable; head: Buffer }> {
  const chunks: Buffer[] = [];
  let len = 0;
  const it = stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let done = false;
  while (len < HEAD_BYTES) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    chunks.push(b);
    len += b.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    onChunk?.(head);
    yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      onChunk?.(b);
      yield b;
    }
  }
  return { stream: Readable.from(replay(), { objectMode: false }), head };
}

function describeFsError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a path component is not a directory';
    default: return e.message;
  }
}
