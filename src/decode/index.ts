/**
 * Packet decoding: link layer → IPv4/IPv6 (fragments) → TCP segments and UDP datagrams.
 */
export { PacketDecoder, MAX_INNER_ENCAPSULATIONS } from './packet-decoder.js';
export { TcpFlag } from './types.js';
export type { DecodeOutcome, DecodeStats, DecoderOptions, TcpOptions, TcpSegment, UdpDatagram } from './types.js';
export { linkTypeName, linkTypeDescription, LINK_TYPES, DECODED_LINK_TYPES } from './link-types.js';
export type { LinkTypeInfo } from './link-types.js';
export { formatIpv4, formatIpv6, AddressCache, plainAddressFormatter, ADDRESS_CACHE_SLOTS } from './address.js';
export type { AddressFormatter } from './address.js';
export { ETHERTYPE, NO_VLANS } from './link-header.js';
export type { LinkHeader } from './link-header.js';
export { decodeEthernet, decodeVlanTags, isVlanTpid, MAX_VLAN_TAGS } from './ethernet.js';
export { decodeSll, ARPHRD_NETLINK } from './sll.js';
export type { SllHeader } from './sll.js';
export { decodeSll2 } from './sll2.js';
export type { Sll2Header } from './sll2.js';
export { decodeNull, decodeLoop, familyToEtherType } from './null-loopback.js';
export type { NullHeader } from './null-loopback.js';
export { decodeRawIp, RAW_IP_LINK_TYPES } from './raw-ip.js';
export { decodeIpv4, isIpv4Fragment } from './ipv4.js';
export type { Ipv4Header } from './ipv4.js';
export { decodeIpv6, walkExtensionHeaders, MAX_EXTENSION_HEADERS, IPPROTO } from './ipv6.js';
export type { Ipv6Header, Ipv6Fragment, ExtensionChain } from './ipv6.js';
export { FragmentReassembler, fragmentKey, FRAGMENT_DEFAULTS, MAX_REASSEMBLED_BYTES } from './ip-fragments.js';
export type { Fragment, FragmentLimits, FragmentResult } from './ip-fragments.js';
export { decodeTcp, decodeTcpOptions, NO_TCP_OPTIONS } from './tcp.js';
export type { TcpHeader } from './tcp.js';
export { decodeUdp } from './udp.js';
export type { UdpHeader } from './udp.js';
export { etherTypeName, ipProtocolName } from './protocol-names.js';
export { decodePpp, decodePppoeSession, pppProtocolName } from './ppp.js';
export { decodeMpls, MAX_MPLS_LABELS } from './mpls.js';
