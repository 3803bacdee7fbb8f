import type { Anomaly } from '../util/anomaly.js';
import type { Timestamp } from '../util/time.js';

/** TCP flag bits as in the header's flags byte (plus NS in bit 8). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  NS: 0x100,
} as const;

export interface TcpOptions {
  readonly mss?: number;
  readonly windowScale?: number;
  readonly sackPermitted?: boolean;
  /** SACK blocks as [left, right) sequence numbers. */
  readonly sack?: readonly (readonly [number, number])[];
  readonly timestamp?: readonly [value: number, echo: number];
}

/** A decoded TCP segment: what the flow layer consumes. */
export interface TcpSegment {
  readonly frame: number;
  readonly time: Timestamp;
  readonly ipVersion: 4 | 6;
  /** Textual addresses: dotted IPv4, RFC 5952 IPv6. */
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** Unsigned 32-bit sequence and acknowledgement numbers. */
  readonly seq: number;
  readonly ack: number;
  /** Bit set of TcpFlag values. */
  readonly flags: number;
  /** Raw window field (unscaled). */
  readonly window: number;
  readonly options: TcpOptions;
  /** Captured payload bytes (a view, valid only during the callback). */
  readonly payload: Uint8Array;
  /**
   * Payload bytes the IP header says were sent but the capture does not hold (snap length).
   * The flow layer turns them into a gap.
   */
  readonly missingPayloadBytes: number;
  /** 802.1Q / 802.1ad VLAN ids, outermost first (empty when untagged). */
  readonly vlans: readonly number[];
}

/** A decoded UDP datagram (counted so the report can say DTLS/QUIC were present). */
export interface UdpDatagram {
  readonly frame: number;
  readonly time: Timestamp;
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

/**
 * What decoding one packet produced. Exactly one `kind`; anomalies may accompany any of them.
 * - `tcp` / `udp`: a transport unit (for fragmented IP, once the datagram is complete).
 * - `fragment`: an IP fragment held for reassembly (nothing to deliver yet).
 * - `other`: a packet of another protocol (ARP, ICMP, …); `protocol` names it.
 * - `unsupported-link`: the link type is not decoded; `linkType` says which.
 * - `malformed`: a header could not be read; see anomalies.
 */
export type DecodeOutcome =
  | { readonly kind: 'tcp'; readonly segment: TcpSegment; readonly anomalies: readonly Anomaly[] }
  | { readonly kind: 'udp'; readonly datagram: UdpDatagram; readonly anomalies: readonly Anomaly[] }
  | { readonly kind: 'fragment'; readonly anomalies: readonly Anomaly[] }
  | { readonly kind: 'other'; readonly protocol: string; readonly anomalies: readonly Anomaly[] }
  | { readonly kind: 'unsupported-link'; readonly linkType: number; readonly anomalies: readonly Anomaly[] }
  | { readonly kind: 'malformed'; readonly anomalies: readonly Anomaly[] };

/** Counters the decoder keeps for the capture summary. */
export interface DecodeStats {
  readonly packets: number;
  readonly tcp: number;
  readonly udp: number;
  readonly fragmentsHeld: number;
  readonly fragmentsReassembled: number;
  readonly fragmentsDropped: number;
  /** Other protocols by name ("arp", "icmp", "ipv4 proto 47", …). */
  readonly other: ReadonlyMap<string, number>;
  /** Packets of link types that are not decoded, by LINKTYPE number. */
  readonly unsupportedLinkTypes: ReadonlyMap<number, number>;
  readonly malformed: number;
  /** Link types seen, by LINKTYPE number. */
  readonly linkTypes: ReadonlyMap<number, number>;
}

/** Limits for the stateful decoder (IP fragment reassembly). */
export interface DecoderOptions {
  /** Bytes held across all incomplete IP datagrams. Default 4 MiB. */
  readonly maxFragmentBytes?: number;
  /** Incomplete datagrams held at once. Default 1024. */
  readonly maxFragmentedDatagrams?: number;
  /** A datagram whose fragments span more than this (capture time) is dropped. Default 30 s. */
  readonly fragmentTimeoutSeconds?: number;
}
