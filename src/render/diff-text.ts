/**
 * The terminal report of a diff, in this order: the verdict, the two sides'
 * files, good and bad around the divergence (side by side from 143 columns,
 * stacked below), unparsed-line warnings, what good does afterwards that
 * bad never does, and the bad run's findings. docs/text-report.md.
 */
import type { ContextBlock, DiffReport, DiffView } from '../report/diff-report.js';
import { whereText } from '../report/location-text.js';
import { findingsText, quoteLines } from './findings-text.js';
import { fitPacketLines, fitTraceLine, joinLines, pad, paint, parsePacketLine, shorten, textWidth, visible, wrap, type Paint } from './terminal.js';

export interface TextOptions {
  color: boolean;
  /** Terminal width; side by side from 143 columns, stacked below. */
  width: number;
}

/**
 * Side by side needs about 70 columns a side to show a call and its result
 * (strace lines with -f -tt -T run to 120 and more); narrower terminals get
 * good above bad, which reads better than two columns of ellipses.
 */
const SIDE_BY_SIDE_MIN = 143;
/** Narrower than this, nothing useful fits on a line; the report is laid out for this width instead. */
const MIN_WIDTH = 40;
/** Runs shorter than this stay as they are: folding two lines into one saves nothing worth the `×`. */
const FOLD_MIN_RUN = 3;

export function renderDiffText(view: DiffView, opts: TextOptions): string {
  const p = paint(opts.color);
  const W = Math.max(MIN_WIDTH, opts.width);
  const { report } = view;
  const out = [...verdictLines(report, W, p), ...sideLines(report, W, p)];
  if (report.divergence) out.push('', ...contextLines(view, W, p));
  out.push(...unparsedLines(report, W, p));
  if (report.missingAfter.length) out.push('', ...missingAfterLines(report, W, p));
  if (report.findings.length) {
    const heading = report.divergence ? 'What the bad run shows (findings):' : 'Findings of the bad run that the good run does not have:';
    out.push('', ...wrap(heading, W, '  ').map(p.bold));
    out.push(...findingsText(report.findings, W, p, report.findings[0]?.explainsDivergence ? 0 : undefined));
  }
  return joinLines(out);
}

/** The first line says whether the runs diverge; the divergence's summary follows, wrapped. */
function verdictLines(report: DiffReport, W: number, p: Paint): string[] {
  const d = report.divergence;
  const head = d ? `Divergence (${d.kind}):` : 'No meaningful divergence:';
  const body = d
    ? visible(d.summary)
    : 'both runs do the same work; what differs is run-to-run noise (pids, fds, addresses, ports, timings, byte counts of equal outcome, retries).';
  const [first, ...rest] = wrap(`${head} ${body}`, W, '  ');
  const colour = d ? (s: string) => p.red(p.bold(s)) : (s: string) => p.green(p.bold(s));
  return [colour(head) + first!.slice(head.length), ...rest];
}

/** One line a side: which files, how many events. */
function sideLines(report: DiffReport, W: number, p: Paint): string[] {
  return (['good', 'bad'] as const).flatMap((name) => {
    const s = report[name];
    const label = `${name}:`.padEnd(6);
    return wrap(`${s.files.map(visible).join(' ')} (${s.events} events)`, W, '      ', label).map(p.dim);
  });
}

function unparsedLines(report: DiffReport, W: number, p: Paint): string[] {
  return (['good', 'bad'] as const).flatMap((name) => {
    const n = report[name].unparsed;
    if (n === 0) return [];
    const text = `warning: ${n} line${n === 1 ? '' : 's'} of ${name} could not be parsed and took no part in the diff (see \`tracediff parse\`)`;
    return wrap(text, W, '  ').map(p.yellow);
  });
}

/** What good does after the divergence and bad never does; a repeated call shows once, with `×count`. */
function missingAfterLines(report: DiffReport, W: number, p: Paint): string[] {
  const out = wrap('After the divergence, good does this and bad never does:', W, '  ').map(p.bold);
  const quoted = quoteLines(report.missingAfter.map((m) => ({ at: m.good, count: m.count })), W, p, 2);
  report.missingAfter.forEach((m, i) => out.push(...quoted[i]!, ...wrap(visible(m.summary), W, '      ', '      ')));
  return out;
}

// ---------------------------------------------------------------------------
// Context around the divergence

function blockWhere(b: ContextBlock): string {
  return visible(whereText(b.packets ? { file: b.file, packet: b.focus } : { file: b.file, line: b.focus }));
}

function contextLines(view: DiffView, W: number, p: Paint): string[] {
  const { good, bad } = view.context;
  if (W >= SIDE_BY_SIDE_MIN && good && bad) return sideBySide(good, bad, W, p);
  const out: string[] = [];
  for (const [name, block] of [['good', good], ['bad', bad]] as const) {
    if (!block) {
      out.push(p.dim(`${name}  (no counterpart)`), '');
      continue;
    }
    out.push(p.bold(shorten(`${name}  ${blockWhere(block)}`, W)));
    out.push(...blockLines(block, W - 2, name, p).map((l) => '  ' + l), '');
  }
  return out;
}

