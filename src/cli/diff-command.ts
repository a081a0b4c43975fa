/**
 * `tracediff <good> <bad>` / `tracediff diff`: exit 0 when the runs do the
 * same work, 1 when a divergence was found, 2 on trouble (as diff(1)).
 */
import { diffTraces } from '../diff/diff-traces.js';
import type { DiffView } from '../report/diff-report.js';
import { describeProduction } from '../report/production.js';
import { renderDiffHtml } from '../render/html.js';
import { renderDiffJson } from '../render/json.js';
import { renderDiffMarkdown } from '../render/markdown.js';
import { renderDiffText } from '../render/diff-text.js';
import { UsageError, VERSION, writeReport } from './common.js';
import { readerOptions, readingInputs, textRenderOptions, type ReaderArgs } from './reading.js';
import { isDocument, reportDate, type ReportFormat } from './report-format.js';

export interface DiffCommandOptions extends ReaderArgs {
  good: string;
  bad: string;
  format: ReportFormat;
  out?: string;
  context: number;
  /** The command line's arguments, for the report's "how this was produced". */
  argv?: readonly string[];
  /** --progress / --no-progress; default: on a terminal outside CI. */
  progress?: boolean;
  color?: boolean;
  /** Read the sides at once in worker threads (--no-workers: not). */
  workers?: boolean;
}

export async function diffCommand(o: DiffCommandOptions): Promise<number> {
  if (o.good === '-' && o.bad === '-') throw new UsageError('only one side can be read from standard input (-)');
  const view = await readingInputs(o.progress, (progress) =>
    diffTraces([o.good], [o.bad], { ...progress, version: VERSION, context: o.context, sketch: isDocument(o.format), workers: o.workers ?? true, ...readerOptions(o) }),
  );
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
      return renderDiffText(view, textRenderOptions(o));
  }
}
