/**
 * The differ as one call for library users: read both sides, align them,
 * and build the report (contract JSON plus context for renderers).
 */
import type { Readable } from 'node:stream';
import type { Format } from '../readers/detect.js';
import type { ReadProgress } from '../readers/open.js';
import type { EventFilterSpec } from '../filter/event-filter.js';
import { buildDiffReport, type DiffView } from '../report/diff-report.js';
import { diffSides } from './differ.js';
import { readSide, type EventSink } from './read-side.js';
import { sketchDiff, TimelineSketchBuilder } from '../report/timeline-sketch.js';
import { Interner, type SideTrace } from './side.js';
import { canReadInWorkers, readSidesInWorkers, WorkerHeapExhausted, type SideJob } from './parallel-read.js';
import type { OpenOptions } from '../readers/open.js';
import type { RawFinding } from '../findings/types.js';
import { diffFindings } from '../findings/diff-findings.js';
import { findingsOf, IncidentBuilder } from '../findings/index.js';

export interface DiffTracesOptions {
  /** Tool version written into the report. */
  version: string;
  /** Lines of context quoted around the divergence (default 3). */
  context?: number;
  /** Standard input, for a side given as `-`. */
  stdin?: Readable;
  /** Skip content detection (`--input-format`). */
  inputFormat?: Format;
  /** `--clock-offset`: seconds added to a file's clock, by file name (either side). */
  clockOffsets?: Map<string, number>;
  /** Keep a bounded picture of each run for the markdown and HTML reports (view.timeline). */
  sketch?: boolean;
  /** Told of each input as it opens (the CLI's progress bar). */
  progress?: ReadProgress;
  /** Events to keep, on both sides (docs/filters.md). */
  filter?: EventFilterSpec;
  /** Rows of each side kept in memory before they are spilled to a temporary file (default DEFAULT_MEMORY_RECORDS, 262,144). */
  memoryRows?: number;
  /** Folded elements aligned at a time (ALIGN_WINDOW). */
  window?: number;
  /**
   * Read the two sides at once in worker threads (the CLI does; `--no-workers`
   * turns it off). Not with standard input or the sketch, and only from the
   * compiled package: those read in this thread.
   */
  workers?: boolean;
  /** Heap of each worker (WORKER_HEAP_MB); a side that needs more is read in this thread. */
  workerHeapMb?: number;
}

/** Both sides in worker threads; undefined when a worker's heap was too small (then read here). */
async function readInWorkers(goodPaths: string[], badPaths: string[], strings: Interner, open: OpenOptions, progress: ReadProgress | undefined, sideOpts: { memoryRows?: number }, heapMb: number | undefined) {
  const { stdin: _s, onStdinChunk: _c, progress: _p, ...cloneable } = open;
  const job = (paths: string[]): SideJob => ({ paths, open: cloneable, progress: progress !== undefined, ...sideOpts });
  try {
    return await readSidesInWorkers(job(goodPaths), job(badPaths), strings, progress, heapMb);
  } catch (e) {
    if (e instanceof WorkerHeapExhausted) return undefined;
    throw e;
  }
}

/** Diff two traces; each side is a file, a directory of an -ff set, several files of one run, or `-`. */
export async function diffTraces(goodPaths: string[], badPaths: string[], opts: DiffTracesOptions): Promise<DiffView> {
  const strings = new Interner();
  const chunks: Buffer[] = [];
  const usesStdin = goodPaths.includes('-') || badPaths.includes('-');
  const open = {
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
    ...(opts.inputFormat ? { inputFormat: opts.inputFormat } : {}),
    ...(usesStdin ? { onStdinChunk: (c: Buffer) => chunks.push(c) } : {}),
    ...(opts.clockOffsets ? { clockOffsets: opts.clockOffsets, clockOffsetsShared: true } : {}),
    ...(opts.progress ? { progress: opts.progress } : {}),
    ...(opts.filter ? { filter: opts.filter } : {}),
  };
  // Findings of each side from the same pass that reads it for the differ.
  const incidents: IncidentBuilder[] = [];
  const sketches: TimelineSketchBuilder[] = [];
  const sink = (files: string[]): EventSink => {
    const b = new IncidentBuilder(files);
    incidents.push(b);
    if (!opts.sketch) return b;
    const s = new TimelineSketchBuilder();
    sketches.push(s);
    return {
      add(ev) {
        const a = b.add(ev);
        s.add(ev, a);
        return a;
      },
      onConnectionRetired: (listener) => b.onConnectionRetired(listener),
    };
  };
  const sideOpts = opts.memoryRows !== undefined ? { memoryRows: opts.memoryRows } : {};
  let good: SideTrace;
  let bad: SideTrace;
  let findings: [RawFinding[], RawFinding[]] | undefined;
  const inWorkers = opts.workers && !usesStdin && !opts.sketch && canReadInWorkers() ? await readInWorkers(goodPaths, badPaths, strings, open, opts.progress, sideOpts, opts.workerHeapMb) : undefined;
  if (inWorkers) {
    [good, bad] = inWorkers.map((r) => r.side) as [SideTrace, SideTrace];
    findings = [inWorkers[0].findings, inWorkers[1].findings];
  } else {
    good = await readSide(goodPaths, strings, open, sink, sideOpts);
    bad = await readSide(badPaths, strings, open, sink, sideOpts);
  }
  const outcome = diffSides(good, bad, strings, opts.window !== undefined ? { window: opts.window } : {});
  const sources = usesStdin ? { stdin: Buffer.concat(chunks) } : {};
  const view = await buildDiffReport(good, bad, strings, outcome, { version: opts.version, context: opts.context ?? 3, ...sources });
  // The report has read every place it shows: the spill files can go.
  good.rows.close();
  bad.rows.close();
  const [goodFindings, badFindings] = findings ?? incidents.map((b) => findingsOf(b.finish()));
  view.report.findings = await diffFindings(goodFindings!, badFindings!, view.report.divergence?.bad ?? null, sources);
  if (opts.sketch) view.timeline = sketchDiff(sketches[0]!, sketches[1]!, view.report);
  if (sources.stdin) view.stdin = sources.stdin;
  return view;
}
