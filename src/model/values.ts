/**
 * Structured argument values, as the strace grammar's visitor builds them.
 *
 * Numbers stay text (`"0x7ffd1f603790"`, `"18446744073709551615"`) because
 * strace prints 64-bit quantities that a JS number would round; use
 * `numberValue()` when a bigint is wanted.
 */
export type Value =
  | NumberValue
  | StringValue
  | NameValue
  | FlagsValue
  | StructValue
  | ArrayValue
  | CallValue
  | ExprValue
  | FdValue
  | ChangedValue
  | CommentValue
  | FieldValue
  | SeqValue
  | EllipsisValue
  | TextValue;

/** 3, -1, 0x7f…, 0644 (octal as printed). */
export interface NumberValue { type: 'number'; text: string }
/** "…" decoded from C escapes; `truncated` when strace added `...`; `abstract` for `@"…"` socket names. */
export interface StringValue { type: 'string'; value: string; truncated?: boolean; abstract?: boolean }
/** A symbolic constant or bare word: NULL, AT_FDCWD, O_RDONLY, SIGINT, s. */
export interface NameValue { type: 'name'; name: string }
/** A|B|C. */
export interface FlagsValue { type: 'flags'; items: Value[] }
/** {a=1, b=2, ...} */
export interface StructValue { type: 'struct'; items: Value[]; truncated?: boolean }
/** [1, 2], ~[KILL STOP] (negated), [/* 22 vars *\/] */
export interface ArrayValue { type: 'array'; items: Value[]; negated?: boolean; truncated?: boolean }
/** htons(80), inet_addr("1.2.3.4"), makedev(0x1, 0x3), WIFEXITED(s) */
export interface CallValue { type: 'call'; name: string; args: Value[] }
/** 8192*1024, WIFEXITED(s) && WEXITSTATUS(s) == 3, 1<<CAP_CHOWN, &sin6_addr (unary: left absent) */
export interface ExprValue { type: 'expr'; op: string; left?: Value; right: Value }
/** 3</etc/passwd>, AT_FDCWD</root>, 4<TCP:[127.0.0.1:1->127.0.0.1:2]>: the fd and its -y/-yy decoration text. */
export interface FdValue { type: 'fd'; fd: Value; decoration: string }
/** [0] => [3], 0 => 3: the value on entry and on exit. */
export interface ChangedValue { type: 'changed'; before: Value; after: Value }
/** A value with the comment strace put after it (`0x80000 /* O_RDONLY|O_CLOEXEC *\/`), or a lone comment. */
export interface CommentValue { type: 'comment'; comment: string; value?: Value }
/** name=value: struct fields and -N/`--decode-...` named arguments. */
export interface FieldValue { type: 'field'; name: string; value: Value }
/** Words strace prints side by side without commas: `{B38400 opost isig}`, `[INT QUIT]`, `c_cc[VMIN]`. */
export interface SeqValue { type: 'seq'; items: Value[] }
/** A bare `...` element (strace's abbreviation). */
export interface EllipsisValue { type: 'ellipsis' }
/** Anything else the grammar accepts as an opaque token (e.g. a date `2018/07/17-16:34:43.96`, `<... resuming ...>`). */
export interface TextValue { type: 'text'; text: string }

/** The exact integer a NumberValue denotes (octal, hex and decimal as C reads them). */
export function numberValue(v: NumberValue): bigint {
  let t = v.text;
  let neg = false;
  if (t.startsWith('-')) { neg = true; t = t.slice(1); }
  let n: bigint;
  if (/^0[xX]/.test(t)) n = BigInt(t);
  else if (/^0[0-7]+$/.test(t)) n = BigInt('0o' + t.slice(1));
  else n = BigInt(t);
  return neg ? -n : n;
}

/** The value a call left behind: the exit side of `[0] => [3]`, the value under a comment. */
export function unwrap(v: Value | undefined): Value | undefined {
  if (!v) return undefined;
  if (v.type === 'changed') return v.after;
  if (v.type === 'comment' && v.value) return unwrap(v.value);
  return v;
}

/** A symbolic name (`O_RDONLY`), or the comment strace put in its place. */
export function nameOf(v: Value | undefined): string | undefined {
  const u = unwrap(v);
  return u?.type === 'name' ? u.name : u?.type === 'comment' ? u.comment : undefined;
}

/** Every flag name in `A|B|C`, including those -X verbose puts in a comment (`0x80000 /* O_RDONLY|O_CLOEXEC *\/`). */
export function flagNames(v: Value | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (x: Value | undefined): void => {
    if (!x) return;
    if (x.type === 'name') out.add(x.name);
    else if (x.type === 'flags') x.items.forEach(walk);
    else if (x.type === 'comment') {
      walk(x.value);
      for (const w of x.comment.split('|')) out.add(w.trim());
    }
  };
  walk(v);
  return out;
}

/** A struct field's value: `fieldValue({sa_family=AF_INET, ...}, 'sa_family')`. */
export function fieldValue(v: Value | undefined, name: string): Value | undefined {
  const s = unwrap(v);
  if (s?.type !== 'struct') return undefined;
  for (const it of s.items) if (it.type === 'field' && it.name === name) return it.value;
  return undefined;
}
