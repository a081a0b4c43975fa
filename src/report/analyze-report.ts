/** The `analyze --format json` report (../shared/CONTRACT.md): tool, version, files, events, findings. */
import type { Finding } from './diff-report.js';

export interface AnalyzeReport {
  tool: 'tracediff';
  version: string;
  files: string[];
  events: number;
  findings: Finding[];
}
