/**
 * errno.*: failed calls that no routine rule explains (the syscall
 * analysis's notable failures), one finding per errno and call family,
 * with strace's meaning of the errno and, where the errno is one that ends
 * up in incidents, its usual causes and what to check
 * (src/knowledge/errno-advice.ts).
 */
import { errnoByName } from '../../knowledge/errno.js';
import { errnoAdvice } from '../../knowledge/errno-advice.js';
import { fillTemplate } from '../../knowledge/findings.js';
import type { FdInfo } from '../../model/events.js';
import type { Incident } from '../incident.js';
import type { RawFinding } from '../types.js';

/** At most this many failing calls quoted as evidence per finding. */
const EVIDENCE_LIMIT = 5;

/** A socket known only by its inode (`TCP:[468027]`): its connection is named when the capture is correlated. */
export const SOCKET_BY_INODE = /^[A-Za-z0-9]+:\[\d+\]$/;

function fdText(fd: FdInfo): string {
  if (fd.path && SOCKET_BY_INODE.test(fd.path)) return `a ${fd.path.slice(0, fd.path.indexOf(':'))} socket`;
  if (fd.path) return fd.path;
  if (fd.type === 'socket') return `a ${fd.proto ?? ''} socket${fd.peer ? ` to ${fd.peer}` : fd.local ? ` on ${fd.local}` : ''}`.replace('  ', ' ');
  return `fd ${fd.fd}`;
}

export function errnoFindings(inc: Incident): RawFinding[] {
  const out: RawFinding[] = [];
  for (const g of inc.syscalls?.failures ?? []) {
    if (g.notable.count === 0) continue;
    const first = g.notable.samples[0];
    const target = first?.path ?? (first?.fd ? fdText(first.fd) : undefined);
    const info = errnoByName(g.errno);
    const advice = errnoAdvice(g.errno, g.family);
    const calls = g.notable.calls.join(', ');
    const times = g.notable.count === 1 ? '' : ` ${g.notable.count} times`;
    const where = target ? ` on ${target}` : '';
    const meaning = info ? `${g.errno} is "${info.message}".` : `${g.errno} is not an errno this version knows.`;
    const vars = { target: target ?? 'the file or socket it names' };
    const explanation = advice
      ? `${calls} failed with ${meaning} Usually this means ${fillTemplate(advice.causes, vars)}. Check ${fillTemplate(advice.check, vars)}.`
      : `${calls} failed with ${meaning} The call's arguments and what the program did next (see the evidence) say what it was trying to do.`;
    // A failure the process shrugged off (it went on and exited 0) is worth a look, not an alarm.
    const severity = advice?.severity ?? 'warning';
    const shrugged = severity === 'warning' && g.notable.samples.every((x) => x.pid !== undefined && inc.processes.find((p) => p.pid === x.pid)?.exit?.code === 0);
    const f: RawFinding = {
      // strace prints an errno it has no name for as "(errno 123)": the id stays dotted, errno.123.
      id: `errno.${/^errno (\d+)$/.exec(g.errno)?.[1] ?? g.errno}`,
      severity: shrugged ? 'info' : severity,
      title: `${calls} failed with ${g.errno}${info ? ` (${info.message})` : ''}${where}${times}`,
      explanation,
      evidence: g.notable.samples.slice(0, EVIDENCE_LIMIT).map((s) => s.at),
      subject: `${g.errno} ${g.family} ${target ?? ''}`,
    };
    if (first?.pid !== undefined && first.fd) f.socket = { pid: first.pid, fd: first.fd.fd, at: first.at };
    out.push(f);
  }
  return out;
}
