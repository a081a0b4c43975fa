/**
 * process.* and socket.*: how processes ended, calls blocked when the
 * trace ended (and the single-threaded server stuck on one client that
 * seed 004 is about), calls that took long, small listen backlogs.
 */
import { familyOf, classOf, READ_FAMILIES } from '../../knowledge/syscall-families.js';
import { FATAL_SIGNAL_ADVICE, STOP_SIGNALS } from '../../knowledge/signal-advice.js';
import { IDLE_AT_END } from '../../knowledge/findings.js';
import type { FdInfo, Location } from '../../model/events.js';
import type { Incident, ListenFacts } from '../incident.js';
import type { RawFinding } from '../types.js';
import { makeFinding, seconds } from './make.js';

/** A listen backlog at or below this is small enough to overflow under a stall (Python's socketserver uses 5; nginx 511). */
const SMALL_BACKLOG = 16;
/** Slow calls reported, longest first. */
const SLOW_REPORTED = 3;

function targetOf(fds: FdInfo[]): string {
  const f = fds[0];
  if (!f) return 'no fd';
  if (f.type === 'socket') return `fd ${f.fd}, a ${f.proto ?? ''} socket${f.local && f.peer ? ` ${f.local} -> ${f.peer}` : ''}`.replace(' a  socket', ' a socket');
  return `fd ${f.fd}${f.path ? ` (${f.path})` : ''}`;
}

function listenText(l: ListenFacts): string {
  return l.local ?? `fd ${l.fd}`;
}

export function processFindings(inc: Incident): RawFinding[] {
  const out: RawFinding[] = [];
  // The threads of a killed process all report the signal: one finding for them.
  const killed = new Map<string, RawFinding>();
  for (const p of inc.processes) {
    const e = p.exit;
    if (!e) continue;
    const program = p.program ?? 'program unknown';
    // A trace without pids (strace without -f) files everything under pid 0.
    const proc = p.pid === 0 ? 'The traced process' : `Process ${p.pid}`;
    if (e.signal) {
      const same = killed.get(`${program} ${e.signal}`);
      if (same) {
        same.evidence.push(e.at);
        continue;
      }
      const advice = FATAL_SIGNAL_ADVICE[e.signal] ?? '';
      const fault = p.lastSignal?.signal === e.signal && p.lastSignal.infoText ? ` (${p.lastSignal.infoText})` : '';
      const evidence: Location[] = p.lastSignal?.signal === e.signal ? [p.lastSignal.at, e.at] : [e.at];
      const f = makeFinding('process.killed', { proc, program, signal: e.signal, core: `${fault}${e.coreDumped ? ', and a core was dumped' : ''}`, advice }, evidence, `killed ${program} ${e.signal}`, STOP_SIGNALS.has(e.signal) ? 'warning' : undefined);
      killed.set(`${program} ${e.signal}`, f);
      out.push(f);
    } else if (e.code !== undefined && e.code !== 0) {
      const root = p.pid === inc.rootPid;
      out.push(makeFinding(root ? 'process.exit-nonzero' : 'process.child-exit-nonzero', { proc: root ? proc : proc.toLowerCase(), program, code: e.code }, [e.at], `exit ${program} ${e.code}`));
    }
  }

  const sys = inc.syscalls;
  if (!sys) return out;
  const blockedAt = new Set<string>();
  for (const b of sys.blocked) {
    const family = familyOf(b.call);
    // A process waiting for work at the end of a trace is idle, not stuck.
    if (IDLE_AT_END.classes.has(classOf(family)) || IDLE_AT_END.families.has(family)) continue;
    // When the blocked call is the trace's last line, the trace cannot say how long; a capture of the same run that goes on can.
    let blockedFor = b.blockedFor;
    let atLeast = '';
    if ((blockedFor === undefined || blockedFor === 0) && b.time !== undefined && inc.lastPacketTime !== undefined) {
      const onCapture = b.time + (inc.straceToCapture ?? 0);
      if (inc.lastPacketTime > onCapture) {
        blockedFor = inc.lastPacketTime - onCapture;
        atLeast = 'at least ';
      }
    }
    const duration = blockedFor !== undefined && blockedFor > 0 ? `${atLeast}${seconds(blockedFor)}${atLeast ? ' (to the capture\'s last packet)' : ''}` : 'for an unknown time (it is the trace\'s last line)';
    const vars = { call: b.call, proc: b.pid !== undefined ? `process ${b.pid}` : 'the traced process', target: targetOf(b.fds), since: b.timeText ?? 'its start', duration };
    blockedAt.add(`${b.at.file}:${b.at.line}`);
    const sock = b.fds[0];
    const listen = inc.listens.find((l) => l.pid === b.pid);
    const accepted = sock?.type === 'socket' && [...sys.fdLifetimes.values()].some((lives) => lives.some((life) => (b.pid === undefined || life.pid === b.pid) && life.fd === sock.fd && life.createdBy.startsWith('accept') && life.openAtEnd));
    if (READ_FAMILIES.has(family) && accepted && listen) {
      const backlog = listen.backlog <= SMALL_BACKLOG ? ` (its listen backlog is ${listen.backlog})` : '';
      out.push(makeFinding('process.stuck-server', { ...vars, listener: listenText(listen), backlog }, [b.at, listen.at], `stuck ${b.pid} ${b.call}`));
    } else out.push(makeFinding('process.blocked', vars, [b.at], `blocked ${b.call} ${vars.target.replace(/\d+/g, 'N')}`));
  }

  const slow = sys.slow.filter((s) => s.kind === 'slow' && !blockedAt.has(`${s.at.file}:${s.at.line}`)).sort((a, b) => b.seconds - a.seconds).slice(0, SLOW_REPORTED);
  for (const s of slow) {
    out.push(makeFinding('process.slow-call', { call: s.call, proc: s.pid !== undefined ? `process ${s.pid}` : 'the traced process', target: targetOf(s.fds), duration: seconds(s.seconds), from: s.durationFrom === '-T' ? 'strace -T' : s.durationFrom === 'resumed' ? 'its resumed line' : 'the next call of the process' }, [s.at], `slow ${s.call}`));
  }

  for (const l of inc.listens) {
    if (l.backlog > SMALL_BACKLOG) continue;
    const stuck = out.some((f) => f.id === 'process.stuck-server');
    out.push(makeFinding('socket.listen-backlog', { backlog: l.backlog, listener: listenText(l) }, [l.at], `backlog ${listenText(l).replace(/.*[:.]/, '')} ${l.backlog}`, stuck ? 'warning' : 'info'));
  }
  return out;
}
