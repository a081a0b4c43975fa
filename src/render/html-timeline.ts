/**
 * The timeline picture of the HTML report: one SVG, one panel per run, one
 * lane per process and per connection, on one time axis so a run that took
 * seven seconds looks seven seconds long beside one that took seven
 * milliseconds. Failed calls, resets and retransmitted SYNs are drawn as
 * such; the divergence is a line across its run; what good does that bad
 * never does, and each finding's evidence, are marked and link to their
 * place in the report. Tooltips are SVG <title>s, so it reads without
 * JavaScript, and colours come from classes (print styles can change them).
 */
import { seconds } from '../diff/duration-text.js';
import type { SketchItem, SketchLane, SketchMark, TimelineSketch } from '../report/timeline-sketch.js';
import { sinceText, whereText as place } from '../report/location-text.js';
import { esc, safeId } from './html-text.js';

export interface TimelineRun {
  /** `good`, `bad`, or the run's name in `analyze`. */
  name: string;
  sketch: TimelineSketch;
}

/** Lanes drawn per run; the rest are counted under the panel. */
const MAX_LANES = 24;
const WIDTH = 1000;
const LABEL_W = 230;
const TRACK_W = WIDTH - LABEL_W - 20;
const LANE_H = 18;
const PANEL_HEAD = 34;
const AXIS_H = 22;

interface Scale {
  span: number;
  x(since: number): number;
}

function scaleFor(runs: readonly TimelineRun[]): Scale {
  // Runs on one clock kind share one axis; a timed run beside an untimed one cannot, and each gets its own.
  const span = Math.max(1e-6, ...runs.map((r) => r.sketch.end - r.sketch.start));
  return { span, x: (since) => LABEL_W + (Math.max(0, since) / span) * TRACK_W };
}

const when = (sketch: TimelineSketch, since: number) => sinceText(since, sketch.clock);

function itemClass(i: SketchItem): string {
  const c: string[] = [i.kind];
  if (i.retransmit) c.push('retx');
  if (i.error && !i.routine) c.push('err');
  else if (i.error) c.push('routine');
  return c.join(' ');
}

function drawItem(i: SketchItem, sketch: TimelineSketch, scale: Scale, y: number): string {
  const since = i.t - sketch.start;
  const x = scale.x(since);
  // Escaped line by line: esc() shows a newline from a trace as \x0a, and the tooltip's own line break must stay one.
  const title = `<title>${esc(`${when(sketch, since)}  ${place(i)}`)}\n${esc(i.label)}</title>`;
  const cls = itemClass(i);
  const mid = y + LANE_H / 2;
  if (i.kind === 'packet') {
    if (i.retransmit) return `<g class="${cls}">${title}<circle cx="${x.toFixed(1)}" cy="${mid}" r="5"/><path d="M${(x - 2.5).toFixed(1)} ${mid - 1}l2.5 -3l2.5 3"/></g>`;
    if (i.error) return `<g class="${cls}">${title}<path d="M${(x - 4).toFixed(1)} ${mid - 4}l8 8M${(x - 4).toFixed(1)} ${mid + 4}l8 -8"/></g>`;
    // Client-sent packets above the lane's middle, server-sent below: a handshake reads as a zigzag.
    const dy = i.fromClient === false ? 3 : -3;
    return `<g class="${cls}">${title}<rect x="${(x - 2).toFixed(1)}" y="${mid + dy - 2}" width="4" height="4"/></g>`;
  }
  if (i.kind === 'exit' || i.kind === 'signal') {
    return `<g class="${cls}">${title}<path d="M${x.toFixed(1)} ${y + 2}l5 ${LANE_H - 4}h-10z"/></g>`;
  }
  const w = i.dur !== undefined && sketch.clock === 'seconds' ? Math.max(1.5, (i.dur / scale.span) * TRACK_W) : 1.5;
  return `<g class="${cls}">${title}<rect x="${x.toFixed(1)}" y="${y + 4}" width="${Math.min(w, WIDTH - 20 - x).toFixed(1)}" height="${LANE_H - 8}"/></g>`;
}

function laneLabel(l: SketchLane, y: number): string {
  // Cut in the middle: a connection's server port and a process's pid are at the end.
  const name = l.name.length > 34 ? `${l.name.slice(0, 16)}…${l.name.slice(-17)}` : l.name;
  const shown = l.items.length < l.events ? `${l.items.length} of ${l.events} events drawn` : `${l.events} events`;
  return `<text class="lane-name" x="8" y="${y + 13}"><title>${esc(`${l.name} — ${shown}`)}</title>${esc(name)}</text>`;
}

function drawMark(m: SketchMark, sketch: TimelineSketch, scale: Scale, top: number, bottom: number, findingAnchor: (id: string) => string | undefined): string {
  const since = m.t - sketch.start;
  const x = scale.x(since).toFixed(1);
  const head = `${m.role === 'missing' ? 'bad never does this' : m.role}${m.finding ? ` (${m.finding})` : ''}${m.exact ? '' : ', placed between its neighbours'}`;
  const title = `<title>${[head, `${when(sketch, since)}  ${place(m)}`, m.text].map(esc).join('\n')}</title>`;
  if (m.role === 'divergence') {
    // Near the right edge the label goes to the left of the line, or the SVG border cuts it.
    const anchor = Number(x) > WIDTH - 90 ? ' text-anchor="end"' : '';
    return `<a href="#divergence"><g class="mark divergence">${title}<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}"/><text x="${x}" y="${top - 3}"${anchor}>divergence</text></g></a>`;
  }
  if (m.role === 'missing') return `<a href="#missing"><g class="mark missing">${title}<path d="M${x} ${bottom - 1}l-4 6h8z"/></g></a>`;
  const anchor = m.finding ? findingAnchor(m.finding) : undefined;
  const mark = `<g class="mark evidence">${title}<circle cx="${x}" cy="${top + 6}" r="3.5"/></g>`;
  return anchor ? `<a href="#${anchor}">${mark}</a>` : mark;
}

