/**
 * Plain sentences for what the differ found: what the call was, what it
 * was done on, and how it ended in each run. Built from the raw line (re-read
 * by the envelope scanner) and the alignment key's description of its target.
 */
import { scanLine } from '../../grammars/strace/envelope.js';
import { errnoByName } from '../knowledge/errno.js';
import { packetDivergenceSummary, packetMissingSummary } from './describe-packet.js';
import { seconds } from './duration-text.js';

export interface Quoted {
  /** The event's first line, and its last when the call was split (unfinished … resumed). */
  text: string;
  endText?: string;
  key: string;
  outcome: string;
  /** Seconds the call took, when known; for a packet, the wait since its flow's previous packet. */
  duration?: number;
  /** A packet step, not a call (src/diff/describe-packet.ts words it). */
  packet?: boolean;
}

interface CallFacts {
  name: string;
  result?: string;
  errno?: string;
  errnoMessage?: string;
}

function facts(q: Quoted): CallFacts {
  const first = scanLine(q.text);
  const last = q.endText !== undefined ? scanLine(q.endText) : first;
  const name = first.name ?? last.name ?? q.key.split(' ', 1)[0]!;
  const f: CallFacts = { name };
  const r = last.result !== undefined ? last : first;
  if (r.result !== undefined) f.result = r.result;
  if (r.errno !== undefined) f.errno = r.errno;
  if (r.errnoMessage !== undefined) f.errnoMessage = r.errnoMessage;
  return f;
}

/** What the key says the call was done on, in words. */
export function targetText(key: string): string {
  const words: string[] = [];
  let lastFdPath: string | undefined;
  for (const part of key.split(' ').slice(1)) {
    if (part.startsWith('file:') || part.startsWith('dir:') || part.startsWith('device:')) {
      lastFdPath = part.slice(part.indexOf(':') + 1);
      words.push(pathWords(lastFdPath));
    } else if (part.startsWith('sock:')) words.push(socketWords(part.slice(5)));
    else if (part === 'pipe') words.push('a pipe');
    else if (part.startsWith('"')) {
      const path = JSON.parse(part.replace(/^("(?:[^"\\]|\\.)*").*$/, '$1')) as string;
      // A relative name is resolved against the directory fd before it (openat(dirfd, "rpc")): say the whole path.
      if (!path.startsWith('/') && lastFdPath !== undefined) {
        words.pop();
        words.push(pathWords(`${lastFdPath.replace(/\/$/, '')}/${path}`));
      } else words.push(pathWords(path));
    }
  }
  const unique = [...new Set(words)];
  return unique.length ? ` on ${unique.join(' and ')}` : '';
}

function pathWords(masked: string): string {
  if (!masked.includes('<')) return masked;
  const dir = masked.slice(0, masked.lastIndexOf('/') + 1);
  return dir && !dir.includes('<') ? `a file in ${dir}` : `a file like ${masked}`;
}

function socketWords(s: string): string {
  const parts = s.split(':');
  const proto = ['tcp', 'udp', 'unix', 'unix-dgram', 'netlink'].includes(parts[0]!) ? parts.shift()!.toUpperCase() + ' ' : '';
  const [role, port] = parts;
  switch (role) {
    case 'connected': return `the ${proto}connection to ${port && port !== '*' ? 'port ' + port : 'a server'}`;
    case 'accepted': return `the ${proto}connection from the client${port ? ' (port ' + port + ')' : ''}`;
    case 'listening': return `the ${proto}listening socket`;
    case 'bound': return `the ${proto}socket bound to ${port ? 'port ' + port : 'an address'}`;
    default: return `a ${proto}socket`;
  }
}

/** How an event ended, as a phrase: "failed with ENOSPC (No space left on device)", "returned 12288". */
export function outcomeText(q: Quoted): string {
  if (q.outcome.startsWith('exit:')) return `exited with status ${q.outcome.slice(5)}`;
  if (q.outcome.startsWith('killed:')) return `was killed by ${q.outcome.slice(7).replace('+core', ' (core dumped)')}`;
  if (q.outcome === 'unfinished') return 'never returned (the trace ends inside the call)';
  const f = facts(q);
  if (f.errno) {
    const msg = f.errnoMessage ?? errnoByName(f.errno)?.message;
    return `failed with ${f.errno}${msg ? ` (${msg})` : ''}`;
  }
  if (q.outcome === 'E:ECONNREFUSED' || q.outcome.startsWith('E:')) return `reported ${q.outcome.slice(2)}`;
  if (q.outcome === 'eof') return 'returned 0 (end of file: the peer closed)';
  if (q.outcome === 'timeout') return 'timed out';
  return f.result !== undefined ? `returned ${f.result}` : 'succeeded';
}

function callText(q: Quoted): string {
  if (q.outcome.startsWith('exit:') || q.outcome.startsWith('killed:')) return 'the process';
  if (q.key.startsWith('signal:')) return q.key.slice(7).replace(/:stop$/, '');
  return `${facts(q).name}${targetText(q.key)}`;
}


export function divergenceSummary(kind: 'result' | 'missing' | 'extra' | 'timing', good: Quoted | null, bad: Quoted | null): string {
  if ((kind === 'missing' ? good : bad)?.packet) return packetDivergenceSummary(kind, good, bad);
  switch (kind) {
    case 'result':
      return `${cap(callText(bad!))} ${outcomeText(bad!)} in bad; in good it ${outcomeText(good!)}.`;
    case 'missing':
      return `Good goes on to ${callText(good!)}${bad ? '' : ' from the start'}; bad never does it${bad ? ' after this point' : ''}.`;
    case 'extra':
      return `Bad does ${callText(bad!)} (${outcomeText(bad!)}), which good never does here.`;
    case 'timing':
      return `${cap(callText(bad!))} took ${seconds(bad!.duration ?? 0)} in bad and ${seconds(good!.duration ?? 0)} in good; nothing else differs before it.`;
  }
}

export function missingSummary(q: Quoted, count: number): string {
  if (q.packet) return packetMissingSummary(q, count);
  return `${cap(callText(q))}: ${count === 1 ? 'once' : `${count} times`} in good after the divergence; bad never does it from there on.`;
}

/** Sentence case for prose, but a syscall name stays as the kernel spells it. */
const cap = (s: string) => (/^(the|a|an) /.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s);
