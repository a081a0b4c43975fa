/**
 * Read one side of a diff (a file, an -ff set, or standard input) into its
 * compact form, streaming: events are normalized and dropped as they pass.
 * strace logs, captures and tcpdump text alike; a side may mix them.
 */
import type { TraceEvent } from '../model/events.js';
import type { PacketAnalysis } from '../analysis/tcp/index.js';
import { openTraces, type OpenOptions } from '../readers/open.js';
import { SideBuilder, type Interner, type SideBuilderOptions, type SideTrace } from './side.js';

/**
 * Something else that wants each event as it passes (the findings' incident
 * builder), so a side is read once. It analyses the packets' TCP, and hands
 * its answer on so the differ does not analyse them again.
 */
export interface EventSink {
  add(ev: TraceEvent): PacketAnalysis | null | undefined;
  /** Subscribes to the ids of connections its analysis lets go of, so the differ lets go of their flows too. */
  onConnectionRetired?(listener: (conn: number) => void): void;
}

export async function readSide(paths: string[], strings: Interner, opts: OpenOptions = {}, also?: (files: string[]) => EventSink, side: SideBuilderOptions = {}): Promise<SideTrace> {
  const opened = await openTraces(paths, opts);
  const builder = new SideBuilder(strings, opened.files, side);
  const sink = also?.(opened.files);
  sink?.onConnectionRetired?.((conn) => builder.connectionRetired(conn));
  for await (const batch of opened.events) {
    for (const ev of batch) {
      if (sink) builder.add(ev, sink.add(ev));
      else builder.add(ev);
    }
  }
  return builder.finish();
}
