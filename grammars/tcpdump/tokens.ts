/**
 * Tokens of the network part of a tcpdump packet line: what follows the
 * fixed prefix (number, timestamp, `-i any` column, `-e` link header) for
 * IPv4 and IPv6 packets, e.g.
 *
 *   IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60)
 *   IP6 ::1.8080 > ::1.45678: Flags [P.], seq 1:78, ack 1, win 512, options [nop,nop,TS val 1 ecr 2], length 77: HTTP
 *
 * The tokens are coarse on purpose: a keyword and its value are one token
 * (`seq 1:78`, `win 512`, `ttl 64`), and the commas between fields are
 * skipped like blanks, so a TCP line lexes to ~15 tokens rather than ~60,
 * and the parser does one step per field.
 *
 * Three tokens are context-sensitive (Chevrotain custom matchers that look at
 * the tokens lexed so far), because tcpdump's text is only regular piecewise:
 *  - `Rest`: the free text after `src > dst: ` for anything that is not TCP
 *    (a UDP application summary, ICMP, `ip-proto-17`...), and after TCP's
 *    `length N` (the application summary). It swallows the rest of the line,
 *    so free text never costs a token per word;
 *  - `ExtHdr`: an IPv6 extension header printed after the addresses
 *    (`frag (0|1432)`, `HBH (jumbo: 65536)`), with its balanced parentheses;
 *  - `Addr`: an address with an optional `.port` (`10.0.0.1.80`, `::1.8080`,
 *    `fe80::1`), which for IPv6 must give back the `:` that ends the pair.
 * `options [` switches to a mode where an option is one token up to the next
 * top-level comma, so `TS val 1 ecr 2`, `sack 1 {2:3}` and
 * `mptcp 12 capable v0 flags [AH] csum {0x1,0x2}` stay whole.
 *
 * The lexer is total: anything else lexes as `Word` or `Other`, so failures
 * are the parser's, with a position.
 */
import { createToken, Lexer, type CustomPatternMatcherFunc, type IToken, type TokenType } from 'chevrotain';

const match = (text: string, offset: number, end: number): RegExpExecArray => [text.slice(offset, end)] as unknown as RegExpExecArray;

/** Index just past the parenthesis group opening at `i` (balanced), or the text's length when it never closes. */
function skipParens(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */ && --depth === 0) return i + 1;
  }
  return text.length;
}

const EXT_NAMES = ['HBH', 'DSTOPT', 'RT6', 'frag', 'srcrt'];

/** Length of an IPv6 extension-header name at `i` followed by a space, `(` or the end; 0 if none. */
function extNameAt(text: string, i: number): number {
  for (const n of EXT_NAMES) {
    if (text.startsWith(n, i)) {
      const c = text.charCodeAt(i + n.length);
      if (Number.isNaN(c) || c === 32 || c === 40) return n.length;
    }
  }
  return 0;
}

const PORT_PAIR = /\d+ > \d+:/y;

// `Rest` and `ExtHdr` decide from the previous token; they are declared below, so look their types up lazily.
let EpColonType: TokenType;
let ExtHdrType: TokenType;
let LengthType: TokenType;
let TcpFlagsType: TokenType;
let LParenType: TokenType;

/**
 * The nearest TcpFlags, LParen or EpColon before the last token, kept up to
 * date as the token list grows. Fuzzing (docs/fuzzing.md): looking back
 * through the whole list at every `length N` made a line of many
 * (`IP length 1 length 1 …`) quadratic: 2.9 s for 360 KB, hours for 10 MB.
 */
const nearest = { tokens: undefined as IToken[] | undefined, scanned: 0, type: undefined as TokenType | undefined };

function nearestDecisive(tokens: IToken[]): TokenType | undefined {
  if (nearest.tokens !== tokens || nearest.scanned > tokens.length - 1) {
    nearest.tokens = tokens;
    nearest.scanned = 0;
    nearest.type = undefined;
  }
  for (; nearest.scanned < tokens.length - 1; nearest.scanned++) {
    const k = tokens[nearest.scanned]!.tokenType;
    if (k === TcpFlagsType || k === LParenType || k === EpColonType) nearest.type = k;
  }
  return nearest.type;
}

