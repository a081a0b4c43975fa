/**
 * `tracediff <good> <bad>` / `tracediff diff`: exit 0 when the runs do the
 * same work, 1 when a divergence was found, 2 on trouble (as diff(1)).
 */
import { diffTraces } from '../diff/diff-traces.js';
import type { Format } from '../readers/detect.js';
import { InputError } from '../readers/open.js';
import { renderDiffJson } from '../render/json.js';
import { renderDiffText } from '../render/diff-text.js';
import { wantColor } from '../render/terminal.js';
import { UsageError, VERSION, writeReport } from './common.js';

export interface DiffCommandOptions {
  good: string;
  bad: string;
  format: 'text' | 'json';
  out?: string;
  context: number;
  color?: boolean;
  inputFormat?: Format;
  clockOffsets?: Map<string, number>;
}

export async function diffCommand(o: DiffCommandOptions): Promise<number> {
  if (o.good === '-' && o.bad === '-') throw new UsageError('only one side can be read from standard input (-)');
  let view;
  try {
    view = await diffTraces([o.good], [o.bad], { version: VERSION, context: o.context, ...(o.inputFormat ? { inputFormat: o.inputFormat } : {}), ...(o.clockOffsets ? { clockOffsets: o.clockOffsets } : {}) });
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
  const text =
    o.format === 'json'
      ? renderDiffJson(view.report)
      : renderDiffText(view, { color: o.out ? false : wantColor(process.stdout, o.color), width: o.out ? 100 : process.stdout.columns || 100 });
  await writeReport(text, o.out);
  return view.report.divergence ? 1 : 0;
}
