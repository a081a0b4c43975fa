/**
 * What a postmortem report adds to the contract's JSON: how it was produced
 * (tool, command line, input digests) and the lines around each finding's
 * evidence. Done once the analysis is over, and only for the formats that
 * show them, since digesting re-reads every input.
 */
import type { AnalyzeView } from './analyze-report.js';
import type { DiffView } from './diff-report.js';
import { evidenceContext } from './evidence-context.js';
import { provenance } from './provenance.js';

export interface ProductionOptions {
  version: string;
  /** The command's arguments after the program name. */
  argv?: readonly string[];
  /** Lines of context around each evidence line (default 3). */
  around?: number;
  /** Stamp the report with the time it was made (off for reproducible output). */
  generated?: Date;
}

export async function describeProduction<V extends DiffView | AnalyzeView>(view: V, opts: ProductionOptions): Promise<V> {
  const files = 'good' in view.report ? [...view.report.good.files, ...view.report.bad.files] : view.report.files;
  const sources = view.stdin ? { stdin: view.stdin } : {};
  view.produced = await provenance(files, { version: opts.version, ...(opts.argv ? { argv: opts.argv } : {}), ...sources, ...(opts.generated ? { generated: opts.generated } : {}) });
  view.evidence = await evidenceContext(view.report.findings, opts.around ?? 3, sources);
  return view;
}
