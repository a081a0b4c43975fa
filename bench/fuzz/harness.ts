/**
 * The fuzz harness: one hostile input through the library's entry points,
 * under a watchdog, and checked.
 *
 * `runInput` (in-process) feeds the bytes to every entry point of its family:
 *
 *   strace   parseStraceText, readStraceStream (cut into the input's chunks), openTraces
 *   tcpdump  parseTcpdumpText, readTcpdumpStream (chunked), openTraces
 *   capture  parseCapture, readCaptureStream (chunked), openTraces
 *   detect   detectFormat, openTraces
 *
 * and accepts only what the library promises (docs/fuzzing.md): events, or
 * a `CaptureError` (capture readers, with a byte offset), or an `InputError`
 * naming the file (openTraces). Anything else thrown is a failure, and so
 * are events that break the checks in `checkEvents` (file and a positive
 * line/packet on every event, non-decreasing positions, a reason on every
 * `unparsed` event, finite times, JSON-serialisable), events that differ
 * between the whole-text and the chunked-stream reader, and the readers'
 * last-resort catches (`decoder error:` notes, "too complex to parse").
 *
 * `Watchdog` runs jobs in a worker thread with a time limit and a heap
 * limit: a hang is a terminated worker and a "timeout" failure, running out
 * of heap an "out of memory" failure, never a stuck test run. Under vitest
 * the worker loads the TypeScript sources through ts-register.mjs; compiled
 * (dist/bench/fuzz/), it loads the compiled library.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import type { TraceEvent } from '../../src/model/events.js';
import { InputError, openTraces } from '../../src/readers/open.js';
import { CaptureError } from '../../src/readers/capture/frame.js';
import { parseCapture, readCaptureStream } from '../../src/readers/capture/read.js';
import { detectFormat } from '../../src/readers/detect.js';
import { parseStraceText, readStraceStream } from '../../src/readers/strace/read.js';
import { parseTcpdumpText, readTcpdumpStream } from '../../src/readers/tcpdump/read.js';

export type Family = 'strace' | 'tcpdump' | 'capture' | 'detect';

export interface FuzzInput {
  family: Family;
  /** What the input is, for reports ("mutation of samples/x.strace line 12", "bad.pcap cut at 77"). */
  label: string;
  bytes: Uint8Array;
  /** Stream reading: sizes to cut the bytes into (cycled); absent or empty: one chunk. */
  chunks?: number[];
  /** openTraces reads the bytes gzip-compressed (detection by content must undo it). */
  gzip?: boolean;
  /** Captures: the container format parseCapture reads them as (openTraces detects it itself). */
  format?: 'pcap' | 'pcapng';
  /** strace: the envelope only (no argument trees, no fd tables). */
  envelope?: boolean;
  /** A huge input: only the streaming reader and openTraces (no second in-memory copy), and heap figures. */
  big?: boolean;
}

export interface RunResult {
  label: string;
  /** Events from the first entry point that gave events. */
  events: number;
  /** What openTraces ended with: 'events', or the error class. */
  outcome: string;
  /** Broken promises; empty when the input passed. */
  errors: string[];
  ms: number;
  /** Heap in use when the input was done (MiB): a figure that only grows across inputs is a leak. */
  heapMB?: number;
  /** Big inputs: heap in use after the streaming read, events dropped (MiB), and the largest seen between batches. */
  heapAfterMB?: number;
  heapPeakMB?: number;
}

/** Locations must be positive integers, per file, in this field. */
type Position = 'line' | 'packet';

const MAX_ERRORS = 6;

function clip(s: string, n = 200): string {
  return s.length > n ? s.slice(0, n) + `… (${s.length} chars)` : s;
}

function describeThrow(where: string, e: unknown): string {
  if (e instanceof Error) {
    const at = (e.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' | ');
    return `${where}: uncaught ${e.constructor.name}: ${clip(e.message)} [${at}]`;
  }
  return `${where}: threw a non-Error ${clip(String(e))}`;
}

/**
 * The promises every event list keeps, whatever the input: pushes what is
 * broken onto `out`.
 */
