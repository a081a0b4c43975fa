/**
 * What a file is by its first bytes alone: gzip, pcap, pcapng. No text
 * grammar is loaded to answer it, so opening a capture stays quick.
 */
import { gunzipSync } from 'node:zlib';

export type CaptureFormat = 'pcap' | 'pcapng';

/** gzip's magic bytes: a compressed trace is detected by content, never by its name. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The head with gzip undone (as much as the head holds), or an error. */
export function inflateHead(head: Buffer): { bytes: Buffer; gzip: boolean } | { error: string } {
  if (!isGzip(head)) return { bytes: head, gzip: false };
  try {
    const bytes = gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: accept a truncated head */ });
    return bytes.length === 0 ? { error: 'is an empty gzip file' } : { bytes, gzip: true };
  } catch {
    return { error: 'is gzip data that cannot be decompressed' };
  }
}

const PCAP_MAGICS = new Set([
  0xa1b2c3d4, 0xd4c3b2a1, // microseconds
  0xa1b23c4d, 0x4d3cb2a1, // nanoseconds
  0xa1b2cd34, 0x34cdb2a1, // Kuznetzov's modified pcap: the pcap reader says why it cannot read it
]);

export function captureMagic(bytes: Uint8Array): CaptureFormat | undefined {
  if (bytes.length < 4) return undefined;
  const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  if (PCAP_MAGICS.has(magic)) return 'pcap';
  if (magic === 0x0a0d0d0a) return 'pcapng';
  return undefined;
}
