/**
 * `tracediff <good> <bad>` / `tracediff diff`: exit 0 when the runs do the
 * same work, 1 when a divergence was found, 2 on trouble (as diff(1)).
 */
import { diffTraces } from '../diff/diff-traces.js';
import type { DiffView } from '../report/diff-report.js';
import type { Format } from '../readers/detect.js';
import type { EventFilterSpec } from '../filter/event-filter.js';
import { InputError } from '../readers/open.js';
import { describeProduction } from '../report/production.js';
import { renderDiffHtml } from '../render/html.js';
import { renderDiffJson } from '../render/json.js';
import { renderDiffMarkdown } from '../render/markdown.js';
import { renderDiffText } from '../render/diff-text.js';
import { wantColor } from '../render/terminal.js';
import { UsageError, VERSION, writeReport } from './common.js';
import { ProgressBar, wantProgress } from './progress.js';
import { isDocument, reportDate, textWidth, type ReportFormat } from './report-format.js';

export interface DiffCommandOptions {
  good: string;
  bad: string;
  format: ReportFormat;
  out?: string;
  context: number;
  /** The command line's arguments, for the report's "how this was produced". */
  argv?: readonly string[];
  /** --progress / --no-progress; default: on a terminal outside CI. */
  progress?: boolean;
  /** --pid, --trace/--ignore, --host/--port on both sides (docs/filters.md). */
  filter?: EventFilterSpec;
  color?: boolean;
  inputFormat?: Format;
  clockOffsets?: Map<string, number>;
}

export async function diffCommand(o: DiffCommandOptions): Promise<number> {
  if (o.good === '-' && o.bad === '-') throw new UsageError('only one side can be read from standard input (-)');
  let view;
  const bar = wantProgress(process.stderr, o.progress) ? new ProgressBar(process.stderr) : undefined;
  try {
    view = await diffTraces([o.good], [o.bad], {
      ...(bar ? { progress: bar } : {}),
      version: VERSION,
      context: o.context,
      sketch: isDocument(o.format),
      ...(o.filter ? { filter: o.filter } : {}),
      ...(o.inputFormat ? { inputFormat: o.inputFormat } : {}),
      ...(o.clockOffsets ? { clockOffsets: o.clockOffsets } : {}),
    });
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  } finally {
    bar?.stop();
  }
  if (isDocument(o.format)) await describeProduction(view, { version: VERSION, ...(o.argv ? { argv: o.argv } : {}), around: o.context, generated: reportDate() });
  const text = render(view, o);
  await writeReport(text, o.out);
  return view.report.divergence ? 1 : 0;
}

function render(view: DiffView, o: DiffCommandOptions): string {
  switch (o.format) {
    case 'json':
      return renderDiffJson(view.report);
    case 'markdown':
      return renderDiffMarkdown(view);
    case 'html':
      return renderDiffHtml(view);
    case 'text':
      return renderDiffText(view, { color: o.out ? false : wantColor(process.stdout, o.color), width: textWidth(o.out) });
  }
}
