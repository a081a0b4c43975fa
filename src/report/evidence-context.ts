/**
 * The lines around each finding's evidence, for reports that let a reader
 * unfold what came before and after a failed call or a reset (the HTML
 * report's collapsible context). Fetched again from the files, like every
 * quote, so nothing is held while parsing.
 */
import type { ContextBlock, Finding, Located } from './diff-report.js';
import type { LineSources } from './source-lines.js';
import { fetchTexts } from './source-packets.js';

/** Evidence items per finding that get context: the first few say it; forty retransmissions do not need forty blocks. */
const PER_FINDING = 6;

export const evidenceKey = (l: Pick<Located, 'file' | 'line' | 'packet'>) => `${l.file}\u0000${l.line !== undefined ? `l${l.line}` : `p${l.packet}`}`;

export type EvidenceContext = Map<string, ContextBlock>;

export async function evidenceContext(findings: readonly Finding[], around: number, sources: LineSources = {}): Promise<EvidenceContext> {
  const lines = new Map<string, Set<number>>();
  const packets = new Map<string, Set<number>>();
  const wanted: Located[] = [];
  for (const f of findings) {
    for (const e of f.evidence.slice(0, PER_FINDING)) {
      const n = e.line ?? e.packet;
      if (n === undefined) continue;
      wanted.push(e);
      const into = e.line !== undefined ? lines : packets;
      let set = into.get(e.file);
      if (!set) into.set(e.file, (set = new Set()));
      for (let k = Math.max(1, n - around); k <= Math.max(n, e.endLine ?? n) + around; k++) set.add(k);
    }
  }
  const texts = await fetchTexts(lines, packets, sources);
  const out: EvidenceContext = new Map();
  for (const e of wanted) {
    const focus = (e.line ?? e.packet)!;
    const focusEnd = Math.max(focus, e.endLine ?? focus);
    const map = texts.get(e.file);
    const block: ContextBlock = { file: e.file, ...(e.line === undefined ? { packets: true } : {}), focus, focusEnd, lines: [] };
    for (let k = Math.max(1, focus - around); k <= focusEnd + around; k++) {
      const text = map?.get(k);
      if (text !== undefined) block.lines.push({ line: k, text });
    }
    out.set(evidenceKey(e), block);
  }
  return out;
}
