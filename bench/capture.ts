/**
 * `npm run bench` (captures): read, decode and emit a large loopback HTTP
 * capture, beside `tcpdump -n -r` and `tshark -T fields` on the same file in
 * the same run, tcpdump's text of it through our grammar, and a diff of the
 * capture against itself (every packet read, normalized and aligned twice).
 *
 * The capture is recorded on first use by bench/record-capture.sh (root,
 * tcpdump, a private network namespace) into bench/data/ (not committed).
 * A pcapng copy (editcap) and a 4× concatenation (mergecap -a) show the
 * pcapng path and whether memory stays flat as the input grows.
 * Each cell runs in a fresh child process; the median of BENCH_RUNS is shown.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, openSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCaptureStream } from '../src/readers/capture/read.js';
import { readPcap } from '../src/readers/capture/pcap.js';
import { readPcapng } from '../src/readers/capture/pcapng.js';
import { readTcpdumpStream } from '../src/readers/tcpdump/read.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA = join(ROOT, 'bench/data/');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);

type Mode = 'container' | 'decode' | 'decode-warm' | 'text-grammar';

async function measure(mode: Mode, file: string): Promise<void> {
  if (mode === 'decode-warm') {
    // Steady state: two passes to let the JIT settle, the third is timed.
    for (let i = 0; i < 2; i++) for await (const _ of readCaptureStream(createReadStream(file, { highWaterMark: 1 << 16 }), { file, format: file.endsWith('.pcapng') ? 'pcapng' : 'pcap' }));
    mode = 'decode';
  }
  const t0 = process.hrtime.bigint();
  let events = 0;
  // 64 KiB chunks, as the CLI reads captures (src/readers/open.ts): each chunk's frames are one batch.
  const input = createReadStream(file, { highWaterMark: mode === 'text-grammar' ? 1 << 20 : 1 << 16 });
  const format = file.endsWith('.pcapng') ? 'pcapng' : 'pcap';
  if (mode === 'container') {
    for await (const b of format === 'pcap' ? readPcap(input) : readPcapng(input)) events += b.length;
  } else if (mode === 'decode') {
    for await (const b of readCaptureStream(input, { file, format })) events += b.length;
  } else {
    for await (const b of readTcpdumpStream(input, { file, timeMode: 'absolute' })) events += b.length;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ events, secs, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function runChild(mode: Mode, file: string) {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as { events: number; secs: number; maxRssMB: number };
}

/** Wall time of a command writing to /dev/null, and its peak RSS via /usr/bin/time when present. */
function runCommand(cmd: string, args: string[]): { secs: number } {
  const devnull = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', devnull, 'ignore'] });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(devnull);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return { secs };
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function ensureCapture(): string | undefined {
  const pcap = join(DATA, 'http-loopback.pcap');
  if (!existsSync(pcap)) {
    console.error('recording bench/data/http-loopback.pcap (bench/record-capture.sh) ...');
    const r = spawnSync('bash', [join(ROOT, 'bench/record-capture.sh'), pcap], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0 || !existsSync(pcap)) return undefined;
  }
  const ng = join(DATA, 'http-loopback.pcapng');
  if (!existsSync(ng) && has('editcap')) spawnSync('editcap', ['-F', 'pcapng', pcap, ng]);
  const x4 = join(DATA, 'http-loopback-x4.pcap');
  if (!existsSync(x4) && has('mergecap')) spawnSync('mergecap', ['-a', '-F', 'pcap', '-w', x4, pcap, pcap, pcap, pcap]);
  const txt = join(DATA, 'http-loopback.tcpdump.txt');
  if (!existsSync(txt) && has('tcpdump')) execFileSync('sh', ['-c', `TZ=UTC tcpdump -n -tt -r '${pcap}' > '${txt}' 2>/dev/null`]);
  return pcap;
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return measure(argv[1] as Mode, argv[2]!);
  const pcap = argv[0] ?? ensureCapture();
  if (!pcap) {
    console.log('capture bench skipped: no bench/data/http-loopback.pcap and it could not be recorded (needs root and tcpdump)');
    return;
  }
  const files = [pcap, join(DATA, 'http-loopback.pcapng'), join(DATA, 'http-loopback-x4.pcap')].filter((f) => existsSync(f));
  console.log(`node ${process.version}, ${RUNS} runs per cell, median shown`);
  console.log('| input | MB | packets | what | packets/s | peak RSS MB | time vs `tcpdump -n -r` |');
  console.log('|---|---:|---:|---|---:|---:|---:|');
  for (const file of files) {
    const mb = statSync(file).size / 1e6;
    const name = file.split('/').pop()!;
    const ref = has('tcpdump') ? median(Array.from({ length: RUNS }, () => runCommand('tcpdump', ['-n', '-r', file]).secs)) : NaN;
    const rows: Array<[string, number, number, number]> = [];
    const label: Record<string, string> = { container: 'read (container only)', decode: 'read + decode (library, cold process)', 'decode-warm': 'read + decode (library, third pass)' };
    for (const mode of ['container', 'decode', 'decode-warm'] as Mode[]) {
      const rs = Array.from({ length: RUNS }, () => runChild(mode, file));
      rows.push([label[mode]!, rs[0]!.events, median(rs.map((r) => r.secs)), Math.max(...rs.map((r) => r.maxRssMB))]);
    }
    const cli = median(Array.from({ length: RUNS }, () => runCommand(process.execPath, [CLI, 'parse', file, '--format', 'jsonl']).secs));
    rows.push(['`tracediff parse --format jsonl`', rows[1]![1], cli, NaN]);
    // The capture against itself: both sides read, decoded, normalized and aligned; packets/s counts both sides.
    const diff = median(Array.from({ length: RUNS }, () => runCommand(process.execPath, [CLI, file, file, '--format', 'json']).secs));
    rows.push(['`tracediff FILE FILE` (diff, both sides counted)', 2 * rows[1]![1], diff, NaN]);
    if (!Number.isNaN(ref)) rows.push(['`tcpdump -n -r`', rows[1]![1], ref, NaN]);
    if (has('tshark')) {
      const ts = median(Array.from({ length: Math.min(RUNS, 3) }, () => runCommand('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'tcp.flags']).secs));
      rows.push(['`tshark -T fields -e tcp.flags`', rows[1]![1], ts, NaN]);
    }
    for (const [what, n, secs, rss] of rows) {
      console.log(`| ${name} | ${mb.toFixed(1)} | ${n} | ${what} | ${Math.round(n / secs).toLocaleString('en')} | ${Number.isNaN(rss) ? '' : rss.toFixed(0)} | ${Number.isNaN(ref) ? '' : (secs / ref).toFixed(2) + '×'} |`);
    }
  }
  const txt = join(DATA, 'http-loopback.tcpdump.txt');
  if (existsSync(txt)) {
    const rs = Array.from({ length: RUNS }, () => runChild('text-grammar', txt));
    const secs = median(rs.map((r) => r.secs));
    console.log(`| ${txt.split('/').pop()} | ${(statSync(txt).size / 1e6).toFixed(1)} | ${rs[0]!.events} | tcpdump text → events (grammar) | ${Math.round(rs[0]!.events / secs).toLocaleString('en')} | ${Math.max(...rs.map((r) => r.maxRssMB)).toFixed(0)} | |`);
  }
}

void main();
