/**
 * Packet decoding: link layer → IPv4/IPv6 (fragments) → TCP segments and UDP datagrams.
 */
export { PacketDecoder } from './packet-decoder.js';
export { linkTypeName, linkTypeDescription } from './link-types.js';
