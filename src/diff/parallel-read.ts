/**
 * Read the two sides of a diff at once, each in a worker thread. Parsing is
 * most of a diff's time and the sides are independent until alignment, so
 * on two cores the wall time is that of the larger side rather than the sum.
 * Standard input and the timeline sketch of the documents stay on the main
 * thread (the caller reads in-thread then).
 */
import { Worker } from 'node:worker_threads';
import { closeSync, existsSync } from 'node:fs';
import { openSpillFile } from './row-store.js';
import { fileURLToPath } from 'node:url';
import { InputError, type OpenOptions, type ReadProgress } from '../readers/open.js';
import type { RawFinding } from '../findings/types.js';
import { sideFromMessage, type SideMessage } from './side-transfer.js';
import type { Interner, SideTrace } from './side.js';

/** What a worker is asked to read: only what survives cloning (no streams, no callbacks). */
export interface SideJob {
  paths: string[];
  open: Omit<OpenOptions, 'stdin' | 'onStdinChunk' | 'progress'>;
  memoryRows?: number;
  /** Where the worker spills rows: opened here, since a descriptor a worker opens closes when it ends. */
  spillFd?: number;
  progress: boolean;
}

export type WorkerReply =
  | { type: 'watch'; file: string; totalBytes?: number }
  | { type: 'bytes'; file: string; bytesRead: number }
  | { type: 'done'; side: SideMessage; findings: RawFinding[] }
  | { type: 'error'; input: boolean; message: string };

export interface ReadSideResult {
  side: SideTrace;
  findings: RawFinding[];
}

const WORKER = new URL('./read-side-worker.js', import.meta.url);
/**
 * A worker's heap holds little that lives (the columns are off-heap typed
 * arrays), but V8 lets a heap grow far past what lives before collecting:
 * two readers at once doubled that slack (846 MB where one thread took 520
 * on a million-line pair). A cap makes the collector work sooner (610 MB,
 * same time). A side whose interned strings need more ends the worker with
 * ERR_WORKER_OUT_OF_MEMORY, and the caller reads in its own thread instead.
 */
export const WORKER_HEAP_MB = 256;

/** A worker ran out of its heap (WORKER_HEAP_MB): read in the main thread instead. */
export class WorkerHeapExhausted extends Error {}

/** Worker threads need the compiled worker beside this module (so not when the sources run under a TS loader). */
export function canReadInWorkers(): boolean {
  return WORKER.protocol === 'file:' && existsSync(fileURLToPath(WORKER));
}

function readInWorker(worker: Worker, job: SideJob, progress: ReadProgress | undefined): Promise<{ message: SideMessage; findings: RawFinding[] }> {
  return new Promise((resolve, reject) => {
    const streams = new Map<string, { bytesRead: number }>();
    let settled = false;
    worker.on('message', (m: WorkerReply) => {
      if (m.type === 'watch') {
        const s = { bytesRead: 0 };
        streams.set(m.file, s);
        progress?.watch(m.file, s, m.totalBytes);
      } else if (m.type === 'bytes') {
        const s = streams.get(m.file);
        if (s) s.bytesRead = m.bytesRead;
      } else if (m.type === 'done') {
        settled = true;
        resolve({ message: m.side, findings: m.findings });
      } else {
        settled = true;
        reject(m.input ? new InputError(m.message) : new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      if (!settled) reject((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? new WorkerHeapExhausted(e.message) : e);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`reading ${job.paths.join(', ')} stopped (worker exit ${code})`));
      settled = true;
    });
  });
}

/** Both sides, read at once; ids renumbered into `strings` good first, then bad. */
export async function readSidesInWorkers(good: SideJob, bad: SideJob, strings: Interner, progress?: ReadProgress, heapMb = WORKER_HEAP_MB): Promise<[ReadSideResult, ReadSideResult]> {
  const LIMITS = { resourceLimits: { maxOldGenerationSizeMb: heapMb } };
  const fds = [openSpillFile(), openSpillFile()];
  const workers = [new Worker(WORKER, { workerData: { ...good, spillFd: fds[0] }, ...LIMITS }), new Worker(WORKER, { workerData: { ...bad, spillFd: fds[1] }, ...LIMITS })] as const;
  let g: Awaited<ReturnType<typeof readInWorker>>;
  let b: typeof g;
  try {
    [g, b] = await Promise.all([readInWorker(workers[0], good, progress), readInWorker(workers[1], bad, progress)]);
  } catch (e) {
    // One side failed: the other's reading is of no use, and must not keep the process alive.
    await Promise.all(workers.map((w) => w.terminate()));
    for (const fd of fds) closeSync(fd);
    throw e;
  }
  // Their work is posted: end them now rather than when their loops drain, so their heaps are gone before the
  // differ starts (on a 1 GB pair, 100 MB less at the peak).
  await Promise.all(workers.map((w) => w.terminate()));
  // A side that never spilled leaves its file unused; an adopted one is closed with its store.
  if (g.message.rows.fd === undefined) closeSync(fds[0]!);
  if (b.message.rows.fd === undefined) closeSync(fds[1]!);
  return [
    { side: sideFromMessage(g.message, strings), findings: g.findings },
    { side: sideFromMessage(b.message, strings), findings: b.findings },
  ];
}
