/**
 * Findings for the terminal: severity and id, the title, the explanation
 * wrapped, and the evidence lines (location, then the quoted text fitted to
 * the width). Shared by `analyze` and the diff report, as is the layout of
 * a quoted location (the diff's missingAfter uses it too).
 */
import type { Finding, Located } from '../report/diff-report.js';
import { whereText } from '../report/location-text.js';
import { fitPacketLines, fitTraceLine, parsePacketLine, shorten, textWidth, visible, wrap, type Paint } from './terminal.js';

/** `file:line` for text, `file packet N` for a capture; the file name is untrusted too. */
export function locationText(l: Located): string {
  return visible(whereText(l));
}

/** A location to quote; `count` > 1 (a repeated call) shows as `×count` after the text. */
export interface Quote {
  at: Located;
  count?: number;
}

/**
 * Quoted locations, the lines of each: `where  text` on one line when it
 * fits whole, else the location, then the text fitted below it, two
 * columns further in. Packets quoted together drop the same fields.
 */
export function quoteLines(quotes: Quote[], width: number, p: Paint, indent: number): string[][] {
  const ind = ' '.repeat(indent);
  const rows = quotes.map(({ at, count = 1 }) => ({ at, where: locationText(at), text: visible(at.text), times: count > 1 ? ` ×${count}` : '' }));
  const whole = rows.map((r) => indent + textWidth(r.where) + 2 + textWidth(r.text) + textWidth(r.times) <= width);
  const fitted = fitTexts(rows.map((r) => r.text), rows.map((r) => width - indent - 2 - textWidth(r.times)), whole.map((w) => !w));
  return rows.map((r, i) => (whole[i] ? [`${ind}${p.dim(r.where)}  ${r.text}${r.times}`] : [`${ind}${p.dim(shorten(r.where, width - indent))}`, `${ind}  ${fitted[i]}${r.times}`]));
}

/** Each text fitted to its room; the packet lines among `together` (a capture's or tcpdump's) fitted as one group. */
function fitTexts(texts: string[], rooms: number[], together: boolean[]): string[] {
  const out = texts.map((t, i) => fitTraceLine(t, rooms[i]!));
  const group = texts.flatMap((t, i) => (together[i] && parsePacketLine(t) ? [i] : []));
  const fitted = fitPacketLines(group.map((i) => parsePacketLine(texts[i]!)!), group.map((i) => rooms[i]!));
  group.forEach((i, k) => (out[i] = fitted[k]!));
  return out;
}

export function findingsText(findings: Finding[], width: number, p: Paint, linked?: number): string[] {
  return findings.flatMap((f, i) => [...findingLines(f, width, p, i === linked), '']);
}

function findingLines(f: Finding, width: number, p: Paint, linked: boolean): string[] {
  const tag = linked ? ' (explains the divergence)' : '';
  const [first, ...rest] = wrap(`${f.severity} ${visible(f.id)}${tag}: ${visible(f.title)}`, width, '  ');
  return [
    severityColour(f.severity, p)(f.severity) + first!.slice(f.severity.length),
    ...rest,
    ...wrap(visible(f.explanation), width, '    ', '    '),
    ...quoteLines(f.evidence.map((at) => ({ at })), width, p, 4).flat(),
  ];
}

function severityColour(severity: Finding['severity'], p: Paint): (s: string) => string {
  if (severity === 'error') return (s) => p.red(p.bold(s));
  return severity === 'warning' ? p.yellow : p.dim;
}
