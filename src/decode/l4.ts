/** What the network layer hands to a transport decoder. */
import type { TcpSeqNumbering } from './tcp-seq.js';

export interface DecodeState {
  /** One per file, like tcpdump's conversation table. */
  seq: TcpSeqNumbering;
}

export interface L4 {
  /** Bare addresses as printed. */
  src: string;
  dst: string;
  /** Transport length as the IP header declares it (payload length for IPv4/IPv6). */
  length: number;
  /** Where the captured bytes of this datagram end (snaplen or the IP length, whichever is shorter). */
  capEnd: number;
}
