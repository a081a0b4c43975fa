/**
 * The TCP analysis rules as data: Zeek's conn.log `conn_state` values and
 * `history` letters, and the Wireshark `tcp.analysis.*` flags we compute,
 * each with its one-line meaning and where it comes from. The analyzer
 * (src/analysis/tcp/) implements them; docs/tcp-analysis.md explains them.
 */

export const ZEEK_CONN_DOC = 'https://docs.zeek.org/en/master/scripts/base/protocols/conn/main.zeek.html#type-Conn::Info';
export const WIRESHARK_TCP_ANALYSIS_DOC = 'https://www.wireshark.org/docs/wsug_html_chunked/ChAdvTCPAnalysis.html';

export type ConnState = 'S0' | 'S1' | 'SF' | 'REJ' | 'S2' | 'S3' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'RSTRH' | 'SH' | 'SHR' | 'OTH';

/** Zeek's conn_state values, in the order Zeek's documentation lists them (Conn::Info, base/protocols/conn/main.zeek). */
export const CONN_STATES: ReadonlyArray<{ state: ConnState; meaning: string; source: string }> = [
  { state: 'S0', meaning: 'Connection attempt seen, no reply.', source: ZEEK_CONN_DOC },
  { state: 'S1', meaning: 'Connection established, not terminated.', source: ZEEK_CONN_DOC },
  { state: 'SF', meaning: 'Normal establishment and termination.', source: ZEEK_CONN_DOC },
  { state: 'REJ', meaning: 'Connection attempt rejected.', source: ZEEK_CONN_DOC },
  { state: 'S2', meaning: 'Connection established and close attempt by originator seen (but no reply from responder).', source: ZEEK_CONN_DOC },
  { state: 'S3', meaning: 'Connection established and close attempt by responder seen (but no reply from originator).', source: ZEEK_CONN_DOC },
  { state: 'RSTO', meaning: 'Connection established, originator aborted (sent a RST).', source: ZEEK_CONN_DOC },
  { state: 'RSTR', meaning: 'Responder sent a RST.', source: ZEEK_CONN_DOC },
  { state: 'RSTOS0', meaning: 'Originator sent a SYN followed by a RST, we never saw a SYN-ACK from the responder.', source: ZEEK_CONN_DOC },
  { state: 'RSTRH', meaning: 'Responder sent a SYN ACK followed by a RST, we never saw a SYN from the (purported) originator.', source: ZEEK_CONN_DOC },
  { state: 'SH', meaning: 'Originator sent a SYN followed by a FIN, we never saw a SYN ACK from the responder (hence the connection was "half" open).', source: ZEEK_CONN_DOC },
  { state: 'SHR', meaning: 'Responder sent a SYN ACK followed by a FIN, we never saw a SYN from the originator.', source: ZEEK_CONN_DOC },
  { state: 'OTH', meaning: 'No SYN seen, just midstream traffic (one example of this is a "partial connection" that was not later closed).', source: ZEEK_CONN_DOC },
];

/**
 * Zeek's history letters (upper case: from the originator; lower case: from
 * the responder). `once`: recorded at most once per direction (we also keep
 * s/h/f/r to once, where Zeek repeats them when the sequence number changes);
 * `scaled`: recorded at the 1st, 10th, 100th… occurrence, as Zeek does.
 */
export const HISTORY_LETTERS: ReadonlyArray<{ letter: string; meaning: string; repeat: 'once' | 'scaled' | 'start' }> = [
  { letter: 's', meaning: 'a SYN without the ACK bit set', repeat: 'once' },
  { letter: 'h', meaning: 'a SYN+ACK ("handshake")', repeat: 'once' },
  { letter: 'a', meaning: 'a pure ACK (no payload, no SYN/FIN/RST)', repeat: 'once' },
  { letter: 'd', meaning: 'a packet with payload ("data"), no SYN/FIN/RST', repeat: 'once' },
  { letter: 'f', meaning: 'a packet with the FIN bit set', repeat: 'once' },
  { letter: 'r', meaning: 'a packet with the RST bit set', repeat: 'once' },
  { letter: 't', meaning: 'a packet with retransmitted payload', repeat: 'scaled' },
  { letter: 'w', meaning: 'a packet with a zero window advertisement', repeat: 'scaled' },
  { letter: 'i', meaning: 'an inconsistent packet (FIN+RST bits set)', repeat: 'once' },
  { letter: 'q', meaning: 'a multi-flag packet (SYN+FIN or SYN+RST bits set)', repeat: 'once' },
  { letter: '^', meaning: 'the direction was flipped: the first packet seen was a SYN-ACK, so its sender is the responder', repeat: 'start' },
];

export type AnalysisFlag =
  | 'retransmission'
  | 'syn-retransmission'
  | 'fast-retransmission'
  | 'spurious-retransmission'
  | 'dup-ack'
  | 'out-of-order'
  | 'lost-segment'
  | 'acked-unseen'
  | 'zero-window'
  | 'zero-window-probe'
  | 'window-full'
  | 'window-update'
  | 'keep-alive'
  | 'keep-alive-ack'
  | 'reused-ports'
  | 'rst-to-syn'
  | 'rst-after-handshake'
  | 'rst-after-data'
  | 'duplicate-copy';

