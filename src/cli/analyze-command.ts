/**
 * `tracediff analyze <trace>...`: the findings of one incident (one run's
 * strace logs, captures and tcpdump text), no good run needed. Exit 1 when
 * a finding of severity `error` is found, 0 otherwise, 2 on trouble.
 */
import { analyzeTraces } from '../findings/index.js';
import type { Format } from '../readers/detect.js';
import { InputError } from '../readers/open.js';
import type { AnalyzeReport } from '../report/analyze-report.js';
import { renderAnalyzeText } from '../render/analyze-text.js';
import { wantColor } from '../render/terminal.js';
import { UsageError, VERSION, writeReport } from './common.js';

export interface AnalyzeCommandOptions {
  traces: string[];
  format: 'text' | 'json';
  out?: string;
  color?: boolean;
  inputFormat?: Format;
  clockOffsets?: Map<string, number>;
}

export async function analyzeCommand(o: AnalyzeCommandOptions): Promise<number> {
  let r;
  try {
    r = await analyzeTraces(o.traces, {
      ...(o.inputFormat ? { inputFormat: o.inputFormat } : {}),
      ...(o.clockOffsets ? { clockOffsets: o.clockOffsets } : {}),
    });
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
  const report: AnalyzeReport = { tool: 'tracediff', version: VERSION, files: r.files, events: r.events, findings: r.findings };
  const text = o.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderAnalyzeText(report, { color: o.out ? false : wantColor(process.stdout, o.color), width: o.out ? 100 : process.stdout.columns || 100 });
  await writeReport(text, o.out);
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
