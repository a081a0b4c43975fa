/**
 * Quoting locations: the raw line of a text trace, or the packet of a
 * capture as tcpdump prints it, fetched again from the files (never held).
 */
import type { Location } from '../model/events.js';
import type { Located } from './diff-report.js';
import { fetchLines, type LineSources } from './source-lines.js';
import { fetchPackets } from './source-packets.js';

export async function quoteLocations(locs: Location[], sources: LineSources = {}): Promise<Located[]> {
  const lines = new Map<string, Set<number>>();
  const packets = new Map<string, Set<number>>();
  for (const l of locs) {
    const isPacket = l.line === undefined && l.packet !== undefined;
    const into = isPacket ? packets : lines;
    let set = into.get(l.file);
    if (!set) into.set(l.file, (set = new Set()));
    set.add((isPacket ? l.packet : l.line) ?? 0);
  }
  const texts = await fetchLines(lines, sources);
  for (const [file, map] of await fetchPackets(packets, sources)) texts.set(`#${file}`, map);
  return locs.map((l) => {
    const isPacket = l.line === undefined && l.packet !== undefined;
    const n = (isPacket ? l.packet : l.line) ?? 0;
    const text = texts.get(isPacket ? `#${l.file}` : l.file)?.get(n) ?? '';
    return isPacket ? { file: l.file, packet: n, text } : { file: l.file, line: n, text };
  });
}
