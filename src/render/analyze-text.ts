/** `tracediff analyze` for the terminal: the verdict (counts by severity, the files) first, then the findings. */
import type { AnalyzeReport } from '../report/analyze-report.js';
import { findingsText } from './findings-text.js';
import { joinLines, paint, visible, wrap, type Paint } from './terminal.js';

/** Narrower than this, nothing useful fits on a line; the report is laid out for this width instead. */
const MIN_WIDTH = 40;

export function renderAnalyzeText(r: AnalyzeReport, opts: { color: boolean; width: number }): string {
  const p = paint(opts.color);
  const W = Math.max(MIN_WIDTH, opts.width);
  const out = [...verdictLines(r, W, p), ''];
  if (r.findings.length === 0) out.push(...wrap('Nothing the rules recognise went wrong: no failed call outside the routine ones, no process killed or stuck, no connection refused, reset or unanswered.', W));
  out.push(...findingsText(r.findings, W, p));
  return joinLines(out);
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** "1 error, 0 warnings, 0 info in FILES (N events)", wrapped; the error count (or "No errors") coloured. */
function verdictLines(r: AnalyzeReport, W: number, p: Paint): string[] {
  const count = (s: string) => r.findings.filter((f) => f.severity === s).length;
  const [errors, warnings, infos] = [count('error'), count('warning'), count('info')];
  const verdict = errors ? plural(errors, 'error') : 'No errors';
  const colour = errors ? (s: string) => p.red(p.bold(s)) : (s: string) => p.green(p.bold(s));
  const [first, ...rest] = wrap(`${verdict}, ${plural(warnings, 'warning')}, ${infos} info in ${r.files.map(visible).join(' ')} (${r.events} events)`, W, '  ');
  return [colour(verdict) + first!.slice(verdict.length), ...rest];
}
