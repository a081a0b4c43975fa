/**
 * A progress line on stderr while big inputs are read. It appears only
 * after the work has taken a while (a second by default), only on a
 * terminal, never in CI or a pipe, and erases itself when done, so the
 * report that follows and every captured stderr stay clean.
 */
import { basename } from 'node:path';
import type { ReadProgress } from '../readers/open.js';

export interface ProgressOptions {
  /** Show nothing before this many milliseconds (default 1000): quick runs never flash a bar. */
  delayMs?: number;
  /** Redraw at most this often (default 120 ms). */
  intervalMs?: number;
  /** Columns of the terminal (default the stream's, else 80). */
  columns?: number;
  now?: () => number;
}

interface Watched {
  file: string;
  stream: { readonly bytesRead?: number };
  total: number | undefined;
}

type Out = { write(s: string): unknown; isTTY?: boolean; columns?: number };

/** A bar is wanted on a terminal, unless CI says it is a log or the user said --no-progress. */
export function wantProgress(stream: { isTTY?: boolean }, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

const MB = 1024 * 1024;
const size = (n: number) => (n >= 10 * MB ? `${Math.round(n / MB)} MB` : `${(n / MB).toFixed(1)} MB`);

export class ProgressBar implements ReadProgress {
  private readonly watched: Watched[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly started: number;
  private drawn = false;
  private readonly now: () => number;

  constructor(
    private readonly out: Out,
    private readonly opts: ProgressOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.started = this.now();
  }

  watch(file: string, stream: { readonly bytesRead?: number }, totalBytes: number | undefined): void {
    this.watched.push({ file, stream, total: totalBytes });
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.opts.intervalMs ?? 120);
      // The bar must never keep the process alive.
      this.timer.unref();
    }
  }

  /** Draw if the work has run long enough; called by the timer. */
  tick(): void {
    const elapsed = this.now() - this.started;
    if (elapsed < (this.opts.delayMs ?? 1000)) return;
    this.out.write(`\r${this.line(elapsed)}\u001b[K`);
    this.drawn = true;
  }

  /** The line as it would be drawn now. */
  line(elapsed = this.now() - this.started): string {
    let read = 0;
    let total = 0;
    let known = true;
    let current: Watched | undefined;
    for (const w of this.watched) {
      const r = w.stream.bytesRead ?? 0;
      read += r;
      if (w.total === undefined) known = false;
      else total += w.total;
      // The file being read, else the last one read (its events may still be on their way).
      if (r > 0 && (!current || w.total === undefined || r < w.total)) current = w;
    }
    // A terminal that reports no size (0) is taken as the classic 80 columns.
    const width = Math.max(40, this.opts.columns || this.out.columns || 80) - 1;
    const secs = `${(elapsed / 1000).toFixed(1)} s`;
    const name = current ? basename(current.file) : `${this.watched.length} file${this.watched.length === 1 ? '' : 's'}`;
    if (!known || total === 0) return `tracediff: reading ${name}  ${size(read)}  ${secs}`.slice(0, width);
    const share = Math.min(1, read / total);
    const tail = ` ${String(Math.floor(share * 100)).padStart(3)}%  ${size(read)}/${size(total)}  ${secs}`;
    const head = `tracediff: reading ${name.length > 30 ? name.slice(0, 29) + '…' : name} `;
    const barWidth = Math.min(40, width - head.length - tail.length - 2);
    // On a narrow terminal the numbers matter more than the bar: drop the bar before cutting them.
    if (barWidth < 5) return `${head}${tail}`.slice(0, width);
    const filled = Math.round(share * barWidth);
    return `${head}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`;
  }

  /** Stop and erase the line, so what is written next starts clean. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.out.write('\r\u001b[K');
    this.drawn = false;
  }
}