export function checkEvents(events: readonly TraceEvent[], file: string, pos: Position, where: string, out: string[]): void {
  let last = 0;
  for (let i = 0; i < events.length && out.length < MAX_ERRORS; i++) {
    const e = events[i]!;
    const say = (what: string) => out.push(`${where}: event ${i} (${e.kind}${e.line !== undefined ? ` line ${e.line}` : ''}${e.packet !== undefined ? ` packet ${e.packet}` : ''}): ${what}`);
    if (e.file !== file) say(`file is ${JSON.stringify(e.file)}, not ${JSON.stringify(file)}`);
    const p = e[pos];
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1) {
      say(`${pos} is ${String(p)}, not a positive integer`);
      continue;
    }
    if (p < last) say(`${pos} ${p} comes after ${pos} ${last}: positions go backwards`);
    last = Math.max(last, p);
    if (e.endLine !== undefined && (!Number.isInteger(e.endLine) || e.endLine < (e.line ?? 1))) say(`endLine ${e.endLine} is before its line`);
    if (e.kind === 'unparsed' && (typeof e.reason !== 'string' || e.reason.trim() === '')) say('unparsed without a reason');
    // Every number an event carries is finite: JSON has no Infinity or NaN (they would print as null).
    for (const [k, v] of Object.entries(e)) if (typeof v === 'number' && !Number.isFinite(v)) say(`${k} is ${v}`);
    if (e.kind === 'packet') {
      for (const n of e.notes ?? []) if (n.startsWith('decoder error')) say(`the decoder's last-resort catch: ${clip(n)}`);
    }
    if (e.kind === 'syscall' && e.argsError && /too complex to parse/.test(e.argsError)) say(`the argument parser's last-resort catch: ${clip(e.argsError)}`);
  }
  try {
    JSON.stringify(events);
  } catch (err) {
    out.push(`${where}: events are not JSON-serialisable: ${(err as Error).message}`);
  }
}

/** The first difference between two event lists, or undefined when they are the same JSON. */
function firstDifference(a: readonly TraceEvent[], b: readonly TraceEvent[]): string | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = JSON.stringify(a[i]);
    const y = JSON.stringify(b[i]);
    if (x !== y) return `event ${i}: ${clip(x ?? 'none', 300)} vs ${clip(y ?? 'none', 300)} (${a.length} vs ${b.length} events)`;
  }
  return undefined;
}

/** The bytes as a stream of the given chunk sizes (cycled), never an empty chunk. */
export function chunked(bytes: Uint8Array, sizes: readonly number[] | undefined): Readable {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Buffer[] = [];
  if (!sizes || sizes.length === 0) parts.push(buf);
  else {
    let at = 0;
    for (let k = 0; at < buf.length; k++) {
      const n = Math.max(1, sizes[k % sizes.length]!);
      parts.push(buf.subarray(at, at + n));
      at += n;
    }
  }
  return Readable.from(parts, { objectMode: false });
}

async function collect(it: AsyncIterable<TraceEvent[]>): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const b of it) for (const e of b) out.push(e);
  return out;
}

let inputCounter = 0;

/**
 * One input through its family's entry points (see the file comment).
 * `tmp` is a directory for the file openTraces reads.
 */
