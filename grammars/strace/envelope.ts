/**
 * The line grammar of strace output: everything around the argument list.
 *
 *   line      := prefix* body
 *   prefix    := '[pid' N ('<' comm '>')? ']'  |  N ('<' comm '>')?           (-f to stderr / to a file, -Y)
 *              | HH:MM:SS('.' frac)?  |  secs '.' frac  |  '(+' secs ')'      (-t -tt, -ttt -r, -t -r)
 *              | '[' N ']'  |  '[' hex ']'                                     (-n syscall number, -i ip)
 *   body      := call | resumed | signal | exit | attach | frame | dump | summary
 *   call      := name '(' args (')' tail | ' <unfinished ...>' | ' <detached ...>')
 *   resumed   := '<... ' name ' resumed>' args ')' tail
 *   tail      := '=' result decoration? errno? note* '(INJECTED)'? ('<' duration '>')?
 *   errno     := E[A-Z0-9_]+ '(' message ')'  |  '(errno' N ')'
 *   signal    := '--- ' SIG ' ' siginfo ' ---'  |  '--- ' SIG ' (' text ') @ ' ... ' ---'  |  '--- stopped by ' SIG ' ---'
 *   exit      := '+++ exited with ' N ' +++'  |  '+++ killed by ' SIG ' (core dumped)'? ' +++'
 *              | '+++ superseded by execve in pid ' N ' +++'
 *   attach    := 'strace: Process ' N (' attached' (' with ' N ' threads')? | ' detached')
 *   frame     := ' > ' text                                                   (-k)
 *   dump      := ' | ' hex-offset hex-bytes ascii ' |'                          (-e read=/write=)
 *
 * This is a hand-written scanner, not a Chevrotain parser, because it sits on
 * the hot path of every line (the envelope target is ≥1M lines/s); the
 * argument text it delimits is handed to the Chevrotain grammar in
 * values-parser.ts. It returns offsets and small strings, never events: the
 * reader in src/ gives them meaning.
 */
import { DELETED, scanBudget, scanDecoration } from './tokens.js';

export type RecordKind =
  | 'call'
  | 'unfinished'
  | 'resumed'
  | 'detached'
  | 'signal'
  | 'exited'
  | 'killed'
  | 'superseded'
  | 'attached'
  | 'detach'
  | 'frame'
  | 'dump'
  | 'summary'
  | 'message'
  | 'blank'
  | 'bad';

export interface LineRecord {
  kind: RecordKind;
  pid?: number;
  comm?: string;
  timeText?: string;
  relText?: string;
  sysno?: number;
  ip?: string;
  /** call/resumed: syscall name; signal/killed: the signal. */
  name?: string;
  /** Offsets of the argument text (or siginfo text) within the line. */
  argsStart?: number;
  argsEnd?: number;
  result?: string;
  resultDecoration?: string;
  errno?: string;
  errnoMessage?: string;
  notes?: string[];
  injected?: boolean;
  durationText?: string;
  /** exited: code; superseded: new pid; attached: thread count. */
  num?: number;
  coreDumped?: boolean;
  stopped?: boolean;
  /** Text after a complete record that is not part of it (another record glued on, or junk). */
  restStart?: number;
  /** bad: why the line was not recognised; call: set when the args never close (the line may continue on the next). */
  reason?: string;
  /** call: the argument list is still open at the end of the line. */
  open?: boolean;
  /** call/resumed: `<unfinished ...>) = ?` — the task died inside the call. */
  interrupted?: boolean;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdent = (c: number) => isIdentStart(c) || isDigit(c);
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

function skipSpaces(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) === 32) i++;
  return i;
}

function readInt(s: string, i: number): number {
  let j = i;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  return j;
}

/**
 * Scan one line (without its line terminator). `from` lets the caller
 * re-scan the rest of a line that held two records glued together.
 */
