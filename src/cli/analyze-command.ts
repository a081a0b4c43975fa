/**
 * `tracediff analyze <trace>...`: the findings of one incident (one run's
 * strace logs, captures and tcpdump text), no good run needed. Exit 1 when
 * a finding of severity `error` is found, 0 otherwise, 2 on trouble.
 */
import { analyzeTraces } from '../findings/index.js';
import type { AnalyzeView } from '../report/analyze-report.js';
import { describeProduction } from '../report/production.js';
import { renderAnalyzeText } from '../render/analyze-text.js';
import { renderAnalyzeHtml } from '../render/html.js';
import { renderAnalyzeMarkdown } from '../render/markdown.js';
import { VERSION, writeReport } from './common.js';
import { readerOptions, readingInputs, textRenderOptions, type ReaderArgs } from './reading.js';
import { isDocument, reportDate, type ReportFormat } from './report-format.js';

export interface AnalyzeCommandOptions extends ReaderArgs {
  traces: string[];
  format: ReportFormat;
  out?: string;
  /** The command line's arguments, for the report's "how this was produced". */
  argv?: readonly string[];
  /** --progress / --no-progress; default: on a terminal outside CI. */
  progress?: boolean;
  color?: boolean;
}

export async function analyzeCommand(o: AnalyzeCommandOptions): Promise<number> {
  const r = await readingInputs(o.progress, (progress) => analyzeTraces(o.traces, { ...progress, sketch: isDocument(o.format), ...readerOptions(o) }));
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
      return renderAnalyzeText(view.report, textRenderOptions(o));
  }
}
