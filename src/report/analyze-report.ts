/** The `analyze --format json` report (../shared/CONTRACT.md): tool, version, files, events, findings. */
import type { Finding } from './diff-report.js';
import type { EvidenceContext } from './evidence-context.js';
import type { Provenance } from './provenance.js';
import type { TimelineSketch } from './timeline-sketch.js';

export interface AnalyzeReport {
  tool: 'tracediff';
  version: string;
  files: string[];
  events: number;
  findings: Finding[];
}

/** The report plus what the markdown and HTML renderers show beyond the JSON. */
export interface AnalyzeView {
  report: AnalyzeReport;
  timeline?: TimelineSketch;
  produced?: Provenance;
  evidence?: EvidenceContext;
  stdin?: Buffer;
}
