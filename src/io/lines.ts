/**
 * Streaming line splitting for text traces: bytes in, batches of lines out.
 *
 * Batches rather than one line per `await`, because an async step per line
 * costs more than parsing the line. CRLF and lone CR line ends are
 * accepted (traces copied through Windows tools); invalid UTF-8 decodes to
 * U+FFFD rather than failing; a line longer than `maxLineBytes` is cut and
 * flagged, so one absurd line cannot take all memory.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export interface LineBatch {
  lines: string[];
  /** 1-based number of lines[0]. */
  firstLine: number;
  /** Numbers (1-based) of lines cut at maxLineBytes. */
  cut?: number[];
}

export interface LineOptions {
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE = 64 * 1024 * 1024;

export async function* readLines(input: Readable | AsyncIterable<Buffer | string>, opts: LineOptions = {}): AsyncGenerator<LineBatch> {
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE;
  const decoder = new StringDecoder('utf8');
  // The unfinished last line, in pieces: joining on every chunk would copy a 20 MB line hundreds of times.
  let parts: string[] = [];
  let partsLen = 0;
  let skipping = false;
  let lineNo = 1;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const lines: string[] = [];
    const cut: number[] = [];
    let first = -1;
    const take = (line: string) => {
      if (first < 0) first = lineNo;
      lines.push(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
    };
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      if (skipping) skipping = false;
      else if (partsLen) {
        parts.push(text.slice(start, nl));
        take(parts.join(''));
      } else take(text.slice(start, nl));
      parts = [];
      partsLen = 0;
      lineNo++;
      start = nl + 1;
    }
    if (start < text.length && !skipping) {
      const rest = text.slice(start);
      parts.push(rest);
      partsLen += rest.length;
      if (partsLen > max) {
        // The line number advances when its newline finally arrives.
        take(parts.join('').slice(0, max));
        cut.push(lineNo);
        parts = [];
        partsLen = 0;
        skipping = true;
      }
    }
    if (lines.length) yield cut.length ? { lines, firstLine: first, cut } : { lines, firstLine: first };
  }
  const tail = decoder.end();
  if (tail) { parts.push(tail); partsLen += tail.length; }
  if (!skipping && partsLen) {
    let last = parts.join('');
    if (last.endsWith('\r')) last = last.slice(0, -1);
    yield { lines: [last], firstLine: lineNo };
  }
}
