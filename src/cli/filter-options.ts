/**
 * The filter options every command takes (docs/filters.md): --pid,
 * --trace=SET and --ignore=SET as strace's -e trace= spells them, and
 * --host/--port for packets as tcpdump's host and port.
 */
import type { Argv } from 'yargs';
import { buildEventFilter, FilterSpecError, parseHostArgs, parsePidArgs, parsePortArgs, type EventFilterSpec } from '../filter/event-filter.js';
import { UsageError } from './common.js';

export function filterOptions<T>(y: Argv<T>) {
  return y
    .option('pid', { type: 'string', array: true, requiresArg: true, describe: "keep only these processes' events (repeatable, or N,M; children are not followed)", group: 'Filters:' })
    .option('trace', { type: 'string', requiresArg: true, describe: "keep only these syscalls, as strace -e trace=SET: names, classes (%file, %network, %process, %memory, %signal, %desc, …), /regex, !negation", group: 'Filters:' })
    .option('ignore', { type: 'string', requiresArg: true, describe: 'drop these syscalls (same syntax as --trace)', group: 'Filters:' })
    .option('host', { type: 'string', array: true, requiresArg: true, describe: 'keep only packets to or from this address (repeatable; IPv4 or IPv6)', group: 'Filters:' })
    .option('port', { type: 'string', array: true, requiresArg: true, describe: 'keep only packets to or from this TCP/UDP port (repeatable, or N,M); ICMP errors about it stay', group: 'Filters:' });
}

interface FilterArgs {
  pid?: Array<string | number> | undefined;
  trace?: string | undefined;
  ignore?: string | undefined;
  host?: Array<string | number> | undefined;
  port?: Array<string | number> | undefined;
}

/** The filter the options ask for, checked now so a bad set is one line and exit 2 before any input is read. */
export function filterSpec(args: FilterArgs): EventFilterSpec | undefined {
  try {
    const spec: EventFilterSpec = {};
    if (args.pid?.length) spec.pids = parsePidArgs(args.pid);
    if (args.trace !== undefined) spec.trace = String(args.trace);
    if (args.ignore !== undefined) spec.ignore = String(args.ignore);
    if (args.host?.length) spec.hosts = parseHostArgs(args.host);
    if (args.port?.length) spec.ports = parsePortArgs(args.port);
    if (Object.keys(spec).length === 0) return undefined;
    buildEventFilter(spec);
    return spec;
  } catch (e) {
    if (e instanceof FilterSpecError) throw new UsageError(e.message);
    throw e;
  }
}
