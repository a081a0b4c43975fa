/**
 * Findings attached to a diff: what the bad run shows that the good run
 * does not (a finding both runs give, same id and subject, is part of the
 * work, not of the failure), with the one whose evidence is the divergence
 * itself first and marked `explainsDivergence`.
 */
import type { Finding, Located } from '../report/diff-report.js';
import type { LineSources } from '../report/source-lines.js';
import { quoteFindings } from './index.js';
import type { RawFinding } from './types.js';

const sameLocation = (a: { file: string; line?: number; packet?: number }, b: Located) =>
  a.file === b.file && (b.line !== undefined ? a.line === b.line : a.packet === b.packet && a.line === undefined);

export async function diffFindings(good: RawFinding[], bad: RawFinding[], divergenceBad: Located | null, sources: LineSources = {}): Promise<Finding[]> {
  const inGood = new Set(good.map((f) => `${f.id} ${f.subject}`));
  const own = bad.filter((f) => !inGood.has(`${f.id} ${f.subject}`));
  const at = divergenceBad ? own.findIndex((f) => f.evidence.some((e) => sameLocation(e, divergenceBad))) : -1;
  const ordered = at >= 0 ? [own[at]!, ...own.filter((_, i) => i !== at)] : own;
  const quoted = await quoteFindings(ordered, sources);
  if (at >= 0) quoted[0]!.explainsDivergence = true;
  return quoted;
}
