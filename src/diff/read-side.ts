/**
 * Read one side of a diff (a file, an -ff set, or standard input) into its
 * compact form, streaming: events are normalized and dropped as they pass.
 * strace logs, captures and tcpdump text alike; a side may mix them.
 */
import { openTraces, type OpenOptions } from '../readers/open.js';
import { SideBuilder, type Interner, type SideTrace } from './side.js';

export async function readSide(paths: string[], strings: Interner, opts: OpenOptions = {}): Promise<SideTrace> {
  const opened = await openTraces(paths, opts);
  const builder = new SideBuilder(strings, opened.files);
  for await (const batch of opened.events) for (const ev of batch) builder.add(ev);
  return builder.finish();
}