export function scanLine(s: string, from = 0): LineRecord {
  const rec: LineRecord = { kind: 'bad' };
  let i = skipSpaces(s, from);
  if (i >= s.length) {
    rec.kind = 'blank';
    return rec;
  }
  const first = s.charCodeAt(from);
  // -k frames and -e read= dumps start with a space and a marker; check before prefixes eat the space.
  if (first === 32) {
    if (s.startsWith(' > ', from)) return frame(s, from, rec);
    // -e read=/write= on vectored I/O: ` * 6 bytes in buffer 0` precedes each buffer's dump.
    if (s.startsWith(' * ', from) && / \* \d+ bytes in buffer \d+$/.test(s.slice(from))) {
      rec.kind = 'dump';
      rec.argsStart = rec.argsEnd = s.length;
      return rec;
    }
    if (s.startsWith(' | ', from) && /^ \| [0-9a-f]{5,}  /.test(s.slice(from, from + 16))) {
      rec.kind = 'dump';
      rec.argsStart = from + 3;
      rec.argsEnd = s.length;
      return rec;
    }
  }
  i = prefixes(s, i, rec);
  if (i < 0) return rec;
  return body(s, i, rec);
}

function frame(s: string, from: number, rec: LineRecord): LineRecord {
  rec.kind = 'frame';
  rec.argsStart = from + 3;
  rec.argsEnd = s.length;
  return rec;
}

/** Consume pid, timestamp, -n and -i prefixes in any order; returns the body offset. */
function prefixes(s: string, i: number, rec: LineRecord): number {
  for (let guard = 0; guard < 6; guard++) {
    i = skipSpaces(s, i);
    const c = s.charCodeAt(i);
    if (c === 91 /* [ */) {
      if (s.startsWith('[pid', i)) {
        let j = skipSpaces(s, i + 4);
        const k = readInt(s, j);
        if (k === j) return i;
        rec.pid = Number(s.slice(j, k));
        j = k;
        if (s.charCodeAt(j) === 60 /* < */) {
          const close = s.indexOf('>]', j);
          if (close < 0) return i;
          rec.comm = s.slice(j + 1, close);
          j = close + 1;
        }
        if (s.charCodeAt(j) !== 93) return i;
        i = j + 1;
        continue;
      }
      // [ 257] syscall number or [00007f…] instruction pointer; not `[{` etc.
      const close = s.indexOf(']', i);
      if (close < 0 || close - i > 20) return i;
      const inner = s.slice(i + 1, close).trim();
      if (rec.sysno === undefined && rec.ip === undefined && /^\d+$/.test(inner) && s.charCodeAt(i + 1) === 32) {
        rec.sysno = Number(inner);
      } else if (/^(?:[0-9a-f]{8}|[0-9a-f]{16}|\?{8}|\?{16})$/.test(inner)) {
        rec.ip = inner;
      } else if (rec.sysno === undefined && /^\d+$/.test(inner)) {
        rec.sysno = Number(inner);
      } else return i;
      i = close + 1;
      continue;
    }
    if (c === 40 /* ( */ && s.startsWith('(+', i)) {
      const close = s.indexOf(')', i);
      if (close < 0) return i;
      rec.relText = s.slice(i + 2, close).trim();
      i = close + 1;
      continue;
    }
    if (isDigit(c)) {
      const k = readInt(s, i);
      const after = s.charCodeAt(k);
      if (after === 58 /* : */ && rec.timeText === undefined) {
        // HH:MM:SS[.frac]
        if (k !== i + 2 || !isDigit(s.charCodeAt(i + 3)) || !isDigit(s.charCodeAt(i + 4)) || s.charCodeAt(i + 5) !== 58
          || !isDigit(s.charCodeAt(i + 6)) || !isDigit(s.charCodeAt(i + 7))) return i;
        let e = i + 8;
        if (s.charCodeAt(e) === 46 /* . */) e = readInt(s, e + 1);
        rec.timeText = s.slice(i, e);
        i = e;
        continue;
      }
      if (after === 46 /* . */) {
        const k2 = readInt(s, k + 1);
        if (k2 === k + 1) return i;
        // -r before any absolute time (strace prints it padded) or -ttt.
        if (rec.timeText === undefined && k - i >= 9) rec.timeText = s.slice(i, k2);
        else if (rec.relText === undefined && rec.timeText === undefined) rec.relText = s.slice(i, k2);
        else return i;
        i = k2;
        continue;
      }
      if (rec.timeText === undefined && k - i >= 9 && after === 32) {
        // --absolute-timestamps=unix,s: whole epoch seconds; no pid has nine digits (pid_max ≤ 2^22).
        rec.timeText = s.slice(i, k);
        i = k;
        continue;
      }
      if (rec.pid === undefined && rec.timeText === undefined && (after === 32 || after === 60 /* < */)) {
        // `1234 ` (-f -o file) or `1234<comm> ` (-Y); a bare number then a space.
        let j = k;
        if (after === 60) {
          const close = s.indexOf('> ', j);
          if (close < 0) return i;
          rec.comm = s.slice(j + 1, close);
          j = close + 1;
        }
        rec.pid = Number(s.slice(i, k));
        i = j;
        continue;
      }
      return i;
    }
    return i;
  }
  return i;
}

