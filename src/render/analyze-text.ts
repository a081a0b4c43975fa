/** `tracediff analyze` for the terminal: a one-line verdict, then the findings. */
import type { AnalyzeReport } from '../report/analyze-report.js';
import { findingsText } from './findings-text.js';
import { paint, wrap } from './terminal.js';

export function renderAnalyzeText(r: AnalyzeReport, opts: { color: boolean; width: number }): string {
  const p = paint(opts.color);
  const W = Math.max(40, opts.width);
  const count = (s: string) => r.findings.filter((f) => f.severity === s).length;
  const [errors, warnings, infos] = [count('error'), count('warning'), count('info')];
  const out: string[] = [];
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const verdict = errors ? p.red(p.bold(plural(errors, 'error'))) : p.green(p.bold('No errors'));
  out.push(`${verdict}, ${plural(warnings, 'warning')}, ${infos} info in ${r.files.join(' ')} (${r.events} events)`);
  out.push('');
  if (r.findings.length === 0) out.push(...wrap('Nothing the rules recognise went wrong: no failed call outside the routine ones, no process killed or stuck, no connection refused, reset or unanswered.', W));
  out.push(...findingsText(r.findings, W, p));
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
