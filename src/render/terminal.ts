/**
 * Terminal helpers: colour that turns itself off, untrusted trace text made
 * safe to print, widths counted in terminal columns, prose wrapped at word
 * boundaries, and quoted trace lines shortened so that what matters in them
 * survives: a call's result, a packet's flags and length.
 */

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export function paint(color: boolean): Paint {
  if (!color) {
    const id = (s: string) => s;
    return { bold: id, dim: id, red: id, green: id, yellow: id };
  }
  return { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), green: ansi(32, 39), yellow: ansi(33, 39) };
}

/** Colour by default on a terminal; never with NO_COLOR set or when output goes to a pipe or file. */
export function wantColor(stream: { isTTY?: boolean }, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true;
}

// ---------------------------------------------------------------------------
// Untrusted text

/** C0 controls but tab, DEL, and C1 controls (some terminals obey U+009B as CSI). */
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
/**
 * Characters that change how a line reads without being seen: bidi
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks,
 * zero-width characters, line and paragraph separators.
 */
const INVISIBLE = /[\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

const hex = (c: string, digits: number) => c.charCodeAt(0).toString(16).padStart(digits, '0');

/**
 * Trace text is untrusted: a string argument, a path decorated by -yy or a
 * file name can hold escape sequences that would drive the terminal (clear
 * it, retitle the window) or bidi overrides that make a line read other than
 * it is. Every such character is shown as an escape (`\x1b`, `\u202e`);
 * every piece of trace text goes through here before it is printed.
 */
export function visible(s: string): string {
  return s
    .replace(/\t/g, ' ')
    .replace(CONTROLS, (c) => `\\x${hex(c, 2)}`)
    .replace(INVISIBLE, (c) => `\\u${hex(c, 4)}`);
}

// ---------------------------------------------------------------------------
// Widths in terminal columns

const SGR = /\u001b\[[0-9;]*m/g;

export function stripColor(s: string): string {
  return s.replace(SGR, '');
}

/** East Asian wide and fullwidth characters and emoji take two columns (a file name can hold them). */
const WIDE: Array<[number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1f300, 0x1faff], [0x20000, 0x3fffd],
];

function charWidth(cp: number): number {
  if (cp >= 0x300 && cp <= 0x36f) return 0; // combining accents sit on the character before
  for (const [lo, hi] of WIDE) if (cp >= lo && cp <= hi) return 2;
  return 1;
}

/** Columns a string takes on the terminal, colour codes excluded. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of stripColor(s)) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** The longest start (or end) of `s` that fits in `width` columns, never splitting a character. */
function fitColumns(s: string, width: number, fromEnd = false): string {
  const chars = Array.from(s);
  if (fromEnd) chars.reverse();
  let w = 0;
  let n = 0;
  for (const ch of chars) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width) break;
    w += cw;
    n++;
  }
  const kept = chars.slice(0, n);
  return (fromEnd ? kept.reverse() : kept).join('');
}

/** Shorten to `width` columns by cutting the middle: both ends of a line stay readable. */
export function shorten(s: string, width: number): string {
  if (textWidth(s) <= width) return s;
  if (width <= 1) return fitColumns(s, Math.max(0, width));
  const keepEnd = Math.floor((width - 1) * 0.4);
  return fitColumns(s, width - 1 - keepEnd) + '…' + fitColumns(s, keepEnd, true);
}

export function pad(s: string, width: number): string {
  const w = textWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

// ---------------------------------------------------------------------------
// Prose

/**
 * Wrap prose at word boundaries so that every line, its indent included,
 * fits in `width`: the first line starts with `first`, the others with
 * `rest`. A word longer than a line (a path) breaks after a `/`, `,` or
 * `.` where it can, so it is not cut mid-name.
 */
export function wrap(text: string, width: number, rest = '', first = ''): string[] {
  const room = Math.max(1, width - Math.max(textWidth(first), textWidth(rest)));
  const lines: string[] = [];
  let prefix = first;
  let line = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    for (const piece of breakWord(word, room)) {
      if (line && textWidth(prefix + line) + 1 + textWidth(piece) > width) {
        lines.push(prefix + line);
        prefix = rest;
        line = '';
      }
      line = line ? `${line} ${piece}` : piece;
    }
  }
  lines.push(prefix + line);
  return lines;
}

