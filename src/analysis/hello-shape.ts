/**
 * The shape of a ClientHello: what it shares with every hello the same client stack sends with
 * the same settings (its offered lists and the fingerprints made of them), as opposed to what
 * each connection draws afresh (random, session id, key shares, SNI).
 *
 * A capture repeats a handful of client stacks, thousands of times over on a busy front end. So
 * shapes are interned: the first hello of a shape pays for its lists and fingerprints, and every
 * later one is found by a numeric hash of its fields, confirmed by comparing them, and gets the
 * same objects. Two connections from one client then hold the very same lists, so what is
 * remembered by lists further on (client stacks, weak suites) is found by their identity
 * (`ListsCache`), without hashing them again.
 *
 * Bounded: at most MAX_HELLO_SHAPES shapes, then all are forgotten and interning starts again;
 * a hello of more than MAX_HELLO_SHAPE_VALUES values is never kept (its shape is made each time).
 * Either only costs time: every value is what the hello alone gives.
 */
import type { ClientHello } from '../tls/handshake/client-hello.js';
import { ja3 } from '../tls/fingerprints/ja3.js';
import type { Fingerprint } from '../tls/fingerprints/ja3.js';
import { ja4 } from '../tls/fingerprints/ja4.js';
import type { Ja4Result } from '../tls/fingerprints/ja4.js';
import { FNV_OFFSET, mixNumber, mixNumbers, mixStrings, sameNumbers, sameStrings } from '../util/clearing-cache.js';
import { NO_NUMBERS, NO_OBJECTS } from '../util/stable-lists.js';

/** The lists and fingerprints a ClientHello shares with every hello of its shape; never changed once made. */
export interface HelloShape {
  readonly cipherSuites: readonly number[];
  /** Extension types in wire order. */
  readonly extensions: readonly number[];
  /** supported_versions when present, else legacy_version alone. */
  readonly versions: readonly number[];
  readonly supportedGroups: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  readonly alpn: readonly string[];
  /** Null for an SSLv2-format hello. */
  readonly ja3: Fingerprint | null;
  readonly ja4: Ja4Result;
}

/** Distinct shapes remembered; past it, all are forgotten (a capture rarely has more than a few dozen). */
const MAX_HELLO_SHAPES = 4096;
/** Most values (list entries and ALPN characters) of a hello whose shape is remembered. */
export const MAX_HELLO_SHAPE_VALUES = 1024;

/**
 * A remembered shape with the fields it was made from that it does not show: SSLv2 format, the
 * legacy version, supported_versions as sent (absent and empty give different `versions`), and
 * the point formats (JA3 reads them). Every other absent list reads as an empty one everywhere.
 */
interface Entry {
  readonly shape: HelloShape;
  readonly sslv2: boolean;
  readonly legacyVersion: number;
  readonly supportedVersions: readonly number[] | null;
  readonly ecPointFormats: readonly number[];
}

const buckets = new Map<number, Entry[]>();
let count = 0;
/** Tests: every hello hashes alike, so that only the comparison of the fields tells shapes apart. */
let allCollide = false;

/** Hashed in place of an absent supported_versions, so that it and an empty one differ. */
const ABSENT: readonly number[] = [0x10000 + 1];

/** The shape of `hello`: the remembered one when a hello of the same shape was seen. */
export function helloShape(hello: ClientHello): HelloShape {
  if (valueCount(hello) > MAX_HELLO_SHAPE_VALUES) return makeShape(hello);
  const hash = allCollide ? 0 : shapeHash(hello);
  const bucket = buckets.get(hash);
  if (bucket !== undefined) for (const entry of bucket) if (matches(entry, hello)) return entry.shape;
  if (count >= MAX_HELLO_SHAPES) {
    buckets.clear();
    count = 0;
  }
  const entry: Entry = {
    shape: makeShape(hello),
    sslv2: hello.isSslv2Format,
    legacyVersion: hello.legacyVersion,
    supportedVersions: hello.supportedVersions,
    ecPointFormats: hello.ecPointFormats ?? NO_NUMBERS,
  };
  const existing = buckets.get(hash);
  if (existing === undefined) buckets.set(hash, [entry]);
  else existing.push(entry);
  count++;
  return entry.shape;
}

/** Forgets every remembered shape (tests); with `collide`, every later hello hashes alike until the next call. */
export function forgetHelloShapes(options: { readonly collide?: boolean } = {}): void {
  buckets.clear();
  count = 0;
  allCollide = options.collide === true;
}

function makeShape(hello: ClientHello): HelloShape {
  const extensions: number[] = [];
  for (const e of hello.extensions) extensions.push(e.type);
  return {
    cipherSuites: hello.cipherSuites,
    extensions,
    versions: hello.supportedVersions ?? [hello.legacyVersion],
    supportedGroups: hello.supportedGroups ?? NO_NUMBERS,
    signatureAlgorithms: hello.signatureAlgorithms ?? NO_NUMBERS,
    alpn: hello.alpn ?? NO_OBJECTS,
    ja3: ja3(hello),
    ja4: ja4(hello),
  };
}

function valueCount(hello: ClientHello): number {
  let n = hello.cipherSuites.length + hello.extensions.length;
  n += (hello.supportedVersions?.length ?? 0) + (hello.supportedGroups?.length ?? 0) + (hello.signatureAlgorithms?.length ?? 0) + (hello.ecPointFormats?.length ?? 0);
  for (const name of hello.alpn ?? NO_OBJECTS) n += name.length + 1;
  return n;
}

/** FNV-1a over every field the shape is made from, each list preceded by its length (supported_versions: or ABSENT). */
function shapeHash(hello: ClientHello): number {
  let h = mixNumber(mixNumber(FNV_OFFSET, hello.isSslv2Format ? 1 : 0), hello.legacyVersion);
  h = mixNumbers(h, hello.cipherSuites);
  h = mixNumber(h, hello.extensions.length);
  for (const e of hello.extensions) h = mixNumber(h, e.type);
  h = mixNumbers(h, hello.supportedVersions ?? ABSENT);
  h = mixNumbers(h, hello.supportedGroups ?? NO_NUMBERS);
  h = mixNumbers(h, hello.signatureAlgorithms ?? NO_NUMBERS);
  h = mixNumbers(h, hello.ecPointFormats ?? NO_NUMBERS);
  return mixStrings(h, hello.alpn ?? NO_OBJECTS);
}

function matches(entry: Entry, hello: ClientHello): boolean {
  const shape = entry.shape;
  if (entry.sslv2 !== hello.isSslv2Format || entry.legacyVersion !== hello.legacyVersion) return false;
  if (!sameNumbers(shape.cipherSuites, hello.cipherSuites)) return false;
  const types = shape.extensions;
  const extensions = hello.extensions;
  if (types.length !== extensions.length) return false;
  for (let i = 0; i < types.length; i++) if (types[i] !== extensions[i]?.type) return false;
  if (!sameOptionalNumbers(entry.supportedVersions, hello.supportedVersions) || !sameNumbers(entry.ecPointFormats, hello.ecPointFormats ?? NO_NUMBERS)) return false;
  if (!sameNumbers(shape.supportedGroups, hello.supportedGroups ?? NO_NUMBERS) || !sameNumbers(shape.signatureAlgorithms, hello.signatureAlgorithms ?? NO_NUMBERS)) return false;
  return sameStrings(shape.alpn, hello.alpn ?? NO_OBJECTS);
}

function sameOptionalNumbers(a: readonly number[] | null, b: readonly number[] | null): boolean {
  return a === null || b === null ? a === b : sameNumbers(a, b);
}
