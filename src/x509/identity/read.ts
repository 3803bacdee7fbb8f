/**
 * Reading identity key stores (PKCS#12, JKS, JCEKS) into the entries Java's key managers see:
 * every alias with its chain, key algorithm and size, whether the key password opens the key,
 * and its place in Java's enumeration order. The trust store readers parse the files; this
 * module adds what only an identity needs. Each failure is one `TlsAutopsyError` sentence.
 */
import { readFile, stat } from 'node:fs/promises';
import { TlsAutopsyError } from '../../util/errors.js';
import { certificateFacts, type CertificateFacts } from '../certificate-summary.js';
import { looksLikeJks, readJks } from '../trust/jks.js';
import { looksLikePkcs12, readPkcs12 } from '../trust/pkcs12.js';
import { DEFAULT_MAX_KDF_ITERATIONS, DEFAULT_MAX_KEY_CHECKS, type RawAlias, type RawStore, type RawStoreEntry, type StoreLimits } from '../trust/raw-store.js';
import { DEFAULT_MAX_TRUST_FILE_BYTES } from '../trust/load.js';
import { publicKeyMatchesCertificate } from '../private-key.js';
import { hashtableOrder } from './java-collections.js';
import { javaKeyOpens } from './java-key-protection.js';
import type { IdentityEntry, IdentityStore } from './types.js';

/** Options of {@link readIdentityStore}. */
export interface IdentityReadOptions extends StoreLimits {
  /** The store password (`javax.net.ssl.keyStorePassword`); null or absent: none. */
  readonly password?: string | null;
  /** The key password where it differs from the store password (JKS); absent: the store password, as JSSE's default key manager uses it. */
  readonly keyPassword?: string | null;
  /** Bytes read per store file at most (default 64 MiB, as for trust stores). */
  readonly maxFileBytes?: number;
  /** Private keys whose password is checked per store at most (default 64); later ones keep `keyOpens` null. */
  readonly maxKeyChecks?: number;
}

const PASSWORD_HINT = 'give it with --identity-password';
/** Certificates followed from a PKCS#12 key to its root at most (Java stops at a loop or a self-issued one). */
const MAX_CHAIN = 64;

/** Java's key algorithm names (`PublicKey.getAlgorithm()`), from the summary's names. */
const JAVA_KEY_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['RSA-PSS', 'RSASSA-PSS'],
  ['Ed25519', 'EdDSA'],
  ['Ed448', 'EdDSA'],
  ['X25519', 'XDH'],
  ['X448', 'XDH'],
]);

function nameKey(dn: string): string {
  return dn.replace(/\s*,\s*/g, ',').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The certificates of a PKCS#12 store indexed the ways a key finds its chain (built once: a store may hold thousands). */
interface CertificateIndex {
  readonly byKeyId: ReadonlyMap<string, RawStoreEntry>;
  readonly byLabel: ReadonlyMap<string, RawStoreEntry>;
  readonly bySubject: ReadonlyMap<string, RawStoreEntry>;
}

function indexCertificates(certs: readonly RawStoreEntry[], facts: (der: Uint8Array) => CertificateFacts): CertificateIndex {
  const byKeyId = new Map<string, RawStoreEntry>();
  const byLabel = new Map<string, RawStoreEntry>();
  const bySubject = new Map<string, RawStoreEntry>();
  for (const c of certs) {
    if (c.keyId != null && !byKeyId.has(c.keyId)) byKeyId.set(c.keyId, c);
    if (c.label !== null && !byLabel.has(c.label.toLowerCase())) byLabel.set(c.label.toLowerCase(), c);
    const subject = nameKey(facts(c.der).summary.subject);
    if (!bySubject.has(subject)) bySubject.set(subject, c);
  }
  return { byKeyId, byLabel, bySubject };
}

/**
 * PKCS12KeyStore's chain: the certificate with the key's localKeyId (or, without one, the key's
 * alias as friendlyName), then the certificate named as its issuer, until a self-issued one, a
 * missing issuer or a loop.
 */
function pkcs12Chain(key: RawAlias, index: CertificateIndex, facts: (der: Uint8Array) => CertificateFacts): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let cert = key.keyId !== null ? index.byKeyId.get(key.keyId) : index.byLabel.get(key.alias.toLowerCase());
  while (cert !== undefined && chain.length < MAX_CHAIN && !chain.includes(cert.der)) {
    chain.push(cert.der);
    const s = facts(cert.der).summary;
    if (s.selfIssued) break;
    cert = index.bySubject.get(nameKey(s.issuer));
  }
  return chain;
}

function entryOf(alias: RawAlias, chain: readonly Uint8Array[], privateKey: { opens: boolean | null; publicKey: Uint8Array | null }, order: number, facts: (der: Uint8Array) => CertificateFacts): IdentityEntry {
  const certificates = chain.map(facts);
  const leaf = chain[0];
  const key = certificates[0]?.summary.publicKey ?? null;
  return {
    alias: alias.alias,
    kind: alias.kind,
    chain,
    certificates,
    keyAlgorithm: key === null ? null : (JAVA_KEY_ALGORITHMS.get(key.algorithm) ?? key.algorithm),
    keySize: key?.bits ?? null,
    keyOpens: alias.kind === 'private-key' ? privateKey.opens : null,
    keyMatches: alias.kind === 'private-key' && privateKey.publicKey !== null && leaf !== undefined ? publicKeyMatchesCertificate(privateKey.publicKey, leaf) : null,
    order,
  };
}