function body(s: string, i: number, rec: LineRecord): LineRecord {
  const c = s.charCodeAt(i);
  if (isIdentStart(c)) {
    let j = i + 1;
    while (j < s.length && isIdent(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) === 40 /* ( */) {
      rec.name = s.slice(i, j);
      return callRest(s, j + 1, rec);
    }
    if (s.startsWith('strace: ', i)) return straceMessage(s, i, rec);
    if (SUMMARY_HEADER.test(s)) {
      rec.kind = 'summary';
      rec.argsStart = i;
      rec.argsEnd = s.length;
      return rec;
    }
    rec.reason = NOT_STRACE;
    return rec;
  }
  if (c === 60 /* < */ && s.startsWith('<... ', i)) {
    const end = s.indexOf(' resumed>', i + 5);
    if (end < 0) {
      rec.reason = 'malformed <... resumed> marker';
      return rec;
    }
    rec.kind = 'resumed';
    rec.name = s.slice(i + 5, end);
    let j = end + 9;
    // strace ≥4.x puts a space after `resumed>` only in some versions.
    if (s.charCodeAt(j) === 32) j++;
    return argsAndTail(s, j, rec, 'resumed');
  }
  if (c === 45 /* - */ && s.startsWith('--- ', i)) return signal(s, i, rec);
  if (c === 43 /* + */ && s.startsWith('+++ ', i)) return exit(s, i, rec);
  if (SUMMARY_HEADER.test(s) || SUMMARY_RULE.test(s)) {
    rec.kind = 'summary';
    rec.argsStart = i;
    rec.argsEnd = s.length;
    return rec;
  }
  if (c === 91 /* [ */ && PERSONALITY.test(s.slice(i))) {
    // Printed by strace itself (without its "strace:" prefix) when a process changes ABI.
    rec.kind = 'message';
    rec.argsStart = i;
    rec.argsEnd = s.length;
    return rec;
  }
  rec.reason = c === 35 /* # */ ? 'a comment added to the log, not strace output' : NOT_STRACE;
  return rec;
}

const PERSONALITY = /^\[ Process PID=\d+ runs in (?:\d+ bit|x32) mode\. \]$/;
const NOT_STRACE = 'not strace output (the traced program\'s own output, or text added to the log)';

/** `-c`/`-C` table header (default or `-U` columns) and its rule line. */
const SUMMARY_HEADER = /^\s*(?:% time|syscall)\s+(?:seconds|calls|errors|% time|usecs\/call|max|min|total|avg)/;
export const SUMMARY_RULE = /^\s*-{6,}(?: +-+)+\s*$/;

function callRest(s: string, argsStart: number, rec: LineRecord): LineRecord {
  rec.kind = 'call';
  return argsAndTail(s, argsStart, rec, 'call');
}

/**
 * Find the end of the argument list by brackets and strings, then read the
 * tail. Handles ` <unfinished ...>` / ` <detached ...>` endings.
 */
