/**
 * `npm run bench:scale`: how time and peak RSS grow with the input, for every
 * layer through the real CLI (parse, analyze, diff, and the HTML report),
 * beside the references measured in the same run: plain line splitting
 * (the project's own line reader, nothing else) for strace text, `tcpdump -n -r` and `tshark -r` for captures.
 *
 * Inputs are built from the recorded traces of bench/data (see bench/diff.ts
 * and bench/record-capture.sh), in three sizes:
 *
 * - strace: the first lines of good-1m / good2-1m (10 MB, 100 MB), and the
 *   whole files repeated (1 GB): two separate runs of the same work, so a
 *   diff of them has real run-to-run noise and no divergence;
 * - captures: http-loopback.pcap cut with editcap (10 MB) or repeated with
 *   mergecap -a (100 MB, 1 GB; ~9 M packets at 1 GB), diffed against itself
 *   shifted by editcap -t, so every timestamp differs.
 *
 * Each command runs under /usr/bin/time in a child of its own; one run per
 * size by default (SCALE_RUNS), since the 1 GB runs take minutes each.
 * SCALE_SIZES=10,100 limits the sizes (MB); SCALE_STEPS=analyze,diff only
 * the steps whose names start so (references are always measured);
 * SCALE_SIZES=2000 is the huge
 * run: 2 GB strace logs and a capture of about ten million packets. `diff`
 * runs with its worker threads (the default) and with --no-workers, for the
 * speed-up on this machine's cores. Results go to stdout as a Markdown table
 * and to bench/data/scale-<sizes>.json.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA = join(ROOT, 'bench/data');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const RUNS = Number(process.env['SCALE_RUNS'] ?? 1);
const SIZES = (process.env['SCALE_SIZES'] ?? '10,100,1000').split(',').map(Number);
/** SCALE_STEPS=analyze,diff: only the steps whose name starts with one of these (re-measuring what a change touched). */
const STEPS = process.env['SCALE_STEPS']?.split(',');
const wanted = (step: string) => !STEPS || STEPS.some((s) => step.startsWith(s));
const MB = 1024 * 1024;

interface Measured {
  secs: number;
  rssMB: number;
  exit: number;
}