/**
 * The aliases in Java's enumeration order: PKCS#12 keeps them in a LinkedHashMap (file order,
 * lower case; a repeated alias keeps its first place and its last value), JKS and JCEKS in a
 * Hashtable (see java-collections.ts).
 */
function javaOrder(raw: RawStore, aliases: readonly RawAlias[]): RawAlias[] {
  if (raw.format === 'pkcs12') {
    const byName = new Map<string, RawAlias>();
    for (const a of aliases) byName.set(a.alias.toLowerCase(), { ...a, alias: a.alias.toLowerCase() });
    return [...byName.values()];
  }
  const byName = new Map(aliases.map((a) => [a.alias, a]));
  return hashtableOrder([...byName.values()], (a) => a.alias);
}

/**
 * Reads an identity store from its bytes (format sniffed). Throws `TlsAutopsyError` (code
 * `usage`) with one sentence when it is not a key store, the store password is wrong, it is
 * damaged or it holds more entries than the limit.
 */
export function readIdentityStore(bytes: Uint8Array, path: string, options: IdentityReadOptions = {}): IdentityStore {
  const password = options.password ?? null;
  const readOptions = { ...options, noun: 'key store', passwordHint: PASSWORD_HINT, checkKeys: true } as const;
  let raw: RawStore;
  if (looksLikeJks(bytes)) raw = readJks(bytes, path, password, readOptions);
  else if (looksLikePkcs12(bytes)) raw = readPkcs12(bytes, path, password, options.keyPassword === undefined ? readOptions : { ...readOptions, keyPassword: options.keyPassword });
  else throw new TlsAutopsyError('usage', `'${path}' is not a key store tlsautopsy can read: expected PKCS#12 (.p12, .pfx) or a Java key store (JKS, JCEKS).`);
  if (raw.format !== 'pkcs12' && raw.format !== 'jks' && raw.format !== 'jceks') throw new TlsAutopsyError('usage', `'${path}' is not a key store.`);

  // Keyed by content: JKS repeats a CA in every chain that holds it, and summarizing is the costly part.
  const cache = new Map<string, CertificateFacts>();
  const facts = (der: Uint8Array): CertificateFacts => {
    const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
    let f = cache.get(key);
    if (f === undefined) cache.set(key, (f = certificateFacts(der)));
    return f;
  };
  const keyPassword = options.keyPassword ?? password;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_KDF_ITERATIONS;
  const notes = [...raw.notes];
  let unchecked = 0;
  let checksLeft = options.maxKeyChecks ?? DEFAULT_MAX_KEY_CHECKS;
  const index = raw.format === 'pkcs12' ? indexCertificates(raw.entries, facts) : null;
  const entries = javaOrder(raw, raw.aliases ?? []).map((alias, order) => {
    const chain = index !== null && alias.kind === 'private-key' ? pkcs12Chain(alias, index, facts) : alias.chain;
    let key = { opens: alias.opens, publicKey: alias.publicKey };
    if (alias.protectedKey !== null) key = (keyPassword === null || checksLeft-- <= 0 ? null : javaKeyOpens(alias.protectedKey, keyPassword, maxIterations)) ?? { opens: null, publicKey: null };
    if (alias.kind === 'private-key' && key.opens === null) unchecked++;
    return entryOf(alias, chain, key, order, facts);
  });
  if (raw.format === 'pkcs12') {
    // openssl pkcs12 -export writes CA certificates without Java's trusted-certificate attribute:
    // unless a key's chain takes them, Java lists no entry for them, and neither does this reader.
    const listed = new Set(entries.flatMap((e) => e.certificates.map((c) => c.summary.sha256)));
    const unlisted = raw.entries.filter((c) => !listed.has(facts(c.der).summary.sha256)).length;
    if (unlisted > 0) notes.push(`${unlisted === 1 ? '1 certificate' : `${unlisted} certificates`} of '${path}' belong${unlisted === 1 ? 's' : ''} to no entry Java lists (in no key's chain, without Java's trusted-certificate attribute, as openssl pkcs12 -export writes CA certificates), so Java does not see ${unlisted === 1 ? 'it' : 'them'}; import with keytool -importcert to trust ${unlisted === 1 ? 'it' : 'them'}.`);
  }
  if (unchecked > 0) notes.push(`Whether the key password opens ${unchecked === 1 ? 'one private key' : `${unchecked} private keys`} of '${path}' was not checked (${keyPassword === null ? 'no password given' : `a protection tlsautopsy does not read, or more keys than the ${options.maxKeyChecks ?? DEFAULT_MAX_KEY_CHECKS} it checks per store: --limit maxKeyChecks=N checks more`}).`);
  return { path, format: raw.format, integrity: raw.integrity, entries, notes };
}

/** Loads an identity store from a file; errors as {@link readIdentityStore}, plus one for a file that cannot be read. */
export async function loadIdentityStore(path: string, options: IdentityReadOptions = {}): Promise<IdentityStore> {
  const max = options.maxFileBytes ?? DEFAULT_MAX_TRUST_FILE_BYTES;
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.size > max) throw new TlsAutopsyError('usage', `The key store '${path}' is ${info.size} bytes, more than the limit of ${max}; raise the limit with --limit maxTrustFileBytes=N.`);
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof TlsAutopsyError) throw err;
    const code = (err as { code?: unknown } | null)?.code;
    throw new TlsAutopsyError('io', code === 'ENOENT' ? `There is no key store '${path}'; check the path.` : `The key store '${path}' cannot be read (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
  }
  return readIdentityStore(bytes, path, options);
}
