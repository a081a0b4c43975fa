/**
 * A packet event as the line `tcpdump -n -tt` prints for it, for reports
 * that quote a packet (captures have no text line to quote).
 */
import type { PacketEvent } from '../model/events.js';

export interface PacketLineOptions {
  /** Start with the packet's time as the trace gave it (default true). */
  time?: boolean;
  /** Print TCP options (default true); reports leave them out, they push the flags out of a narrow column. */
  options?: boolean;
}

export function packetLine(ev: PacketEvent, opts: PacketLineOptions = {}): string {
  const withTime = opts.time ?? true;
  const time = withTime && ev.timeText !== undefined ? `${ev.timeText} ` : '';
  const link = ev.iface !== undefined || ev.direction !== undefined ? `${ev.iface ?? '?'} ${ev.direction ?? ''} `.replace(/ +$/, ' ') : '';
  let body: string;
  if (ev.proto === 'tcp' && ev.flags !== undefined) {
    body = `Flags [${ev.flags}]`;
    if (ev.seq !== undefined) body += `, seq ${ev.seq}${ev.len ? `:${(ev.seq + ev.len) >>> 0}` : ''}`;
    if (ev.ack !== undefined) body += `, ack ${ev.ack}`;
    if (ev.win !== undefined) body += `, win ${ev.win}`;
    if (ev.urg !== undefined) body += `, urg ${ev.urg}`;
    if (ev.options?.length && opts.options !== false) body += `, options [${ev.options.join(',')}]`;
    if (ev.len !== undefined) body += `, length ${ev.len}`;
  } else body = ev.info ?? ev.proto;
  if (ev.truncated && !body.includes('[|')) body += ` [|${ev.proto}]`;
  const head = ev.network && ev.src !== undefined ? `${ev.network} ${ev.src} > ${ev.dst}: ` : '';
  return `${time}${link}${head}${body}`;
}
