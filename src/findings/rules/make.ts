/** Building a finding from its catalogue entry (src/knowledge/findings.ts). */
import type { Location } from '../../model/events.js';
import { fillTemplate, findingKind, type Severity } from '../../knowledge/findings.js';
import type { RawFinding } from '../types.js';

export function makeFinding(id: string, vars: Record<string, string | number | undefined>, evidence: Location[], subject: string, severity?: Severity): RawFinding {
  const kind = findingKind(id);
  if (!kind) throw new Error(`finding ${id} is not in the catalogue`);
  return {
    id,
    severity: severity ?? kind.severity,
    title: fillTemplate(kind.title, vars),
    explanation: fillTemplate(kind.explanation, vars),
    evidence,
    subject,
  };
}

export const seconds = (d: number): string => (d >= 100 ? `${d.toFixed(0)} s` : d >= 1 ? `${d.toFixed(d >= 10 ? 1 : 2)} s` : `${(d * 1000).toFixed(d < 0.01 ? 2 : 0)} ms`);
