/**
 * UDP is out of scope for handshake analysis, but a report should say when DTLS or QUIC
 * was present (a user looking for "the TLS handshake" may be looking at QUIC).
 * Flows are counted by 4-tuple, with a bound so a UDP flood cannot grow memory.
 */
import type { UdpDatagram } from '../decode/types.js';
import { ANALYSIS_DEFAULTS } from './defaults.js';
import { u32At, u8At } from '../util/wire-read.js';

export interface UdpSummary {
  readonly datagrams: number;
  /** Distinct UDP 4-tuples seen (up to the bound; `flowsCapped` says when it was hit). */
  readonly flows: number;
  readonly dtlsFlows: number;
  readonly quicFlows: number;
  readonly flowsCapped: boolean;
}

type Kind = 'dtls' | 'quic' | 'other';

/**
 * DTLSPlaintext (RFC 9147 §4): ContentType type (20..25); ProtocolVersion (0xfeff, 0xfefd, 0xfefc);
 * uint16 epoch; uint48 sequence_number; uint16 length.
 */
function looksLikeDtls(p: Uint8Array): boolean {
  if (p.length < 13) return false;
  const type = u8At(p, 0) ?? 0;
  const major = u8At(p, 1);
  const minor = u8At(p, 2);
  return type >= 20 && type <= 25 && major === 0xfe && (minor === 0xff || minor === 0xfd || minor === 0xfc);
}

/** QUIC long header (RFC 9000 §17.2): header form 1, fixed bit 1, then a 32-bit version (1, 2, or a draft 0xff0000xx). */
function looksLikeQuic(p: Uint8Array): boolean {
  const first = u8At(p, 0);
  const version = u32At(p, 1);
  if (p.length < 7 || first === undefined || version === undefined || (first & 0xc0) !== 0xc0) return false;
  return version === 1 || version === 0x6b3343cf || (version & 0xffffff00) >>> 0 === 0xff000000;
}

/** Default of `maxUdpFlows`. */
const DEFAULT_MAX_UDP_FLOWS: number = ANALYSIS_DEFAULTS.maxUdpFlows;

export class UdpCensus {
  private datagrams = 0;
  private readonly flows = new Map<string, Kind>();
  private capped = false;

  private readonly maxFlows: number;

  constructor(maxFlows = DEFAULT_MAX_UDP_FLOWS) {
    this.maxFlows = Math.max(0, maxFlows);
  }

  add(d: UdpDatagram): void {
    this.datagrams++;
    const a = `${d.src}|${d.srcPort}`;
    const b = `${d.dst}|${d.dstPort}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    const known = this.flows.get(key);
    if (known !== undefined && known !== 'other') return;
    const kind: Kind = looksLikeDtls(d.payload) ? 'dtls' : looksLikeQuic(d.payload) ? 'quic' : 'other';
    if (known === undefined && this.flows.size >= this.maxFlows) {
      this.capped = true;
      return;
    }
    if (known === undefined || kind !== 'other') this.flows.set(key, kind);
  }

  summary(): UdpSummary {
    let dtls = 0;
    let quic = 0;
    for (const k of this.flows.values()) {
      if (k === 'dtls') dtls++;
      else if (k === 'quic') quic++;
    }
    return { datagrams: this.datagrams, flows: this.flows.size, dtlsFlows: dtls, quicFlows: quic, flowsCapped: this.capped };
  }
}
