/**
 * IP protocol numbers and the names tcpdump uses for them (netdissect's
 * ipproto_values, lower-cased as our `proto` field). A number not in the
 * table is "ip-proto-N", as tcpdump prints it.
 */
export const IPPROTO = { HOPOPTS: 0, ICMP: 1, IGMP: 2, IPIP: 4, TCP: 6, UDP: 17, IPV6: 41, ROUTING: 43, FRAGMENT: 44, GRE: 47, ESP: 50, AH: 51, ICMPV6: 58, NONE: 59, DSTOPTS: 60, SCTP: 132, MOBILITY: 135, HIP: 139, SHIM6: 140 } as const;

export const IP_PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'hopopt'],
  [1, 'icmp'],
  [2, 'igmp'],
  [4, 'ipip'],
  [6, 'tcp'],
  [8, 'egp'],
  [9, 'igrp'],
  [17, 'udp'],
  [33, 'dccp'],
  [41, 'ip6'],
  [43, 'routing'],
  [44, 'fragment'],
  [46, 'rsvp'],
  [47, 'gre'],
  [50, 'esp'],
  [51, 'ah'],
  [58, 'icmp6'],
  [59, 'none'],
  [60, 'dstopts'],
  [88, 'eigrp'],
  [89, 'ospf'],
  [97, 'etherip'],
  [103, 'pim'],
  [108, 'comp'],
  [112, 'vrrp'],
  [115, 'l2tp'],
  [132, 'sctp'],
  [135, 'mobility'],
  [136, 'udplite'],
]);

export function ipProtocolName(n: number): string {
  return IP_PROTOCOL_NAMES.get(n) ?? `ip-proto-${n}`;
}

/** IPv6 extension headers we walk: next-header number → how its length is counted and tcpdump's short name. */
export const IPV6_EXTENSIONS: ReadonlyMap<number, { name: string; unit: 8 | 4 }> = new Map([
  [0, { name: 'HBH', unit: 8 }],
  [43, { name: 'srcrt', unit: 8 }],
  [60, { name: 'DSTOPT', unit: 8 }],
  [51, { name: 'AH', unit: 4 }], // AH counts 4-byte words minus 2
  [135, { name: 'mobility', unit: 8 }],
  [139, { name: 'HIP', unit: 8 }],
  [140, { name: 'shim6', unit: 8 }],
]);

/** IPv4 option types → the names tcpdump -v prints. */
export const IPV4_OPTION_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'EOL'],
  [1, 'NOP'],
  [7, 'RR'],
  [68, 'TS'],
  [130, 'security'],
  [131, 'LSRR'],
  [133, 'E-SEC'],
  [134, 'CIPSO'],
  [136, 'SID'],
  [137, 'SSRR'],
  [148, 'RA'],
]);
