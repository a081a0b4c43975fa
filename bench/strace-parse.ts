/**
 * `npm run bench`: strace parsing speed and memory on a large real trace,
 * beside plain line splitting of the same file measured in the same run.
 *
 * Each measurement runs in a fresh child process so its peak RSS is its own;
 * each is repeated and the median reported. The trace is recorded on first
 * use (`strace -f -tt -T -yy find /usr`) into bench/data/ (not committed),
 * and a 4× concatenation of it shows whether memory stays flat as input grows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLines } from '../src/io/lines.js';
import { StraceParser } from '../src/readers/strace/parser.js';

const DATA = fileURLToPath(new URL('../../bench/data/', import.meta.url));
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);

type Mode = 'split' | 'envelope' | 'full';

async function measure(mode: Mode, file: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  let lines = 0;
  let events = 0;
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  if (mode === 'split') {
    for await (const b of readLines(input)) lines += b.lines.length;
  } else {
    const p = new StraceParser({ file, args: mode === 'full' ? 'parse' : 'none' });
    for await (const b of readLines(input)) {
      let n = b.firstLine;
      for (const l of b.lines) p.push(l, n++);
      lines += b.lines.length;
      events += p.drain().length;
    }
    p.end();
    events += p.drain().length;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ lines, events, secs, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

function ensureTrace(): string {
  mkdirSync(DATA, { recursive: true });
  const big = join(DATA, 'find-usr.strace');
  if (!existsSync(big)) {
    console.error('recording bench/data/find-usr.strace (strace -f -tt -T -yy find /usr) ...');
    spawnSync('strace', ['-f', '-tt', '-T', '-yy', '-o', big, 'find', '/usr'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const big4 = join(DATA, 'find-usr-x4.strace');
  if (!existsSync(big4)) {
    const text = readFileSync(big);
    writeFileSync(big4, text);
    for (let i = 0; i < 3; i++) appendFileSync(big4, text);
  }
  return big;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function runChild(mode: Mode, file: string) {
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', fileURLToPath(import.meta.url), '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as { lines: number; events: number; secs: number; maxRssMB: number };
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return measure(argv[1] as Mode, argv[2]!);
  const big = argv[0] ?? ensureTrace();
  const files = argv[0] ? [big] : [big, join(DATA, 'find-usr-x4.strace')];
  console.log(`node ${process.version}, ${RUNS} runs per cell, median shown`);
  console.log('| input | MB | lines | mode | lines/s | MB/s | peak RSS MB | time vs split |');
  console.log('|---|---:|---:|---|---:|---:|---:|---:|');
  for (const file of files) {
    const mb = statSync(file).size / 1e6;
    let splitSecs = 0;
    for (const mode of ['split', 'envelope', 'full'] as Mode[]) {
      const rs = Array.from({ length: RUNS }, () => runChild(mode, file));
      const secs = median(rs.map((r) => r.secs));
      const rss = Math.max(...rs.map((r) => r.maxRssMB));
      if (mode === 'split') splitSecs = secs;
      const lines = rs[0]!.lines;
      console.log(`| ${file.split('/').pop()} | ${mb.toFixed(1)} | ${lines} | ${mode} | ${Math.round(lines / secs).toLocaleString('en')} | ${(mb / secs).toFixed(1)} | ${rss.toFixed(0)} | ${(secs / splitSecs).toFixed(2)}× |`);
    }
  }
}

void main();
