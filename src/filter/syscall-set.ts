/**
 * strace's syscall set expressions (`-e trace=SET`, strace(1) "Filtering"),
 * parsed the way strace's src/basic_filters.c parses them, then matched
 * against the syscall names a trace shows.
 *
 *   SET   := '!'* ( 'all' | 'none' | ITEM ( ',' ITEM )* )
 *   ITEM  := '?'* ( NAME | CLASS | '/' REGEX | 'all' )
 *
 * - Each leading `!` inverts the whole rest (`!!open` is `open`).
 * - `all` and `none` as the whole set; `all` may also be one item of a list
 *   (strace treats it as the class with no flag, so it matches everything).
 * - `?ITEM` suppresses the error for an item that matches nothing.
 * - A class (`%file`, `file`, `%net`…) is the table in
 *   src/knowledge/syscall-classes.ts.
 * - `/REGEX` is an unanchored search in each name; strace compiles POSIX ERE,
 *   we compile a JavaScript RegExp after turning POSIX bracket classes
 *   (`[[:digit:]]`) into JavaScript ones. Like strace we split the set on
 *   every comma first, so a regex cannot contain one.
 *
 * Where we differ from strace, and why:
 * - strace turns names into syscall numbers of the architecture it runs on;
 *   we match names as the trace prints them. A name we do not know
 *   (another architecture's, a newer kernel's) still matches with `?name`,
 *   where strace would match nothing.
 * - Syscall numbers (`trace=2`) and personality suffixes (`open@32`,
 *   `%file@64`) are refused: the trace names its calls, and its lines do not
 *   say which personality made each one.
 * - Spaces around an item are ignored (strace would call ` open` unknown).
 */
import { KNOWN_SYSCALLS, SYSCALL_CLASSES, classMembers } from '../knowledge/syscall-classes.js';

/** A set expression that cannot mean anything; `item` is the part at fault, as written. */
export class SyscallSetError extends Error {
  constructor(readonly item: string, message: string) {
    super(message);
    this.name = 'SyscallSetError';
  }
}

export interface SyscallSet {
  /** The expression as given. */
  readonly text: string;
  /** Whether a syscall of this name (as the trace prints it) is in the set. */
  has(name: string): boolean;
}

/** strace's personality designators on x86_64 (strace(1): `syscall@64`, `@32`, `@x32`). */
const PERSONALITY_SUFFIX = /@(?:64|32|x32)$/;

/**
 * POSIX bracket-expression classes (regex(7)) and what they are in a
 * JavaScript character class. Syscall names are ASCII, so the C locale's
 * meaning is the whole meaning.
 */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9A-Fa-f',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

/** Parse a set expression; throws SyscallSetError naming the first bad item. */
export function parseSyscallSet(text: string): SyscallSet {
  let rest = text.trim();
  let inverted = false;
  while (rest.startsWith('!')) {
    inverted = !inverted;
    rest = rest.slice(1).trimStart();
  }
  if (rest === 'none') return makeSet(text, inverted, { all: false, names: new Set(), regexes: [] });
  if (rest === 'all') return makeSet(text, inverted, { all: true, names: new Set(), regexes: [] });

  const items = rest.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new SyscallSetError(text, `'${text}' names no system call`);
  const parts: Parts = { all: false, names: new Set(), regexes: [] };
  for (const item of items) addItem(item, parts);
  return makeSet(text, inverted, parts);
}

interface Parts {
  all: boolean;
  names: Set<string>;
  regexes: RegExp[];
}

function addItem(item: string, parts: Parts): void {
  let token = item;
  let quiet = false;
  while (token.startsWith('?')) {
    quiet = true;
    token = token.slice(1);
  }
  if (token === '') return;
  if (PERSONALITY_SUFFIX.test(token)) {
    throw new SyscallSetError(item, `'${item}': personality suffixes (@64, @32, @x32) are not supported: the trace does not say which personality made each call; drop the suffix`);
  }
  if (/^\d/.test(token)) {
    throw new SyscallSetError(item, `'${item}': syscall numbers are not supported: numbers differ between architectures and the trace names its calls; give the name`);
  }
  if (token.startsWith('/')) {
    const re = compileRegex(item, token.slice(1));
    if (!quiet && !anyKnown(re)) {
      throw new SyscallSetError(item, `'${item}' matches no known system call (write ?${item} to accept it anyway)`);
    }
    parts.regexes.push(re);
    return;
  }
  if (token === 'all') {
    parts.all = true;
    return;
  }
  const members = classMembers(token);
  if (members) {
    for (const n of members) parts.names.add(n);
    return;
  }
  // strace would match nothing for `?name` it does not know; the trace may come from an architecture it does.
  if (KNOWN_SYSCALLS.has(token) || quiet) {
    parts.names.add(token);
    return;
  }
  throw new SyscallSetError(item, unknownMessage(item, token));
}

function compileRegex(item: string, source: string): RegExp {
  const js = source.replace(/\[:([a-z]+):\]/g, (whole, cls: string) => POSIX_CLASSES[cls] ?? whole);
  try {
    return new RegExp(js);
  } catch (e) {
    throw new SyscallSetError(item, `'${item}' is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

function anyKnown(re: RegExp): boolean {
  for (const n of KNOWN_SYSCALLS) if (re.test(n)) return true;
  return false;
}

function unknownMessage(item: string, token: string): string {
  if (token.startsWith('%')) {
    return `unknown syscall class '${item}' (classes: ${Object.keys(SYSCALL_CLASSES).join(', ')}, %net)`;
  }
  const asClass = classMembers(`%${token}`);
  if (asClass) return `unknown system call '${item}' (the class is spelled %${token})`;
  const near = nearestKnown(token);
  const hint = near ? `did you mean ${near}? ` : '';
  return `unknown system call '${item}' (${hint}write ?${token} to match that name anyway)`;
}

/** The known name closest to a misspelling, when one is close enough to be what was meant. */
function nearestKnown(token: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(2, Math.floor(token.length / 4)));
  for (const n of KNOWN_SYSCALLS) {
    if (Math.abs(n.length - token.length) > bestDistance) continue;
    const d = editDistance(token, n, bestDistance);
    if (d < bestDistance || (d === bestDistance && best === undefined)) {
      best = n;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

function makeSet(text: string, inverted: boolean, parts: Parts): SyscallSet {
  // Traces repeat a few dozen names thousands of times: remember each answer.
  const seen = new Map<string, boolean>();
  return {
    text,
    has(name: string): boolean {
      let v = seen.get(name);
      if (v === undefined) {
        v = parts.all || parts.names.has(name) || parts.regexes.some((r) => r.test(name));
        if (inverted) v = !v;
        seen.set(name, v);
      }
      return v;
    },
  };
}