/** A word in pieces of at most `room` columns, broken after a separator past the first third when there is one. */
function breakWord(word: string, room: number): string[] {
  const pieces: string[] = [];
  let w = word;
  while (textWidth(w) > room) {
    const head = fitColumns(w, room);
    const sep = Math.max(head.lastIndexOf('/'), head.lastIndexOf(','), head.lastIndexOf('.'));
    const cut = sep >= head.length / 3 ? sep + 1 : head.length;
    pieces.push(w.slice(0, cut));
    w = w.slice(cut);
  }
  pieces.push(w);
  return pieces;
}

/**
 * Lines into the report's text: no trailing spaces (colour codes after
 * them included), never two blank lines in a row, none at either end.
 */
export function joinLines(lines: string[]): string {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.replace(/ +((?:\u001b\[[0-9;]*m)*)$/, '$1');
    const blank = stripColor(line) === '';
    if (blank && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(blank ? '' : line);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// Quoted trace lines

/** A quoted trace line fitted to `width`: packets by dropping fields, calls keeping their result. */
export function fitTraceLine(text: string, width: number, packet = false): string {
  const parts = parsePacketLine(text);
  if (parts) return fitPacketLines([parts], width)[0]!;
  return packet ? shorten(text, width) : fitCall(text, width);
}

/**
 * A strace line shortened in the middle of its arguments, keeping the
 * pid, time, call name and result whole (`= -1 ENOENT (No such file or
 * directory) <0.000009>`): the result is what a diff is about. When the
 * arguments would keep fewer than MIN_ARGS columns, the result's errno
 * message and then its duration go first.
 */
export function fitCall(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  const m = CALL.exec(text);
  if (!m) return shorten(text, width);
  const [, lead, args, result] = m as unknown as [string, string, string, string];
  const forms = resultForms(result);
  for (const [k, tail] of forms.entries()) {
    const room = width - textWidth(`${lead}) ${tail}`);
    if (room >= MIN_ARGS || (k === forms.length - 1 && room >= 4)) return `${lead}${shorten(args, room)}) ${tail}`;
  }
  return shorten(text, width);
}

/** pid and time (as strace -f -tt print them) and the call name; the arguments; the result. */
const CALL = /^(\s*(?:\[pid\s+\d+\]\s+|\d+\s+)?(?:\d[\d:.]*\s+)?[a-z_][a-z0-9_]*\()(.*)\)\s+(= .*)$/;
/** Fewer columns of arguments than this show too little of them to tell calls apart. */
const MIN_ARGS = 20;

/**
 * A call's result from the most to the least complete: the errno message
 * dropped (the errno name stays) or other detail in parentheses elided
 * (pselect6's `(out [4], left {...})`), then the duration dropped.
 */
function resultForms(result: string): string[] {
  const m = /^(= \S+)( E[A-Z0-9]+)? \((.*)\)( <[\d.]+>)?$/.exec(result);
  const short = m ? `${m[1]}${m[2] ?? ' (…)'}${m[4] ?? ''}` : result;
  return [...new Set([result, short, short.replace(/ <[\d.]+>$/, '')])];
}

/** A tcpdump -n line taken apart: time, link and network words, the two addresses, and the comma-separated fields. */
export interface PacketParts {
  time: string;
  /** " IP ", " lo In IP6 ": what sits between the time and the addresses. */
  link: string;
  src: string;
  dst: string;
  fields: string[];
}

/**
 * `[time] [iface In|Out] IP src > dst: fields`, as tcpdump -n prints it and
 * packetLine quotes a capture; with -v, the addresses start an indented
 * second line.
 */
const PACKET_LINE = /^(?:((?:\d{4}-\d\d-\d\d )?\d[\d:.]*)?( ?(?:\S+ +(?:In|Out|M|B|P) +)?IP6? )|( +))(\S+) > (\S+?): (.+)$/;

export function parsePacketLine(text: string): PacketParts | null {
  const m = PACKET_LINE.exec(text);
  if (!m) return null;
  return { time: m[1] ?? '', link: m[2] ?? m[3]!, src: m[4]!, dst: m[5]!, fields: splitFields(m[6]!) };
}

/** Split at top-level ", " (options [mss 1460,sackOK,...] holds commas of its own). */
function splitFields(body: string): string[] {
  const fields: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '[' || c === '(') depth++;
    else if ((c === ']' || c === ')') && depth > 0) depth--;
    else if (c === ',' && depth === 0 && body[i + 1] === ' ') {
      fields.push(body.slice(start, i));
      start = i + 2;
    }
  }
  fields.push(body.slice(start));
  return fields;
}

/**
 * The level at which a field is dropped, least valuable first: TCP options
 * and checksums, then the window, then sequence and acknowledgement
 * numbers. Flags, length and anything unknown are never dropped.
 */
const DROP_LEVEL: Record<string, number> = { options: 1, cksum: 1, win: 2, urg: 2, seq: 3, ack: 3 };
/** Level 4 cuts the time to milliseconds; level 5 shortens the addresses. */
const TIME_LEVEL = 4;

function packetAt(p: PacketParts, level: number): string {
  const fields = p.fields.filter((f) => (DROP_LEVEL[f.split(' ')[0]!] ?? Infinity) > level);
  const time = level >= TIME_LEVEL ? p.time.replace(/(\.\d{3})\d+$/, '$1') : p.time;
  return `${time}${p.link}${p.src} > ${p.dst}: ${fields.join(', ')}`;
}

/**
 * Packet lines fitted to `width` by dropping fields rather than cutting
 * the middle (which takes `Flags [S.]` with it). Lines shown together drop
 * the same fields, so they still read as columns; the lines still too long
 * then lose as much of their addresses as the longest needs.
 */
export function fitPacketLines(lines: PacketParts[], widths: number | number[]): string[] {
  const width = (i: number) => (typeof widths === 'number' ? widths : widths[i]!);
  let level = 0;
  lines.forEach((p, i) => {
    while (level <= TIME_LEVEL && textWidth(packetAt(p, level)) > width(i)) level++;
  });
  if (level <= TIME_LEVEL) return lines.map((p) => packetAt(p, level));
  const excess = (p: PacketParts, i: number) => Math.ceil((textWidth(packetAt(p, TIME_LEVEL)) - width(i)) / 2);
  const tcpBy = Math.max(0, ...lines.map((p, i) => (isTcp(p) ? excess(p, i) : 0)));
  return lines.map((p, i) => (excess(p, i) <= 0 ? packetAt(p, TIME_LEVEL) : lastResort(p, width(i), isTcp(p) ? tcpBy : excess(p, i))));
}

const isTcp = (p: PacketParts) => p.fields.some((f) => f.startsWith('Flags ['));

/** Split a fitted packet line after its addresses. */
function headAndBody(line: string): [string, string] {
  const colon = line.indexOf(': ');
  return [line.slice(0, colon + 2), line.slice(colon + 2)];
}

/**
 * Past every dropped field: hosts shortened by `by` columns (ports kept);
 * then a body that is not TCP's is cut in the middle, or else the head is
 * cut so that the flags and length survive.
 */
function lastResort(p: PacketParts, width: number, by: number): string {
  const short = packetAt({ ...p, src: shortenAddress(p.src, by), dst: shortenAddress(p.dst, by) }, TIME_LEVEL);
  if (textWidth(short) <= width) return short;
  const [head, body] = headAndBody(short);
  if (!isTcp(p) && width - textWidth(head) >= MIN_BODY) return head + shorten(body, width - textWidth(head));
  const headRoom = width - textWidth(body);
  return headRoom >= 8 ? shorten(head, headRoom) + body : shorten(short, width);
}

/** Columns of a non-TCP packet's text worth keeping before the head is cut instead. */
const MIN_BODY = 16;

/**
 * `127.0.0.1.38398` less `by` columns or a little more, cut at the front
 * at a dot or colon: the port tells connections apart and the end of an
 * address is its most specific part.
 */
function shortenAddress(addr: string, by: number): string {
  const m = /^(.+?)([.:]\d+)?$/.exec(addr)!;
  const host = m[1]!;
  if (by <= 0) return addr;
  let kept = fitColumns(host, Math.max(1, textWidth(host) - by - 1), true);
  const sep = kept.search(/[.:]/);
  if (kept.length < host.length && !/[.:]/.test(host[host.length - kept.length - 1]!) && sep >= 0 && sep < kept.length - 1) kept = kept.slice(sep + 1);
  return '…' + kept + (m[2] ?? '');
}
