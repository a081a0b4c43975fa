/**
 * Quoting a capture: a capture has no text line to quote, so the packets a
 * report shows are read again (streaming, stopping after the last one
 * wanted) and printed as tcpdump prints them (packetLine).
 */
import { Readable } from 'node:stream';
import { openTraces } from '../readers/open.js';
import { packetLine } from './packet-line.js';
import { fetchLines, type LineMap, type LineSources } from './source-lines.js';

/** Fetch the wanted packets of each capture by packet number; a file that cannot be read again yields none. */
export async function fetchPackets(wanted: Map<string, Set<number>>, sources: LineSources = {}): Promise<Map<string, LineMap>> {
  const out = new Map<string, LineMap>();
  for (const [file, numbers] of wanted) {
    const map: LineMap = new Map();
    out.set(file, map);
    if (numbers.size === 0) continue;
    const last = Math.max(...numbers);
    if (file === '-' && !sources.stdin) continue;
    try {
      const opened = await openTraces([file], file === '-' ? { stdin: Readable.from([sources.stdin!]) } : {});
      outer: for await (const batch of opened.events) {
        for (const ev of batch) {
          const n = ev.packet;
          if (n === undefined) continue;
          if (ev.kind === 'packet' && numbers.has(n)) map.set(n, packetLine(ev, { options: false }));
          if (n >= last) break outer;
        }
      }
      await opened.events.return(undefined);
    } catch {
      // A file that changed or vanished since it was parsed: quote what was found.
    }
  }
  return out;
}

/**
 * The texts of wanted lines (text traces) and packets (captures) together,
 * by file: a file is one or the other, so one map serves both.
 */
export async function fetchTexts(lines: Map<string, Set<number>>, packets: Map<string, Set<number>>, sources: LineSources = {}): Promise<Map<string, LineMap>> {
  const out = await fetchLines(lines, sources);
  for (const [file, map] of await fetchPackets(packets, sources)) out.set(file, map);
  return out;
}
