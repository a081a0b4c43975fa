/**
 * Input format detection from content, never from the file name
 * (CONTRACT: "detected from the content"): captures by their magic
 * numbers, strace and tcpdump text by the shape of their first lines.
 */
import { scanLine } from '../../grammars/strace/envelope.js';
import { captureMagic, inflateHead } from './magic.js';
import { HEAD_LINES, tcpdumpTextShape, type TimeMode } from './tcpdump/read.js';

export { isGzip } from './magic.js';

export type Format = 'strace' | 'pcap' | 'pcapng' | 'tcpdump';

export type Detection =
  | {
      format: Format;
      gzip: boolean;
      /** tcpdump text: the timestamp style and -A payload the detection sniffed from the head, for the reader. */
      tcpdump?: { timeMode: TimeMode; asciiPayload: boolean };
    }
  | { error: string };

/** Kinds of strace line that no other text produces by accident. */
const STRACE_KINDS = new Set(['call', 'unfinished', 'resumed', 'detached', 'signal', 'exited', 'killed', 'superseded', 'attached', 'detach', 'summary']);

/** `head` is the first bytes of the file (64 KiB is plenty). */
export function detectFormat(head: Buffer): Detection {
  if (head.length === 0) return { error: 'is empty' };
  const inflated = inflateHead(head);
  if ('error' in inflated) return inflated;
  const { bytes: buf, gzip } = inflated;
  const capture = captureMagic(buf);
  if (capture) return { format: capture, gzip };
  return detectText(buf, gzip);
}

/** The first lines of a (decompressed) head; the last one is dropped when the head cuts it off. */
export function headTextLines(buf: Buffer, max = HEAD_LINES): string[] {
  const text = buf.toString('utf8');
  const lines = text.split(/\r?\n/).slice(0, max + 1);
  if (lines.length > 1 && !text.endsWith('\n')) lines.pop();
  return lines.slice(0, max);
}

/** A decompressed head that is no capture: strace text, tcpdump text, or an error saying what it is not. */
export function detectText(buf: Buffer, gzip: boolean): Detection {
  // Binary: NUL bytes or many control characters in the first block.
  const sample = buf.subarray(0, 8192);
  let ctrl = 0;
  for (const b of sample) if (b === 0 || (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 11)) ctrl++;
  if (sample.includes(0) && ctrl > 4) return { error: 'is binary data, not a text trace' };
  if (ctrl > sample.length / 10) return { error: 'is binary data, not a text trace' };
  const head = headTextLines(buf);
  const lines = head.slice(0, 400);
  let nonBlank = 0;
  let strace = 0;
  for (const l of lines) {
    if (l.trim() === '') continue;
    nonBlank++;
    const rec = scanLine(l);
    if (STRACE_KINDS.has(rec.kind) || (rec.kind === 'bad' && rec.open)) strace++;
  }
  if (nonBlank === 0) return { error: 'holds no trace lines (only blank lines)' };
  // A -c table on its own is strace's too: its header is unlike anything else.
  if (summaryOnly(lines)) return { format: 'strace', gzip };
  // tcpdump's packet lines never scan as strace calls, but its continuation
  // lines (-v, -X, -A) are free text; the tcpdump reader's own test decides.
  if (strace > 0 && (strace * 5 >= nonBlank || strace >= 20)) return { format: 'strace', gzip };
  const tcpdump = tcpdumpTextShape(head);
  if (tcpdump) return { format: 'tcpdump', gzip, tcpdump };
  const first = lines.find((l) => l.trim() !== '')!.trim();
  return { error: `is not a trace tracediff reads: none of its first ${nonBlank} lines is a strace line (syscall, signal, exit) or a tcpdump packet line, and it is not a pcap or pcapng capture (line 1: "${first.length > 60 ? first.slice(0, 57) + '...' : first}")` };
}

function summaryOnly(lines: string[]): boolean {
  const first = lines.find((l) => l.trim() !== '');
  return first !== undefined && scanLine(first).kind === 'summary';
}
