/**
 * A fuzzing session over one family: fast-check drives an arbitrary, every
 * input goes through the watchdog, and the session ends with counts, the
 * seed, and the (shrunk) counterexample of a failure. Shared by the CI
 * test (test/fuzz.test.ts) and the long run (bench/fuzz.ts).
 */
import fc from 'fast-check';
import type { FuzzInput, Job, JobResult, RunResult, Watchdog } from './harness.js';

export interface SessionOptions {
  seed: number;
  /** Upper bound on runs (shrinking runs come on top). */
  numRuns: number;
  /** fast-check stops generating after this long (ms), shrinking included. */
  timeLimitMs: number;
  /** Per input, in the worker: more than this is a "timeout" failure. */
  inputTimeoutMs: number;
}

export interface SessionResult {
  family: string;
  seed: number;
  /** Inputs run through the harness (shrinking included). */
  inputs: number;
  /** Inputs that failed (during generation and shrinking). */
  failures: number;
  /** The first failure as found, and the shrunk one fast-check settled on. */
  firstFailure?: RunResult;
  shrunk?: { input: string; result?: RunResult; path?: string };
  ms: number;
  maxInputMs: number;
  interrupted: boolean;
  /** The worker's heap after the last input (MiB). */
  heapMB?: number;
  /** The slowest input's label. */
  slowest?: string;
}

/** Run a job and count it. */
export async function counted(wd: Watchdog, job: Job, timeoutMs: number, tally: { inputs: number; failures: number; maxMs: number; first?: RunResult; heapMB?: number; slowest?: string }): Promise<JobResult> {
  const r = await wd.run(job, timeoutMs);
  if (r.result?.heapMB !== undefined) tally.heapMB = r.result.heapMB;
  if (r.result && r.maxMs > tally.maxMs) tally.slowest = `${r.result.label} (${job.input.bytes.length} bytes)`;
  tally.inputs += r.count;
  tally.failures += r.failures.length;
  tally.maxMs = Math.max(tally.maxMs, r.maxMs);
  if (r.failures.length && !tally.first) tally.first = r.failures[0];
  return r;
}

function preview(input: FuzzInput): string {
  const b = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  const text = input.family === 'capture' || input.family === 'detect' ? b.subarray(0, 96).toString('hex') : JSON.stringify(b.subarray(0, 300).toString('utf8'));
  return `${input.label} — ${input.bytes.length} bytes${input.chunks?.length ? `, chunks ${JSON.stringify(input.chunks)}` : ''}${input.gzip ? ', gzip' : ''}${input.envelope ? ', envelope' : ''}: ${text}`;
}

export async function fuzzFamily(family: string, arb: fc.Arbitrary<FuzzInput>, wd: Watchdog, o: SessionOptions): Promise<SessionResult> {
  const t0 = performance.now();
  const tally = { inputs: 0, failures: 0, maxMs: 0, first: undefined as RunResult | undefined, heapMB: undefined as number | undefined, slowest: undefined as string | undefined };
  let last: RunResult | undefined;
  const prop = fc.asyncProperty(arb, async (input) => {
    const r = await counted(wd, { type: 'one', input }, o.inputTimeoutMs, tally);
    if (r.failures.length) {
      last = r.failures[0];
      return false;
    }
    return true;
  });
  const d = await fc.check(prop, { seed: o.seed, numRuns: o.numRuns, interruptAfterTimeLimit: o.timeLimitMs, markInterruptAsFailure: false });
  const res: SessionResult = {
    family,
    seed: o.seed,
    inputs: tally.inputs,
    failures: tally.failures,
    ms: performance.now() - t0,
    maxInputMs: tally.maxMs,
    interrupted: d.interrupted,
    ...(tally.heapMB !== undefined ? { heapMB: tally.heapMB } : {}),
    ...(tally.slowest !== undefined ? { slowest: tally.slowest } : {}),
  };
  if (tally.first) res.firstFailure = tally.first;
  if (d.failed && d.counterexample) {
    const input = d.counterexample[0] as FuzzInput;
    res.shrunk = { input: preview(input), ...(last ? { result: last } : {}), ...(d.counterexamplePath ? { path: d.counterexamplePath } : {}) };
  }
  return res;
}

export function summaryLine(r: SessionResult): string {
  return `fuzz ${r.family}: ${r.inputs} inputs, ${r.failures} failures (seed ${r.seed}, ${(r.ms / 1000).toFixed(1)} s, slowest input ${r.maxInputMs.toFixed(0)} ms${r.heapMB !== undefined ? `, worker heap ${r.heapMB.toFixed(0)} MiB` : ''}${r.interrupted ? ', stopped at its time limit' : ''})`;
}

export function failureReport(r: SessionResult): string {
  const lines: string[] = [];
  if (r.firstFailure) lines.push(`first failure: ${r.firstFailure.label}`, ...r.firstFailure.errors.map((e) => `  ${e}`));
  if (r.shrunk) {
    lines.push(`shrunk counterexample (replay: seed ${r.seed}${r.shrunk.path ? `, path "${r.shrunk.path}"` : ''}): ${r.shrunk.input}`);
    if (r.shrunk.result) lines.push(...r.shrunk.result.errors.map((e) => `  ${e}`));
  }
  return lines.join('\n');
}
