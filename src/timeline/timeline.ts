/**
 * One timeline from several sources of the same run: each source's clock is
 * classified from its first timed event, moved onto the common axis
 * (clock.ts), and the streams are merged by that axis (mergeByTime). Events
 * keep their own `time`/`timeText`; an event whose timeline time differs from
 * `time` carries it in `at`. See docs/timeline.md.
 */
import type { TraceEvent } from '../model/events.js';
import type { Format } from '../readers/detect.js';
import { mergeByTime } from '../readers/trace-set.js';
import { classifyClock, placeClocks, type ClockInfo, type TcpdumpTimeMode } from './clock.js';

export type { ClockInfo, ClockKind } from './clock.js';

/** An event on the timeline: `at` is set when the timeline time differs from `time`. */
/** Every event can carry `at` (src/model/events.ts); the alias stays for readers of this module. */
export type TimelineEvent = TraceEvent;

/** The time an event is ordered by: `at` when the source was moved, else `time`. */
export function timelineTime(ev: TraceEvent): number | undefined {
  return (ev as TimelineEvent).at ?? ev.time;
}

export interface TimelineSource {
  file: string;
  format: Format;
  events: AsyncGenerator<TraceEvent[]>;
  /** tcpdump text: how its HH:MM:SS stamps count. */
  tcpdumpMode?: TcpdumpTimeMode;
}

export interface Timeline {
  events: AsyncGenerator<TraceEvent[]>;
  clocks: Map<string, ClockInfo>;
}

/** How many events are looked at for a first timestamp before a source is taken as having none. */
export const PEEK_EVENTS = 10_000;

/**
 * Read a stream up to its first event that has a time (at most `limit`
 * events), and give back that event plus a stream that replays what was
 * read. A read error while peeking is deferred to the replay, so it surfaces
 * where it would have without the peek.
 */
export async function peekFirstTimed(
  it: AsyncGenerator<TraceEvent[]>,
  limit = PEEK_EVENTS,
): Promise<{ first: TraceEvent | undefined; events: AsyncGenerator<TraceEvent[]> }> {
  const held: TraceEvent[][] = [];
  let seen = 0;
  let first: TraceEvent | undefined;
  let failure: { error: unknown } | undefined;
  let ended = false;
  try {
    while (!first && seen < limit) {
      const r = await it.next();
      if (r.done) { ended = true; break; }
      held.push(r.value);
      seen += r.value.length;
      first = r.value.find((e) => e.time !== undefined);
    }
  } catch (error) {
    failure = { error };
  }
  async function* replay(): AsyncGenerator<TraceEvent[]> {
    try {
      while (held.length) yield held.shift()!;
      if (failure) throw failure.error;
      if (!ended) yield* it;
    } finally {
      await it.return(undefined);
    }
  }
  return { first, events: replay() };
}

/** Put `at` on every timed event of a moved source. */
async function* shifted(it: AsyncGenerator<TraceEvent[]>, shift: number): AsyncGenerator<TraceEvent[]> {
  for await (const batch of it) {
    for (const ev of batch) if (ev.time !== undefined) (ev as TimelineEvent).at = ev.time + shift;
    yield batch;
  }
}

/**
 * Classify and place every source, then merge: timed sources (epoch and
 * midnight) interleave on the common axis, ties in the order given;
 * relative and untimed sources follow them, in the order given.
 * `offsets`: --clock-offset, by file (already matched to the sources' names).
 */
export async function buildTimeline(sources: TimelineSource[], offsets: Map<string, number> = new Map()): Promise<Timeline> {
  const peeked: Array<Awaited<ReturnType<typeof peekFirstTimed>>> = [];
  for (const s of sources) peeked.push(await peekFirstTimed(s.events));
  const classified = sources.map((s, i) => {
    const first = peeked[i]!.first;
    return {
      file: s.file,
      format: s.format,
      kind: classifyClock(s.format, first, s.tcpdumpMode),
      ...(first?.time !== undefined ? { first: first.time } : {}),
      ...(first?.timeText !== undefined ? { firstText: first.timeText } : {}),
    };
  });
  for (const c of classified) {
    if (offsets.has(c.file) && (c.kind === 'relative' || c.kind === 'none')) {
      for (const p of peeked) await p.events.return(undefined);
      throw new ClockOffsetError(`${c.file} has ${c.kind === 'none' ? 'no timestamps' : 'only relative timestamps'}: --clock-offset cannot place it on the timeline`);
    }
  }
  const clocks = placeClocks(classified, offsets);
  const streams = sources.map((s, i) => {
    const shift = clocks.get(s.file)?.shift ?? 0;
    return shift !== 0 ? shifted(peeked[i]!.events, shift) : peeked[i]!.events;
  });
  const kinds = sources.map((s) => clocks.get(s.file)!.kind);
  return { events: streams.length === 1 ? streams[0]! : mergeByTime(streams, kinds), clocks };
}

/** A --clock-offset that cannot apply (the caller turns it into an InputError / usage error). */
export class ClockOffsetError extends Error {}
