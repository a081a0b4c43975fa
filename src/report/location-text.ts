/**
 * How every report names a place and a moment: `file:line` for text,
 * `file packet N` for a capture (tcpdump and Wireshark number frames from 1),
 * and `+1.234 s` since the run's start, or `event N` for a run without
 * timestamps. Raw text: each format escapes it its own way.
 */
import { seconds } from '../diff/duration-text.js';

export function whereText(l: { file: string; line?: number | undefined; packet?: number | undefined }): string {
  return l.line !== undefined ? `${l.file}:${l.line}` : `${l.file} packet ${l.packet}`;
}

/** `since` is seconds from the run's first event, or the event's 0-based ordinal when the run has no clock. */
export function sinceText(since: number, clock: 'seconds' | 'order'): string {
  return clock === 'order' ? `event ${Math.round(since) + 1}` : `+${seconds(since)}`;
}
