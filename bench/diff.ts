/**
 * `npm run bench` (second part): the differ's speed and memory on two sizes
 * of real traces, beside plain line splitting of the same files.
 *
 * Inputs are recorded on first use into bench/data/ (not committed), each
 * pair as SEPARATE strace runs of the same work, so the good/good2 pair shows
 * real run-to-run noise (addresses, timings) and no divergence:
 *
 * - `good-1m`, `good2-1m`: `strace -f -tt -T -yy find /usr ×5` (one find
 *   process walking /usr five times, ~1.17M lines);
 * - `bad-1m`: the same, with `-e inject=openat:error=EIO:when=N`, N = 80% of
 *   good-1m's openat calls, so one directory open fails late in the run;
 * - `*-100k`: the same with `find /usr/share ×2` (~97k lines).
 *
 * One find process rather than a shell loop of finds: strace counts `when=`
 * per process (a loop would fail every find at the same point) and accepts
 * at most 65535, so the failure can be placed at 80% only in one process and
 * only on a call made fewer than 65535×1.25 times (openat: ~79k; getdents64
 * would be ~155k).
 *
 * Each measurement runs in a fresh child process so its peak RSS is its own;
 * each is repeated (BENCH_RUNS, default 3) and the median reported:
 * - split: plain line splitting of both files (the reference);
 * - parse+align, one child: readSide of good then bad (parse), a forced GC
 *   (untimed), then diffSides alone (align);
 * - e2e: diffTraces, report included.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLines } from '../src/io/lines.js';
import { diffTraces } from '../src/diff/diff-traces.js';
import { diffSides } from '../src/diff/differ.js';
import { readSide } from '../src/diff/read-side.js';
import { Interner } from '../src/diff/side.js';

const DATA = fileURLToPath(new URL('../../bench/data/', import.meta.url));
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

type Mode = 'split' | 'diff' | 'e2e';

interface SplitResult { lines: number; secs: number; maxRssMB: number }
interface DiffResult {
  parseSecs: number;
  alignSecs: number;
  maxRssMB: number;
  /** heapUsed + external after both sides are read and a GC: what the two SideTraces keep. */
  retainedMB: number;
  good: { events: number; items: number; unparsed: number };
  bad: { events: number; items: number; unparsed: number };
  divergence: null | { kind: string; badLine: number | null; goodLine: number | null };
  candidates: number;
}
interface E2eResult {
  secs: number;
  maxRssMB: number;
  divergence: null | { kind: string; badLine: number | null; badText: string | null; goodLine: number | null; goodText: string | null; summary: string };
  missingAfter: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;
const rssMB = () => process.resourceUsage().maxRSS / 1024;

async function measure(mode: Mode, good: string, bad: string): Promise<unknown> {
  if (mode === 'split') {
    const t0 = now();
    let lines = 0;
    for (const file of [good, bad]) {
      for await (const b of readLines(createReadStream(file, { highWaterMark: 1 << 20 }))) lines += b.lines.length;
    }
    return { lines, secs: now() - t0, maxRssMB: rssMB() } satisfies SplitResult;
  }
  if (mode === 'diff') {
    const strings = new Interner();
    const t0 = now();
    const g = await readSide([good], strings);
    const b = await readSide([bad], strings);
    const t1 = now();
    (globalThis as { gc?: () => void }).gc?.();
    const mu = process.memoryUsage();
    const t2 = now();
    const out = diffSides(g, b, strings);
    const t3 = now();
    const d = out.divergence;
    return {
      parseSecs: t1 - t0,
      alignSecs: t3 - t2,
      maxRssMB: rssMB(),
      retainedMB: (mu.heapUsed + mu.external) / 1e6,
      good: { events: g.events, items: g.n, unparsed: g.unparsed },
      bad: { events: b.events, items: b.n, unparsed: b.unparsed },
      divergence: d && { kind: d.kind, badLine: d.bad == null ? null : b.rows.get(d.bad).line, goodLine: d.good == null ? null : g.rows.get(d.good).line },
      candidates: out.candidates.length,
    } satisfies DiffResult;
  }
  const t0 = now();
  const view = await diffTraces([good], [bad], { version: 'bench' });
  const secs = now() - t0;
  const d = view.report.divergence;
  return {
    secs,
    maxRssMB: rssMB(),
    divergence: d && {
      kind: d.kind,
      badLine: d.bad?.line ?? null,
      badText: d.bad?.text ?? null,
      goodLine: d.good?.line ?? null,
      goodText: d.good?.text ?? null,
      summary: d.summary,
    },
    missingAfter: view.report.missingAfter.length,
  } satisfies E2eResult;
}

// ---- recording -----------------------------------------------------------

interface Size {
  label: string;
  dirs: string[];
}
const SIZES: Size[] = [
  { label: '100k', dirs: ['/usr/share', '/usr/share'] },
  { label: '1m', dirs: ['/usr', '/usr', '/usr', '/usr', '/usr'] },
];
/** Where in the run (by openat count) the injected failure lands. */
const FAIL_AT = 0.8;

function record(file: string, dirs: string[], inject?: string): void {
  const tmp = file + '.part';
  const args = ['-f', '-tt', '-T', '-yy', ...(inject ? ['-e', `inject=${inject}`] : []), '-o', tmp, 'find', ...dirs];
  console.error(`recording ${file.split('/').pop()}: strace ${args.join(' ').replace(tmp, file.split('/').pop()!)}`);
  const r = spawnSync('strace', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.error) throw r.error;
  const err = r.stderr.trim();
  if (err) console.error(`  find/strace said: ${err.split('\n').slice(0, 3).join(' | ')}`);
  if (!existsSync(tmp) || statSync(tmp).size === 0) throw new Error(`strace wrote nothing to ${tmp}`);
  renameSync(tmp, file);
}

function countOpenat(file: string): number {
  let n = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) if (/^\d+ +[\d:.]+ openat\(/.test(line)) n++;
  return n;
}

function ensureData(size: Size): { good: string; good2: string; bad: string; failAt: number } {
  mkdirSync(DATA, { recursive: true });
  const good = join(DATA, `good-${size.label}.strace`);
  const good2 = join(DATA, `good2-${size.label}.strace`);
  const bad = join(DATA, `bad-${size.label}.strace`);
  for (const f of [good, good2, bad]) if (existsSync(f + '.part')) unlinkSync(f + '.part');
  if (!existsSync(good)) record(good, size.dirs);
  if (!existsSync(good2)) record(good2, size.dirs);
  const opens = countOpenat(good);
  let failAt = Math.round(opens * FAIL_AT);
  if (failAt > 65535) {
    console.error(`warning: 80% of ${opens} openat calls is past strace's when= limit; failing at call 65535 instead`);
    failAt = 65535;
  }
  if (!existsSync(bad)) record(bad, size.dirs, `openat:error=EIO:when=${failAt}`);
  return { good, good2, bad, failAt };
}

// ---- parent --------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function runChild<T>(mode: Mode, good: string, bad: string): T {
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', '--expose-gc', fileURLToPath(import.meta.url), '--child', mode, good, bad], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out) as T;
}

