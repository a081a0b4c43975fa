/**
 * Every capture in the corpus through the same path the CLI takes
 * (openTraces: detection, gzip, reader, decoder): it is read, or refused
 * with one InputError naming the file and the byte offset; a damaged file
 * reads up to the damage and says where it stopped. Never another
 * exception, never a hang; every frame is one packet event, numbered from 1.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../src/model/events.js';
import { InputError, openTraces } from '../src/readers/open.js';
import { CORPUS } from './helpers/corpus.js';

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...captures(p));
    else if (/\.(pcap|pcapng|cap|ntar|pcap\.gz|pcapng\.gz)$/.test(n) || (/captures\//.test(p) && !/\.(txt|md|tsv)$/.test(n))) out.push(p);
  }
  return out;
}

const files = ['tcpdump', 'zeek', 'wireshark', 'pcapng-test-generator', 'generated-local', 'libpcap'].flatMap((d) => captures(join(CORPUS, d)));

describe('every corpus capture through the CLI path', () => {
  it('finds them', () => expect(files.length).toBeGreaterThan(250));
  for (const path of files) {
    const name = relative(CORPUS, path);
    it(name, async () => {
      const events: TraceEvent[] = [];
      try {
        const opened = await openTraces([path]);
        for await (const b of opened.events) events.push(...b);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        const msg = (e as Error).message;
        expect(msg.startsWith(path)).toBe(true);
        expect(msg.split('\n')).toHaveLength(1);
        // A capture refused at its header says where; a text-looking file says what it is not.
        if (/\.(pcap|pcapng)$/.test(path)) expect(msg).toMatch(/byte offset \d+/);
        return;
      }
      let expectNumber = 1;
      for (const ev of events) {
        expect(ev.file).toBe(path);
        if (ev.kind === 'packet') {
          expect(ev.packet).toBe(expectNumber++);
          expect(typeof ev.proto).toBe('string');
        } else {
          // Only notes about the file: a cut-short record stands in for its frame, a fatal one ends the read.
          expect(ev.kind).toBe('unparsed');
          if (ev.kind !== 'unparsed') continue;
          expect(ev.reason).toMatch(/byte offset \d+/);
          expect(ev.packet).toBeGreaterThanOrEqual(expectNumber);
          expectNumber = ev.packet! + 1;
        }
      }
      if (libpcapRejects(name)) expect(events.filter((e) => e.kind === 'packet')).toEqual([]);
    });
  }
});

function libpcapRejects(name: string): boolean {
  return name.startsWith('libpcap/') && !name.includes('rarp_req_reply');
}
