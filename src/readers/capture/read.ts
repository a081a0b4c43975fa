/**
 * Capture files into packet events: the container reader (pcap or pcapng)
 * yields frames and notes, the decoder turns each frame into one event.
 * A note that stands for a frame (a cut-short last record) and a note that
 * ends the read become `unparsed` events at the packet they concern, so a
 * damaged capture reads as far as it can and says where it stopped.
 */
import type { TraceEvent, UnparsedEvent } from '../../model/events.js';
import { PacketDecoder } from '../../decode/packet.js';
import { linkTypeName } from '../../knowledge/link-types.js';
import type { CaptureFormat } from '../magic.js';
import type { CaptureItem } from './frame.js';
import { readPcap } from './pcap.js';
import { readPcapng } from './pcapng.js';

export type { CaptureFormat };

export interface CaptureStats {
  kind: 'capture';
  format: CaptureFormat;
  /** Frames read, each one packet event. */
  frames: number;
  /** Notes about the file (each also an `unparsed` event). */
  notes: number;
  /** Reading stopped early at this byte offset. */
  stoppedAt?: number;
}

export interface CaptureReadOptions {
  file: string;
  format: CaptureFormat;
}

export async function* readCaptureStream(input: AsyncIterable<Buffer>, opts: CaptureReadOptions, statsOut?: (s: CaptureStats) => void): AsyncGenerator<TraceEvent[]> {
  const decoder = new PacketDecoder(opts.file, linkTypeName);
  const stats: CaptureStats = { kind: 'capture', format: opts.format, frames: 0, notes: 0 };
  const items: AsyncGenerator<CaptureItem[]> = opts.format === 'pcap' ? readPcap(input) : readPcapng(input);
  let lastNumber = 0;
  for await (const batch of items) {
    const out: TraceEvent[] = new Array(batch.length);
    let n = 0;
    for (const it of batch) {
      if (it.kind === 'frame') {
        out[n++] = decoder.decode(it);
        lastNumber = it.number;
        stats.frames++;
      } else {
        stats.notes++;
        const packet = it.number ?? lastNumber + 1;
        if (it.number !== undefined) lastNumber = it.number;
        if (it.fatal) stats.stoppedAt = it.offset;
        const ev: UnparsedEvent = {
          kind: 'unparsed',
          file: opts.file,
          packet,
          text: '',
          reason: `${it.message} (byte offset ${it.offset})${it.fatal ? '; nothing after it could be read' : ''}`,
        };
        out[n++] = ev;
      }
    }
    out.length = n;
    if (n) yield out;
  }
  statsOut?.(stats);
}

/** Decode a whole capture held in memory (tests, small inputs, library use). */
export async function parseCapture(bytes: Uint8Array, opts: CaptureReadOptions): Promise<{ events: TraceEvent[]; stats: CaptureStats }> {
  const events: TraceEvent[] = [];
  let stats: CaptureStats | undefined;
  async function* one(): AsyncGenerator<Buffer> {
    yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  // Not events.push(...b): the whole file is one chunk, so one batch, and spreading more than
  // ~120 000 frames overflows the stack (RangeError, found by fuzzing; docs/fuzzing.md).
  for await (const b of readCaptureStream(one(), opts, (s) => (stats = s))) for (const ev of b) events.push(ev);
  return { events, stats: stats! };
}
