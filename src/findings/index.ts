/**
 * Findings: the cause in plain words, from one incident's analyses.
 * Each rule (src/findings/rules/) reads the Incident and returns findings
 * from the catalogue (src/knowledge/findings.ts); a syscall failure and the
 * packets of the same connection (by the correlation) become one finding
 * with both kinds of evidence; the evidence is quoted last.
 */
import type { Location } from '../model/events.js';
import { correlate } from '../analysis/correlate/index.js';
import type { Connection } from '../analysis/tcp/index.js';
import type { Severity } from '../knowledge/findings.js';
import { openTraces, type OpenOptions } from '../readers/open.js';
import type { Finding } from '../report/diff-report.js';
import { quoteLocations } from '../report/quote.js';
import type { LineSources } from '../report/source-lines.js';
import { sketchRun, TimelineSketchBuilder, type TimelineSketch } from '../report/timeline-sketch.js';
import { IncidentBuilder, type Incident } from './incident.js';
import { errnoFindings } from './rules/errno.js';
import { networkFindings, serverText } from './rules/network.js';
import { processFindings } from './rules/process.js';
import type { RawFinding } from './types.js';

export { IncidentBuilder, type Incident } from './incident.js';
export type { RawFinding } from './types.js';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Every rule over one incident, merged across sources, most severe first, then in trace order. */
export function findingsOf(inc: Incident): RawFinding[] {
  const all = [...errnoFindings(inc), ...processFindings(inc), ...networkFindings(inc)];
  const merged = mergeAcrossSources(inc, all);
  const order = (l: Location | undefined) => (l ? inc.files.indexOf(l.file) * 1e9 + (l.line ?? l.packet ?? 0) : Infinity);
  return merged.sort((a, b) => RANK[a.severity] - RANK[b.severity] || order(a.evidence[0]) - order(b.evidence[0]));
}

/**
 * A failed call on a socket and the TCP finding about that socket's
 * connection are one finding: the syscall's, with the packets added.
 */
function mergeAcrossSources(inc: Incident, all: RawFinding[]): RawFinding[] {
  if (!inc.syscalls || inc.network.count === 0) return all;
  // Nothing to merge unless a syscall finding names a socket and a TCP finding is about one connection.
  if (!all.some((f) => f.socket) || !all.some((t) => t.conns?.length === 1)) return all.slice();
  // Correlation reads only a connection's outline (id, endpoints, first and last packet times, SYN, SYN-ACK).
  const links = correlate(inc.syscalls, inc.network.outlines() as Connection[]).links;
  const connOf = (s: NonNullable<RawFinding['socket']>): number | undefined => {
    let best: { conn: number; line: number } | undefined;
    for (const l of links) {
      if (l.socket.pid !== s.pid || l.socket.fd !== s.fd) continue;
      const created = l.socket.life.created;
      const line = created && created.file === s.at.file ? created.line ?? 0 : 0;
      if (line > (s.at.line ?? Infinity)) continue;
      if (!best || line >= best.line) best = { conn: l.conn.id, line };
    }
    return best?.conn;
  };
  const absorbed = new Set<RawFinding>();
  for (const f of all) {
    if (!f.socket) continue;
    const conn = connOf(f.socket);
    if (conn === undefined) continue;
    for (const t of all) {
      if (t === f || absorbed.has(t) || !t.conns || t.conns.length !== 1 || t.conns[0] !== conn) continue;
      absorbed.add(t);
      const resp = inc.network.serverOf(conn);
      if (resp !== undefined) f.title = f.title.replace(/ on a (TCP|TCPv6) socket/, ` on the connection to ${serverText({ resp })}`);
      f.evidence.push(...t.evidence);
      // "Connection to …" reads on in lower case; "SYN to …" keeps its capitals.
      const title = /^[A-Z][a-z]/.test(t.title) ? t.title.charAt(0).toLowerCase() + t.title.slice(1) : t.title;
      f.explanation += ` The capture shows it on the wire: ${title}.`;
      f.conns = [conn];
    }
  }
  return all.filter((f) => !absorbed.has(f));
}

/** Quote each finding's evidence from the files. */
export async function quoteFindings(raw: RawFinding[], sources: LineSources = {}): Promise<Finding[]> {
  const quoted = await quoteLocations(raw.flatMap((f) => f.evidence), sources);
  let k = 0;
  return raw.map((f) => ({ id: f.id, severity: f.severity, title: f.title, explanation: f.explanation, evidence: f.evidence.map(() => quoted[k++]!) }));
}

export interface AnalyzeResult {
  files: string[];
  events: number;
  findings: Finding[];
  /** The findings before quoting, for callers that compare runs. */
  raw: RawFinding[];
  /** A bounded picture of the run with the evidence marked, when asked for (`sketch`). */
  timeline?: TimelineSketch;
  /** Standard input's bytes, when a path was `-`, for quoting more of it later. */
  stdin?: Buffer;
}

export interface AnalyzeOptions extends OpenOptions {
  /** Keep a bounded picture of the run for the markdown and HTML reports. */
  sketch?: boolean;
}

/** `tracediff analyze`: read one incident's files (streaming) and find what went wrong. */
export async function analyzeTraces(paths: string[], opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  // Standard input cannot be read twice: keep its bytes to quote the evidence from.
  const chunks: Buffer[] = [];
  const onStdinChunk = (c: Buffer) => {
    chunks.push(c);
    opts.onStdinChunk?.(c);
  };
  const opened = await openTraces(paths, paths.includes('-') ? { ...opts, onStdinChunk } : opts);
  const builder = new IncidentBuilder(opened.files);
  const sketch = opts.sketch ? new TimelineSketchBuilder() : undefined;
  for await (const batch of opened.events) {
    if (sketch) for (const ev of batch) sketch.add(ev, builder.add(ev));
    else for (const ev of batch) builder.add(ev);
  }
  const inc = builder.finish();
  const raw = findingsOf(inc);
  const stdin = chunks.length ? Buffer.concat(chunks) : undefined;
  const findings = await quoteFindings(raw, stdin ? { stdin } : {});
  return { files: opened.files, events: inc.events, raw, findings, ...(sketch ? { timeline: sketchRun(sketch, findings) } : {}), ...(stdin ? { stdin } : {}) };
}
