/**
 * Semantics for the strace argument grammar: CST → `Value` trees.
 * The grammar (grammars/strace/values-parser.ts) only recognises; the
 * meaning of each shape (a field, a changed value, an fd decoration) is
 * decided here.
 */
import type { CstNode, IToken } from 'chevrotain';
import { parseArgList } from '../../../grammars/strace/values-parser.js';
import { DELETED } from '../../../grammars/strace/tokens.js';
import type { Value } from '../../model/values.js';
import { decodeCString } from './cstring.js';

type Children = Record<string, (CstNode | IToken)[] | undefined>;

const tok = (c: Children, name: string): IToken | undefined => c[name]?.[0] as IToken | undefined;
const node = (c: Children, name: string): CstNode | undefined => c[name]?.[0] as CstNode | undefined;
const nodes = (c: Children, name: string): CstNode[] => (c[name] as CstNode[] | undefined) ?? [];

export interface ArgsResult {
  args: Value[];
  error?: string;
}

/** Parse an argument list text into values; on a grammar error the values are absent and the error says where. */
export function parseArgs(text: string): ArgsResult {
  if (text.length === 0) return { args: [] };
  // The grammar is recursive: refuse absurd nesting up front rather than exhaust the stack.
  const { depth, tokens } = argShape(text);
  if (depth > MAX_DEPTH) return { args: [], error: `arguments nested ${depth} levels deep (limit ${MAX_DEPTH}); kept as text` };
  // And absurd length in tokens: each costs a token object and CST nodes (fuzzing: 10 MB of `1, 1, …`
  // took more than 512 MiB of heap). Strings are one token however long.
  if (tokens > MAX_TOKENS) return { args: [], error: `arguments of about ${tokens} tokens (limit ${MAX_TOKENS}); kept as text` };
  try {
    exprOps = 0;
    const p = parseArgList(text);
    if (p.error || !p.cst) {
      const e = p.error!;
      return { args: [], error: `${e.message} at column ${e.offset + 1}` };
    }
    return { args: argList(p.cst) };
  } catch (e) {
    if (e instanceof TooComplex) return { args: [], error: `${e.message}; kept as text` };
    // Last resort for inputs the depth check cannot foresee: the event survives with its text.
    if (e instanceof RangeError) return { args: [], error: `arguments too complex to parse (${e.message}); kept as text` };
    throw e;
  }
}

/** Real strace output nests a handful of levels (netlink messages reach about a dozen). */
export const MAX_DEPTH = 256;

/**
 * The most tokens an argument list may have. The largest in 3 million lines of
 * real strace output (../shared/corpus, samples/, bench/data) has 779; a token
 * with its share of the CST costs a few hundred bytes, so this bounds the heap
 * of one line at tens of MiB.
 */
export const MAX_TOKENS = 100_000;

/** Characters of an identifier or a number: a run of them lexes to at most two tokens (`123abc`: a number, then a name). */
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;

/** Nesting depth, and an upper bound of the token count: a string counts one (one that never closes, one a character), a word two, any other character but a space one. */
function argShape(text: string): { depth: number; tokens: number } {
  let depth = 0;
  let max = 0;
  let tokens = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const open = i;
      tokens++;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      // A string that never closes lexes as one token a character: count them all.
      if (i >= text.length) tokens += text.length - open;
      continue;
    }
    if (isWordChar(c)) {
      if (i === 0 || !isWordChar(text.charCodeAt(i - 1))) tokens += 2;
      continue;
    }
    if (c !== 32) tokens++;
    if (c === 40 || c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 41 || c === 93 || c === 125) depth--;
  }
  return { depth: max, tokens };
}

function argList(n: CstNode): Value[] {
  return nodes(n.children, 'element').map(element);
}

function element(n: CstNode): Value {
  const c = n.children;
  const lhs = term(node(c, 'lhs')!);
  const rhsNode = node(c, 'rhs');
  const afterNode = node(c, 'after');
  if (rhsNode) {
    let value = term(rhsNode);
    if (afterNode) value = { type: 'changed', before: value, after: term(afterNode) };
    return { type: 'field', name: fieldName(lhs), value };
  }
  if (afterNode) return { type: 'changed', before: lhs, after: term(afterNode) };
  return lhs;
}

/** The left side of `=` as one name: `st_mode`, `c_cc[VMIN]`, `msg_name(16)`. */
function fieldName(v: Value): string {
  switch (v.type) {
    case 'name': return v.name;
    case 'number': return v.text;
    case 'seq': return v.items.map(fieldName).join('');
    case 'array': return '[' + v.items.map(fieldName).join(', ') + ']';
    case 'call': return v.name + '(' + v.args.map(fieldName).join(', ') + ')';
    case 'text': return v.text;
    default: return JSON.stringify(v);
  }
}

/**
 * Operands joined by operators form one expression; operands side by side
 * with no operator are separate words of a sequence.
 */
