/**
 * Plain sentences for differences between captures: which flow, who sent
 * what, and what it means when one packet stands where another should be.
 * Built from the alignment key (`tcp:18186 s>c RST`); the words for steps
 * and the meanings are data in src/knowledge/packet-diff-rules.ts.
 */
import { ICMP6_TYPES, ICMP6_UNREACH, ICMP_TIME_EXCEEDED, ICMP_TYPES, ICMP_UNREACH } from '../knowledge/icmp.js';
import { REPLACEMENT_MEANINGS, SEGMENT_ROLES } from '../knowledge/packet-diff-rules.js';
import type { Quoted } from './describe.js';
import { seconds } from './duration-text.js';

interface Step {
  proto: string;
  port?: string;
  fromClient: boolean;
  word: string;
}

function step(key: string): Step {
  const [signature = '', dir = '', ...rest] = key.split(' ');
  const [proto = '', port] = signature.split(':');
  return { proto, ...(port !== undefined ? { port } : {}), fromClient: dir === 'c>s', word: rest.join(' ') };
}

const PLACEHOLDER = /\{[a-z]+\}\s*/g;

/** "ICMP-3/3" → "an ICMP port unreachable". */
function icmpPhrase(word: string): string {
  const m = /^ICMP(6?)-(\d+|\?)\/(\d+|\?)$/.exec(word);
  if (!m) return `an ${word}`;
  const [, v6, t, c] = m;
  const type = Number(t);
  const code = Number(c);
  let name: string | undefined;
  if (v6) name = type === 1 ? ICMP6_UNREACH.get(code) ?? ICMP6_TYPES.get(type) : ICMP6_TYPES.get(type);
  else if (type === 3) name = ICMP_UNREACH.get(code)?.replace(PLACEHOLDER, '').trim();
  else if (type === 11) name = ICMP_TIME_EXCEEDED.get(code);
  else name = ICMP_TYPES.get(type);
  return `an ICMP${v6 ? 'v6' : ''} ${name ?? `type ${t} code ${c}`}`;
}

function what(s: Step): string {
  if (s.word.startsWith('ICMP')) return icmpPhrase(s.word);
  if (s.word === 'packet') return `a ${s.proto.toUpperCase()} packet`;
  return SEGMENT_ROLES.find((r) => r.word === s.word)?.phrase ?? s.word;
}

function who(s: Step): string {
  return s.fromClient ? 'client' : 'server';
}

function flow(s: Step): string {
  if (s.proto === 'tcp') return `the TCP connection to port ${s.port}`;
  if (s.proto === 'udp') return `the UDP flow to port ${s.port}`;
  return `the ${s.proto.toUpperCase()} exchange between the two hosts`;
}

function meaning(good: Step, bad: Step): string {
  const b = bad.word.startsWith('ICMP') ? 'ICMP' : bad.word;
  const m = REPLACEMENT_MEANINGS.find((r) => r.good === good.word && r.bad === b);
  return m ? ` (${m.meaning})` : '';
}


export function packetDivergenceSummary(kind: 'result' | 'missing' | 'extra' | 'timing', good: Quoted | null, bad: Quoted | null): string {
  const g = good ? step(good.key) : undefined;
  const b = bad?.packet ? step(bad.key) : undefined;
  switch (kind) {
    case 'result':
      return `On ${flow(b!)}, the ${who(b!)} sent ${what(b!)} in bad where in good it sent ${what(g!)}${meaning(g!, b!)}.`;
    case 'missing':
      return `In good the ${who(g!)} goes on to send ${what(g!)} on ${flow(g!)}; in bad it never does${b ? ` after the ${who(b)}'s ${what(b).replace(/^an? /, '')}` : ''}.`;
    case 'extra':
      return `In bad the ${who(b!)} sends ${what(b!)} on ${flow(b!)}, which good's never does here.`;
    case 'timing':
      return `On ${flow(b!)}, the ${who(b!)}'s ${what(b!).replace(/^an? /, '')} came ${seconds(bad!.duration ?? 0)} after the previous packet in bad and ${seconds(good!.duration ?? 0)} in good; nothing else differs before it.`;
  }
}

export function packetMissingSummary(q: Quoted, count: number): string {
  const s = step(q.key);
  return `The ${who(s)}'s ${what(s).replace(/^an? /, '')} on ${flow(s)}: ${count === 1 ? 'once' : `${count} times`} in good after the divergence; bad never sends it from there on.`;
}
