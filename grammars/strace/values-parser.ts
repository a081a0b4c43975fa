/**
 * The grammar of strace's argument language (Chevrotain CST parser).
 *
 * It recognises and nothing more: the visitor that turns the CST into
 * `Value`s lives in src/readers/strace/values-visitor.ts.
 *
 *   argList  := (element (',' element)*)?
 *   element  := term ('=' term)? ('=>' term)?         name=value, [0] => [3], msg_namelen=128 => 16
 *   term     := operand (binop? operand)*             A|B, x && y == 3, 8192*1024; juxtaposed words:
 *                                                     {B38400 opost isig}, c_cc[VMIN], [INT QUIT]
 *   operand  := ('~' | '!' | '&' | '-')? atom Decoration? Comment?
 *   atom     := Number | String '...'? | '@' String '...'? | Ident ('(' argList ')')?
 *             | '{' argList '}' | '[' argList ']' | '(' argList ')'
 *             | '...' | Comment | DateTime | Decoration | '?' | Other
 *
 * The rules are few and flat on purpose: every rule invocation builds a CST
 * node, and a leaf value sits under four of them rather than seven.
 */
import { CstParser, type CstNode } from 'chevrotain';
import * as T from './tokens.js';

export class StraceValuesParser extends CstParser {
  constructor() {
    super(T.allTokens, {
      // A wrong argument list is reported, not repaired: the envelope already
      // carries the event and the raw text is kept beside the error.
      recoveryEnabled: false,
      maxLookahead: 1,
    });
    this.performSelfAnalysis();
  }

  public argList = this.RULE('argList', () => {
    this.OPTION(() => {
      this.SUBRULE(this.element);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.element);
      });
    });
  });

  public element = this.RULE('element', () => {
    this.SUBRULE(this.term, { LABEL: 'lhs' });
    this.OPTION(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE2(this.term, { LABEL: 'rhs' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE3(this.term, { LABEL: 'after' });
    });
  });

  public term = this.RULE('term', () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.OPTION(() => {
        this.OR([
          { ALT: () => this.CONSUME(T.Pipe, { LABEL: 'op' }) },
          { ALT: () => this.CONSUME(T.AndAnd, { LABEL: 'op' }) },
          { ALT: () => this.CONSUME(T.EqEq, { LABEL: 'op' }) },
          { ALT: () => this.CONSUME(T.Shift, { LABEL: 'op' }) },
          { ALT: () => this.CONSUME(T.ArithOp, { LABEL: 'op' }) },
        ]);
      });
      this.SUBRULE2(this.operand);
    });
  });

  public operand = this.RULE('operand', () => {
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Tilde, { LABEL: 'prefix' }) },
        { ALT: () => this.CONSUME(T.Bang, { LABEL: 'prefix' }) },
        { ALT: () => this.CONSUME(T.Amp, { LABEL: 'prefix' }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: 'prefix' }) },
      ]);
    });
    this.OR2([
      { ALT: () => this.CONSUME(T.NumberLit) },
      {
        ALT: () => {
          this.CONSUME(T.StringLit);
          this.OPTION2(() => this.CONSUME(T.Ellipsis, { LABEL: 'truncated' }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.At);
          this.CONSUME2(T.StringLit, { LABEL: 'abstract' });
          this.OPTION3(() => this.CONSUME2(T.Ellipsis, { LABEL: 'truncated' }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION4(() => {
            this.CONSUME(T.LParen, { LABEL: 'callOpen' });
            this.SUBRULE(this.argList, { LABEL: 'callArgs' });
            this.CONSUME(T.RParen);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          this.SUBRULE2(this.argList, { LABEL: 'structArgs' });
          this.CONSUME(T.RBrace);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE3(this.argList, { LABEL: 'arrayArgs' });
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.LParen, { LABEL: 'groupOpen' });
          this.SUBRULE4(this.argList, { LABEL: 'groupArgs' });
          this.CONSUME2(T.RParen);
        },
      },
      { ALT: () => this.CONSUME3(T.Ellipsis, { LABEL: 'ellipsis' }) },
      { ALT: () => this.CONSUME(T.Comment, { LABEL: 'lone' }) },
      { ALT: () => this.CONSUME(T.DateTime, { LABEL: 'opaque' }) },
      { ALT: () => this.CONSUME(T.Decoration, { LABEL: 'opaque' }) },
      { ALT: () => this.CONSUME(T.Question, { LABEL: 'opaque' }) },
      { ALT: () => this.CONSUME(T.Other, { LABEL: 'opaque' }) },
    ]);
    this.OPTION5(() => this.CONSUME2(T.Decoration, { LABEL: 'deco' }));
    this.OPTION6(() => this.CONSUME2(T.Comment, { LABEL: 'note' }));
  });
}

/** One shared instance: Chevrotain parsers are built once and reused by resetting `input`. */
export const valuesParser = new StraceValuesParser();

export interface ValuesParse {
  cst?: CstNode;
  /** First lexing or parsing error, with its offset in the text. */
  error?: { message: string; offset: number };
}

/** Parse an argument list (the text between a call's parentheses). */
export function parseArgList(text: string): ValuesParse {
  T.startLexing(text);
  const lexed = T.valueLexer.tokenize(text);
  valuesParser.input = lexed.tokens;
  const cst = valuesParser.argList();
  const err = valuesParser.errors[0];
  if (err) {
    return { cst, error: { message: err.message, offset: err.token.startOffset >= 0 ? err.token.startOffset : text.length } };
  }
  return { cst };
}
