/**
 * Java key stores: JKS (magic FEEDFEED) and JCEKS (magic CECECECE), as `sun.security.provider.JavaKeyStore`
 * and `com.sun.crypto.provider.JceKeyStore` write them (all integers big-endian):
 *
 *   u32 magic | u32 version (1, 2) | u32 count
 *   count × entry:
 *     u32 tag (1 private key, 2 trusted certificate, 3 secret key — JCEKS only)
 *     alias: u16 length + modified UTF-8 | u64 creation time (ms)
 *     tag 1: u32 length + protected key | u32 chain length | chain × certificate
 *     tag 2: certificate
 *     certificate: [version 2: u16 + "X.509"] u32 length + DER
 *   20-byte SHA-1 over UTF-16BE(password) ‖ "Mighty Aphrodite" ‖ every byte before it
 *
 * Anchors are the trusted certificate entries plus the first certificate of each key entry's
 * chain, as Java's trust managers take them (`KeyStores.getTrustedCerts`); the rest of a key
 * entry's chain may serve as intermediates. A secret key entry (a Java-serialized object) ends
 * the reading; what was read before it is kept.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ByteReader } from '../../util/byte-reader.js';
import { TlsAutopsyError } from '../../util/errors.js';
import { DEFAULT_MAX_STORE_ENTRIES, type RawAlias, type RawStore, type RawStoreEntry, type StoreReadOptions } from './raw-store.js';

export const JKS_MAGIC = 0xfeedfeed;
export const JCEKS_MAGIC = 0xcececece;
const DIGEST_LENGTH = 20;
/** Certificates per key entry chain at most; real chains hold fewer than ten. */
const MAX_CHAIN = 64;

/** Does the file start with the JKS or JCEKS magic? */
export function looksLikeJks(bytes: Uint8Array): boolean {
  const m = new ByteReader(bytes).u32();
  return m === JKS_MAGIC || m === JCEKS_MAGIC;
}

/** The integrity digest of a Java key store (the "Mighty Aphrodite" SHA-1). */
export function jksDigest(password: string, body: Uint8Array): Uint8Array {
  const pw = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) pw.writeUInt16BE(password.charCodeAt(i), 2 * i);
  return createHash('sha1').update(pw).update('Mighty Aphrodite', 'utf8').update(body).digest();
}

function utf(r: ByteReader): string | undefined {
  const v = r.vec16();
  return v === undefined ? undefined : Buffer.from(v.rest()).toString('utf8');
}

/**
 * Reads a JKS or JCEKS store. With a password the SHA-1 integrity digest is checked and a
 * mismatch is an error; without one the certificates are read unchecked (Java does the same).
 * Throws `TlsAutopsyError` (code `usage`) with one sentence when the store cannot be read.
 */
export function readJks(bytes: Uint8Array, name: string, password: string | null, options: StoreReadOptions = {}): RawStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_STORE_ENTRIES;
  const noun = options.noun ?? 'trust store';
  const r = new ByteReader(bytes);
  const magic = r.u32();
  const jceks = magic === JCEKS_MAGIC;
  const kind = jceks ? 'JCEKS' : 'JKS';
  const damaged = (where: string): TlsAutopsyError => new TlsAutopsyError('usage', `The Java ${kind} ${noun} '${name}' is damaged (${where}); export it again.`);
  if (magic !== JKS_MAGIC && !jceks) throw damaged('it does not start with the JKS magic number');
  const version = r.u32();
  const count = r.u32();
  if (version !== 1 && version !== 2) throw damaged(`unknown version ${version ?? '(missing)'}`);
  if (count === undefined) throw damaged('it ends before the entry count');
  if (count > maxEntries) throw new TlsAutopsyError('usage', `The Java ${kind} ${noun} '${name}' claims ${count} entries, more than the limit of ${maxEntries}; it is not read (raise the limit with --limit maxTrustStoreEntries=N).`);

  const entries: RawStoreEntry[] = [];
  const aliases: RawAlias[] = [];
  const notes: string[] = [];
  const certificate = (): Uint8Array | undefined => {
    if (version === 2) {
      const type = utf(r);
      if (type === undefined) return undefined;
      if (type !== 'X.509') throw damaged(`a certificate of type '${type.slice(0, 40)}'`);
    }
    const length = r.u32();
    return length === undefined ? undefined : r.bytesView(length);
  };
  let complete = true;
  for (let i = 0; i < count; i++) {
    const tag = r.u32();
    const alias = utf(r);
    if (tag === undefined || alias === undefined || !r.skip(8)) throw damaged(`entry ${i + 1} is cut short`);
    if (tag === 2) {
      const der = certificate();
      if (der === undefined) throw damaged(`the certificate of '${alias}' is cut short`);
      entries.push({ der: Uint8Array.from(der), label: alias, role: 'anchor' });
      aliases.push({ alias, kind: 'trusted-certificate', chain: [Uint8Array.from(der)], keyId: null, protectedKey: null, opens: null, publicKey: null });
    } else if (tag === 1) {
      const keyLength = r.u32();
      const protectedKey = keyLength === undefined ? undefined : r.bytesView(keyLength);
      const chainLength = protectedKey === undefined ? undefined : r.u32();
      if (protectedKey === undefined || chainLength === undefined || chainLength > MAX_CHAIN) throw damaged(`the key entry '${alias}' is cut short`);
      const chain: Uint8Array[] = [];
      for (let c = 0; c < chainLength; c++) {
        const der = certificate();
        if (der === undefined) throw damaged(`the chain of '${alias}' is cut short`);
        chain.push(Uint8Array.from(der));
        entries.push({ der: Uint8Array.from(der), label: alias, role: c === 0 ? 'anchor' : 'intermediate' });
      }
      aliases.push({ alias, kind: 'private-key', chain, keyId: null, protectedKey: Uint8Array.from(protectedKey), opens: null, publicKey: null });
    } else if (tag === 3 && jceks) {
      aliases.push({ alias, kind: 'secret-key', chain: [], keyId: null, protectedKey: null, opens: null, publicKey: null });
      notes.push(`'${name}' holds a secret key entry ('${alias}'); entries after it were not read.`);
      complete = false;
      break;
    } else {
      throw damaged(`entry ${i + 1} has unknown type ${tag}`);
    }
  }

  let integrity: RawStore['integrity'] = 'not-checked';
  if (complete) {
    const body = bytes.subarray(0, r.position);
    const digest = r.bytesView(DIGEST_LENGTH);
    if (digest === undefined) throw damaged('it ends before its integrity digest');
    if (password !== null) {
      const expected = jksDigest(password, body);
      if (!timingSafeEqual(expected, digest)) {
        throw new TlsAutopsyError('usage', `The Java ${kind} ${noun} '${name}' failed its integrity check with the given password: the password is wrong or the file is damaged.`);
      }
      integrity = 'verified';
    }
  }
  if (integrity === 'not-checked') notes.push(`The integrity of '${name}' was not checked (${complete ? 'no password given' : 'the digest follows the unread entries'}).`);
  return { format: jceks ? 'jceks' : 'jks', entries, integrity, notes, aliases };
}
