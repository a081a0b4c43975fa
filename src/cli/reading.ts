/**
 * What `diff` and `analyze` share around reading and rendering: the inputs
 * read with a progress line when one is wanted, input trouble turned into
 * the one-line exit 2, the reader options every command passes on, and the
 * text report's colour and width.
 */
import type { EventFilterSpec } from '../filter/event-filter.js';
import type { Format } from '../readers/detect.js';
import { InputError, type ReadProgress } from '../readers/open.js';
import { wantColor } from '../render/terminal.js';
import { UsageError } from './common.js';
import { ProgressBar, wantProgress } from './progress.js';
import { textWidth } from './report-format.js';

export async function readingInputs<T>(progress: boolean | undefined, read: (progress: { progress?: ReadProgress }) => Promise<T>): Promise<T> {
  const bar = wantProgress(process.stderr, progress) ? new ProgressBar(process.stderr) : undefined;
  try {
    return await read(bar ? { progress: bar } : {});
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  } finally {
    bar?.stop();
  }
}

export interface ReaderArgs {
  filter?: EventFilterSpec;
  inputFormat?: Format;
  clockOffsets?: Map<string, number>;
}

/** The options given on the command line that the readers take, and only those. */
export function readerOptions(o: ReaderArgs): ReaderArgs {
  return {
    ...(o.filter ? { filter: o.filter } : {}),
    ...(o.inputFormat ? { inputFormat: o.inputFormat } : {}),
    ...(o.clockOffsets ? { clockOffsets: o.clockOffsets } : {}),
  };
}

/** Colour and width of the text report: never coloured into a file, the terminal's width (or COLUMNS, or 100). */
export function textRenderOptions(o: { out?: string; color?: boolean }): { color: boolean; width: number } {
  return { color: o.out ? false : wantColor(process.stdout, o.color), width: textWidth(o.out) };
}
