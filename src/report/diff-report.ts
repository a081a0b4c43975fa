/**
 * The diff report: the contract's JSON shape (../shared/CONTRACT.md, `diff
 * --format json`) built from the differ's outcome, with the raw lines
 * quoted from the traces, plus the context lines renderers show around the
 * divergence (not part of the JSON).
 */
import type { DiffOutcome, DivergenceKind } from '../diff/differ.js';
import { divergenceSummary, missingSummary, type Quoted } from '../diff/describe.js';
import type { Interner, SideTrace } from '../diff/side.js';
import type { Place } from '../diff/row-store.js';
import type { LineMap } from './source-lines.js';
import { fetchTexts } from './source-packets.js';
import type { EvidenceContext } from './evidence-context.js';
import type { Provenance } from './provenance.js';
import type { TimelineSketch } from './timeline-sketch.js';

export interface Located {
  file: string;
  line?: number;
  packet?: number;
  /** Last line of a call split across lines (unfinished … resumed). */
  endLine?: number;
  /** The raw line; for a split call, its first and last lines joined by " … ". */
  text: string;
}

export interface Finding {
  id: string;
  severity: 'error' | 'warning' | 'info';
  title: string;
  explanation: string;
  evidence: Located[];
  /** In a diff: this finding's evidence is the divergence itself; it comes first. */
  explainsDivergence?: boolean;
}

export interface SideSummary {
  files: string[];
  events: number;
  /** Lines the parser could not read (they take no part in the diff). */
  unparsed: number;
}

export interface DiffReport {
  tool: 'tracediff';
  version: string;
  good: SideSummary;
  bad: SideSummary;
  divergence: null | {
    kind: DivergenceKind | 'order';
    bad: Located | null;
    good: Located | null;
    summary: string;
  };
  missingAfter: Array<{ good: Located; summary: string; count: number }>;
  findings: Finding[];
}

export interface ContextLine {
  line: number;
  text: string;
}

export interface ContextBlock {
  file: string;
  /** The numbers are packet numbers (a capture), not line numbers. */
  packets?: boolean;
  /** The lines of the event the block is about. */
  focus: number;
  focusEnd: number;
  lines: ContextLine[];
}

export interface DiffView {
  report: DiffReport;
  context: { good: ContextBlock | null; bad: ContextBlock | null };
  /** A bounded picture of each run with the report's places marked (asked for with `sketch`; markdown and HTML use it). */
  timeline?: { good: TimelineSketch; bad: TimelineSketch };
  /** How the report was made (tool, command, inputs' digests), added by `describeProduction`. */
  produced?: Provenance;
  /** Lines around each finding's evidence, added by `describeProduction`. */
  evidence?: EvidenceContext;
  /** Standard input's bytes when a side was `-`: later quoting and digests read them, not the spent stream. */
  stdin?: Buffer;
}

export interface BuildOptions {
  version: string;
  /** Lines of context on each side of the divergence. */
  context: number;
  stdin?: Buffer;
}

export async function buildDiffReport(good: SideTrace, bad: SideTrace, strings: Interner, outcome: DiffOutcome, opts: BuildOptions): Promise<DiffView> {
  // Where an item is lives in the side's row store (maybe on disk): read each once.
  const places = new Map<SideTrace, Map<number, Place>>();
  const placeOf = (s: SideTrace, i: number): Place => {
    let m = places.get(s);
    if (!m) places.set(s, (m = new Map()));
    let p = m.get(i);
    if (!p) m.set(i, (p = s.rows.get(i)));
    return p;
  };
  const fileOf = (s: SideTrace, i: number) => s.files[placeOf(s, i).file]!;
  const isPacket = (s: SideTrace, i: number) => s.packetFiles[placeOf(s, i).file] === true;
  const wanted = new Map<string, Set<number>>();
  const wantedPackets = new Map<string, Set<number>>();
  const want = (s: SideTrace, i: number, around = 0) => {
    const file = fileOf(s, i);
    const into = isPacket(s, i) ? wantedPackets : wanted;
    let set = into.get(file);
    if (!set) into.set(file, (set = new Set()));
    const { line: first, endLine } = placeOf(s, i);
    const last = Math.max(first, endLine);
    for (let n = Math.max(1, first - around); n <= last + around; n++) set.add(n);
  };
  const d = outcome.divergence;
  if (d?.good != null) want(good, d.good, opts.context);
  if (d?.bad != null) want(bad, d.bad, opts.context);
  for (const m of outcome.missingAfter) want(good, m.good);
  const lines = await fetchTexts(wanted, wantedPackets, opts.stdin ? { stdin: opts.stdin } : {});
  const linesOf = (file: string): LineMap => lines.get(file) ?? new Map();

  const locate = (s: SideTrace, i: number): Located => {
    const file = fileOf(s, i);
    const map = linesOf(file);
    const { line, endLine: end } = placeOf(s, i);
    const first = map.get(line) ?? '';
    const loc: Located = isPacket(s, i) ? { file, packet: line, text: first } : { file, line, text: first };
    if (end > line) {
      loc.endLine = end;
      loc.text = `${first} … ${(map.get(end) ?? '').trim()}`;
    }
    return loc;
  };
  const quote = (s: SideTrace, i: number): Quoted => {
    const map = linesOf(fileOf(s, i));
    const { line, endLine } = placeOf(s, i);
    const q: Quoted = { text: map.get(line) ?? '', key: strings.text(s.key[i]!), outcome: strings.outcomes.text(s.outcome[i]!) };
    if (endLine > line) q.endText = map.get(endLine) ?? '';
    // Durations are kept in single precision: seven digits are what was measured, the rest is float noise.
    if (!Number.isNaN(s.dur[i]!)) q.duration = Number(s.dur[i]!.toPrecision(7));
    if (strings.keyMeta[s.key[i]!]?.cls === 'packet') q.packet = true;
    return q;
  };

  const report: DiffReport = {
    tool: 'tracediff',
    version: opts.version,
    good: { files: good.files, events: good.events, unparsed: good.unparsed },
    bad: { files: bad.files, events: bad.events, unparsed: bad.unparsed },
    divergence: d
      ? {
          kind: d.kind,
          bad: d.bad !== null ? locate(bad, d.bad) : null,
          good: d.good !== null ? locate(good, d.good) : null,
          summary: divergenceSummary(d.kind, d.good !== null ? quote(good, d.good) : null, d.bad !== null ? quote(bad, d.bad) : null),
        }
      : null,
    missingAfter: outcome.missingAfter.map((m) => ({ good: locate(good, m.good), summary: missingSummary(quote(good, m.good), m.count), count: m.count })),
    findings: [],
  };

  const block = (s: SideTrace, i: number | null): ContextBlock | null => {
    if (i === null) return null;
    const file = fileOf(s, i);
    const map = linesOf(file);
    const { line: focus, endLine } = placeOf(s, i);
    const focusEnd = Math.max(focus, endLine);
    const out: ContextLine[] = [];
    for (let n = Math.max(1, focus - opts.context); n <= focusEnd + opts.context; n++) {
      const text = map.get(n);
      if (text !== undefined) out.push({ line: n, text });
    }
    return { file, ...(isPacket(s, i) ? { packets: true } : {}), focus, focusEnd, lines: out };
  };
  return { report, context: { good: d ? block(good, d.good) : null, bad: d ? block(bad, d.bad) : null } };
}