const matchRest: CustomPatternMatcherFunc = (text, offset, tokens: IToken[]) => {
  const prev = tokens[tokens.length - 1];
  if (!prev) return null;
  const t = prev.tokenType;
  if (t === LengthType) {
    // TCP's `length N` then `: HTTP: GET /` or ` [telnet ...]`: the application's summary.
    // (The -v header's `length N [was 0, presumed TSO]` is not TCP's: its `(` is nearer than any `Flags [`.)
    const c = text.charCodeAt(offset);
    if (c !== 58 /* : */ && c !== 32) return null;
    return nearestDecisive(tokens) === TcpFlagsType ? match(text, offset, text.length) : null;
  }
  if (t !== EpColonType && t !== ExtHdrType) return null;
  if (text.charCodeAt(offset) !== 32) return null;
  let s = offset;
  while (text.charCodeAt(s) === 32) s++;
  if (s >= text.length) return null;
  // What the grammar reads itself: TCP, a `[|tcp]` cut right after the addresses, -q's `tcp N`,
  // IPv6 extension headers and the ports after them.
  if (text.startsWith('Flags [', s) || text.startsWith('[|', s)) return null;
  if (text.startsWith('tcp ', s) && text.charCodeAt(s + 4) >= 48 && text.charCodeAt(s + 4) <= 57) return null;
  if (extNameAt(text, s)) return null;
  if (t === ExtHdrType) {
    PORT_PAIR.lastIndex = s;
    if (PORT_PAIR.test(text)) return null;
  }
  return match(text, offset, text.length);
};

/** Extension headers, only right after the address pair (or another extension header). */
const matchExtHdr: CustomPatternMatcherFunc = (text, offset, tokens: IToken[]) => {
  const prev = tokens[tokens.length - 1];
  if (!prev || (prev.tokenType !== EpColonType && prev.tokenType !== ExtHdrType)) return null;
  const n = extNameAt(text, offset);
  if (!n) return null;
  let end = offset + n;
  // One or more parenthesised groups: `HBH (rtalert: 0x0000) (padn)`.
  for (;;) {
    let i = end;
    while (text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) !== 40) break;
    end = skipParens(text, i);
  }
  return match(text, offset, end);
};

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/**
 * An address, address.port, or a bare port (after IPv6 extension headers).
 * Hex digits, `:` and `.`; a trailing `:` before a space or the end is the
 * pair's colon, not part of the address. Hex-only words (`dead`) are not
 * addresses unless they hold a `:` or `.`.
 */
/**
 * The longest address token: an IPv6 address with an embedded IPv4 one and a
 * port is 51 characters. Fuzzing (docs/fuzzing.md): a long run of hex
 * digits, `:` and `.` that is no address (`1:1:1:…x`, `:::…`) was read to
 * its end again from each of its positions the lexer tried: quadratic.
 */
const MAX_ADDR = 128;

const matchAddr: CustomPatternMatcherFunc = (text, offset) => {
  let i = offset;
  let seps = 0;
  let letters = 0;
  const stop = Math.min(text.length, offset + MAX_ADDR + 1);
  for (; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 || c === 46) seps++;
    else if (isHex(c)) { if (c > 57) letters++; }
    else break;
  }
  if (i === offset || i - offset > MAX_ADDR) return null;
  const next = text.charCodeAt(i);
  if (!(Number.isNaN(next) || next === 32 || next === 44 /* , */ || next === 41 /* ) */)) return null;
  let end = i;
  // `::1.8080:` ends the pair; `fe80:: > ` is an address that ends in `::`.
  if (text.charCodeAt(end - 1) === 58 && end - 1 > offset && (Number.isNaN(next) || (next === 32 && !text.startsWith(' > ', end)))) {
    end--;
    seps--;
  }
  if (seps === 0 && letters > 0) return null;
  // At least one digit, or IPv6's unspecified address `::`; a lone `:` or `.` is punctuation.
  const img = text.slice(offset, end);
  if (seps === img.length && img !== '::') return null;
  return [img] as unknown as RegExpExecArray;
};

/**
 * One TCP option: up to the next comma or `]` outside brackets and braces,
 * so nested `flags [AH]`, `{0x1,0x2}` and a cut-off `[|tcp]` stay inside.
 */