export async function runInput(input: FuzzInput, tmp: string): Promise<RunResult> {
  const t0 = performance.now();
  const errors: string[] = [];
  const file = `fuzz-${input.family}`;
  let events = -1;
  const bytes = input.bytes;
  const args = input.envelope ? 'none' : 'parse';
  let heapAfterMB: number | undefined;
  let heapPeakMB: number | undefined;

  const textFamily = input.family === 'strace' || input.family === 'tcpdump';
  if (textFamily && !input.big) {
    let whole: TraceEvent[] | undefined;
    let streamed: TraceEvent[] | undefined;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    try {
      whole = input.family === 'strace' ? parseStraceText(text, { file, args }).events : parseTcpdumpText(text, { file }).events;
      checkEvents(whole, file, 'line', `${input.family} text`, errors);
      events = whole.length;
    } catch (e) {
      errors.push(describeThrow(`parse${input.family === 'strace' ? 'Strace' : 'Tcpdump'}Text`, e));
    }
    try {
      const s = chunked(bytes, input.chunks);
      streamed = await collect(input.family === 'strace' ? readStraceStream(s, { file, args }) : readTcpdumpStream(s, { file }));
      checkEvents(streamed, file, 'line', `${input.family} stream`, errors);
    } catch (e) {
      errors.push(describeThrow(`read${input.family === 'strace' ? 'Strace' : 'Tcpdump'}Stream`, e));
    }
    if (whole && streamed) {
      const d = firstDifference(whole, streamed);
      if (d) errors.push(`the whole text and the chunked stream (chunks ${JSON.stringify(input.chunks?.slice(0, 8))}) give different events: ${d}`);
    }
  } else if (textFamily) {
    // Big: the streaming reader alone, events counted and dropped, heap sampled between batches.
    try {
      const s = chunked(bytes, input.chunks?.length ? input.chunks : [1 << 20]);
      const it = input.family === 'strace' ? readStraceStream(s, { file, args }) : readTcpdumpStream(s, { file });
      let n = 0;
      let peak = process.memoryUsage().heapUsed;
      for await (const b of it) {
        checkEvents(b, file, 'line', `${input.family} stream`, errors);
        n += b.length;
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      events = n;
      heapPeakMB = peak / 2 ** 20;
      heapAfterMB = process.memoryUsage().heapUsed / 2 ** 20;
    } catch (e) {
      errors.push(describeThrow(`read${input.family === 'strace' ? 'Strace' : 'Tcpdump'}Stream`, e));
    }
  }

  if (input.family === 'capture') {
    const format = input.format ?? 'pcap';
    type Outcome = { events: TraceEvent[] } | { error: string };
    const outcome = async (where: string, f: () => Promise<TraceEvent[]>): Promise<Outcome | undefined> => {
      try {
        return { events: await f() };
      } catch (e) {
        if (e instanceof CaptureError) {
          if (!Number.isInteger(e.offset) || e.offset < 0) errors.push(`${where}: CaptureError with offset ${e.offset}`);
          if (!e.message) errors.push(`${where}: CaptureError without a message`);
          return { error: `${e.message} @${e.offset}` };
        }
        errors.push(describeThrow(where, e));
        return undefined;
      }
    };
    const whole = await outcome('parseCapture', async () => (await parseCapture(bytes, { file, format })).events);
    const streamed = await outcome('readCaptureStream', () => collect(readCaptureStream(chunked(bytes, input.chunks), { file, format })));
    for (const [o, where] of [[whole, 'parseCapture'], [streamed, 'readCaptureStream']] as const) {
      if (o && 'events' in o) checkEvents(o.events, file, 'packet', where, errors);
    }
    if (whole && 'events' in whole) events = whole.events.length;
    if (whole && streamed) {
      if ('error' in whole || 'error' in streamed) {
        const a = 'error' in whole ? whole.error : `${whole.events.length} events`;
        const b = 'error' in streamed ? streamed.error : `${streamed.events.length} events`;
        if (a !== b) errors.push(`the whole capture and the chunked stream end differently: ${clip(a)} vs ${clip(b)}`);
      } else {
        const d = firstDifference(whole.events, streamed.events);
        if (d) errors.push(`the whole capture and the chunked stream (chunks ${JSON.stringify(input.chunks?.slice(0, 8))}) give different events: ${d}`);
      }
    }
  }

  if (input.family === 'detect') {
    try {
      const d = detectFormat(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 65536)));
      if ('error' in d) {
        if (typeof d.error !== 'string' || !d.error) errors.push('detectFormat: an error without a message');
      } else if (!['strace', 'tcpdump', 'pcap', 'pcapng'].includes(d.format)) errors.push(`detectFormat: format ${String(d.format)}`);
    } catch (e) {
      errors.push(describeThrow('detectFormat', e));
    }
  }

  // Every family: the whole pipeline from a file (detection, gzip, the reader, the timeline).
  const path = join(tmp, `in-${process.pid}-${++inputCounter % 4}-${input.family}`);
  let outcome = 'events';
  try {
    writeFileSync(path, input.gzip ? gzipSync(bytes) : bytes);
    const opened = await openTraces([path], input.envelope ? { envelope: true } : {});
    let n = 0;
    let peak = process.memoryUsage().heapUsed;
    const pos: Position = opened.formats.get(path) === 'pcap' || opened.formats.get(path) === 'pcapng' ? 'packet' : 'line';
    for await (const b of opened.events) {
      checkEvents(b, path, pos, 'openTraces', errors);
      n += b.length;
      if (input.big) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    if (events < 0) events = n;
    if (input.big) heapPeakMB = Math.max(heapPeakMB ?? 0, peak / 2 ** 20);
  } catch (e) {
    if (e instanceof InputError) {
      outcome = 'InputError';
      if (!e.message.includes(path)) errors.push(`openTraces: InputError does not name the file: ${clip(e.message)}`);
      if (e.message.includes('\n')) errors.push(`openTraces: InputError of more than one line: ${clip(e.message)}`);
    } else {
      outcome = e instanceof Error ? e.constructor.name : typeof e;
      errors.push(describeThrow('openTraces', e));
    }
  } finally {
    rmSync(path, { force: true });
  }
  return { label: input.label, events, outcome, errors, ms: performance.now() - t0, heapMB: process.memoryUsage().heapUsed / 2 ** 20, ...(heapAfterMB !== undefined ? { heapAfterMB } : {}), ...(heapPeakMB !== undefined ? { heapPeakMB } : {}) };
}

// ---- jobs and the watchdog ----------------------------------------------------

/** What the worker runs: one input, or a capture (or text) cut at every `step`-th offset. */
export type Job =
  | { type: 'one'; input: FuzzInput }
  | { type: 'truncations'; input: FuzzInput; step?: number };

