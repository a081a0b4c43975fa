/** `--format json`: the report exactly as ../shared/CONTRACT.md shapes it. */
import type { DiffReport } from '../report/diff-report.js';

export function renderDiffJson(report: DiffReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