const matchOption: CustomPatternMatcherFunc = (text, offset) => {
  // Only where its start_chars_hint says it may start (printable ASCII). Fuzzing (docs/fuzzing.md):
  // Chevrotain's error recovery tries custom matchers at every offset of a run of characters no
  // token starts with (non-ASCII, control characters after `options [`); reading on to the next
  // `,` or `]` from each of them was quadratic, 10 s for 98 000 U+FFFD. The tokens are the same.
  const c0 = text.charCodeAt(offset);
  if (c0 < 32 || c0 > 126) return null;
  let depth = 0;
  let i = offset;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 /* [ */ || c === 123 /* { */) depth++;
    else if (c === 93 /* ] */ || c === 125 /* } */) {
      if (depth === 0) break;
      depth--;
    } else if (c === 44 /* , */ && depth === 0) break;
  }
  return i > offset ? match(text, offset, i) : null;
};

/** IPv4 `options (...)` of the -v header, balanced. */
const matchIpOptions: CustomPatternMatcherFunc = (text, offset) => {
  if (!text.startsWith('options (', offset)) return null;
  return match(text, offset, skipParens(text, offset + 8));
};

// ---- main mode --------------------------------------------------------------

export const Rest = createToken({ name: 'Rest', pattern: matchRest, start_chars_hint: [' ', ':'], line_breaks: false });
/** Blanks and the commas between fields: separators only, so skipped (a third fewer tokens on a TCP line). */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t,]+/, group: Lexer.SKIPPED });

export const IP6Kw = createToken({ name: 'IP6Kw', pattern: /IP6(?= )/ });
export const IPKw = createToken({ name: 'IPKw', pattern: /IP(?= )/ });

