/**
 * The grammar of strace's argument language (Chevrotain CST parser).
 *
 * It recognises and nothing more: the visitor that turns the CST into
 * `Value`s lives in src/readers/strace/values-visitor.ts.
 *
 *   argList  := (element (',' element)*)?
 *   element  := seq ('=' seq)? ('=>' seq)?          name=value, [0] => [3], msg_namelen=128 => 16
 *   seq      := expr+                               {B38400 opost isig}, c_cc[VMIN], [INT QUIT]
 *   expr     := unary (binop unary)*               A|B, WIFEXITED(s) && WEXITSTATUS(s) == 3, 8192*1024
 *   unary    := ('~' | '!' | '&' | '-')? postfix    ~[KILL], &sin6_addr
 *   postfix  := primary Decoration? Comment?        3</etc/passwd>, 0x80000 /* O_RDONLY *\/
 *   primary  := Number | String '...'? | '@' String '...'? | Ident ('(' argList ')')?
 *             | '{' argList '}' | '[' argList ']' | '(' argList ')'
 *             | '...' | Comment | DateTime | Decoration | '?' | Other
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
    this.SUBRULE(this.seq, { LABEL: 'lhs' });
    this.OPTION(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE2(this.seq, { LABEL: 'rhs' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE3(this.seq, { LABEL: 'after' });
    });
  });

  public seq = this.RULE('seq', () => {
    this.AT_LEAST_ONE(() => this.SUBRULE(this.expr));
  });

  public expr = this.RULE('expr', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Pipe, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.AndAnd, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.EqEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Shift, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.ArithOp, { LABEL: 'op' }) },
      ]);
      this.SUBRULE2(this.unary);
    });
  });

  public unary = this.RULE('unary', () => {
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Tilde, { LABEL: 'prefix' }) },
        { ALT: () => this.CONSUME(T.Bang, { LABEL: 'prefix' }) },
        { ALT: () => this.CONSUME(T.Amp, { LABEL: 'prefix' }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: 'prefix' }) },
      ]);
    });
    this.SUBRULE(this.postfix);
  });

  public postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary);
    this.OPTION(() => this.CONSUME(T.Decoration));
    this.OPTION2(() => this.CONSUME(T.Comment));
  });

  public primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLit) },
      {
        ALT: () => {
          this.CONSUME(T.StringLit);
          this.OPTION(() => this.CONSUME(T.Ellipsis, { LABEL: 'truncated' }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.At);
          this.CONSUME2(T.StringLit, { LABEL: 'abstract' });
          this.OPTION2(() => this.CONSUME2(T.Ellipsis, { LABEL: 'truncated' }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION3(() => {
            this.CONSUME(T.LParen, { LABEL: 'callOpen' });
            this.SUBRULE(this.argList, { LABEL: 'callArgs' });
            this.CONSUME(T.RParen);
          });
        },
      },
      { ALT: () => this.SUBRULE(this.struct) },
      { ALT: () => this.SUBRULE(this.array) },
      { ALT: () => this.SUBRULE(this.group) },
      { ALT: () => this.CONSUME3(T.Ellipsis) },
      { ALT: () => this.CONSUME(T.Comment) },
      { ALT: () => this.CONSUME(T.DateTime) },
      { ALT: () => this.CONSUME(T.Decoration) },
      { ALT: () => this.CONSUME(T.Question) },
      { ALT: () => this.CONSUME(T.Other) },
    ]);
  });

  public struct = this.RULE('struct', () => {
    this.CONSUME(T.LBrace);
    this.SUBRULE(this.argList);
    this.CONSUME(T.RBrace);
  });

  public array = this.RULE('array', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.argList);
    this.CONSUME(T.RBracket);
  });

  public group = this.RULE('group', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.argList);
    this.CONSUME(T.RParen);
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
  const lexed = T.valueLexer.tokenize(text);
  valuesParser.input = lexed.tokens;
  const cst = valuesParser.argList();
  const err = valuesParser.errors[0];
  if (err) {
    return { cst, error: { message: err.message, offset: err.token.startOffset >= 0 ? err.token.startOffset : text.length } };
  }
  return { cst };
}
