/**
 * A finding as the rules produce it: evidence as locations; the report
 * quotes their text (src/findings/index.ts).
 */
import type { Location } from '../model/events.js';
import type { Severity } from '../knowledge/findings.js';

export interface RawFinding {
  id: string;
  severity: Severity;
  title: string;
  explanation: string;
  evidence: Location[];
  /** What the finding is about, for telling the same finding in two runs apart from a new one ("tcp:127.0.0.1.18182"). */
  subject: string;
  /** TCP connections (analysis ids) it is about, for merging with a syscall failure on the same connection. */
  conns?: number[];
  /** For syscall failures: the process and fd the first failure was on. */
  socket?: { pid: number; fd: number; at: Location };
}
