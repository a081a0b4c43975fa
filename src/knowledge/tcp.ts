/**
 * TCP as tcpdump prints it: flag letters and option names. One table each,
 * shared by the capture decoder (bits → text) and the tcpdump text reader
 * (text → bits), so both sides agree by construction.
 */

/** In tcpdump's printing order (print-tcp.c tcp_flag_values). "e" is AccECN's AE bit (tcpdump 5). */
export const TCP_FLAGS: ReadonlyArray<{ bit: number; letter: string; name: string }> = [
  { bit: 0x001, letter: 'F', name: 'FIN' },
  { bit: 0x002, letter: 'S', name: 'SYN' },
  { bit: 0x004, letter: 'R', name: 'RST' },
  { bit: 0x008, letter: 'P', name: 'PSH' },
  { bit: 0x010, letter: '.', name: 'ACK' },
  { bit: 0x020, letter: 'U', name: 'URG' },
  { bit: 0x040, letter: 'E', name: 'ECE' },
  { bit: 0x080, letter: 'W', name: 'CWR' },
  { bit: 0x100, letter: 'e', name: 'AE' },
];

export const TH = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80, AE: 0x100 } as const;

const LETTER_BITS = new Map(TCP_FLAGS.map((f) => [f.letter, f.bit]));
const TEXT_CACHE = new Map<number, string>();

/** "S.", "P.", "none" — tcpdump's `Flags [...]` content for these bits. */
export function flagsText(bits: number): string {
  let t = TEXT_CACHE.get(bits);
  if (t === undefined) {
    t = '';
    for (const f of TCP_FLAGS) if (bits & f.bit) t += f.letter;
    if (t === '') t = 'none';
    TEXT_CACHE.set(bits, t);
  }
  return t;
}

/** The bits a `Flags [...]` text stands for; undefined when a letter is unknown. */
export function flagBits(text: string): number | undefined {
  if (text === 'none') return 0;
  let bits = 0;
  for (const ch of text) {
    const b = LETTER_BITS.get(ch);
    if (b === undefined) return undefined;
    bits |= b;
  }
  return bits;
}

/** Option kinds and the names tcpdump prints for them (print-tcp.c tcp_option_values). */
export const TCP_OPTIONS: ReadonlyMap<number, string> = new Map([
  [0, 'eol'],
  [1, 'nop'],
  [2, 'mss'],
  [3, 'wscale'],
  [4, 'sackOK'],
  [5, 'sack'],
  [6, 'echo'],
  [7, 'echoreply'],
  [8, 'TS'],
  [11, 'cc'],
  [12, 'ccnew'],
  [13, 'ccecho'],
  [19, 'md5'],
  [27, 'qs'],
  [28, 'uto'],
  [29, 'tcp-ao'],
  [30, 'mptcp'],
  [34, 'tfo'],
  [172, 'accecn0'],
  [174, 'accecn1'],
  [253, 'exp'],
  [254, 'exp'],
]);
