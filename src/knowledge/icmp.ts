/**
 * ICMP and ICMPv6 message names as tcpdump prints them (print-icmp.c,
 * print-icmp6.c). Templates use `{addr}` for the quoted packet's
 * destination address, `{proto}` and `{port}` for its transport.
 */

export const ICMP_TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'echo reply'],
  [3, 'unreachable'],
  [4, 'source quench'],
  [5, 'redirect'],
  [8, 'echo request'],
  [9, 'router advertisement'],
  [10, 'router solicitation'],
  [11, 'time exceeded'],
  [12, 'parameter problem'],
  [13, 'time stamp request'],
  [14, 'time stamp reply'],
  [15, 'information request'],
  [16, 'information reply'],
  [17, 'address mask request'],
  [18, 'address mask reply'],
]);

/** Types whose body quotes the IP header and first 8 bytes of the packet that caused them. */
export const ICMP_ERROR_TYPES: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);

export const ICMP_UNREACH: ReadonlyMap<number, string> = new Map([
  [0, 'net {addr} unreachable'],
  [1, 'host {addr} unreachable'],
  [2, '{addr} protocol {ipproto} unreachable'],
  [3, '{addr} {proto} port {port} unreachable'],
  [4, '{addr} unreachable - need to frag'],
  [5, '{addr} unreachable - source route failed'],
  [6, 'net {addr} unreachable - unknown'],
  [7, 'host {addr} unreachable - unknown'],
  [8, '{addr} unreachable - source host isolated'],
  [9, 'net {addr} unreachable - admin prohibited'],
  [10, 'host {addr} unreachable - admin prohibited'],
  [11, 'net {addr} unreachable - tos prohibited'],
  [12, 'host {addr} unreachable - tos prohibited'],
  [13, 'host {addr} unreachable - admin prohibited filter'],
  [14, 'host {addr} unreachable - host precedence violation'],
  [15, 'host {addr} unreachable - precedence cutoff'],
]);

export const ICMP_TIME_EXCEEDED: ReadonlyMap<number, string> = new Map([
  [0, 'time exceeded in-transit'],
  [1, 'ip reassembly time exceeded'],
]);

export const ICMP6_TYPES: ReadonlyMap<number, string> = new Map([
  [1, 'destination unreachable'],
  [2, 'packet too big'],
  [3, 'time exceeded in-transit'],
  [4, 'parameter problem'],
  [128, 'echo request'],
  [129, 'echo reply'],
  [130, 'multicast listener query'],
  [131, 'multicast listener report'],
  [132, 'multicast listener done'],
  [133, 'router solicitation'],
  [134, 'router advertisement'],
  [135, 'neighbor solicitation'],
  [136, 'neighbor advertisement'],
  [137, 'redirect'],
  [143, 'multicast listener report v2'],
]);

export const ICMP6_ERROR_TYPES: ReadonlySet<number> = new Set([1, 2, 3, 4]);

export const ICMP6_UNREACH: ReadonlyMap<number, string> = new Map([
  [0, 'unreachable route'],
  [1, 'unreachable prohibited'],
  [2, 'beyond scope'],
  [3, 'unreachable address'],
  [4, 'unreachable port'],
  [5, 'failed policy'],
  [6, 'reject route'],
]);