export interface JobResult {
  /** Inputs tried. */
  count: number;
  /** The inputs that failed (at most a few are kept). */
  failures: RunResult[];
  /** The one input's result ('one' jobs). */
  result?: RunResult;
  /** Slowest single input. */
  maxMs: number;
}

export async function runJob(job: Job, tmp: string): Promise<JobResult> {
  if (job.type === 'one') {
    const r = await runInput(job.input, tmp);
    return { count: 1, failures: r.errors.length ? [r] : [], result: r, maxMs: r.ms };
  }
  const { input } = job;
  const step = Math.max(1, job.step ?? 1);
  const failures: RunResult[] = [];
  let count = 0;
  let maxMs = 0;
  for (let k = 0; k <= input.bytes.length; k += step) {
    const r = await runInput({ ...input, label: `${input.label} cut at byte ${k}`, bytes: input.bytes.subarray(0, k) }, tmp);
    count++;
    maxMs = Math.max(maxMs, r.ms);
    if (r.errors.length && failures.length < 5) failures.push(r);
  }
  return { count, failures, maxMs };
}

export interface WatchdogOptions {
  /** The worker's V8 old-generation limit (MiB): running out of it is an "out of memory" failure. */
  heapMb?: number;
}

/**
 * Runs jobs one at a time in a worker thread. A job that outlives its time
 * limit terminates the worker (a fresh one takes the next job) and comes
 * back as a "timeout" failure; a worker that dies (out of heap, an uncaught
 * exception escaping the library's promises) comes back as a failure too.
 */
export class Watchdog {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly tmp = mkdtempSync(join(tmpdir(), 'tracediff-fuzz-'));
  private waiting: { id: number; resolve: (r: JobResult) => void; label: string; worker: Worker } | undefined;

  constructor(private readonly opts: WatchdogOptions = {}) {}

  private spawn(): Worker {
    const ts = import.meta.url.endsWith('.ts');
    const w = new Worker(new URL(ts ? './worker.ts' : './worker.js', import.meta.url), {
      workerData: { tmp: this.tmp },
      execArgv: ts ? ['--import', new URL('./ts-register.mjs', import.meta.url).href] : [],
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb ?? 1024 },
      stdout: false,
      stderr: false,
    });
    const fail = (why: string) => {
      if (this.worker === w) this.worker = undefined;
      // Only the job this worker was running: a terminated worker's late exit is not the next job's failure.
      const p = this.waiting;
      if (!p || p.worker !== w) return;
      this.waiting = undefined;
      p.resolve({ count: 1, failures: [{ label: p.label, events: -1, outcome: 'crash', errors: [why], ms: 0 }], maxMs: 0 });
    };
    w.on('message', (m: { id: number; result?: JobResult; error?: string }) => {
      const p = this.waiting;
      if (!p || p.id !== m.id) return;
      this.waiting = undefined;
      p.resolve(m.result ?? { count: 1, failures: [{ label: p.label, events: -1, outcome: 'crash', errors: [m.error ?? 'no result'], ms: 0 }], maxMs: 0 });
    });
    w.on('error', (e: Error & { code?: string }) => fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory: the worker's ${this.opts.heapMb ?? 1024} MiB heap was not enough (${e.message})` : `the worker died of an uncaught ${e.constructor.name}: ${clip(e.message)} [${(e.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' | ')}]`));
    w.on('exit', (code) => fail(`the worker exited (code ${code}) without answering`));
    w.unref();
    return w;
  }

  /** Run `job`; `timeoutMs` for the whole job. */
  run(job: Job, timeoutMs: number): Promise<JobResult> {
    const w = (this.worker ??= this.spawn());
    const id = ++this.nextId;
    const label = job.input.label;
    const elu0 = w.performance.eventLoopUtilization();
    return new Promise<JobResult>((resolve) => {
      const timer = setTimeout(() => {
        if (this.waiting?.id !== id) return;
        this.waiting = undefined;
        if (this.worker === w) this.worker = undefined;
        // Busy (the event loop never got control back: a loop, superlinear work) or idle (a promise nobody settles).
        const busy = w.performance.eventLoopUtilization(elu0).utilization;
        void w.terminate();
        const why = busy > 0.5 ? `the worker was busy ${(busy * 100).toFixed(0)}% of the time: a hang or superlinear work` : `the worker was idle ${((1 - busy) * 100).toFixed(0)}% of the time: waiting for something that never came (a stream or promise never settled)`;
        resolve({ count: 1, failures: [{ label, events: -1, outcome: 'timeout', errors: [`timeout: no result within ${timeoutMs} ms; ${why}`], ms: timeoutMs }], maxMs: timeoutMs });
      }, timeoutMs);
      this.waiting = {
        id,
        label,
        worker: w,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      w.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
