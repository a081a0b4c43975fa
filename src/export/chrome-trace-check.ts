/**
 * A structural check of Chrome Trace Event Format JSON, for what viewers
 * silently drop or mis-draw: field types, phases, scopes, metadata, colour
 * names, flows that bind to no slice, and — what Perfetto warns about most —
 * duration slices on one thread that overlap without nesting. It checks any
 * trace, but only the phases tracediff writes (X, i, M, s/f) are checked in
 * depth.
 *
 * Rules from the Trace Event Format document
 * (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU)
 * and Perfetto's JSON importer (https://perfetto.dev/docs/getting-started/other-formats):
 * Perfetto reads pid/tid as unsigned 32-bit numbers, timestamps as
 * microseconds rounded to nanoseconds, keeps one thread per tid, and lays
 * overlapping slices of one thread on an overflow track.
 */

/** Every phase the format defines, and what it is. */
export const PHASES: Readonly<Record<string, string>> = {
  B: 'duration begin', E: 'duration end', X: 'complete',
  i: 'instant', I: 'instant (deprecated spelling)',
  C: 'counter',
  b: 'async nestable start', n: 'async nestable instant', e: 'async nestable end',
  S: 'async start (deprecated)', T: 'async step into (deprecated)', p: 'async step past (deprecated)', F: 'async finish (deprecated)',
  s: 'flow start', t: 'flow step', f: 'flow end',
  P: 'sample',
  N: 'object created', O: 'object snapshot', D: 'object destroyed',
  M: 'metadata',
  V: 'memory dump (global)', v: 'memory dump (process)',
  R: 'mark',
  c: 'clock sync',
  '(': 'context enter', ')': 'context leave',
};

/** Instant scopes: global, process, thread. */
export const INSTANT_SCOPES: ReadonlySet<string> = new Set(['g', 'p', 't']);

/** Metadata event names, and the argument each must carry. */
export const METADATA: Readonly<Record<string, { arg: string; type: 'string' | 'integer' | 'array' }>> = {
  process_name: { arg: 'name', type: 'string' },
  process_labels: { arg: 'labels', type: 'string' },
  process_sort_index: { arg: 'sort_index', type: 'integer' },
  thread_name: { arg: 'name', type: 'string' },
  thread_sort_index: { arg: 'sort_index', type: 'integer' },
};

/** Trace Viewer's reserved colour names (catapult tracing/base/color_scheme.html): the only values `cname` may take. */
export const RESERVED_COLOURS: ReadonlySet<string> = new Set([
  'thread_state_uninterruptible', 'thread_state_iowait', 'thread_state_running', 'thread_state_runnable',
  'thread_state_sleeping', 'thread_state_unknown', 'background_memory_dump', 'light_memory_dump',
  'detailed_memory_dump', 'vsync_highlight_color', 'generic_work', 'good', 'bad', 'terrible', 'black', 'grey',
  'white', 'yellow', 'olive', 'rail_response', 'rail_animation', 'rail_idle', 'rail_load', 'startup',
  'heap_dump_stack_frame', 'heap_dump_object_type', 'heap_dump_child_node_arrow', 'cq_build_running',
  'cq_build_passed', 'cq_build_failed', 'cq_build_abandoned', 'cq_build_attempt_runnig', 'cq_build_attempt_passed',
  'cq_build_attempt_failed',
]);

export const DISPLAY_TIME_UNITS: ReadonlySet<string> = new Set(['ms', 'ns']);

const UINT32_MAX = 0xffffffff;

export interface ChromeTraceCheck {
  /** Problems, each naming the event (its index in traceEvents) — empty for a good trace. */
  errors: string[];
  /** Errors beyond `maxErrors` that were counted but not listed. */
  moreErrors: number;
  events: number;
  byPhase: Record<string, number>;
  /** Distinct (pid, tid) pairs that carry slices or instants. */
  tracks: number;
}

interface Slice {
  start: number;
  end: number;
  index: number;
}

type Ev = Record<string, unknown>;

const isObject = (v: unknown): v is Ev => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= UINT32_MAX);

/** The format's microseconds as Perfetto stores them: integer nanoseconds. */
const ns = (us: number) => Math.round(us * 1000);

