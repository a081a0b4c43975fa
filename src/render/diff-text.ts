/**
 * The terminal report of a diff: the verdict first, then good and bad side
 * by side around the divergence (stacked below 143 columns), then
 * what good does afterwards that bad never does.
 */
import type { ContextBlock, DiffView, Located } from '../report/diff-report.js';
import { findingsText } from './findings-text.js';
import { pad, paint, shorten, visible, wrap, type Paint } from './terminal.js';

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

export function renderDiffText(view: DiffView, opts: TextOptions): string {
  const p = paint(opts.color);
  const { report } = view;
  const out: string[] = [];
  const d = report.divergence;
  const sides = `good: ${report.good.files.join(' ')} (${report.good.events} events), bad: ${report.bad.files.join(' ')} (${report.bad.events} events)`;
  const W = Math.max(40, opts.width);
  if (!d) {
    const [first, ...rest] = wrap('No meaningful divergence: both runs do the same work; what differs is run-to-run noise (pids, fds, addresses, ports, timings, byte counts of equal outcome, retries).', W);
    out.push(p.green(p.bold(first!.slice(0, 24))) + first!.slice(24), ...rest);
    out.push(...wrap(sides, W, '  ').map(p.dim));
  } else {
    const head = `Divergence (${d.kind}):`;
    const [first, ...rest] = wrap(`${head} ${visible(d.summary)}`, W, '  ');
    out.push(p.red(p.bold(head)) + first!.slice(head.length), ...rest);
    out.push(...wrap(sides, W, '  ').map(p.dim));
    out.push('');
    out.push(...context(view, { ...opts, width: W }, p));
  }
  for (const [name, s] of [['good', report.good], ['bad', report.bad]] as const) {
    if (s.unparsed > 0) out.push(...wrap(`warning: ${s.unparsed} line${s.unparsed === 1 ? '' : 's'} of ${name} could not be parsed and took no part in the diff (see \`tracediff parse\`)`, W, '  ').map(p.yellow));
  }
  if (report.missingAfter.length) {
    out.push('');
    out.push(p.bold('After the divergence, good does this and bad never does:'));
    for (const m of report.missingAfter) {
      const where = locationText(m.good);
      const text = visible(m.good.text);
      if (where.length + text.length + 4 > W) {
        out.push(`  ${p.dim(shorten(where, W - 2))}`);
        out.push(`    ${shorten(text, W - 4)}`);
      } else out.push(`  ${p.dim(where)}  ${text}`);
      out.push(...wrap(visible(m.summary), W - 6, '      ').map((l, i) => (i === 0 ? '      ' + l : l)));
    }
  }
  if (report.findings.length) {
    out.push('');
    out.push(p.bold(report.divergence ? 'What the bad run shows (findings):' : 'Findings of the bad run that the good run does not have:'));
    out.push(...findingsText(report.findings, W, p, report.findings[0]?.explainsDivergence ? 0 : undefined));
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** `file:line` for text, `file packet N` for a capture (tcpdump and Wireshark number frames from 1). */
function locationText(l: Located): string {
  return l.packet !== undefined ? `${l.file} packet ${l.packet}` : `${l.file}:${l.line}`;
}

function blockWhere(b: ContextBlock): string {
  return b.packets ? `${b.file} packet ${b.focus}` : `${b.file}:${b.focus}`;
}

function context(view: DiffView, opts: TextOptions, p: Paint): string[] {
  const { good, bad } = view.context;
  if (opts.width >= SIDE_BY_SIDE_MIN && good && bad) return sideBySide(good, bad, opts.width, p);
  const out: string[] = [];
  for (const [name, block] of [['good', good], ['bad', bad]] as const) {
    if (!block) {
      out.push(p.dim(`${name}: (no counterpart)`));
      continue;
    }
    out.push(p.bold(shorten(`${name}  ${blockWhere(block)}`, opts.width)));
    out.push(...blockLines(block, opts.width - 2, name, p).map((l) => '  ' + l));
    out.push('');
  }
  return out;
}

function blockLines(block: ContextBlock, width: number, side: 'good' | 'bad', p: Paint): string[] {
  const numWidth = String(block.focusEnd + 10).length;
  return block.lines.map((l) => {
    // A split call's two halves are the focus; other pids' lines between them are context.
    const focus = l.line === block.focus || l.line === block.focusEnd;
    const num = String(l.line).padStart(numWidth);
    const text = shorten(visible(l.text), Math.max(10, width - numWidth - 3));
    if (!focus) return `  ${p.dim(num)} ${text}`;
    const mark = side === 'bad' ? p.red('>') : p.green('>');
    return `${mark} ${p.bold(num)} ${side === 'bad' ? p.red(text) : text}`;
  });
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
