/**
 * Reading tcpdump text from files and streams. The options the text itself
 * cannot state line by line (how HH:MM:SS stamps count; whether -A payload
 * lines are mixed in) are decided from the head of the file when the caller
 * does not give them.
 */
import type { Readable } from 'node:stream';
import { readLines } from '../../io/lines.js';
import type { TraceEvent } from '../../model/events.js';
import { TcpdumpTextParser, type TcpdumpParseOptions, type TcpdumpStats } from './parser.js';
import { sniffTimeMode, type TimeMode } from './time.js';

export { sniffTimeMode } from './time.js';
export type { TimeMode } from './time.js';
export type { TcpdumpParseOptions, TcpdumpStats } from './parser.js';

/** How many lines of the head the sniffers look at. */
export const HEAD_LINES = 500;

/**
 * Was the text printed with -A/-AA? Payload lines start unindented, so
 * without this they would read as garbage. Decided by reading the head as
 * if it were -A text (with -t, only lines that start with a known protocol
 * word are packet lines then): -A prints at least the IP header after every
 * packet, starting with a printable byte ('E' for IPv4), so when at least
 * 80% of the packets (and at least one) are followed by unindented lines
 * that are neither packet lines, messages nor an encapsulated frame, those
 * lines are payload. A garbled line or two among many packets stays garbage.
 */
export function sniffAsciiPayload(headLines: string[], timeMode: TimeMode = sniffTimeMode(headLines)): boolean {
  const p = new TcpdumpTextParser({ file: '', timeMode, asciiPayload: true });
  let n = 1;
  for (const l of headLines) p.push(l, n++);
  p.end();
  const { packets, textPayloads } = p.stats;
  return textPayloads > 0 && textPayloads * 5 >= packets * 4;
}

/** Both decisions from the head: what readers do when the caller gives neither. */
export function sniffTcpdumpText(headLines: string[]): { timeMode: TimeMode; asciiPayload: boolean } {
  const timeMode = sniffTimeMode(headLines);
  return { timeMode, asciiPayload: sniffAsciiPayload(headLines, timeMode) };
}

/**
 * Does this head look like tcpdump's text? For format detection: read with
 * the sniffed options, it must hold packet lines, at least half of them IP
 * or ARP packets or lines with a growing -# number, and at most one line in
 * ten unparsed. (A strace -tt log starts its lines with timestamps too, but
 * no `IP a > b:` follows; -f puts pids where -# puts numbers, but pids repeat.)
 */
export function looksLikeTcpdumpText(headLines: string[]): boolean {
  return tcpdumpTextShape(headLines) !== undefined;
}

/** The same test, keeping what it sniffed so the reader need not sniff the head again; undefined: not tcpdump text. */
export function tcpdumpTextShape(headLines: string[]): { timeMode: TimeMode; asciiPayload: boolean } | undefined {
  const o = sniffTcpdumpText(headLines);
  const p = new TcpdumpTextParser({ file: '', ...o });
  let n = 1;
  let ipOrArp = 0;
  let lastNumber = 0;
  const count = (evs: TraceEvent[]) => {
    for (const e of evs) {
      if (e.kind !== 'packet') continue;
      // -# numbers grow from line to line; the pids strace -f puts in the same place repeat.
      const numbered = e.packet !== undefined && e.packet > lastNumber;
      if (e.packet !== undefined) lastNumber = e.packet;
      if (e.network !== undefined || e.proto === 'arp' || e.proto === 'rarp' || numbered) ipOrArp++;
    }
  };
  for (const l of headLines) {
    p.push(l, n++);
    count(p.drain());
  }
  p.end();
  count(p.drain());
  const { packets, unparsed, lines, blank } = p.stats;
  return packets > 0 && ipOrArp * 2 >= packets && unparsed * 10 <= lines - blank ? o : undefined;
}

function withSniffed(opts: TcpdumpParseOptions, head: string[]): TcpdumpParseOptions {
  if (opts.timeMode !== undefined && opts.asciiPayload !== undefined) return opts;
  const timeMode = opts.timeMode ?? sniffTimeMode(head);
  const asciiPayload = opts.asciiPayload ?? sniffAsciiPayload(head, timeMode);
  return { ...opts, timeMode, asciiPayload };
}

/** Split a text into lines (LF or CRLF; a last line without its newline counts). */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** Parse a whole tcpdump text held in memory (small inputs, tests, library use). */
export function parseTcpdumpText(text: string, opts: TcpdumpParseOptions): { events: TraceEvent[]; stats: TcpdumpStats } {
  const lines = splitLines(text);
  const p = new TcpdumpTextParser(withSniffed(opts, lines.slice(0, HEAD_LINES)));
  for (let i = 0; i < lines.length; i++) p.push(lines[i]!, i + 1);
  p.end();
  return { events: p.drain(), stats: p.stats };
}

/** Stream events from a readable (a file, stdin, a gunzip stream) in batches. */
export async function* readTcpdumpStream(input: Readable, opts: TcpdumpParseOptions, statsOut?: (s: TcpdumpStats) => void): AsyncGenerator<TraceEvent[]> {
  let p: TcpdumpTextParser | undefined;
  // Hold the first lines until the head is long enough to sniff what the caller left open.
  const held: { lines: string[]; first: number }[] = [];
  let heldLines = 0;
  const feed = (lines: string[], first: number) => {
    let n = first;
    for (const l of lines) p!.push(l, n++);
  };
  const start = () => {
    const head: string[] = [];
    for (const b of held) for (const l of b.lines) if (head.length < HEAD_LINES) head.push(l);
    p = new TcpdumpTextParser(withSniffed(opts, head));
    for (const b of held) feed(b.lines, b.first);
    held.length = 0;
  };
  for await (const batch of readLines(input)) {
    if (!p) {
      held.push({ lines: batch.lines, first: batch.firstLine });
      heldLines += batch.lines.length;
      if (heldLines < HEAD_LINES && (opts.timeMode === undefined || opts.asciiPayload === undefined)) continue;
      start();
    } else feed(batch.lines, batch.firstLine);
    const ev = p!.drain();
    if (ev.length) yield ev;
  }
  if (!p) start();
  p!.end();
  const ev = p!.drain();
  if (ev.length) yield ev;
  statsOut?.(p!.stats);
}
