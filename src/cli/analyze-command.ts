/**
 * `tracediff analyze <trace>...`: the findings of one incident (one run's
 * strace logs, captures and tcpdump text), no good run needed. Exit 1 when
 * a finding of severity `error` is found, 0 otherwise, 2 on trouble.
 */
import { analyzeTraces } from '../findings/index.js';
import type { Format } from '../readers/detect.js';
import type { EventFilterSpec } from '../filter/event-filter.js';
import { InputError } from '../readers/open.js';
import type { AnalyzeView } from '../report/analyze-report.js';
import { describeProduction } from '../report/production.js';
import { renderAnalyzeText } from '../render/analyze-text.js';
import { renderAnalyzeHtml } from '../render/html.js';
import { renderAnalyzeMarkdown } from '../render/markdown.js';
import { wantColor } from '../render/terminal.js';
import { UsageError, VERSION, writeReport } from './common.js';
import { ProgressBar, wantProgress } from './progress.js';
import { isDocument, reportDate, textWidth, type ReportFormat } from './report-format.js';

export interface AnalyzeCommandOptions {
  traces: string[];
  format: ReportFormat;
  out?: string;
  /** The command line's arguments, for the report's "how this was produced". */
  argv?: readonly string[];
  /** --progress / --no-progress; default: on a terminal outside CI. */
  progress?: boolean;
  /** --pid, --trace/--ignore, --host/--port (docs/filters.md). */
  filter?: EventFilterSpec;
  color?: boolean;
  inputFormat?: Format;
  clockOffsets?: Map<string, number>;
}

export async function analyzeCommand(o: AnalyzeCommandOptions): Promise<number> {
  let r;
  const bar = wantProgress(process.stderr, o.progress) ? new ProgressBar(process.stderr) : undefined;
  try {
    r = await analyzeTraces(o.traces, {
      ...(bar ? { progress: bar } : {}),
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
  const view: AnalyzeView = {
    report: { tool: 'tracediff', version: VERSION, files: r.files, events: r.events, findings: r.findings },
    ...(r.timeline ? { timeline: r.timeline } : {}),
    ...(r.stdin ? { stdin: r.stdin } : {}),
  };
  if (isDocument(o.format)) await describeProduction(view, { version: VERSION, ...(o.argv ? { argv: o.argv } : {}), generated: reportDate() });
  await writeReport(render(view, o), o.out);
  return view.report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

function render(view: AnalyzeView, o: AnalyzeCommandOptions): string {
  switch (o.format) {
    case 'json':
      return JSON.stringify(view.report, null, 2) + '\n';
    case 'markdown':
      return renderAnalyzeMarkdown(view);
    case 'html':
      return renderAnalyzeHtml(view);
    case 'text':
      return renderAnalyzeText(view.report, { color: o.out ? false : wantColor(process.stdout, o.color), width: textWidth(o.out) });
  }
}
