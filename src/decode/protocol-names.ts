/**
 * Names for what the decoder does not decode further, as the capture summary counts them:
 * EtherTypes ("arp", "lldp", …) and IP protocols ("icmp", "gre", …). Unknown values get a
 * stable generated name ("ethertype 0x88b5", "ipv4 proto 253", "ipv6 next header 253").
 */

const ETHERTYPE_NAMES = new Map<number, string>([
  [0x0806, 'arp'],
  [0x0842, 'wake-on-lan'],
  [0x22f3, 'trill'],
  [0x6003, 'decnet'],
  [0x8035, 'rarp'],
  [0x809b, 'appletalk'],
  [0x80f3, 'aarp'],
  [0x8137, 'ipx'],
  [0x8808, 'ethernet flow control'],
  [0x8809, 'slow protocols (lacp)'],
  [0x8847, 'mpls'],
  [0x8848, 'mpls multicast'],
  [0x8863, 'pppoe discovery'],
  [0x8864, 'pppoe'],
  [0x886d, 'intel ans'],
  [0x888e, 'eapol'],
  [0x8892, 'profinet'],
  [0x889a, 'hyperscsi'],
  [0x88a2, 'ata over ethernet'],
  [0x88a4, 'ethercat'],
  [0x88b8, 'goose'],
  [0x88cc, 'lldp'],
  [0x88e1, 'homeplug'],
  [0x88e3, 'mrp'],
  [0x88e5, 'macsec'],
  [0x88e7, 'pbb'],
  [0x88f7, 'ptp'],
  [0x88fb, 'prp'],
  [0x8902, 'cfm'],
  [0x8906, 'fcoe'],
  [0x8914, 'fcoe init'],
  [0x8915, 'roce'],
  [0x891d, 'tte'],
  [0x893a, 'ieee 1905'],
  [0x892f, 'hsr'],
  [0x9000, 'ethernet loopback'],
]);

const IP_PROTOCOL_NAMES = new Map<number, string>([
  [1, 'icmp'],
  [2, 'igmp'],
  [4, 'ipip'],
  [8, 'egp'],
  [41, 'ipv6 in ip'],
  [46, 'rsvp'],
  [47, 'gre'],
  [50, 'esp'],
  [51, 'ah'],
  [58, 'icmpv6'],
  [59, 'ipv6 no next header'],
  [88, 'eigrp'],
  [89, 'ospf'],
  [94, 'ipip'],
  [97, 'etherip'],
  [103, 'pim'],
  [112, 'vrrp'],
  [115, 'l2tp'],
  [132, 'sctp'],
  [136, 'udplite'],
  [137, 'mpls in ip'],
]);

// Generated names are cached so a packet does not allocate one; the key spaces are 16 and 8
// bits wide, which bounds the caches.
const etherTypeCache = new Map<number, string>();
const ipv4Cache = new Map<number, string>();
const ipv6Cache = new Map<number, string>();

/** Name of a non-IP EtherType, e.g. "arp", or "ethertype 0x88b5". */
export function etherTypeName(etherType: number): string {
  const known = ETHERTYPE_NAMES.get(etherType);
  if (known !== undefined) return known;
  const key = etherType & 0xffff;
  let name = etherTypeCache.get(key);
  if (name === undefined) {
    name = `ethertype 0x${key.toString(16).padStart(4, '0')}`;
    etherTypeCache.set(key, name);
  }
  return name;
}

/** Name of an IP protocol that is not TCP or UDP, e.g. "icmp", or "ipv4 proto 253". */
export function ipProtocolName(version: 4 | 6, protocol: number): string {
  const known = IP_PROTOCOL_NAMES.get(protocol);
  if (known !== undefined) return known;
  const cache = version === 4 ? ipv4Cache : ipv6Cache;
  const key = protocol & 0xff;
  let name = cache.get(key);
  if (name === undefined) {
    name = version === 4 ? `ipv4 proto ${key}` : `ipv6 next header ${key}`;
    cache.set(key, name);
  }
  return name;
}
