/**
 * The Markdown report of every sample pair (`diff --format markdown`) and of
 * every bad side (`analyze --format markdown`), as the real CLI writes it,
 * passes markdownlint with test/markdownlint.json: the default rules, but
 * MD013 (line length: trace lines are quoted whole, never wrapped) and MD024
 * with siblings_only (a heading may repeat under different parents). No
 * other rule is turned off; a lint error is a renderer problem to fix in
 * src/render/markdown.ts, not a rule to relax.
 *
 * And its structure holds: the summary line, a "How this was produced"
 * table row per input file whose SHA-256 and size match the file, and a
 * "Timeline of key events" divergence row at the place the JSON report's
 * `divergence.bad` names.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from 'markdownlint/promise';
import type { Configuration, LintError } from 'markdownlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type Ran } from './helpers/cli.js';
import { STRACE_PAIRS } from './helpers/sample-pairs.js';
import { REPO } from './helpers/corpus.js';

const CONFIG = JSON.parse(readFileSync(join(REPO, 'test/markdownlint.json'), 'utf8')) as Configuration;

// ---------------------------------------------------------------- the sample pairs (samples/README.md)

const S = (p: string) => `samples/${p}`;
const pairs: Array<[good: string, bad: string]> = [
  ...STRACE_PAIRS,
];
for (const d of ['http-ok-vs-refused', 'syn-dropped', 'reset-after-request', 'udp-port-unreachable', 'any-interface', 'syn-retries-lowered', 'late-backend']) {
  const c = (f: string) => S(`captures/${d}/${f}`);
  pairs.push([c('good.pcap'), c('bad.pcap')], [`${c('good-client.strace')},${c('good.pcap')}`, `${c('bad-client.strace')},${c('bad.pcap')}`]);
}
pairs.push([S('captures/good-twice/run1.pcap'), S('captures/good-twice/run2.pcap')]);
for (const [d, proc] of [['002-ephemeral-ports', 'client'], ['003-fd-limit', 'server'], ['003-fd-limit', 'client'], ['004-backlog-stuck', 'server'], ['004-backlog-stuck', 'client']] as const) {
  const c = (f: string) => S(`incidents/${d}/${f}`);
  pairs.push([c(`good-${proc}.strace`), c(`bad-${proc}.strace`)]);
}
for (const d of ['002-ephemeral-ports', '003-fd-limit', '004-backlog-stuck']) pairs.push([S(`incidents/${d}/good.pcap`), S(`incidents/${d}/bad.pcap`)]);
const badSides = [...new Set(pairs.map(([, b]) => b))];

// ---------------------------------------------------------------- the CLI, run concurrently

const cli = (args: string[]) => runCli(args, { env: { SOURCE_DATE_EPOCH: '0' } });

const jobs: Array<[name: string, args: string[]]> = [];
for (const [g, b] of pairs) {
  jobs.push([`diff ${g} ${b} markdown`, ['diff', g, b, '--format', 'markdown']], [`diff ${g} ${b} json`, ['diff', g, b, '--format', 'json']]);
}
for (const b of badSides) jobs.push([`analyze ${b} markdown`, ['analyze', ...b.split(','), '--format', 'markdown']]);
const results = new Map<string, Ran>();
const lintErrors = new Map<string, LintError[]>();

function result(name: string): Ran {
  const r = results.get(name);
  if (!r) throw new Error(`${name} did not run`);
  expect(r.err, `${name}: stderr`).toBe('');
  expect([0, 1], `${name}: exit ${r.code}`).toContain(r.code);
  return r;
}

beforeAll(async () => {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [name, args] = jobs[next++]!;
      results.set(name, await cli(args));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  // One lint call for every report.
  const strings: Record<string, string> = {};
  for (const [name, r] of results) if (name.endsWith(' markdown')) strings[name] = r.out;
  const lr = await lint({ strings, config: CONFIG });
  for (const [name, errors] of Object.entries(lr)) lintErrors.set(name, errors);
}, 600_000);

// ---------------------------------------------------------------- checks

const showLint = (e: LintError) => `line ${e.lineNumber}: ${e.ruleNames.join('/')} ${e.ruleDescription}${e.errorDetail ? ` [${e.errorDetail}]` : ''}${e.errorContext ? ` [${e.errorContext}]` : ''}`;

function checkLint(name: string): void {
  const md = result(name).out;
  expect(md.length, `${name}: empty report`).toBeGreaterThan(0);
  const errors = lintErrors.get(name);
  expect(errors, `${name} was not linted`).toBeDefined();
  expect(errors!.map(showLint), name).toEqual([]);
}

/** The lines of the `## title` section, up to the next `## `. */
function section(md: string, title: string): string[] | undefined {
  const lines = md.split('\n');
  const start = lines.indexOf(`## ${title}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** A GFM table's body rows as cells (no cell in these reports holds an escaped pipe outside the Event column). */
function tableRows(lines: readonly string[]): string[][] {
  const table = lines.filter((l) => l.startsWith('| '));
  expect(table.length, 'a table with a header and an alignment row').toBeGreaterThanOrEqual(2);
  expect(table[1]).toMatch(/^\| (?:-{3}:?|-{3}:) (?:\| (?:-{3}:?|-{3}:) )*\|$/);
  return table.slice(2).map((l) => l.slice(2, -2).split(/ (?<!\\)\| /));
}

const unquote = (cell: string) => /^`([^`]+)`$/.exec(cell)?.[1];

function checkSummary(md: string, h1: RegExp): void {
  const lines = md.split('\n');
  expect(lines[0]).toMatch(h1);
  expect(lines[1]).toBe('');
  expect(lines[2]).toMatch(/^\*\*Summary\.\*\* \S/);
}

function checkProvenance(md: string, sides: readonly string[]): void {
  const produced = section(md, 'How this was produced');
  expect(produced, '## How this was produced').toBeDefined();
  const files = [...new Set(sides.flatMap((s) => s.split(',')))];
  const rows = tableRows(produced!);
  expect(rows.map((r) => unquote(r[0]!))).toEqual(files);
  for (const [cell, bytes, sha] of rows) {
    const file = unquote(cell!)!;
    const data = readFileSync(join(REPO, file));
    expect(Number(bytes), `${file}: bytes`).toBe(statSync(join(REPO, file)).size);
    expect(unquote(sha!), `${file}: SHA-256`).toMatch(/^[0-9a-f]{64}$/);
    expect(unquote(sha!), `${file}: SHA-256`).toBe(createHash('sha256').update(data).digest('hex'));
  }
}

interface Located {
  file: string;
  line?: number;
  packet?: number;
}
const where = (l: Located) => (l.line !== undefined ? `${l.file}:${l.line}` : `${l.file} packet ${l.packet}`);

describe('diff --format markdown of every sample pair', () => {
  for (const [g, b] of pairs) {
    const name = `diff ${g} ${b} markdown`;
    describe(`${g} vs ${b}`, () => {
      it('passes markdownlint (test/markdownlint.json)', () => checkLint(name));

      it('starts with the title and a **Summary.** line', () => {
        checkSummary(result(name).out, /^# tracediff: (the runs diverge \((result|missing|extra|timing|exit|signal|[a-z-]+)\)|no meaningful divergence)$/);
      });

      it('lists every input file with its size and SHA-256 under "How this was produced"', () => {
        checkProvenance(result(name).out, [g, b]);
      });

      it("puts the divergence in the key events table at the JSON report's divergence.bad", () => {
        const md = result(name).out;
        const report = JSON.parse(result(`diff ${g} ${b} json`).out) as { divergence: { bad: Located | null; good: Located | null } | null };
        const timeline = section(md, 'Timeline of key events');
        const d = report.divergence;
        if (!d) {
          expect(section(md, 'Where the runs diverge')).toBeUndefined();
          const rows = timeline ? tableRows(timeline) : [];
          expect(rows.filter((r) => r[4]?.startsWith('**divergence**'))).toEqual([]);
          return;
        }
        expect(timeline, '## Timeline of key events').toBeDefined();
        const rows = tableRows(timeline!);
        for (const r of rows) expect(r, 'Ran, Time since start, Source, Event, Why it is here').toHaveLength(5);
        const marked = (run: string) => rows.filter((r) => r[0] === run && r[4]!.startsWith('**divergence**')).map((r) => unquote(r[2]!));
        expect(marked('bad')).toEqual(d.bad ? [where(d.bad)] : []);
        expect(marked('good')).toEqual(d.good ? [where(d.good)] : []);
        // The section on the divergence names the same places.
        const at = section(md, 'Where the runs diverge')!.find((l) => l.startsWith('Kind: '));
        if (d.bad) expect(at).toContain(`bad at \`${where(d.bad)}\``);
      });
    });
  }
});

describe('analyze --format markdown of every bad side', () => {
  for (const b of badSides) {
    const name = `analyze ${b} markdown`;
    describe(b, () => {
      it('passes markdownlint (test/markdownlint.json)', () => checkLint(name));

      it('starts with the title and a **Summary.** line', () => {
        checkSummary(result(name).out, /^# tracediff analyze: (\d+ errors?|no errors)$/);
      });

      it('lists every input file with its size and SHA-256 under "How this was produced"', () => {
        checkProvenance(result(name).out, [b]);
      });
    });
  }
});