/** Wireshark's "TCP Analysis" section: each flag, its display filter field, the expert-info text, and the rule in one sentence. */
export const ANALYSIS_FLAGS: ReadonlyArray<{ flag: AnalysisFlag; field?: string; wireshark?: string; rule: string; source: 'wireshark' | 'tracediff' }> = [
  { flag: 'acked-unseen', field: 'tcp.analysis.ack_lost_segment', wireshark: 'TCP ACKed unseen segment', rule: 'The ACK bit is set and the acknowledgement number is beyond the next expected sequence number of the reverse direction.', source: 'wireshark' },
  { flag: 'dup-ack', field: 'tcp.analysis.duplicate_ack', wireshark: 'TCP Dup ACK <frame>#<n>', rule: 'No payload, no SYN/FIN/RST, a non-zero window equal to the previous one, seq equal to the next expected seq and ack equal to the last ack of this direction.', source: 'wireshark' },
  { flag: 'fast-retransmission', field: 'tcp.analysis.fast_retransmission', wireshark: 'TCP Fast Retransmission', rule: 'A retransmission whose seq equals the ack of at least two duplicate ACKs from the peer, the last of them less than 20 ms earlier.', source: 'wireshark' },
  { flag: 'keep-alive', field: 'tcp.analysis.keep_alive', wireshark: 'TCP Keep-Alive', rule: 'Payload of 0 or 1 byte, no SYN/FIN/RST, and seq one less than the next expected seq; supersedes the retransmission flags.', source: 'wireshark' },
  { flag: 'keep-alive-ack', field: 'tcp.analysis.keep_alive_ack', wireshark: 'TCP Keep-Alive ACK', rule: 'What would be a dup ACK, answering a keep-alive (the last packet of the reverse direction); supersedes dup-ack.', source: 'wireshark' },
  { flag: 'out-of-order', field: 'tcp.analysis.out_of_order', wireshark: 'TCP Out-Of-Order', rule: 'Data/SYN/FIN with seq below the next expected seq, not ending at it, within the out-of-order threshold (the iRTT, or 3 ms) of the segment that set the next expected seq.', source: 'wireshark' },
  { flag: 'lost-segment', field: 'tcp.analysis.lost_segment', wireshark: 'TCP Previous segment not captured', rule: 'The seq is beyond the next expected seq of this direction (and the packet is not a RST).', source: 'wireshark' },
  { flag: 'retransmission', field: 'tcp.analysis.retransmission', wireshark: 'TCP Retransmission', rule: 'Not a keep-alive; payload or SYN/FIN; the next expected seq is beyond this seq.', source: 'wireshark' },
  { flag: 'spurious-retransmission', field: 'tcp.analysis.spurious_retransmission', wireshark: 'TCP Spurious Retransmission', rule: 'A retransmission whose whole segment (seq + length) had already been acknowledged by the peer; supersedes fast retransmission, out-of-order and retransmission.', source: 'wireshark' },
  { flag: 'window-full', field: 'tcp.analysis.window_full', wireshark: 'TCP Window Full', rule: 'Payload, no SYN/FIN/RST, known window scale, and the segment ends exactly at the right edge of the peer\'s advertised window (peer ack + scaled window).', source: 'wireshark' },
  { flag: 'window-update', field: 'tcp.analysis.window_update', wireshark: 'TCP Window Update', rule: 'No payload, no SYN/FIN/RST, a non-zero window different from the previous one, seq and ack unchanged.', source: 'wireshark' },
  { flag: 'zero-window', field: 'tcp.analysis.zero_window', wireshark: 'TCP ZeroWindow', rule: 'The window is zero and none of SYN, FIN, RST is set.', source: 'wireshark' },
  { flag: 'zero-window-probe', field: 'tcp.analysis.zero_window_probe', wireshark: 'TCP ZeroWindowProbe', rule: 'One byte of payload at the next expected seq while the peer\'s last window was zero.', source: 'wireshark' },
  { flag: 'reused-ports', field: 'tcp.analysis.reused_ports', wireshark: 'TCP Port numbers reused', rule: 'A SYN (not SYN+ACK) on a 4-tuple that already had a connection, with another initial sequence number; it starts a new connection.', source: 'wireshark' },
  { flag: 'syn-retransmission', rule: 'A SYN (or SYN+ACK) with the same initial sequence number as an earlier one of this connection in the same direction; carries the interval to the previous try.', source: 'tracediff' },
  { flag: 'rst-to-syn', rule: 'A RST from the responder while the originator\'s SYN has not been answered by a SYN+ACK: the attempt was refused.', source: 'tracediff' },
  { flag: 'rst-after-handshake', rule: 'A RST after the SYN+ACK, before any payload in either direction.', source: 'tracediff' },
  { flag: 'rst-after-data', rule: 'A RST after payload was seen in either direction.', source: 'tracediff' },
  { flag: 'duplicate-copy', rule: 'The same packet captured twice (same endpoints, flags, raw seq/ack, length, window, IP id when known) within 1 ms; excluded from every other rule and from state and history.', source: 'tracediff' },
];

/** Two identical packets this close (seconds) are one packet captured twice. */
export const DUPLICATE_COPY_WINDOW = 0.001;
/** Wireshark's default out-of-order threshold when no iRTT is known (seconds). */
export const OUT_OF_ORDER_DEFAULT = 0.003;
/** Fast retransmission: the duplicate ACK it answers must be at most this old (seconds). */
export const FAST_RETRANSMISSION_WINDOW = 0.02;
/** Closed connections stay in the flow table this long (seconds of capture time) for their late packets (Linux TIME_WAIT). */
export const CLOSED_LINGER = 60;
/** … and at most this many of them at once, the oldest evicted first. */
export const MAX_LINGERING_CLOSED = 1024;
