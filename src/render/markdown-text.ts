/**
 * Untrusted trace text inside GitHub-flavoured Markdown. A trace of a web
 * server carries request bodies, paths and headers that may hold `<script>`,
 * backticks, pipes and fences; pasted into a postmortem they must show as
 * text and never become markup. Every piece of trace text goes through one
 * of these: a code span, a fenced block, or escaped prose.
 */
import { visible } from './terminal.js';

/** Longest run of `ch` in `s`: a fence or code span must be longer to contain it. */
function longestRun(s: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of s) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** One line of text as a code span; `table` also escapes the pipes GFM tables split cells on, even inside code. */
export function mdCode(text: string, opts: { table?: boolean } = {}): string {
  let s = visible(text).replace(/[\r\n]+/g, ' ');
  // GFM splits cells at a pipe before it reads code spans, and `\\|` is an escaped backslash and a real pipe:
  // such text cannot be a code span in a cell, so it falls back to escaped prose.
  if (opts.table && /\\\|/.test(s)) return mdProse(text);
  if (opts.table) s = s.replace(/\|/g, '\\|');
  if (s === '') return '';
  const ticks = '`'.repeat(longestRun(s, '`') + 1);
  // A span that starts or ends with a backtick needs a space so the delimiter is not read as part of it.
  const pad = s.startsWith('`') || s.endsWith('`') || (s.startsWith(' ') && s.endsWith(' ')) ? ' ' : '';
  return `${ticks}${pad}${s}${pad}${ticks}`;
}

/** Lines as a fenced code block whose fence no line can close. */
export function mdFence(lines: readonly string[], info = 'text'): string[] {
  const body = lines.map((l) => visible(l));
  const fence = '`'.repeat(Math.max(3, ...body.map((l) => longestRun(l, '`') + 1)));
  return [fence + info, ...body, fence];
}

/** Characters CommonMark lets a backslash escape that could start markup in prose: emphasis, links, HTML, tables, code. */
const PROSE_SPECIAL = /[\\`*_[\]<>|~#!]/g;

/** Plain sentences that quote trace text (summaries, titles, explanations): escaped so they stay sentences. */
export function mdProse(text: string): string {
  return (
    visible(text)
      .replace(/[\r\n]+/g, ' ')
      .replace(PROSE_SPECIAL, (c) => `\\${c}`)
      // GFM turns bare URLs, www. names and e-mail addresses into links; a trace's must stay text.
      .replace(/:(?=\/\/)/g, '\\:')
      .replace(/\b(www)\./gi, '$1\\.')
      .replace(/@/g, '\\@')
  );
}

/** A GFM table: header, alignment row, and cells already made safe by the caller. */
export function mdTable(header: readonly string[], align: ReadonlyArray<'left' | 'right'>, rows: ReadonlyArray<readonly string[]>): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'right' ? '---:' : '---'))), ...rows.map(line)];
}
