/**
 * The few events of a run (or of both runs of a diff) worth a row in a
 * postmortem's timeline table: where they diverge, the findings' evidence,
 * what good does that bad never does, and what went wrong on the way
 * (failed calls, resets, retransmissions, kills, non-zero exits). Chosen
 * from the bounded sketches, so the table is short whatever the input size.
 */
import type { MarkRole, SketchItem, TimelineSketch } from './timeline-sketch.js';

export type KeyRole = MarkRole | 'error' | 'retransmit' | 'exit';

export interface KeyEvent {
  /** `good`/`bad` in a diff; absent for a single run. */
  run?: 'good' | 'bad';
  /** Seconds since the run's first event, or the event's ordinal when the run has no timestamps. */
  since: number;
  clock: TimelineSketch['clock'];
  file: string;
  line?: number;
  packet?: number;
  /** What happened, short: the sketch's label, or the quoted line. */
  event: string;
  role: KeyRole;
  /** The finding an evidence row belongs to. */
  finding?: string;
}

/** Why a row is in the table, in words (every format says it the same way). */
export const KEY_ROLE_WORDS: Record<KeyRole, string> = {
  divergence: 'divergence',
  evidence: 'evidence',
  missing: 'bad never does this',
  error: 'failed',
  retransmit: 'retransmission',
  exit: 'process ended',
};

/** Which role a row keeps when one place is several things: the divergence first. */
const ROLE_RANK: Record<KeyRole, number> = { divergence: 0, evidence: 1, missing: 2, error: 3, retransmit: 4, exit: 5 };

export interface KeyEventOptions {
  /** Rows at most (default 40): a table longer than a screen stops being read. */
  max?: number;
}

const placeKey = (file: string, line?: number, packet?: number) => `${file}\u0000${packet !== undefined ? `p${packet}` : `l${line}`}`;

/**
 * A row of its own for what the wire and the process table show going
 * wrong. Failed calls get rows through the findings' evidence instead: the
 * finding rules know which failures matter (a config probe's ENOENT does not).
 */
function itemRole(i: SketchItem): KeyRole | undefined {
  if (i.retransmit) return 'retransmit';
  if (i.kind === 'exit') return 'exit';
  if (i.error && i.kind === 'packet') return 'error';
  return undefined;
}

function rowsOf(sketch: TimelineSketch, run: 'good' | 'bad' | undefined): KeyEvent[] {
  const labels = new Map<string, string>();
  const rows = new Map<string, KeyEvent>();
  const put = (row: KeyEvent) => {
    const k = placeKey(row.file, row.line, row.packet);
    const had = rows.get(k);
    const finding = row.finding ?? had?.finding;
    if (!had || ROLE_RANK[row.role] < ROLE_RANK[had.role]) rows.set(k, finding ? { ...row, finding } : row);
    else if (finding && !had.finding) had.finding = finding;
  };
  const base = { clock: sketch.clock, ...(run ? { run } : {}) };
  for (const lane of sketch.lanes) {
    for (const i of lane.items) {
      labels.set(placeKey(i.file, i.line, i.packet), i.label);
      const role = itemRole(i);
      if (role) put({ ...base, since: i.t - sketch.start, file: i.file, ...(i.line !== undefined ? { line: i.line } : {}), ...(i.packet !== undefined ? { packet: i.packet } : {}), event: i.label, role });
    }
  }
  for (const m of sketch.marks) {
    const event = labels.get(placeKey(m.file, m.line, m.packet)) ?? m.text;
    put({ ...base, since: m.t - sketch.start, file: m.file, ...(m.line !== undefined ? { line: m.line } : {}), ...(m.packet !== undefined ? { packet: m.packet } : {}), event, role: m.role, ...(m.finding ? { finding: m.finding } : {}) });
  }
  return [...rows.values()];
}

/**
 * The rows, most important first when they must be cut, then shown in
 * time order per run (good before bad).
 */
export function keyEvents(runs: ReadonlyArray<{ run?: 'good' | 'bad'; sketch: TimelineSketch }>, opts: KeyEventOptions = {}): KeyEvent[] {
  const max = opts.max ?? 40;
  const all = runs.flatMap((r) => rowsOf(r.sketch, r.run));
  const kept = all.length <= max ? all : [...all].sort((a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role] || a.since - b.since).slice(0, max);
  const runRank = (r: KeyEvent) => (r.run === 'bad' ? 1 : 0);
  return kept.sort((a, b) => runRank(a) - runRank(b) || a.since - b.since || (a.line ?? a.packet ?? 0) - (b.line ?? b.packet ?? 0));
}
