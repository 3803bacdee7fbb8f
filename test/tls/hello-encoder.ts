/** A small ClientHello/ServerHello encoder for round-trip tests (not used by the library). */

export interface RawExtension {
  readonly type: number;
  readonly data: Uint8Array;
}

export function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

export function u24(n: number): number[] {
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

export function vec8(b: ArrayLike<number>): number[] {
  return [b.length, ...Array.from(b)];
}

export function vec16(b: ArrayLike<number>): number[] {
  return [...u16(b.length), ...Array.from(b)];
}

export function u16list(values: readonly number[]): number[] {
  return values.flatMap(u16);
}

export function ext(type: number, data: ArrayLike<number>): RawExtension {
  return { type, data: Uint8Array.from(Array.from(data)) };
}

export function extensionsBlock(exts: readonly RawExtension[]): number[] {
  return vec16(exts.flatMap((e) => [...u16(e.type), ...vec16(e.data)]));
}

export interface ClientHelloSpec {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compression: readonly number[];
  /** null: no extension block at all. */
  readonly extensions: readonly RawExtension[] | null;
}

export function encodeClientHello(s: ClientHelloSpec): Uint8Array {
  return Uint8Array.from([
    ...u16(s.version),
    ...s.random,
    ...vec8(s.sessionId),
    ...vec16(u16list(s.cipherSuites)),
    ...vec8(s.compression),
    ...(s.extensions === null ? [] : extensionsBlock(s.extensions)),
  ]);
}

export interface ServerHelloSpec {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compression: number;
  readonly extensions: readonly RawExtension[] | null;
}

export function encodeServerHello(s: ServerHelloSpec): Uint8Array {
  return Uint8Array.from([
    ...u16(s.version),
    ...s.random,
    ...vec8(s.sessionId),
    ...u16(s.cipherSuite),
    s.compression,
    ...(s.extensions === null ? [] : extensionsBlock(s.extensions)),
  ]);
}

/** Wraps a handshake body in a handshake header and one TLS record. */
export function handshakeRecord(msgType: number, body: Uint8Array, recordVersion = 0x0301): Uint8Array {
  const hs = [msgType, ...u24(body.length), ...body];
  return Uint8Array.from([22, ...u16(recordVersion), ...u16(hs.length), ...hs]);
}

export function sniExtension(host: string): RawExtension {
  const name = Array.from(Buffer.from(host, 'latin1'));
  return ext(0x0000, vec16([0, ...vec16(name)]));
}

export function alpnExtension(protocols: readonly (string | number[])[]): RawExtension {
  const list = protocols.flatMap((p) => vec8(typeof p === 'string' ? Array.from(Buffer.from(p, 'latin1')) : p));
  return ext(0x0010, vec16(list));
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}