const name = (f: string) => f.split('/').pop()!.replace(/\.strace$/, '');

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    process.stdout.write(JSON.stringify(await measure(argv[1] as Mode, argv[2]!, argv[3]!)) + '\n');
    return;
  }
  const only = process.env['BENCH_SIZES']?.split(',');
  const sizes = SIZES.filter((s) => !only || only.includes(s.label));
  const inputs = sizes.map((s) => ({ size: s, ...ensureData(s) }));

  const rows: string[] = [];
  const notes: string[] = [];
  const warnings: string[] = [];
  for (const inp of inputs) {
    for (const [other, expectDivergence] of [[inp.good2, false], [inp.bad, true]] as const) {
      const pair = `${name(inp.good)} vs ${name(other)}`;
      console.error(`measuring ${pair} (${RUNS} runs each of split, parse+align, e2e) ...`);
      const splits = Array.from({ length: RUNS }, () => runChild<SplitResult>('split', inp.good, other));
      const diffs = Array.from({ length: RUNS }, () => runChild<DiffResult>('diff', inp.good, other));
      const e2es = Array.from({ length: RUNS }, () => runChild<E2eResult>('e2e', inp.good, other));
      const split = median(splits.map((r) => r.secs));
      const parse = median(diffs.map((r) => r.parseSecs));
      const align = median(diffs.map((r) => r.alignSecs));
      const e2e = median(e2es.map((r) => r.secs));
      const rss = (rs: Array<{ maxRssMB: number }>) => Math.max(...rs.map((r) => r.maxRssMB)).toFixed(0);
      const d0 = diffs[0]!;
      const mbG = statSync(inp.good).size / 1e6;
      const mbO = statSync(other).size / 1e6;
      const retained = median(diffs.map((r) => r.retainedMB));
      rows.push(
        `| ${pair} | ${d0.good.events.toLocaleString('en')} / ${d0.bad.events.toLocaleString('en')} | ${mbG.toFixed(1)} / ${mbO.toFixed(1)} | ` +
          `${split.toFixed(2)} | ${parse.toFixed(2)} | ${align.toFixed(2)} | ${e2e.toFixed(2)} | ` +
          `${rss(splits)} / ${rss(diffs)} / ${rss(e2es)} | ${retained.toFixed(0)} | ${(parse / split).toFixed(1)}× | ${(align / parse).toFixed(3)} |`,
      );

      const e = e2es[0]!;
      const dv = e.divergence;
      notes.push(
        `- ${pair}: items ${d0.good.items.toLocaleString('en')} / ${d0.bad.items.toLocaleString('en')}, unparsed ${d0.good.unparsed} / ${d0.bad.unparsed}, ` +
          `candidates ${d0.candidates}; divergence: ` +
          (dv ? `**${dv.kind}** at bad line ${dv.badLine ?? '-'} (good line ${dv.goodLine ?? '-'}); ${dv.summary}\n  - bad:  \`${dv.badText}\`\n  - good: \`${dv.goodText}\`` : 'none') +
          (e.missingAfter ? `; missingAfter ${e.missingAfter}` : ''),
      );
      const seen = [...diffs.map((r) => r.divergence), ...e2es.map((r) => r.divergence)];
      if (seen.some((x) => (x !== null) !== expectDivergence)) {
        warnings.push(
          `WARNING: ${pair}: expected ${expectDivergence ? 'a divergence' : 'no divergence'}, got ` +
            seen.map((x) => (x ? `${x.kind}@${x.badLine}` : 'null')).join(', '),
        );
      }
      const kinds = new Set(seen.map((x) => (x ? `${x.kind}@${x.badLine}` : 'null')));
      if (kinds.size > 1) warnings.push(`WARNING: ${pair}: divergence differs between runs: ${[...kinds].join(', ')}`);
    }
  }

  console.log(`\nnode ${process.version}, ${RUNS} runs per cell, median shown; injected failure at openat call ${inputs.map((i) => `${i.failAt} (${i.size.label})`).join(', ')}`);
  console.log('| pair | events per side | MB per side | split s | parse s | align s | end-to-end s | peak RSS MB (split / parse+align / e2e) | retained MB | parse/split | align/parse |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log('');
  for (const n of notes) console.log(n);
  for (const w of warnings) console.log(w);
}

void main();