/** Wall time and peak RSS of one command, its output thrown away. */
function measure(cmd: string, args: string[]): Measured {
  const runs: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * MB });
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    const [secs, kb] = last.split(' ').map(Number);
    if (secs === undefined || kb === undefined || Number.isNaN(secs)) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.slice(-400)}`);
    runs.push({ secs, rssMB: kb / 1024, exit: r.status ?? -1 });
  }
  runs.sort((a, b) => a.secs - b.secs);
  return runs[Math.floor(runs.length / 2)]!;
}

/** The first `bytes` of a text file, cut at a line end; or the file repeated until it reaches `bytes`. */
async function sizedText(src: string, bytes: number, out: string): Promise<void> {
  if (existsSync(out) && Math.abs(statSync(out).size - bytes) < bytes * 0.2) return;
  const w = createWriteStream(out);
  let written = 0;
  while (written < bytes) {
    for await (const chunk of createReadStream(src, { highWaterMark: 4 * MB })) {
      let buf = chunk as Buffer;
      if (written + buf.length >= bytes) {
        const end = buf.indexOf(10, bytes - written);
        buf = buf.subarray(0, end < 0 ? buf.length : end + 1);
      }
      if (!w.write(buf)) await once(w, 'drain');
      written += buf.length;
      if (written >= bytes) break;
    }
  }
  w.end();
  await once(w, 'finish');
}

function sizedCapture(src: string, bytes: number, out: string, shift?: number): void {
  if (existsSync(out)) return;
  const srcBytes = statSync(src).size;
  let made = out;
  if (bytes < srcBytes) {
    // editcap -r keeps a packet range: about the right share of the packets.
    const packets = Number(spawnSync('capinfos', ['-c', '-M', '-T', '-r', src], { encoding: 'utf8' }).stdout.trim().split('\t').at(-1));
    const keep = Math.max(1, Math.floor((packets * bytes) / srcBytes));
    made = shift === undefined ? out : `${out}.tmp`;
    spawnSync('editcap', ['-F', 'pcap', '-r', src, made, `1-${keep}`], { stdio: 'inherit' });
  } else {
    const copies = Math.ceil(bytes / srcBytes);
    made = shift === undefined ? out : `${out}.tmp`;
    spawnSync('mergecap', ['-a', '-F', 'pcap', '-w', made, ...Array.from({ length: copies }, () => src)], { stdio: 'inherit' });
  }
  if (shift !== undefined) {
    spawnSync('editcap', ['-F', 'pcap', '-t', String(shift), made, out], { stdio: 'inherit' });
    spawnSync('rm', ['-f', made]);
  }
}

interface Row {
  input: string;
  mb: number;
  step: string;
  secs: number;
  rssMB: number;
  ref: string;
  refSecs: number;
  exit: number;
}

/** The reference for text: every line of the file split out by the project's own line reader, nothing else. */
async function splitLines(file: string): Promise<void> {
  const { readLines } = await import('../src/io/lines.js');
  let n = 0;
  for await (const batch of readLines(createReadStream(file, { highWaterMark: MB }))) n += batch.lines.length;
  process.stdout.write(`${n}\n`);
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  for (const size of SIZES) {
    const bytes = size * MB;
    // strace text
    const good = join(DATA, `scale-good-${size}m.strace`);
    const good2 = join(DATA, `scale-good2-${size}m.strace`);
    await sizedText(join(DATA, 'good-1m.strace'), bytes, good);
    await sizedText(join(DATA, 'good2-1m.strace'), bytes, good2);
    const mb = statSync(good).size / MB;
    const split = measure(process.execPath, [fileURLToPath(import.meta.url), '--split', good]);
    const add = (step: string, m: () => Measured, ref: string, refSecs: number, input = 'strace') => {
      if (!wanted(step)) return;
      const r = m();
      rows.push({ input, mb, step, secs: r.secs, rssMB: r.rssMB, ref, refSecs, exit: r.exit });
      console.error(`${input} ${size} MB ${step}: ${r.secs.toFixed(1)} s, ${r.rssMB.toFixed(0)} MB (exit ${r.exit})`);
    };
    add('parse (jsonl)', () => measure(process.execPath, [CLI, 'parse', good]), 'line split', split.secs);
    add('parse --envelope', () => measure(process.execPath, [CLI, 'parse', good, '--envelope']), 'line split', split.secs);
    add('analyze (json)', () => measure(process.execPath, [CLI, 'analyze', good, '--format', 'json']), 'line split', split.secs);
    add('diff (json)', () => measure(process.execPath, [CLI, 'diff', good, good2, '--format', 'json']), 'line split ×2', split.secs * 2);
    add('diff --no-workers', () => measure(process.execPath, [CLI, 'diff', good, good2, '--format', 'json', '--no-workers']), 'line split ×2', split.secs * 2);
    add('diff (html)', () => measure(process.execPath, [CLI, 'diff', good, good2, '--format', 'html']), 'line split ×2', split.secs * 2);
    // captures
    if (has('editcap') && has('mergecap')) {
      // The largest size is about ten million packets (1,150 MB of this traffic), not 2 GB.
      const capMB = size >= 2000 ? 1150 : size;
      const pcap = join(DATA, `scale-${capMB}m.pcap`);
      const shifted = join(DATA, `scale-${capMB}m-shifted.pcap`);
      sizedCapture(join(DATA, 'http-loopback.pcap'), capMB * MB, pcap);
      sizedCapture(join(DATA, 'http-loopback.pcap'), capMB * MB, shifted, 3600);
      const cmb = statSync(pcap).size / MB;
      const tcpdump = has('tcpdump') ? measure('tcpdump', ['-n', '-r', pcap]).secs : NaN;
      const tshark = has('tshark') ? measure('tshark', ['-n', '-r', pcap]).secs : NaN;
      const addC = (step: string, m: () => Measured, ref: string, refSecs: number) => {
        if (!wanted(step)) return;
        const r = m();
        rows.push({ input: 'pcap', mb: cmb, step, secs: r.secs, rssMB: r.rssMB, ref, refSecs, exit: r.exit });
        console.error(`pcap ${size} MB ${step}: ${r.secs.toFixed(1)} s, ${r.rssMB.toFixed(0)} MB (exit ${r.exit})`);
      };
      addC('parse (jsonl)', () => measure(process.execPath, [CLI, 'parse', pcap]), 'tcpdump -n -r', tcpdump);
      rows.push({ input: 'pcap', mb: cmb, step: 'reference', secs: tshark, rssMB: NaN, ref: 'tshark -n -r', refSecs: tshark, exit: 0 });
      addC('analyze (json)', () => measure(process.execPath, [CLI, 'analyze', pcap, '--format', 'json']), 'tcpdump -n -r', tcpdump);
      addC('diff (json)', () => measure(process.execPath, [CLI, 'diff', pcap, shifted, '--format', 'json']), 'tcpdump -n -r ×2', tcpdump * 2);
      addC('diff --no-workers', () => measure(process.execPath, [CLI, 'diff', pcap, shifted, '--format', 'json', '--no-workers']), 'tcpdump -n -r ×2', tcpdump * 2);
    }
  }
  writeFileSync(join(DATA, `scale-${SIZES.join("-")}.json`), JSON.stringify(rows, null, 2));
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  console.log('| input | MB | step | s | peak RSS MB | exit | reference | ref s | ratio |');
  console.log('|---|---:|---|---:|---:|---:|---|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.input} | ${f(r.mb, 0)} | ${r.step} | ${f(r.secs)} | ${f(r.rssMB, 0)} | ${r.exit} | ${r.ref} | ${f(r.refSecs, 2)} | ${r.step === 'reference' ? '–' : f(r.secs / r.refSecs)}× |`);
  }
}

if (process.argv[2] === '--split') await splitLines(process.argv[3]!);
else await main();