// TCP
// Fuzzing (docs/fuzzing.md): the bracketed and parenthesised tokens stop at the next opening bracket
// too (`[^[\]]`, `[^()]`), so a failed match ends there rather than at the end of the line: a line of
// many `[` (or `Flags [`, `cksum 0x1 (`) was quadratic, 4 s for 80 KB. None of them nests in tcpdump's text.
export const TcpFlags = createToken({ name: 'TcpFlags', pattern: /Flags \[[^[\]]*\]/ });
/** -q: `tcp 12` (protocol and payload length only). */
export const QuietTcp = createToken({ name: 'QuietTcp', pattern: /tcp \d+/ });
export const Seq = createToken({ name: 'Seq', pattern: /seq \d+(?::\d+)?/ });
export const Ack = createToken({ name: 'Ack', pattern: /ack \d+/ });
export const Win = createToken({ name: 'Win', pattern: /win \d+/ });
export const Urg = createToken({ name: 'Urg', pattern: /urg \d+/ });
/** -v: `cksum 0x1234 (correct)` / `cksum 0x1234 (incorrect -> 0x5678)`. */
export const Cksum = createToken({ name: 'Cksum', pattern: /cksum 0x[0-9a-f]+ \([^()]*\)/ });
export const OptOpen = createToken({ name: 'OptOpen', pattern: /options \[/, push_mode: 'options' });
export const IpOptions = createToken({ name: 'IpOptions', pattern: matchIpOptions, start_chars_hint: ['o'], line_breaks: false });
/** TCP's payload length, and the IPv4 -v header's total length. */
export const Length = createToken({ name: 'Length', pattern: /length \d+/ });

// IPv4 -v header: (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60[, options (...)][, bad cksum 1 (->2)!])
export const Tos = createToken({ name: 'Tos', pattern: /tos 0x[0-9a-f]+(?:,(?:ECT\(\d\)|CE))?/ });
export const Ttl = createToken({ name: 'Ttl', pattern: /ttl \d+/ });
export const Id = createToken({ name: 'Id', pattern: /id \d+/ });
export const Offset = createToken({ name: 'Offset', pattern: /offset \d+/ });
export const IpFlags = createToken({ name: 'IpFlags', pattern: /flags \[[^[\]]*\]/ });
export const Proto = createToken({ name: 'Proto', pattern: /proto [^\s,()]+ \(\d+\)/ });
export const BadCksum = createToken({ name: 'BadCksum', pattern: /bad cksum [0-9a-f]+ \(->[0-9a-f]+\)!/ });
// IPv6 -v header: (class 0x10, flowlabel 0x12345, hlim 64, next-header TCP (6)[,] payload length[:] 40)
export const Class = createToken({ name: 'Class', pattern: /class 0x[0-9a-f]+/ });
export const Flowlabel = createToken({ name: 'Flowlabel', pattern: /flowlabel 0x[0-9a-f]+/ });
export const Hlim = createToken({ name: 'Hlim', pattern: /hlim \d+/ });
/** The protocol name is short (tcpdump's longest is about 20 characters): bounded, so a failed match is cheap. */
export const NextHeader = createToken({ name: 'NextHeader', pattern: /next-header [^(,)]{1,64} \(\d+\)/ });
export const PayloadLength = createToken({ name: 'PayloadLength', pattern: /payload length:? \d+/ });

/** `[|tcp]`: the capture ended inside this layer. */
export const Trunc = createToken({ name: 'Trunc', pattern: /\[\|[^[\]]*\]/ });
/** `[bad hdr length 8 - too short, < 20]`, `[bad opt]`, `[total length 52 > length 40]`, `[version 6 != 4]`. */
export const Bracket = createToken({ name: 'Bracket', pattern: /\[[^[\]]*\]/ });
export const Invalid = createToken({ name: 'Invalid', pattern: /\(invalid\)/ });
/** IP's own complaints: `truncated-ip - 8 bytes missing!` (sometimes glued to the address after it), `bad-len 20`, `bad-hlen 4`. */
export const IpComplaint = createToken({ name: 'IpComplaint', pattern: /truncated-ip6? - \d+ bytes missing!|bad-h?len \d+/ });

export const ExtHdr = createToken({ name: 'ExtHdr', pattern: matchExtHdr, start_chars_hint: ['H', 'D', 'R', 'f', 's'], line_breaks: false });
export const Addr = createToken({
  name: 'Addr',
  pattern: matchAddr,
  start_chars_hint: [...'0123456789abcdefABCDEF:'],
  line_breaks: false,
});
export const Gt = createToken({ name: 'Gt', pattern: />/ });
/** The colon ending `src > dst:` (and any other lone colon). */
export const EpColon = createToken({ name: 'EpColon', pattern: /:/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
// Positive character sets (not `[^...]`): Chevrotain's first-character optimisation cannot index complements.
/** Any run of characters other than space, `,`, `(`, `)`, `[`, `]`, `:` and `>`. */
export const Word = createToken({ name: 'Word', pattern: /[\x21-\x27\x2a\x2b\x2d-\x39\x3b-\x3d\x3f-\x5a\x5c\x5e-\x7e\x80-\uffff]+/ });
/** Any other single non-blank character. */
export const Other = createToken({ name: 'Other', pattern: /[\x00-\x08\x0e-\x1f\x21-\uffff]/ });

// ---- options mode -----------------------------------------------------------

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
export const OptItem = createToken({ name: 'OptItem', pattern: matchOption, start_chars_hint: PRINTABLE.filter((c) => c !== ',' && c !== ']'), line_breaks: false });
export const OptComma = createToken({ name: 'OptComma', pattern: /,/, group: Lexer.SKIPPED });
export const OptClose = createToken({ name: 'OptClose', pattern: /]/, pop_mode: true });

EpColonType = EpColon;
ExtHdrType = ExtHdr;
LengthType = Length;
TcpFlagsType = TcpFlags;
LParenType = LParen;

const mainTokens: TokenType[] = [
  Rest,
  WhiteSpace,
  IP6Kw,
  IPKw,
  TcpFlags,
  QuietTcp,
  Seq,
  Ack,
  Win,
  Urg,
  Cksum,
  OptOpen,
  IpOptions,
  Length,
  Tos,
  Ttl,
  Id,
  Offset,
  IpFlags,
  Proto,
  BadCksum,
  Class,
  Flowlabel,
  Hlim,
  NextHeader,
  PayloadLength,
  Trunc,
  Bracket,
  Invalid,
  IpComplaint,
  ExtHdr,
  Addr,
  Gt,
  EpColon,
  LParen,
  RParen,
  Word,
  Other,
];

const optionTokens: TokenType[] = [OptClose, OptComma, OptItem];

/** Every token type, for the parser. */
export const allTokens: TokenType[] = [...mainTokens, ...optionTokens];

export const networkLexer = new Lexer(
  { modes: { main: mainTokens, options: optionTokens }, defaultMode: 'main' },
  { positionTracking: 'onlyOffset', ensureOptimizations: true },
);
