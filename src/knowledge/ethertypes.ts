/**
 * EtherType values and the names tcpdump prints for them with -e
 * ("ethertype IPv4 (0x0800)"). Only the ones that matter for the decoders
 * and for reading a frame list; anything else prints as "Unknown".
 */
export const ETHERTYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  RARP: 0x8035,
  VLAN: 0x8100,
  IPV6: 0x86dd,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  LLC: 0x0004, // Linux cooked: 802.2 frames
} as const;

export const ETHERTYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0800, 'IPv4'],
  [0x0806, 'ARP'],
  [0x8035, 'Reverse ARP'],
  [0x8100, '802.1Q'],
  [0x86dd, 'IPv6'],
  [0x88a8, '802.1Q-QinQ'],
  [0x9100, '802.1Q-9100'],
  [0x8847, 'MPLS unicast'],
  [0x8848, 'MPLS multicast'],
  [0x8863, 'PPPoE D'],
  [0x8864, 'PPPoE S'],
  [0x888e, 'EAPOL'],
  [0x88cc, 'LLDP'],
  [0x88f7, 'PTP'],
  [0x8906, 'FCoE'],
  [0x9000, 'Loopback'],
]);

/** VLAN tag ethertypes: a tag follows, then the real ethertype. */
export const VLAN_TPIDS: ReadonlySet<number> = new Set([ETHERTYPE.VLAN, ETHERTYPE.QINQ, ETHERTYPE.QINQ_OLD]);

/** Linux cooked capture packet types (SLL/SLL2 `pkttype`) → tcpdump's direction column. */
export const SLL_PKTTYPE_DIRECTION: ReadonlyArray<'In' | 'B' | 'M' | 'P' | 'Out'> = ['In', 'B', 'M', 'P', 'Out'];

/** BSD loopback (NULL/LOOP) address families that mean IPv4 / IPv6, across the systems that write them. */
export const LOOPBACK_AF_INET: ReadonlySet<number> = new Set([2]);
export const LOOPBACK_AF_INET6: ReadonlySet<number> = new Set([10 /* Linux */, 23 /* Windows */, 24 /* NetBSD, OpenBSD */, 28 /* FreeBSD */, 30 /* Darwin */]);