function term(n: CstNode): Value {
  const c = n.children;
  const operands = nodes(c, 'operand');
  const ops = (c['op'] as IToken[] | undefined) ?? [];
  if (operands.length === 1) return operand(operands[0]!);
  // Which operand each operator precedes: operators and operands interleave by offset.
  const words: Value[] = [];
  let group: Value[] = [operand(operands[0]!)];
  let groupOps: string[] = [];
  let k = 0;
  for (let i = 1; i < operands.length; i++) {
    const start = firstOffset(operands[i]!);
    const op = ops[k];
    if (op && op.startOffset < start) {
      groupOps.push(op.image);
      group.push(operand(operands[i]!));
      k++;
    } else {
      words.push(chain(group, groupOps));
      group = [operand(operands[i]!)];
      groupOps = [];
    }
  }
  words.push(chain(group, groupOps));
  return words.length === 1 ? words[0]! : { type: 'seq', items: words };
}

/**
 * Operators (other than a flag set's `|`) in one argument list: each nests
 * the expression tree one level deeper. Fuzzing (docs/fuzzing.md): a line
 * of `</</</…` made an expression 49 000 levels deep, and JSON.stringify of
 * its event overflowed the stack. Real strace output has a handful
 * (`8192*1024`, `4*4096+3`).
 */
export const MAX_EXPR_OPS = 1024;
let exprOps = 0;

class TooComplex extends Error {}

function chain(operands: Value[], ops: string[]): Value {
  if (ops.length === 0) return operands[0]!;
  // A run of `|` is a flag set, the commonest case by far: keep it flat.
  if (ops.every((o) => o === '|')) return { type: 'flags', items: operands };
  exprOps += ops.length;
  if (exprOps > MAX_EXPR_OPS) throw new TooComplex(`arguments with more than ${MAX_EXPR_OPS} operators`);
  // strace's expressions are short and only meant for reading; left-to-right
  // nesting keeps every operand without pretending to know C precedence.
  let acc = operands[0]!;
  for (let i = 0; i < ops.length; i++) acc = { type: 'expr', op: ops[i]!, left: acc, right: operands[i + 1]! };
  return acc;
}

function firstOffset(n: CstNode): number {
  let min = Infinity;
  for (const list of Object.values(n.children)) {
    const first = list?.[0];
    if (first && 'startOffset' in first && first.startOffset < min) min = first.startOffset;
  }
  return min;
}

function operand(n: CstNode): Value {
  const c = n.children;
  let v = atom(c);
  const deco = tok(c, 'deco');
  if (deco) v = { type: 'fd', fd: v, decoration: decorationText(deco.image) };
  const note = tok(c, 'note');
  if (note) v = { type: 'comment', comment: commentText(note.image), value: v };
  const prefix = tok(c, 'prefix');
  if (!prefix) return v;
  if (prefix.image === '~' && v.type === 'array') return { ...v, negated: true };
  return { type: 'expr', op: prefix.image, right: v };
}

/** `<…>` → its inside; the trailing `(deleted)` strace 6 puts after the bracket joins the inside, as older versions printed it. */
export function decorationText(image: string): string {
  if (image.endsWith('>' + DELETED)) return image.slice(1, -1 - DELETED.length) + ' ' + DELETED;
  return image.slice(1, -1);
}

function commentText(image: string): string {
  return image.slice(2, -2).trim();
}

function atom(c: Children): Value {
  let t: IToken | undefined;
  if ((t = tok(c, 'NumberLit'))) return { type: 'number', text: t.image };
  if ((t = tok(c, 'Identifier'))) {
    if (c['callOpen']) return { type: 'call', name: t.image, args: argList(node(c, 'callArgs')!) };
    return { type: 'name', name: t.image };
  }
  if ((t = tok(c, 'StringLit'))) return stringValue(t.image, !!c['truncated'], false);
  if ((t = tok(c, 'abstract'))) return stringValue(t.image, !!c['truncated'], true);
  let sub: CstNode | undefined;
  if ((sub = node(c, 'structArgs'))) return bracketed('struct', sub);
  if ((sub = node(c, 'arrayArgs'))) return bracketed('array', sub);
  if ((sub = node(c, 'groupArgs'))) {
    const items = argList(sub);
    return items.length === 1 ? items[0]! : { type: 'seq', items };
  }
  if (c['ellipsis']) return { type: 'ellipsis' };
  if ((t = tok(c, 'lone'))) return { type: 'comment', comment: commentText(t.image) };
  t = tok(c, 'opaque');
  return { type: 'text', text: t ? t.image : '' };
}

function bracketed(type: 'struct' | 'array', n: CstNode): Value {
  const items = argList(n);
  const last = items[items.length - 1];
  // A trailing `...` means strace abbreviated the rest (without -v, or past -s/--abbrev limits).
  if (last && last.type === 'ellipsis') return { type, items: items.slice(0, -1), truncated: true };
  return { type, items };
}

function stringValue(image: string, truncated: boolean, abstract: boolean): Value {
  const v: Value = { type: 'string', value: decodeCString(image.slice(1, -1)) };
  if (truncated) v.truncated = true;
  if (abstract) v.abstract = true;
  return v;
}