/** Check a parsed trace: the JSON Object Format (`{traceEvents: [...]}`) or the JSON Array Format. */
export function checkChromeTrace(doc: unknown, opts: { maxErrors?: number } = {}): ChromeTraceCheck {
  const max = opts.maxErrors ?? 50;
  const errors: string[] = [];
  let more = 0;
  const fail = (msg: string) => {
    if (errors.length < max) errors.push(msg);
    else more++;
  };
  let events: unknown[];
  if (Array.isArray(doc)) events = doc;
  else if (isObject(doc) && Array.isArray(doc.traceEvents)) {
    events = doc.traceEvents;
    if (doc.displayTimeUnit !== undefined && !DISPLAY_TIME_UNITS.has(doc.displayTimeUnit as string)) fail(`displayTimeUnit ${JSON.stringify(doc.displayTimeUnit)} is not "ms" or "ns"`);
    if (doc.otherData !== undefined && !isObject(doc.otherData)) fail('otherData is not an object');
  } else {
    return { errors: ['not a trace: neither an array of events nor an object with a traceEvents array'], moreErrors: 0, events: 0, byPhase: {}, tracks: 0 };
  }

  const byPhase: Record<string, number> = {};
  const slices = new Map<string, Slice[]>();
  const threadOf = new Map<number, number>();
  const flowEvents: Array<{ index: number; ph: string; key: string; track: string; ts: number; bp?: unknown }> = [];

  events.forEach((raw, i) => {
    if (!isObject(raw)) {
      fail(`event ${i}: not an object`);
      return;
    }
    const ph = raw.ph;
    const what = `event ${i} (${typeof ph === 'string' ? ph : '?'} ${JSON.stringify(raw.name)})`;
    if (typeof ph !== 'string' || !(ph in PHASES)) {
      fail(`${what}: ph ${JSON.stringify(ph)} is not a phase of the format`);
      return;
    }
    byPhase[ph] = (byPhase[ph] ?? 0) + 1;
    if (ph !== 'E' && typeof raw.name !== 'string') fail(`${what}: name is not a string`);
    if (!isId(raw.pid)) fail(`${what}: pid ${JSON.stringify(raw.pid)} is not an integer in 0..2^32-1`);
    if (!isId(raw.tid)) fail(`${what}: tid ${JSON.stringify(raw.tid)} is not an integer in 0..2^32-1`);
    const tsOk = typeof raw.ts === 'number' && Number.isFinite(raw.ts) && raw.ts >= 0;
    if (!tsOk && !(ph === 'M' && raw.ts === undefined)) fail(`${what}: ts ${JSON.stringify(raw.ts)} is not a finite number >= 0`);
    if (raw.cat !== undefined && typeof raw.cat !== 'string') fail(`${what}: cat is not a string`);
    if (raw.args !== undefined && !isObject(raw.args)) fail(`${what}: args is not an object`);
    if (raw.cname !== undefined && !RESERVED_COLOURS.has(raw.cname as string)) fail(`${what}: cname ${JSON.stringify(raw.cname)} is not a reserved colour name`);
    if (isId(raw.pid) && isId(raw.tid)) {
      const pid = raw.pid as number, tid = raw.tid as number;
      const seen = threadOf.get(tid);
      if (seen === undefined) threadOf.set(tid, pid);
      else if (seen !== pid) fail(`${what}: tid ${tid} appears under pid ${seen} and pid ${pid} (viewers keep one thread per tid)`);
    }
    const track = `${raw.pid as number}/${raw.tid as number}`;
    const addSlice = (start: number, end: number) => {
      let l = slices.get(track);
      if (!l) slices.set(track, (l = []));
      l.push({ start, end, index: i });
    };

    switch (ph) {
      case 'X': {
        if (typeof raw.dur !== 'number' || !Number.isFinite(raw.dur) || raw.dur < 0) fail(`${what}: dur ${JSON.stringify(raw.dur)} is not a finite number >= 0`);
        else if (tsOk) addSlice(ns(raw.ts as number), ns(raw.ts as number) + ns(raw.dur));
        break;
      }
      case 'i':
      case 'I': {
        if (raw.s !== undefined && !INSTANT_SCOPES.has(raw.s as string)) fail(`${what}: scope s ${JSON.stringify(raw.s)} is not g, p or t`);
        // A thread-scoped instant is a zero-length slice of its thread (how Perfetto imports it).
        else if ((raw.s === undefined || raw.s === 't') && tsOk) addSlice(ns(raw.ts as number), ns(raw.ts as number));
        break;
      }
      case 'M': {
        const spec = METADATA[raw.name as string];
        if (!spec) {
          fail(`${what}: metadata name is not one of ${Object.keys(METADATA).join(', ')}`);
          break;
        }
        const v = isObject(raw.args) ? raw.args[spec.arg] : undefined;
        const ok = spec.type === 'string' ? typeof v === 'string' && v !== '' : spec.type === 'integer' ? Number.isInteger(v) : Array.isArray(v);
        if (!ok) fail(`${what}: args.${spec.arg} is missing or not a${spec.type === 'integer' ? 'n integer' : ` ${spec.type}`}`);
        break;
      }
      case 's':
      case 't':
      case 'f': {
        if (!(typeof raw.id === 'number' || typeof raw.id === 'string')) {
          fail(`${what}: flow event without an id`);
          break;
        }
        if (raw.bp !== undefined && raw.bp !== 'e') fail(`${what}: bp ${JSON.stringify(raw.bp)} is not "e"`);
        if (tsOk) flowEvents.push({ index: i, ph, key: `${String(raw.cat)}\n${String(raw.name)}\n${String(raw.id)}`, track, ts: ns(raw.ts as number), bp: raw.bp });
        break;
      }
    }
  });

  // Slices on one thread must nest: sorted by start (longest first on a tie), each one ends before its parent does.
  const maxDur = new Map<string, number>();
  for (const [track, list] of slices) {
    list.sort((a, b) => a.start - b.start || b.end - a.end || a.index - b.index);
    const stack: Slice[] = [];
    let longest = 0;
    for (const s of list) {
      longest = Math.max(longest, s.end - s.start);
      while (stack.length && stack[stack.length - 1]!.end <= s.start) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent && s.end > parent.end) {
        fail(`event ${s.index}: on pid/tid ${track}, [${s.start / 1000}, ${s.end / 1000}] µs overlaps event ${parent.index} [${parent.start / 1000}, ${parent.end / 1000}] µs without nesting`);
        continue;
      }
      stack.push(s);
    }
    maxDur.set(track, longest);
  }

  // Flows: each end after its start, and each binding to a slice of its thread ("s" and bp "e": the enclosing slice; "f" otherwise: the next one).
  const encloses = (track: string, t: number): boolean => {
    const list = slices.get(track);
    if (!list) return false;
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.start <= t) lo = mid + 1;
      else hi = mid;
    }
    const reach = maxDur.get(track) ?? 0;
    for (let j = lo - 1; j >= 0 && list[j]!.start >= t - reach; j--) if (list[j]!.end >= t) return true;
    return false;
  };
  const startsAfter = (track: string, t: number) => (slices.get(track) ?? []).some((s) => s.start >= t);
  const started = new Map<string, number>();
  flowEvents.sort((a, b) => a.ts - b.ts || a.index - b.index);
  for (const f of flowEvents) {
    const bound = f.ph === 's' || f.bp === 'e' ? encloses(f.track, f.ts) : startsAfter(f.track, f.ts);
    if (!bound) fail(`event ${f.index}: flow ${f.ph} at ${f.ts / 1000} µs on pid/tid ${f.track} has no slice to bind to`);
    if (f.ph === 's') {
      if (started.has(f.key)) fail(`event ${f.index}: flow id ${JSON.stringify(f.key.split('\n')[2])} started twice`);
      started.set(f.key, f.ts);
    } else if (!started.has(f.key)) {
      fail(`event ${f.index}: flow ${f.ph} with id ${JSON.stringify(f.key.split('\n')[2])} has no earlier start`);
    } else if (f.ph === 'f') {
      started.delete(f.key);
    }
  }

  return { errors, moreErrors: more, events: events.length, byPhase, tracks: slices.size };
}
