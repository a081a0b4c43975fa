/**
 * Terminal helpers: colour that turns itself off, control characters from
 * untrusted trace text made visible, and long lines shortened in the middle.
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

/** Trace text is untrusted: a trace of `cat` on a binary file can hold escape sequences that would drive the terminal. */
export function visible(s: string): string {
  return s.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Shorten to `width` characters by cutting the middle: both the call and its result stay readable. */
export function shorten(s: string, width: number): string {
  if (s.length <= width) return s;
  if (width <= 1) return s.slice(0, width);
  const keepEnd = Math.floor((width - 1) * 0.4);
  const keepStart = width - 1 - keepEnd;
  return s.slice(0, keepStart) + '…' + s.slice(s.length - keepEnd);
}

export function pad(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

/** Wrap prose at word boundaries to `width`, indenting continuation lines; words longer than a line are cut. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    const room = width - (out.length ? indent.length : 0);
    if (line && line.length + 1 + word.length > room) {
      out.push(line);
      line = '';
    }
    let w = word;
    while (w.length > width - indent.length) {
      if (line) { out.push(line); line = ''; }
      out.push(w.slice(0, width - indent.length));
      w = w.slice(width - indent.length);
    }
    line = line ? `${line} ${w}` : w;
  }
  if (line || out.length === 0) out.push(line);
  return out.map((l, i) => (i === 0 ? l : indent + l));
}
