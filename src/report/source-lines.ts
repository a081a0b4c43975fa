/**
 * Quoting a trace: fetch the raw text of chosen lines again from the files
 * (or from what was kept of standard input), so the differ never has to
 * hold every line in memory to show a few of them.
 */
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { readLines } from '../io/lines.js';
import { isGzip } from '../readers/magic.js';
import { openText } from '../readers/trace-set.js';

/** Raw lines of one file by line number. */
export type LineMap = Map<number, string>;

export interface LineSources {
  /** Standard input's bytes, when a side was `-`. */
  stdin?: Buffer;
}

/** Fetch the wanted lines of each file; a file that cannot be read again yields no lines (the report says so). */
export async function fetchLines(wanted: Map<string, Set<number>>, sources: LineSources = {}): Promise<Map<string, LineMap>> {
  const out = new Map<string, LineMap>();
  for (const [file, lines] of wanted) {
    const map: LineMap = new Map();
    out.set(file, map);
    if (lines.size === 0) continue;
    const last = Math.max(...lines);
    let input: Readable;
    if (file === '-') {
      if (!sources.stdin) continue;
      const raw = sources.stdin;
      input = Readable.from([isGzip(raw) ? gunzipSync(raw) : raw]);
    } else {
      try {
        input = isGzip(await readHead(file)) ? openText(file).pipe(createGunzip()) : openText(file);
      } catch {
        continue;
      }
    }
    input.on('error', () => undefined);
    try {
      outer: for await (const batch of readLines(input)) {
        let n = batch.firstLine;
        for (const line of batch.lines) {
          if (lines.has(n)) map.set(n, line);
          if (n++ >= last) break outer;
        }
      }
    } catch {
      // A file that changed or vanished since it was parsed: quote what was found.
    } finally {
      input.destroy();
    }
  }
  return out;
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
