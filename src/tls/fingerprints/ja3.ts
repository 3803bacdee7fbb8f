/**
 * JA3 and JA3S fingerprints (salesforce/ja3, BSD-3-Clause).
 *
 * JA3  = MD5("SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats"), decimal values joined
 *        with "-", wire order, GREASE (RFC 8701) removed from ciphers, extensions and curves.
 * JA3S = MD5("SSLVersion,Cipher,Extensions") of the ServerHello, extensions in wire order, nothing removed.
 */
import { createHash } from 'node:crypto';
import type { ClientHello } from '../handshake/client-hello.js';
import type { ServerHello } from '../handshake/server-hello.js';
import { isGrease } from '../registry/names.js';

/** A fingerprint's input string and its hash. */
export interface Fingerprint {
  readonly text: string;
  readonly hash: string;
}

/**
 * JA3/JA3S input strings repeat across connections from the same stacks: remember their hashes.
 * Bounded; when full it is cleared (stays correct, only slower).
 */
export const MAX_JA3_HASH_CACHE = 4096;
/** Longer inputs are hashed each time, so the cache holds at most ~4096 × 2 KiB characters. */
export const MAX_JA3_HASH_CACHE_INPUT_LENGTH = 2048;
const md5Cache = new Map<string, string>();

function md5(text: string): string {
  const hit = md5Cache.get(text);
  if (hit !== undefined) return hit;
  const h = createHash('md5').update(text, 'latin1').digest('hex');
  if (text.length <= MAX_JA3_HASH_CACHE_INPUT_LENGTH) {
    if (md5Cache.size >= MAX_JA3_HASH_CACHE) md5Cache.clear();
    md5Cache.set(text, h);
  }
  return h;
}

function join(values: readonly number[]): string {
  return values.filter((v) => !isGrease(v)).join('-');
}

/** JA3 of a ClientHello. SSLv2-format hellos have no JA3 (the reference computes it from TLS records only): null. */
export function ja3(hello: ClientHello): Fingerprint | null {
  if (hello.isSslv2Format) return null;
  const text = [
    String(hello.legacyVersion),
    join(hello.cipherSuites),
    join(hello.extensions.map((e) => e.type)),
    join(hello.supportedGroups ?? []),
    (hello.ecPointFormats ?? []).join('-'),
  ].join(',');
  return { text, hash: md5(text) };
}

/** JA3S of a ServerHello (version = legacy_version, as the reference reads it). */
export function ja3s(hello: ServerHello): Fingerprint {
  const text = [String(hello.legacyVersion), String(hello.cipherSuite), hello.extensions.map((e) => e.type).join('-')].join(',');
  return { text, hash: md5(text) };
}
