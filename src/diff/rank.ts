/**
 * Which differences matter: the noise rules of src/knowledge/diff-rules.ts
 * applied to outcomes and to calls that only one side makes.
 */
import { NOISE_CLASSES } from '../knowledge/syscall-families.js';
import { NOISE_GAP_FAMILIES, NOT_NOW_ERRNOS, NOISE_SIGNALS, OPERATOR_STOP_SIGNALS, OUTCOME_NOISE, PROBE_ERRNOS, PROBE_FAMILIES, RANDOM_TOKEN_MAX_DIFFERENCES, RANDOM_TOKEN_MIN_LENGTH } from '../knowledge/diff-rules.js';
import type { EventClass } from './normalize.js';

/** Two outcomes of the same call that two good runs could show. */
export function outcomesEquivalent(family: string, cls: EventClass, a: string, b: string, inLoop = false): boolean {
  if (a === b) return true;
  for (const rule of OUTCOME_NOISE) {
    if (rule.inLoops && !inLoop) continue;
    if (!rule.calls.some((c) => c === '*' || c === family || c === `class:${cls}`)) continue;
    if (rule.outcomes === '*' || (rule.outcomes.includes(a) && rule.outcomes.includes(b))) return true;
  }
  return false;
}

export interface ItemView {
  family: string;
  cls: EventClass;
  outcome: string;
  onSocket: boolean;
  /** For signal deliveries: which signal. */
  signal?: string;
  /** The last event of an attached process: where tracing stopped. */
  endOfAttached: boolean;
}

/**
 * Whether a call that only one side makes is behaviour (a divergence) or
 * noise: noise classes, bookkeeping closes of files, path probes that
 * fail, operator stops at the end of an attached trace and timing signals
 * are not; everything else, and any real failure, is.
 */
export function isSignificant(v: ItemView): boolean {
  const failed = v.outcome.startsWith('E:') || v.outcome.startsWith('killed:');
  if (v.cls === 'signal') return !NOISE_SIGNALS.has(v.signal ?? '');
  if (v.cls === 'exit') {
    if (v.endOfAttached && v.outcome.startsWith('killed:') && OPERATOR_STOP_SIGNALS.has(v.outcome.slice(7).replace('+core', ''))) return false;
    return true;
  }
  if (failed && NOT_NOW_ERRNOS.has(v.outcome)) return false;
  if (v.outcome === 'unfinished' && v.endOfAttached) return false;
  if (failed && PROBE_ERRNOS.has(v.outcome) && PROBE_FAMILIES.has(v.family)) return false;
  if (NOISE_GAP_FAMILIES[v.family] !== undefined) return false;
  if (failed) return true;
  if (NOISE_CLASSES.has(v.cls as never)) return false;
  if (v.family === 'close' && !v.onSocket) return false;
  return true;
}

const TOKEN_SPLIT = /([/".\- :<>|=,])/;
const RANDOMISH = /^[A-Za-z0-9_]+$/;

/**
 * Keys that differ only in a few same-length alphanumeric tokens: the same
 * call on a name with a random part (tempfile's `td-ub_f23zn.out` against
 * `td-2n5ox_yc.out`).
 */
export function similarKeys(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  const ta = a.split(TOKEN_SPLIT);
  const tb = b.split(TOKEN_SPLIT);
  if (ta.length !== tb.length || ta[0] !== tb[0]) return false;
  let diffs = 0;
  for (let k = 0; k < ta.length; k++) {
    const x = ta[k]!;
    const y = tb[k]!;
    if (x === y) continue;
    if (x.length !== y.length || x.length < RANDOM_TOKEN_MIN_LENGTH || !RANDOMISH.test(x) || !RANDOMISH.test(y)) return false;
    if (++diffs > RANDOM_TOKEN_MAX_DIFFERENCES) return false;
  }
  return true;
}
