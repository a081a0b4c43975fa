/**
 * Tokens of strace's argument language: what appears between a call's
 * parentheses, in a result note, and in a signal's siginfo braces.
 *
 * The lexer is total: every character lexes to some token (`Other` is the
 * catch-all), so lexing never fails and any failure is the parser's, with a
 * position. Order matters: Chevrotain tries patterns in array order, so
 * longer operators come before their prefixes.
 */
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';

/**
 * `-y`/`-yy` decorations and strace's angle-bracket markers, matched by
 * brackets rather than "up to the first `>`": `<TCP:[1.2.3.4:5->6.7.8.9:10]>`
 * contains a `>` inside square brackets, `</dev/null<char 1:3>>` nests,
 * and a path may hold escaped `\>`.
 */
export const DELETED = '(deleted)';

export const matchDecoration: CustomPatternMatcherFunc = (text, offset) => {
  if (text.charCodeAt(offset) !== 60 /* < */ || text.charCodeAt(offset + 1) === 60) return null;
  let end = scanDecoration(text, offset, lexing(text).budget);
  if (end < 0) return null;
  // strace 6 prints an unlinked file's marker after the bracket: `12</tmp/x>(deleted)`.
  if (text.startsWith(DELETED, end)) end += DELETED.length;
  const m = [text.slice(offset, end)] as unknown as RegExpExecArray;
  return m;
};

/**
 * Characters that scans finding no closing `>` may still read, for one text.
 * Fuzzing (docs/fuzzing.md): each `<` that never closes made the scan read
 * to the end of the text, so a line of many (`foo(< < < …) = 0`) took time
 * quadratic in its length: 6.7 s for 80 KB, hours for 10 MB. With a budget
 * of a few times the text's length the work stays linear; once it is spent,
 * a `<` is no decoration (real decorations close, and cost nothing here).
 */
export interface ScanBudget {
  left: number;
}

export function scanBudget(textLength: number): ScanBudget {
  return { left: 4 * textLength + 65536 };
}

/**
 * What the custom matchers below know about the text being lexed: the
 * decoration budget, and from where on no string or comment can close
 * (a scan that ran to the end without closing proves it for every later
 * start, so the next `"` or `/*` is answered at once instead of read to the
 * end again: fuzzing found `/* /* /* …` quadratic). Reset for each text.
 */
const lex = { text: '', budget: scanBudget(0), noStringEndFrom: Infinity, noCommentEndFrom: Infinity };

/** Called by parseArgList before each tokenize; the matchers also notice a new text themselves. */
export function startLexing(text: string): void {
  lex.text = text;
  lex.budget = scanBudget(text.length);
  lex.noStringEndFrom = Infinity;
  lex.noCommentEndFrom = Infinity;
}

function lexing(text: string): typeof lex {
  if (text !== lex.text) startLexing(text);
  return lex;
}

/**
 * Index just past the `>` closing the decoration opening at `start`, or -1.
 * Exported because the envelope scanner needs the same bracket rule to skip
 * decorations when it looks for the closing parenthesis of a call.
 * A failed scan is charged to `budget`; with the budget spent, -1 at once.
 */
export function scanDecoration(text: string, start: number, budget?: ScanBudget): number {
  if (budget && budget.left <= 0) return -1;
  let angle = 0;
  let square = 0;
  const n = text.length;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) { i++; continue; }
    if (c === 91 /* [ */) square++;
    else if (c === 93 /* ] */) { if (square > 0) square--; }
    else if (square === 0) {
      if (c === 60 /* < */) angle++;
      else if (c === 62 /* > */) {
        angle--;
        if (angle === 0) return i + 1;
      }
    }
  }
  if (budget) budget.left -= n - start;
  return -1;
}

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
/**
 * Strings and comments are matched by loops, not regular expressions: a
 * backtracking regex on a 20 MB `write()` buffer exhausts the stack.
 */
const matchString: CustomPatternMatcherFunc = (text, offset) => {
  if (text.charCodeAt(offset) !== 34) return null;
  const st = lexing(text);
  if (offset >= st.noStringEndFrom) return null;
  for (let i = offset + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return [text.slice(offset, i + 1)] as unknown as RegExpExecArray;
  }
  st.noStringEndFrom = offset;
  return null;
};

const matchComment: CustomPatternMatcherFunc = (text, offset) => {
  if (text.charCodeAt(offset) !== 47 || text.charCodeAt(offset + 1) !== 42) return null;
  const st = lexing(text);
  if (offset >= st.noCommentEndFrom) return null;
  const end = text.indexOf('*/', offset + 2);
  if (end < 0) st.noCommentEndFrom = offset;
  return end < 0 ? null : ([text.slice(offset, end + 2)] as unknown as RegExpExecArray);
};

/** C comment; kept, because `/* 8 vars *\/` and `0x80000 /* O_RDONLY *\/` carry meaning. */
export const Comment = createToken({ name: 'Comment', pattern: matchComment, start_chars_hint: ['/'], line_breaks: false });
/** C string with escapes; strace never prints a raw quote inside one (a copy-pasted log may hold a raw newline). */
export const StringLit = createToken({ name: 'StringLit', pattern: matchString, start_chars_hint: ['"'], line_breaks: true });
export const Ellipsis = createToken({ name: 'Ellipsis', pattern: /\.\.\./ });
/** -v stat times of old strace: `st_atime=2018/07/17-16:34:43.967698739`. */
export const DateTime = createToken({ name: 'DateTime', pattern: /\d{4}\/\d\d\/\d\d-\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d{4})?/ });
export const NumberLit = createToken({ name: 'NumberLit', pattern: /-?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?)/ });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_$][A-Za-z0-9_$]*/ });
export const Decoration = createToken({
  name: 'Decoration',
  pattern: matchDecoration,
  start_chars_hint: ['<'],
  line_breaks: false,
});
export const Arrow = createToken({ name: 'Arrow', pattern: /=>/ });
export const EqEq = createToken({ name: 'EqEq', pattern: /==|!=|<=|>=/ });
export const Assign = createToken({ name: 'Assign', pattern: /=/ });
export const AndAnd = createToken({ name: 'AndAnd', pattern: /&&|\|\|/ });
export const Shift = createToken({ name: 'Shift', pattern: /<<|>>/ });
export const Pipe = createToken({ name: 'Pipe', pattern: /\|/ });
/** Binary arithmetic strace prints in values: 8192*1024, 4*4096+3, a-b never occurs outside decorations. */
export const ArithOp = createToken({ name: 'ArithOp', pattern: /[*+\/%^]/ });
export const Amp = createToken({ name: 'Amp', pattern: /&/ });
export const Tilde = createToken({ name: 'Tilde', pattern: /~/ });
export const Bang = createToken({ name: 'Bang', pattern: /!/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const At = createToken({ name: 'At', pattern: /@/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Question = createToken({ name: 'Question', pattern: /\?/ });
/** Anything else (`:`, `.`, `#`, a stray `<`, a non-ASCII byte): the lexer never fails. */
export const Other = createToken({ name: 'Other', pattern: /[\x00-\x08\x0b\x0c\x0e-\x1f"#'.:;<>?\\`\x7f-\uffff]/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  Ellipsis,
  DateTime,
  NumberLit,
  Identifier,
  Shift,
  Decoration,
  Arrow,
  EqEq,
  Assign,
  AndAnd,
  Pipe,
  ArithOp,
  Amp,
  Tilde,
  Bang,
  Minus,
  At,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Question,
  Other,
];

export const valueLexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
});
