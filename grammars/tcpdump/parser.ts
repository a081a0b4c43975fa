/**
 * The grammar of the network part of a tcpdump packet line (Chevrotain CST
 * parser): IPv4/IPv6, the -v header, the address pair and TCP.
 *
 * It recognises and nothing more: src/readers/tcpdump/visitor.ts turns the
 * CST into PacketEvent fields. The prefix before it (packet number,
 * timestamp, `-i any` column, `-e` link header) is split off by hand in
 * src/readers/tcpdump/prefix.ts, because it is fixed-format and on every line.
 *
 *   network   := ('IP' | 'IP6')? note* ipHeader? note* endpoints?
 *   note      := '[...]' | '(invalid)' | '[|proto]' | 'truncated-ip - N bytes missing!' | 'bad-len N'
 *   ipHeader  := '(' (field | note | word)* ')'                 -v: tos ttl id offset flags proto length options
 *                                                                  bad cksum; class flowlabel hlim next-header
 *                                                                  payload length
 *   endpoints := addr '>' addr ':' extHdr* (port '>' port ':')? transport?
 *   transport := tcp | 'tcp' N | Rest | '[|proto]'
 *   tcp       := 'Flags [..]' (seq | ack | win | length | options | cksum | urg | note | Rest)*
 *   options   := 'options [' option* ']'?                       (no ']' when cut off by [|tcp])
 *
 * Commas between fields are skipped by the lexer, like blanks; a field and
 * its value are one token (`seq 1:78`). `Rest` is the free text tcpdump
 * prints for anything but TCP, and after TCP's `length N` (see tokens.ts).
 * The field lists are loops over alternatives rather than fixed sequences:
 * tcpdump leaves fields out (seq without data, ack without ACK) and -v/-vv
 * add some, and the order is checked by tcpdump, not needed by us. Rules are
 * few and flat: every rule invocation builds a CST node, so a TCP line costs
 * four nodes.
 */
import { CstParser, type CstNode, type IOrAlt } from 'chevrotain';
import * as T from './tokens.js';

export class TcpdumpNetworkParser extends CstParser {
  /**
   * The OR alternatives, built once: an `OR([...])` literal re-creates its
   * array and closures on every call, which cost a fifth of the parse time.
   * (Declared before the rules, which use it while they are recorded.)
   */
  private readonly alts: IOrAlt<unknown>[][] = [];

  constructor() {
    super(T.allTokens, {
      // A line the grammar does not accept is reported, not repaired: the
      // reader falls back to keeping its text (see the reader's docs).
      recoveryEnabled: false,
      maxLookahead: 1,
    });
    this.performSelfAnalysis();
  }

  public network = this.RULE('network', () => {
    this.OPTION(() => {
      this.OR((this.alts[0] ??= [
        { ALT: () => this.CONSUME(T.IPKw, { LABEL: 'net' }) },
        { ALT: () => this.CONSUME(T.IP6Kw, { LABEL: 'net' }) },
      ]));
    });
    this.MANY(() => {
      this.OR2((this.alts[1] ??= [
        { ALT: () => this.CONSUME(T.Bracket, { LABEL: 'notes' }) },
        { ALT: () => this.CONSUME(T.Invalid, { LABEL: 'notes' }) },
        { ALT: () => this.CONSUME(T.IpComplaint, { LABEL: 'notes' }) },
        { ALT: () => this.CONSUME(T.Trunc, { LABEL: 'trunc' }) },
      ]));
    });
    this.OPTION2(() => this.SUBRULE(this.ipHeader));
    this.MANY2(() => {
      this.OR3((this.alts[2] ??= [
        { ALT: () => this.CONSUME2(T.Bracket, { LABEL: 'notes' }) },
        { ALT: () => this.CONSUME2(T.Invalid, { LABEL: 'notes' }) },
        { ALT: () => this.CONSUME2(T.IpComplaint, { LABEL: 'notes' }) },
        { ALT: () => this.CONSUME2(T.Trunc, { LABEL: 'trunc' }) },
      ]));
    });
    this.OPTION3(() => this.SUBRULE(this.endpoints));
  });