function axis(scale: Scale, clock: TimelineSketch['clock'], y: number): string {
  const ticks: string[] = [];
  const step = niceStep(scale.span / 6);
  for (let v = 0; v <= scale.span + step / 2; v += step) {
    const x = scale.x(v).toFixed(1);
    const label = clock === 'order' ? String(Math.round(v)) : v === 0 ? '0' : seconds(v);
    ticks.push(`<line class="tick" x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}"/><text class="tick-label" x="${x}" y="${y + 15}">${esc(label)}</text>`);
  }
  const unit = clock === 'order' ? 'events since the start of the run' : 'time since the start of each run';
  return `<line class="axis" x1="${LABEL_W}" y1="${y}" x2="${LABEL_W + TRACK_W}" y2="${y}"/>${ticks.join('')}<text class="axis-name" x="8" y="${y + 15}">${unit}</text>`;
}

/** 1, 2 or 5 times a power of ten: tick labels people read at a glance. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

function lanesInOrder(s: TimelineSketch): SketchLane[] {
  // Processes first (what the program did), then connections (what the wire saw), each in order of appearance.
  return [...s.lanes.filter((l) => l.kind === 'process'), ...s.lanes.filter((l) => l.kind === 'connection')];
}

/** The picture; `findingAnchor` maps a finding id to the element id of its place in the report. */
export function timelineSvg(runs: readonly TimelineRun[], findingAnchor: (id: string) => string | undefined): string {
  const sameClock = runs.every((r) => r.sketch.clock === runs[0]!.sketch.clock);
  const shared = sameClock ? scaleFor(runs) : undefined;
  const parts: string[] = [];
  let y = 0;
  for (const run of runs) {
    const s = run.sketch;
    const scale = shared ?? scaleFor([run]);
    const lanes = lanesInOrder(s);
    const drawn = lanes.slice(0, MAX_LANES);
    const length = s.clock === 'order' ? `${Math.round(s.end - s.start) + 1} events` : seconds(s.end - s.start);
    parts.push(`<g class="panel" id="panel-${safeId(run.name)}"><text class="panel-name" x="8" y="${y + 20}">${esc(run.name)} run</text><text class="panel-len" x="${LABEL_W}" y="${y + 20}">${esc(length)}</text>`);
    const top = y + PANEL_HEAD;
    drawn.forEach((l, k) => {
      const ly = top + k * LANE_H;
      parts.push(`<g class="lane ${l.kind}">${k % 2 ? '' : `<rect class="stripe" x="0" y="${ly}" width="${WIDTH}" height="${LANE_H}"/>`}${laneLabel(l, ly)}${l.items.map((i) => drawItem(i, s, scale, ly)).join('')}</g>`);
    });
    let bottom = top + Math.max(1, drawn.length) * LANE_H;
    if (!drawn.length) parts.push(`<text class="note" x="${LABEL_W}" y="${top + 13}">no events</text>`);
    const more = lanes.length - drawn.length + s.omittedLanes;
    if (more > 0) {
      parts.push(`<text class="note" x="8" y="${bottom + 13}">${more} more lane${more === 1 ? '' : 's'} not drawn</text>`);
      bottom += LANE_H;
    }
    parts.push(...s.marks.map((m) => drawMark(m, s, scale, top, bottom, findingAnchor)));
    parts.push(axis(scale, s.clock, bottom + 4), '</g>');
    y = bottom + 4 + AXIS_H + 8;
  }
  const legend = `<g class="legend" transform="translate(8 ${y})">` +
    `<rect class="call" x="0" y="2" width="10" height="8"/><text x="14" y="10">call</text>` +
    `<rect class="call err" x="54" y="2" width="10" height="8"/><text x="68" y="10">failed call</text>` +
    `<rect class="packet" x="140" y="4" width="4" height="4"/><text x="150" y="10">packet</text>` +
    `<g class="packet retx"><circle cx="214" cy="6" r="5"/></g><text x="224" y="10">retransmission</text>` +
    `<g class="packet err"><path d="M316 2l8 8M316 10l8 -8"/></g><text x="330" y="10">reset</text>` +
    `<g class="exit err"><path d="M384 0l5 12h-10z"/></g><text x="394" y="10">killed / exit ≠ 0</text>` +
    `<g class="mark divergence"><line x1="504" y1="0" x2="504" y2="12"/></g><text x="510" y="10">divergence</text>` +
    `<g class="mark missing"><path d="M590 4l-4 6h8z"/></g><text x="598" y="10">good only</text>` +
    `<g class="mark evidence"><circle cx="672" cy="6" r="3.5"/></g><text x="680" y="10">evidence</text></g>`;
  const height = y + 20;
  const desc = runs.map((r) => `${r.name}: ${r.sketch.lanes.length} lanes`).join('; ');
  return `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${esc(`Timeline of ${desc}`)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}${legend}</svg>`;
}
