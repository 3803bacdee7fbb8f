/**
 * What every link-layer decoder hands to the network layer: which protocol follows (as an
 * EtherType, the common currency of Ethernet, Linux cooked and VLAN tags) and where it starts.
 */
export interface LinkHeader {
  /**
   * EtherType of the payload (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, …), or -1 when the link
   * layer names its payload some other way; `other` then says what it is.
   */
  readonly etherType: number;
  /** Offset of the payload within the frame. */
  readonly payloadOffset: number;
  /** VLAN ids, outermost first (a shared empty array when untagged). */
  readonly vlans: readonly number[];
  /** Name of a payload that has no EtherType ("llc", "netlink", "null family 7", …). */
  readonly other?: string;
}

/** The empty VLAN list, shared so untagged frames allocate nothing for it. */
export const NO_VLANS: readonly number[] = Object.freeze([]);

/**
 * The payload of every segment that carries none (SYNs, pure ACKs, FINs: about half of a
 * handshake's packets), instead of an empty view made per packet.
 */
const NO_PAYLOAD = new Uint8Array(0);

/** `bytes[start..end)` as a view, or the shared empty one. */
export function payloadView(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return start < end ? bytes.subarray(start, end) : NO_PAYLOAD;
}

/** EtherTypes the decoder acts on or names. */
export const ETHERTYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  IPV6: 0x86dd,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
} as const;
