/**
 * Quoting locations: the raw line of a text trace, or the packet of a
 * capture as tcpdump prints it, fetched again from the files (never held).
 */
import type { Location } from '../model/events.js';
import type { Located } from './diff-report.js';
import type { LineSources } from './source-lines.js';
import { fetchTexts } from './source-packets.js';

const isPacket = (l: Location) => l.line === undefined && l.packet !== undefined;

export async function quoteLocations(locs: Location[], sources: LineSources = {}): Promise<Located[]> {
  const lines = new Map<string, Set<number>>();
  const packets = new Map<string, Set<number>>();
  for (const l of locs) {
    const into = isPacket(l) ? packets : lines;
    let set = into.get(l.file);
    if (!set) into.set(l.file, (set = new Set()));
    set.add((isPacket(l) ? l.packet : l.line) ?? 0);
  }
  const texts = await fetchTexts(lines, packets, sources);
  return locs.map((l) => {
    const n = (isPacket(l) ? l.packet : l.line) ?? 0;
    const text = texts.get(l.file)?.get(n) ?? '';
    return isPacket(l) ? { file: l.file, packet: n, text } : { file: l.file, line: n, text };
  });
}