/** A context line, or a run of the same call folded into one (`first`–`last`, `count` lines). */
export interface ContextRow {
  first: number;
  last: number;
  count: number;
  focus: boolean;
  text: string;
}

/**
 * The block's rows: consecutive lines that are the same call (callKey)
 * fold into one, shown with the first line's number to the last's and
 * `×N`; the focus lines never fold, so the divergence is never hidden.
 * Packets do not fold: in a capture each repeat (a retransmission) and its
 * time is the evidence.
 */
export function foldContext(block: ContextBlock): ContextRow[] {
  const isFocus = (line: number) => line === block.focus || line === block.focusEnd;
  const rows: ContextRow[] = [];
  const lines = block.lines;
  for (let i = 0; i < lines.length; ) {
    const { line, text } = lines[i]!;
    const key = block.packets || isFocus(line) ? null : callKey(text);
    let j = i + 1;
    while (key !== null && j < lines.length && lines[j]!.line === lines[j - 1]!.line + 1 && !isFocus(lines[j]!.line) && callKey(lines[j]!.text) === key) j++;
    if (j - i < FOLD_MIN_RUN) j = i + 1;
    rows.push({ first: line, last: lines[j - 1]!.line, count: j - i, focus: isFocus(line), text });
    i = j;
  }
  return rows;
}

/**
 * What makes two strace lines "the same call": the same process, call and
 * arguments, and the same return value and errno. On an fd, the data read
 * or written does not count (40 `read(5, "…", 4096) = 4096` are one run);
 * a path or an option does (`openat` of three files is three calls). The
 * time, the duration and a result's detail do not count. Unfinished and
 * resumed halves, signals and exits never fold: null.
 */
const CALL_PARTS = /^\s*(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(?:\d[\d:.]*\s+)?([a-z_][a-z0-9_]*)\((.*)\)\s+= (\S+)( E[A-Z0-9]+)?/;
const STRING = /"(?:[^"\\]|\\.)*"(?:\.\.\.)?/g;

export function callKey(text: string): string | null {
  if (text.includes('<unfinished') || text.includes('resumed>')) return null;
  const m = CALL_PARTS.exec(text);
  if (!m) return null;
  const [, pidA, pidB, name, args, ret, errno] = m as unknown as Array<string | undefined>;
  const onFd = /^\d+(?:<|,|$)/.test(args!);
  return [pidA ?? pidB ?? '', name, onFd ? args!.replace(STRING, '"…"') : args, ret, errno ?? ''].join('\u0000');
}

function rowLabel(r: ContextRow): string {
  return r.count > 1 ? `${r.first}–${r.last}` : String(r.first);
}

/** A block's rows as `> 32 text` (the focus) or `  29 text`, fitted to `width`. */
function blockLines(block: ContextBlock, width: number, side: 'good' | 'bad', p: Paint): string[] {
  const rows = foldContext(block);
  const labels = rows.map(rowLabel);
  const numWidth = Math.max(...labels.map((l) => l.length));
  const times = rows.map((r) => (r.count > 1 ? ` ×${r.count}` : ''));
  const room = (i: number) => Math.max(10, width - numWidth - 3 - textWidth(times[i]!));
  const texts = fitRows(rows.map((r) => visible(r.text)), room, block.packets === true);
  return rows.map((r, i) => {
    const num = labels[i]!.padStart(numWidth);
    const text = texts[i]! + times[i]!;
    if (!r.focus) return `  ${p.dim(num)} ${text}`;
    const mark = side === 'bad' ? p.red('>') : p.green('>');
    return `${mark} ${p.bold(num)} ${side === 'bad' ? p.red(text) : text}`;
  });
}

/** Packet lines shown together drop the same fields (they still read as columns); other lines are fitted one by one. */
function fitRows(texts: string[], room: (i: number) => number, packets: boolean): string[] {
  const parsed = texts.map(parsePacketLine);
  const at = parsed.flatMap((x, i) => (x ? [i] : []));
  const fitted = fitPacketLines(at.map((i) => parsed[i]!), at.map(room));
  const out = texts.map((t, i) => fitTraceLine(t, room(i), packets));
  at.forEach((i, k) => (out[i] = fitted[k]!));
  return out;
}

function sideBySide(good: ContextBlock, bad: ContextBlock, width: number, p: Paint): string[] {
  const col = Math.floor((width - 3) / 2);
  const plain = paint(false);
  const left = [`good  ${blockWhere(good)}`, ...blockLines(good, col, 'good', plain)];
  const right = [`bad  ${blockWhere(bad)}`, ...blockLines(bad, col, 'bad', plain)];
  const rows = Math.max(left.length, right.length);
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const l = shorten(left[r] ?? '', col);
    const rt = shorten(right[r] ?? '', col);
    const lp = pad(l, col);
    // Colour after padding so escape codes do not upset the column arithmetic.
    const lc = r === 0 ? p.bold(lp) : l.startsWith('>') ? p.green(lp) : lp;
    const rc = r === 0 ? p.bold(rt) : rt.startsWith('>') ? p.red(rt) : rt;
    out.push(`${lc} ${p.dim('│')} ${rc}`);
  }
  return out;
}
