/**
 * Cleartext TLS 1.2 flights as bytes, and whole TCP connections carrying them, for the
 * resource tests: a ClientHello with SNI, a ServerHello, a Certificate message of any chain,
 * ServerHelloDone.
 */
import { encodeClientHello, encodeServerHello, handshakeRecord, sniExtension } from '../tls/hello-encoder.js';
import { F, ip } from './support.js';
import type { PcapStream } from './support.js';

export const CLIENT_IP = ip(10, 1, 0, 1);
export const SERVER_IP = ip(10, 2, 0, 1);

/** ClientHello record (TLS 1.2, one suite) naming `sni`. */
export function clientHelloRecord(sni: string): Uint8Array {
  return handshakeRecord(
    1,
    encodeClientHello({ version: 0x0303, random: new Uint8Array(32).fill(7), sessionId: new Uint8Array(0), cipherSuites: [0xc02f], compression: [0], extensions: [sniExtension(sni)] }),
  );
}

/** ServerHello record choosing TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256. */
export function serverHelloRecord(): Uint8Array {
  return handshakeRecord(2, encodeServerHello({ version: 0x0303, random: new Uint8Array(32).fill(9), sessionId: new Uint8Array(0), cipherSuite: 0xc02f, compression: 0, extensions: null }), 0x0303);
}

/** Handshake message bytes (type, u24 length, body), not yet in records. */
export function handshakeMessage(msgType: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = msgType;
  out[1] = (body.length >>> 16) & 0xff;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, 4);
  return out;
}

/** TLS 1.2 Certificate message body: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1> (RFC 5246 §7.4.2). */
export function certificateBody(ders: readonly Uint8Array[]): Uint8Array {
  const listLength = ders.reduce((n, d) => n + 3 + d.length, 0);
  const out = new Uint8Array(3 + listLength);
  let at = 0;
  const u24 = (n: number): void => {
    out[at++] = (n >>> 16) & 0xff;
    out[at++] = (n >>> 8) & 0xff;
    out[at++] = n & 0xff;
  };
  u24(listLength);
  for (const d of ders) {
    u24(d.length);
    out.set(d, at);
    at += d.length;
  }
  return out;
}

/** Cuts handshake bytes into handshake records of at most 16384 bytes. */
export function inRecords(contentType: number, bytes: Uint8Array, max = 16384): Uint8Array {
  const count = Math.max(1, Math.ceil(bytes.length / max));
  const out = new Uint8Array(bytes.length + 5 * count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const part = bytes.subarray(i * max, Math.min(bytes.length, (i + 1) * max));
    out.set([contentType, 3, 3, part.length >>> 8, part.length & 0xff], at);
    out.set(part, at + 5);
    at += 5 + part.length;
  }
  return out;
}

/** Joins byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One TCP connection: handshake, the client's bytes, the server's bytes, FINs. */
export interface ConnSpec {
  readonly client?: number;
  readonly server?: number;
  readonly cport: number;
  readonly sport?: number;
  readonly c2s: Uint8Array;
  readonly s2c: Uint8Array;
  /** Segment size. Default 1400. */
  readonly mss?: number;
  /** Leave the connection open (no FIN). */
  readonly open?: boolean;
}

/** Writes a whole connection into the stream. */
export function connection(s: PcapStream, c: ConnSpec): void {
  const cl = c.client ?? CLIENT_IP;
  const sv = c.server ?? SERVER_IP;
  const sport = c.sport ?? 443;
  const mss = c.mss ?? 1400;
  let cseq = 1000;
  let sseq = 500_000;
  s.add({ src: cl, dst: sv, sport: c.cport, dport: sport, seq: cseq - 1, flags: F.SYN });
  s.add({ src: sv, dst: cl, sport, dport: c.cport, seq: sseq - 1, ack: cseq, flags: F.SYN | F.ACK });
  s.add({ src: cl, dst: sv, sport: c.cport, dport: sport, seq: cseq, ack: sseq, flags: F.ACK });
  for (let i = 0; i < c.c2s.length; i += mss) {
    const payload = c.c2s.subarray(i, Math.min(c.c2s.length, i + mss));
    s.add({ src: cl, dst: sv, sport: c.cport, dport: sport, seq: cseq, ack: sseq, flags: F.ACK | F.PSH, payload });
    cseq += payload.length;
  }
  for (let i = 0; i < c.s2c.length; i += mss) {
    const payload = c.s2c.subarray(i, Math.min(c.s2c.length, i + mss));
    s.add({ src: sv, dst: cl, sport, dport: c.cport, seq: sseq, ack: cseq, flags: F.ACK | F.PSH, payload });
    sseq += payload.length;
  }
  if (c.open === true) return;
  s.add({ src: cl, dst: sv, sport: c.cport, dport: sport, seq: cseq, ack: sseq, flags: F.ACK | F.FIN });
  s.add({ src: sv, dst: cl, sport, dport: c.cport, seq: sseq, ack: cseq + 1, flags: F.ACK | F.FIN });
  s.add({ src: cl, dst: sv, sport: c.cport, dport: sport, seq: cseq + 1, ack: sseq + 1, flags: F.ACK });
}

/** A well-formed TLS 1.2 start (ClientHello; ServerHello, ServerHelloDone) for `good.example`. */
export function goodConnection(s: PcapStream, cport: number): void {
  connection(s, {
    cport,
    client: ip(10, 9, 9, 9),
    c2s: clientHelloRecord('good.example'),
    s2c: concat(serverHelloRecord(), inRecords(22, handshakeMessage(14, new Uint8Array(0)))),
  });
}

/**
 * Connection `i` of a flood: its own client address, a handshake, then the client's bytes in
 * `mss`-byte segments, left open (no FIN), so whatever it holds stays held until the capture ends.
 */
export function openClientFlood(s: PcapStream, i: number, c2s: Uint8Array, mss = 1400, dport = 443): void {
  const src = ip(172, 30 + (i >>> 16), (i >>> 8) & 0xff, i & 0xff);
  const sport = 1024 + (i % 60000);
  let cseq = 100;
  s.add({ src, dst: SERVER_IP, sport, dport, seq: cseq - 1, flags: F.SYN });
  s.add({ src: SERVER_IP, dst: src, sport: dport, dport: sport, seq: 5, ack: cseq, flags: F.SYN | F.ACK });
  s.add({ src, dst: SERVER_IP, sport, dport, seq: cseq, ack: 6, flags: F.ACK });
  for (let at = 0; at < c2s.length; at += mss) {
    const payload = c2s.subarray(at, Math.min(c2s.length, at + mss));
    s.add({ src, dst: SERVER_IP, sport, dport, seq: cseq, ack: 6, flags: F.ACK | F.PSH, payload });
    cseq += payload.length;
  }
}
