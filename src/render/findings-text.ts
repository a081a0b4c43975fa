/**
 * Findings for the terminal: severity and id, the title, the explanation
 * wrapped, and the evidence lines (location, then the quoted text
 * shortened to the width). Shared by `analyze` and the diff report.
 */
import type { Finding, Located } from '../report/diff-report.js';
import { shorten, visible, wrap, type Paint } from './terminal.js';

const where = (l: Located) => (l.packet !== undefined && l.line === undefined ? `${l.file} packet ${l.packet}` : `${l.file}:${l.line}`);

export function findingsText(findings: Finding[], width: number, p: Paint, linked?: number): string[] {
  const out: string[] = [];
  findings.forEach((f, i) => {
    const sev = f.severity === 'error' ? p.red(p.bold('error')) : f.severity === 'warning' ? p.yellow('warning') : p.dim('info');
    const tag = i === linked ? ' (explains the divergence)' : '';
    const head = `${f.severity} ${f.id}${tag}: `;
    const [first, ...rest] = wrap(`${head}${visible(f.title)}`, width, '  ');
    out.push(sev + first!.slice(f.severity.length), ...rest);
    out.push(...wrap(visible(f.explanation), width - 4, '    ').map((l, k) => (k === 0 ? '    ' + l : l)));
    for (const e of f.evidence) {
      const w = where(e);
      const text = visible(e.text);
      if (w.length + text.length + 6 > width) {
        out.push(`    ${p.dim(shorten(w, width - 4))}`);
        out.push(`      ${shorten(text, width - 6)}`);
      } else out.push(`    ${p.dim(w)}  ${text}`);
    }
    out.push('');
  });
  return out;
}
