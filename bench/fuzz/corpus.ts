/**
 * The real inputs the fuzzers start from: lines of strace and tcpdump text
 * and small captures, from samples/ and ../shared/corpus (when it is there:
 * CI has it beside the clone). Read once, in a fixed order, so a seed
 * reproduces the same inputs on every machine with the same files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory up with tracediff's package.json (bench/fuzz/ or dist/bench/fuzz/). */
export const REPO = (() => {
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(d, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'tracediff') return d;
    const up = dirname(d);
    if (up === d) throw new Error('tracediff repository root not found');
    d = up;
  }
})();
export const CORPUS = join(REPO, '..', 'shared', 'corpus');

export interface TextSeed {
  /** Path relative to the repository (../shared/corpus/… for the corpus). */
  name: string;
  lines: string[];
}

export interface CaptureSeed {
  name: string;
  bytes: Buffer;
  format: 'pcap' | 'pcapng';
}

function walk(dir: string, keep: (path: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, keep, out);
    else if (keep(p)) out.push(p);
  }
  return out;
}

/** At most `perFile` lines a file, lines up to 4000 characters (longer ones come from the mutations). */
function textSeeds(paths: string[], perFile: number): TextSeed[] {
  const out: TextSeed[] = [];
  for (const p of paths) {
    const lines = readFileSync(p, 'utf8').split('\n').slice(0, perFile).map((l) => l.replace(/\r$/, '')).filter((l) => l.length <= 4000);
    if (lines.some((l) => l.trim() !== '')) out.push({ name: relative(REPO, p), lines });
  }
  return out;
}

let straceCache: TextSeed[] | undefined;
let tcpdumpCache: TextSeed[] | undefined;
let captureCache: CaptureSeed[] | undefined;

/** strace logs: every samples/**\/*.strace and the corpus's strace directories. */
export function straceSeeds(): TextSeed[] {
  return (straceCache ??= textSeeds(
    [
      ...walk(join(REPO, 'samples'), (p) => p.endsWith('.strace')),
      ...walk(join(CORPUS, 'strace'), (p) => !/\.(md|tsv|gz|c|py|sh)$|LICENSE/.test(p)),
      ...walk(join(CORPUS, 'generated-local', 'strace-misc'), (p) => !/\.(md|tsv|gz)$/.test(p)),
      ...walk(join(CORPUS, 'generated-local', 'strace-ff'), (p) => !/\.(md|tsv|gz)$/.test(p)),
    ],
    200,
  ));
}

/** tcpdump text: the samples' .txt files and tcpdump's own expected outputs. */
export function tcpdumpSeeds(): TextSeed[] {
  return (tcpdumpCache ??= textSeeds(
    [
      ...walk(join(REPO, 'samples', 'captures'), (p) => p.endsWith('.txt')),
      ...walk(join(CORPUS, 'tcpdump', 'expected'), (p) => p.endsWith('.out')),
      ...walk(join(CORPUS, 'generated-local', 'tcpdump-text-of-public-captures'), (p) => !/\.(md|tsv)$/.test(p)),
    ],
    120,
  ));
}

function captureFormat(b: Buffer): 'pcap' | 'pcapng' | undefined {
  if (b.length < 4) return undefined;
  const m = b.readUInt32BE(0);
  if (m === 0x0a0d0d0a) return 'pcapng';
  if ([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(m)) return 'pcap';
  return undefined;
}

/** Small captures (up to 4 KiB: a mutation is cheap to run): the samples' and the corpus's. */
export function captureSeeds(): CaptureSeed[] {
  if (captureCache) return captureCache;
  const paths = [
    ...walk(join(REPO, 'samples', 'captures'), (p) => /\.pcap(ng)?$/.test(p)),
    ...['tcpdump', 'zeek', 'wireshark', 'libpcap', 'pcapng-test-generator', 'generated-local'].flatMap((d) => walk(join(CORPUS, d), (p) => /\.pcap(ng)?$/.test(p))),
  ];
  const out: CaptureSeed[] = [];
  for (const p of paths) {
    if (statSync(p).size > 4096) continue;
    const bytes = readFileSync(p);
    const format = captureFormat(bytes);
    if (format) out.push({ name: relative(REPO, p), bytes, format });
  }
  return (captureCache = out);
}

/** The captures cut at every offset in CI: small, and between them pcap µs/ns, pcapng with two interfaces, SLL2, ICMP quoting, NFLOG, IPv6. */
export const TRUNCATION_SET = [
  'samples/captures/udp-port-unreachable/bad.pcap',
  'samples/captures/syn-dropped/bad-ns.pcap',
  'samples/captures/any-interface/bad-2if.pcapng',
  'samples/captures/late-backend/bad.pcapng',
  '../shared/corpus/tcpdump/captures/nflog.pcap',
  '../shared/corpus/tcpdump/captures/icmpv6.pcap',
];

export function truncationSeeds(): CaptureSeed[] {
  const out: CaptureSeed[] = [];
  for (const name of TRUNCATION_SET) {
    const p = join(REPO, name);
    if (!existsSync(p)) continue;
    const bytes = readFileSync(p);
    out.push({ name, bytes, format: captureFormat(bytes) ?? 'pcap' });
  }
  return out;
}
