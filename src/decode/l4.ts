/** What the network layer hands to a transport decoder. */
import type { AddrKey, TcpSeqNumbering } from './tcp-seq.js';

export interface DecodeState {
  /** One per file, like tcpdump's conversation table. */
  seq: TcpSeqNumbering;
}

export interface L4 {
  /** Bare addresses as printed. */
  src: string;
  dst: string;
  /** The addresses as keys for the relative-numbering table (IPv4: the 32-bit number). */
  srcKey: AddrKey;
  dstKey: AddrKey;
  /** Transport length as the IP header declares it (payload length for IPv4/IPv6). */
  length: number;
  /** Where the captured bytes of this datagram end (snaplen or the IP length, whichever is shorter). */
  capEnd: number;
}