function argsAndTail(s: string, start: number, rec: LineRecord, mode: 'call' | 'resumed'): LineRecord {
  rec.argsStart = start;
  const fast = fastClose(s, start);
  const close = fast >= 0 ? { kind: 'close' as const, at: fast } : findArgsEnd(s, start);
  if (close.kind === 'unfinished' || close.kind === 'detached') {
    rec.argsEnd = close.at;
    if (mode === 'resumed') {
      // `<... read resumed> <unfinished ...>)` (an interrupted resumption) behaves as unfinished again.
      rec.kind = close.kind === 'detached' ? 'detached' : 'unfinished';
    } else rec.kind = close.kind;
    return rec;
  }
  if (close.kind === 'open') {
    rec.argsEnd = s.length;
    rec.kind = 'bad';
    rec.open = true;
    rec.reason = 'argument list not closed on this line';
    return rec;
  }
  rec.argsEnd = close.at;
  // `<... foo resumed> <unfinished ...>) = ?` and, with -e status=unfinished, `foo(a,  <unfinished ...>) = ?`:
  // the task died inside the call; the marker is not an argument.
  // The marker ends the arguments, whitespace aside: looked for there, not with lastIndexOf, which
  // searched back to the start of the line for every record glued on it (fuzzing: quadratic; docs/fuzzing.md).
  let e = close.at;
  while (e > start && isTrimmed(s.charCodeAt(e - 1))) e--;
  const marker = e - UNFINISHED.length;
  if (marker >= start && s.startsWith(UNFINISHED, marker)) {
    rec.argsEnd = trimBack(s, start, marker);
    rec.interrupted = true;
  }
  return tail(s, close.at + 1, rec);
}

const UNFINISHED = '<unfinished ...>';

/** What String#trim removes: ECMAScript WhiteSpace and LineTerminator. */
function isTrimmed(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * The common case without a character-by-character walk: the call's closing
 * parenthesis is the last `)` before the only ` = ` of the line. It is trusted only if the quotes
 * before it balance (else a string holding ") = " could fool it); any doubt
 * returns -1 and the full scan decides.
 */
function fastClose(s: string, start: number): number {
  const eq = s.lastIndexOf(' = ');
  // A second ` = ` (two records glued on one line, or one inside a string) needs the full scan.
  if (eq < start || s.indexOf(' = ', start) !== eq) return -1;
  let k = eq - 1;
  while (k > start && s.charCodeAt(k) === 32) k--;
  if (s.charCodeAt(k) !== 41 /* ) */) return -1;
  let inString = false;
  for (let q = s.indexOf('"', start); q >= 0 && q < k; q = s.indexOf('"', q + 1)) {
    let bs = 0;
    while (s.charCodeAt(q - 1 - bs) === 92) bs++;
    if ((bs & 1) === 0) inString = !inString;
  }
  return inString ? -1 : k;
}

export type ArgsEnd = { kind: 'close' | 'unfinished' | 'detached' | 'open'; at: number };

export function findArgsEnd(s: string, start: number): ArgsEnd {
  let depth = 0;
  const n = s.length;
  // Decorations that never close are charged to this budget (see scanBudget): linear, not quadratic.
  const budget = scanBudget(n - start);
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 34: { // "
        i++;
        while (i < n) {
          const d = s.charCodeAt(i);
          if (d === 92) i += 2;
          else if (d === 34) break;
          else i++;
        }
        break;
      }
      case 40: case 91: case 123: depth++; break;
      case 93: case 125: depth--; break;
      case 41:
        if (depth === 0) return { kind: 'close', at: i };
        depth--;
        break;
      case 47: // /* comment */ may hold brackets
        if (s.charCodeAt(i + 1) === 42) {
          const e = s.indexOf('*/', i + 2);
          if (e < 0) return { kind: 'open', at: n };
          i = e + 1;
        }
        break;
      case 60: { // <
        if (s.startsWith('<unfinished ...>', i)) return { kind: 'unfinished', at: trimBack(s, start, i) };
        if (s.startsWith('<detached ...>', i)) return { kind: 'detached', at: trimBack(s, start, i) };
        if (s.charCodeAt(i + 1) === 60) { i++; break; }
        const e = scanDecoration(s, i, budget);
        if (e > 0) i = e - 1;
        break;
      }
    }
  }
  return { kind: 'open', at: n };
}

