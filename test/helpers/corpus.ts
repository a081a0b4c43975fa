import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectFormat } from '../../src/readers/detect.js';
import { parseStraceText } from '../../src/readers/strace/read.js';
import type { TraceEvent } from '../../src/model/events.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CORPUS = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
export const SEEDS = fileURLToPath(new URL('../../../shared/seeds', import.meta.url));

/** Every file under `dir` (recursively) that is a strace text log by the corpus MANIFEST conventions. */
function readHead(p: string): Buffer {
  const fd = openSync(p, 'r');
  try {
    const b = Buffer.alloc(65536);
    return b.subarray(0, readSync(fd, b, 0, b.length, 0));
  } finally {
    closeSync(fd);
  }
}

export function straceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) {
        if (n !== 'tcpdump-text-of-public-captures') walk(p);
        continue;
      }
      if (/\.(md|tsv|pcap|pcapng|sh|py|c|gz)$|^LICENSE|tcpdump/.test(n)) continue;
      // Incident samples name their strace logs *.strace; beside them are the run's own records (ss, sysctl, server logs).
      if (p.includes('/samples/incidents/') && !n.endsWith('.strace')) continue;
      // tcpdump text beside a capture sample is read by its own tests.
      const det = detectFormat(readHead(p));
      if ('format' in det && det.format !== 'strace') continue;
      out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function parseFile(path: string, opts: { args?: 'parse' | 'none'; defaultPid?: number } = {}) {
  const text = readFileSync(path, 'utf8');
  return { text, ...parseStraceText(text, { file: relative(REPO, path), ...opts }) };
}

export function byKind<K extends TraceEvent['kind']>(events: TraceEvent[], kind: K): Extract<TraceEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}