  public ipHeader = this.RULE('ipHeader', () => {
    this.CONSUME(T.LParen);
    this.MANY(() => {
      this.OR((this.alts[3] ??= [
        { ALT: () => this.CONSUME(T.Tos) },
        { ALT: () => this.CONSUME(T.Ttl) },
        { ALT: () => this.CONSUME(T.Id) },
        { ALT: () => this.CONSUME(T.Offset) },
        { ALT: () => this.CONSUME(T.IpFlags) },
        { ALT: () => this.CONSUME(T.Proto) },
        { ALT: () => this.CONSUME(T.Length) },
        { ALT: () => this.CONSUME(T.IpOptions) },
        { ALT: () => this.CONSUME(T.BadCksum) },
        { ALT: () => this.CONSUME(T.Class) },
        { ALT: () => this.CONSUME(T.Flowlabel) },
        { ALT: () => this.CONSUME(T.Hlim) },
        { ALT: () => this.CONSUME(T.NextHeader) },
        { ALT: () => this.CONSUME(T.PayloadLength) },
        { ALT: () => this.CONSUME(T.Bracket, { LABEL: 'notes' }) },
        { ALT: () => this.CONSUME(T.Invalid, { LABEL: 'notes' }) },
        { ALT: () => this.CONSUME(T.Trunc, { LABEL: 'trunc' }) },
        // Fields this grammar has no name for are kept as words and ignored.
        { ALT: () => this.CONSUME(T.Word, { LABEL: 'other' }) },
        { ALT: () => this.CONSUME(T.Addr, { LABEL: 'other' }) },
        { ALT: () => this.CONSUME(T.Other, { LABEL: 'other' }) },
      ]));
    });
    this.CONSUME(T.RParen);
  });

  public endpoints = this.RULE('endpoints', () => {
    this.CONSUME(T.Addr, { LABEL: 'src' });
    this.CONSUME(T.Gt);
    this.CONSUME2(T.Addr, { LABEL: 'dst' });
    this.CONSUME(T.EpColon);
    this.MANY(() => this.CONSUME(T.ExtHdr));
    // After IPv6 extension headers tcpdump prints the ports on their own: `frag (0|20) 59694 > 80: `.
    this.OPTION(() => {
      this.CONSUME3(T.Addr, { LABEL: 'sport' });
      this.CONSUME2(T.Gt);
      this.CONSUME4(T.Addr, { LABEL: 'dport' });
      this.CONSUME2(T.EpColon);
    });
    this.OPTION2(() => {
      this.OR((this.alts[4] ??= [
        { ALT: () => this.SUBRULE(this.tcp) },
        { ALT: () => this.CONSUME(T.QuietTcp) },
        { ALT: () => this.CONSUME(T.Rest) },
        { ALT: () => this.CONSUME(T.Trunc, { LABEL: 'trunc' }) },
      ]));
    });
  });

  public tcp = this.RULE('tcp', () => {
    this.CONSUME(T.TcpFlags);
    this.MANY(() => {
      this.OR((this.alts[5] ??= [
        { ALT: () => this.CONSUME(T.Seq) },
        { ALT: () => this.CONSUME(T.Ack) },
        { ALT: () => this.CONSUME(T.Win) },
        { ALT: () => this.CONSUME(T.Length) },
        { ALT: () => this.SUBRULE(this.options) },
        { ALT: () => this.CONSUME(T.Cksum) },
        { ALT: () => this.CONSUME(T.Urg) },
        { ALT: () => this.CONSUME(T.Bracket, { LABEL: 'notes' }) },
        { ALT: () => this.CONSUME(T.Trunc, { LABEL: 'trunc' }) },
        { ALT: () => this.CONSUME(T.Rest) },
      ]));
    });
  });

  public options = this.RULE('options', () => {
    this.CONSUME(T.OptOpen);
    this.MANY(() => {
      this.CONSUME(T.OptItem);
    });
    this.OPTION(() => this.CONSUME(T.OptClose));
  });
}

/** One shared instance: Chevrotain parsers are built once and reused by resetting `input`. */
export const networkParser = new TcpdumpNetworkParser();

export interface NetworkParse {
  cst?: CstNode;
  /** First parsing error, with its offset in the text. */
  error?: { message: string; offset: number };
}

/**
 * The longest network part lexed whole, unless what lies beyond is free
 * text. Fuzzing (docs/fuzzing.md): a 10 MB line of small tokens (`1:1:1:…`,
 * `: : :`) made millions of token objects, more than 512 MiB of heap. A long
 * real line is an application summary (`Rest`, one token however long);
 * tcpdump's own fields fit in a few hundred characters.
 */
export const MAX_LEXED = 64 * 1024;

/** Parse the network part of a packet line (from `IP `/`IP6 `, the address pair, or the -v header on). */
export function parseNetwork(text: string): NetworkParse {
  if (text.length > MAX_LEXED) {
    // Lex the first MAX_LEXED characters: if they end in free text, the whole line lexes to the same
    // tokens with a longer last one, and can be lexed whole; anything else is refused.
    const head = T.networkLexer.tokenize(text.slice(0, MAX_LEXED)).tokens;
    if (head[head.length - 1]?.tokenType !== T.Rest) {
      return { error: { message: `a network part of ${text.length} characters that is not free text after its first ${MAX_LEXED} is not read by the grammar`, offset: MAX_LEXED } };
    }
  }
  const lexed = T.networkLexer.tokenize(text);
  networkParser.input = lexed.tokens;
  const cst = networkParser.network();
  const err = networkParser.errors[0];
  if (err) return { error: { message: err.message, offset: err.token.startOffset >= 0 ? err.token.startOffset : text.length } };
  return { cst };
}
