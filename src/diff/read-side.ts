/**
 * Read one side of a diff (a file, an -ff set, or standard input) into its
 * compact form, streaming: events are normalized and dropped as they pass.
 */
import { InputError, openTraces, type OpenOptions } from '../readers/open.js';
import { SideBuilder, type Interner, type SideTrace } from './side.js';

export async function readSide(paths: string[], strings: Interner, opts: OpenOptions = {}): Promise<SideTrace> {
  const opened = await openTraces(paths, opts);
  // The differ aligns syscalls; packets would pass through it unseen and a
  // pair of captures would look identical. Say so rather than answer "same".
  for (const [file, format] of opened.formats) {
    if (format !== 'strace') {
      await opened.events.return(undefined);
      throw new InputError(`${file} is ${format === 'tcpdump' ? 'tcpdump text' : `a ${format} capture`}: this version of tracediff diffs strace logs only (\`tracediff parse ${file}\` reads it)`);
    }
  }
  const builder = new SideBuilder(strings, opened.files);
  for await (const batch of opened.events) for (const ev of batch) builder.add(ev);
  return builder.finish();
}