function trimBack(s: string, start: number, i: number): number {
  while (i > start && s.charCodeAt(i - 1) === 32) i--;
  return i;
}

/** After the closing parenthesis: ` = result [errno (msg)] [(note)]* [(INJECTED)] [<duration>]`. */
function tail(s: string, i: number, rec: LineRecord): LineRecord {
  i = skipSpaces(s, i);
  if (s.charCodeAt(i) !== 61 /* = */) {
    if (i < s.length) rec.restStart = i;
    rec.reason = 'call without a result';
    rec.kind = 'bad';
    return rec;
  }
  i = skipSpaces(s, i + 1);
  // result: ?, -1, 0x…, decimal
  let j = i;
  if (s.charCodeAt(j) === 63 /* ? */) j++;
  else {
    if (s.charCodeAt(j) === 45) j++;
    if (s.charCodeAt(j) === 48 && (s.charCodeAt(j + 1) === 120 || s.charCodeAt(j + 1) === 88)) {
      j += 2;
      while (j < s.length && isHex(s.charCodeAt(j))) j++;
    } else j = readInt(s, j);
  }
  if (j === i || (j === i + 1 && s.charCodeAt(i) === 45)) {
    rec.kind = 'bad';
    rec.reason = 'unreadable return value';
    return rec;
  }
  rec.result = s.slice(i, j);
  i = j;
  // -y on a returned fd: `= 3</etc/passwd>`
  if (s.charCodeAt(i) === 60 /* < */) {
    const e = scanDecoration(s, i);
    if (e > 0) {
      rec.resultDecoration = s.slice(i + 1, e - 1);
      i = e;
      if (s.startsWith(DELETED, i)) {
        rec.resultDecoration += ' ' + DELETED;
        i += DELETED.length;
      }
    }
  }
  for (let guard = 0; guard < 16 && i < s.length; guard++) {
    const k = skipSpaces(s, i);
    if (k >= s.length) { i = k; break; }
    const c = s.charCodeAt(k);
    if (c === 69 /* E */ && rec.errno === undefined && rec.notes === undefined) {
      let e = k + 1;
      while (e < s.length && (isIdent(s.charCodeAt(e)))) e++;
      rec.errno = s.slice(k, e);
      i = e;
      const p = skipSpaces(s, i);
      if (s.charCodeAt(p) === 40) {
        const close = balancedParen(s, p);
        if (close < 0) {
          // Old strace lines sometimes lost the closing parenthesis.
          rec.errnoMessage = s.slice(p + 1);
          i = s.length;
          break;
        }
        rec.errnoMessage = s.slice(p + 1, close);
        i = close + 1;
      }
      continue;
    }
    if (c === 40 /* ( */) {
      const close = balancedParen(s, k);
      if (close < 0) { rec.restStart = k; break; }
      const inner = s.slice(k + 1, close);
      if (inner === 'INJECTED' || inner.startsWith('INJECTED:')) {
        rec.injected = true;
        if (inner !== 'INJECTED') (rec.notes ??= []).push(inner);
      }
      else if (rec.errno === undefined && rec.notes === undefined && /^errno \d+$/.test(inner) && rec.result === '-1') {
        rec.errno = inner;
      } else (rec.notes ??= []).push(inner);
      i = close + 1;
      continue;
    }
    if (c === 47 /* / */ && s.charCodeAt(k + 1) === 42) {
      // --decode-pids=pidns: `= 2 /* 24172 in strace's PID NS */`
      const e = s.indexOf('*/', k + 2);
      if (e < 0) { rec.restStart = k; break; }
      (rec.notes ??= []).push(s.slice(k, e + 2));
      i = e + 2;
      continue;
    }
    if (c === 60 /* < */) {
      // -T: <0.000123>
      let d = readInt(s, k + 1);
      if (d > k + 1 && s.charCodeAt(d) === 46) d = readInt(s, d + 1);
      if (d > k + 1 && s.charCodeAt(d) === 62 /* > */) {
        rec.durationText = s.slice(k + 1, d);
        i = d + 1;
        continue;
      }
      const e = s.indexOf('>', k);
      const inner = e > 0 ? s.slice(k + 1, e) : '';
      if (inner === 'unavailable') {
        (rec.notes ??= []).push('<unavailable>');
        i = e + 1;
        continue;
      }
    }
    rec.restStart = k;
    break;
  }
  return rec;
}

function balancedParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      i++;
      while (i < s.length && s.charCodeAt(i) !== 34) i += s.charCodeAt(i) === 92 ? 2 : 1;
    } else if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i;
  }
  return -1;
}

function signal(s: string, i: number, rec: LineRecord): LineRecord {
  const end = s.lastIndexOf(' ---');
  if (end <= i + 3) {
    rec.reason = 'malformed signal line';
    return rec;
  }
  const inner = s.slice(i + 4, end);
  rec.kind = 'signal';
  if (inner.startsWith('stopped by ')) {
    rec.stopped = true;
    rec.name = inner.slice(11).trim();
    return rec;
  }
  if (inner.startsWith('{')) {
    // strace 4.7–4.9: `--- {si_signo=SIGCHLD, si_code=CLD_EXITED, ...} (Child exited) ---`
    const m = /^\{si_signo=(SIG[A-Z0-9_+]+|\d+)/.exec(inner);
    const close = inner.lastIndexOf('}');
    if (!m || close < 0) {
      rec.kind = 'bad';
      rec.reason = 'malformed signal line';
      return rec;
    }
    rec.name = m[1];
    rec.argsStart = i + 4;
    rec.argsEnd = i + 4 + close + 1;
    const note = inner.slice(close + 1).trim();
    if (note.startsWith('(') && note.endsWith(')')) rec.notes = [note.slice(1, -1)];
    return rec;
  }
  const sp = inner.indexOf(' ');
  rec.name = sp < 0 ? inner : inner.slice(0, sp);
  // strace 4.x: `--- SIGCHLD (Child exited) @ 0 (0) ---`
  const old = sp >= 0 ? /^\(([^)]*)\) @ /.exec(inner.slice(sp + 1)) : null;
  if (old) rec.notes = [old[1]!];
  if (sp >= 0) {
    rec.argsStart = i + 4 + sp + 1;
    rec.argsEnd = end;
  }
  return rec;
}

function exit(s: string, i: number, rec: LineRecord): LineRecord {
  const m = /^\+\+\+ (?:exited with (-?\d+)|killed by (SIG[A-Z0-9_+-]+|\d+)( \(core dumped\))?|superseded by execve in pid (\d+)) \+\+\+\s*$/.exec(s.slice(i));
  if (!m) {
    rec.reason = 'malformed +++ line';
    return rec;
  }
  if (m[1] !== undefined) {
    rec.kind = 'exited';
    rec.num = Number(m[1]);
  } else if (m[2] !== undefined) {
    rec.kind = 'killed';
    rec.name = m[2];
    if (m[3]) rec.coreDumped = true;
  } else {
    rec.kind = 'superseded';
    rec.num = Number(m[4]);
  }
  return rec;
}

function straceMessage(s: string, i: number, rec: LineRecord): LineRecord {
  const m = /^strace: Process (\d+) (attached|detached)(?: with (\d+) threads)?/.exec(s.slice(i));
  if (m) {
    rec.kind = m[2] === 'attached' ? 'attached' : 'detach';
    rec.pid = Number(m[1]);
    if (m[3]) rec.num = Number(m[3]);
    const after = i + m[0].length;
    if (after < s.length && s.slice(after).trim() !== '') rec.restStart = after;
    return rec;
  }
  // Other strace diagnostics ("strace: [ Process PID=1 runs in 32 bit mode. ]", "strace: exec: …"): kept as messages.
  rec.kind = 'message';
  rec.argsStart = i + 8;
  rec.argsEnd = s.length;
  return rec;
}
