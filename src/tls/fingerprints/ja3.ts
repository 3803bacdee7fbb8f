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
import { ClearingCache, ListsCache } from '../../util/clearing-cache.js';
import { NO_OBJECTS, mapNumbers } from '../../util/stable-lists.js';

/** A fingerprint's input string and its hash. */
export interface Fingerprint {
  readonly text: string;
  readonly hash: string;
}

/**
 * JA3/JA3S input strings repeat across connections from the same stacks: remember their hashes.
 * Bounded; when full it is cleared (stays correct, only slower).
 */
const MAX_JA3_HASH_CACHE = 4096;
/** Longer inputs are hashed each time, so the cache holds at most ~4096 × 2 KiB characters. */
const MAX_JA3_HASH_CACHE_INPUT_LENGTH = 2048;
const md5Cache = new ClearingCache<string, string>(MAX_JA3_HASH_CACHE);

function md5(text: string): string {
  const hit = md5Cache.get(text);
  if (hit !== undefined) return hit;
  const h = createHash('md5').update(text, 'latin1').digest('hex');
  if (text.length <= MAX_JA3_HASH_CACHE_INPUT_LENGTH) {
    md5Cache.set(text, h);
  }
  return h;
}

/** Decimal values without GREASE, joined with '-', built in one pass (no filtered copy). */
function join(values: readonly number[]): string {
  let out = '';
  let first = true;
  for (const v of values) {
    if (isGrease(v)) continue;
    out = first ? `${v}` : `${out}-${v}`;
    first = false;
  }
  return out;
}

/** ServerHellos whose JA3S is remembered; past it, all are forgotten. */
const MAX_JA3S_RESULT_CACHE = 4096;
/** Most list values (version and suite, extensions) of a ServerHello whose JA3S is remembered. */
const MAX_JA3S_RESULT_CACHE_VALUES = 512;

/**
 * JA3 of a ClientHello. SSLv2-format hellos have no JA3 (the reference computes it from TLS records only): null.
 * Not remembered here: a hello's fingerprints are remembered with its shape (analysis/hello-shape.ts).
 */
export function ja3(hello: ClientHello): Fingerprint | null {
  if (hello.isSslv2Format) return null;
  const extTypes = hello.extensions.map((e) => e.type);
  const text = [String(hello.legacyVersion), join(hello.cipherSuites), join(extTypes), join(hello.supportedGroups ?? []), (hello.ecPointFormats ?? []).join('-')].join(',');
  return { text, hash: md5(text) };
}

/** Whole JA3S results remembered by their exact inputs (a capture repeats a handful of server stacks). */
const ja3sCache = new ListsCache<Fingerprint>(MAX_JA3S_RESULT_CACHE, MAX_JA3S_RESULT_CACHE_VALUES);

/**
 * JA3S of a ServerHello (version = legacy_version, as the reference reads it). `extTypes` is its
 * extension types in order, for a caller that has made that list already.
 */
export function ja3s(hello: ServerHello, extTypes: readonly number[] = mapNumbers(hello.extensions, (e) => e.type)): Fingerprint {
  const version = hello.legacyVersion;
  const suite = hello.cipherSuite;
  const lists = [[version, suite], extTypes];
  const hit = ja3sCache.get(lists, NO_OBJECTS);
  if (hit !== undefined) return hit;
  const text = `${version},${suite},${extTypes.join('-')}`;
  const result: Fingerprint = { text, hash: md5(text) };
  ja3sCache.set(lists, NO_OBJECTS, result);
  return result;
}
