/**
 * What to renew or fix in a key store before it breaks a handshake: every entry of an identity or
 * trust store weighed on its own, at a given time — validity and how soon it ends, the chain as
 * stored, whether the private key opens and is the leaf's key, key strength, SHA-1 signatures, and
 * the extended key usage of the role the store serves. The problem codes are a documented
 * contract (docs/diagnoses.md, "check-keystore"): never renamed.
 */
import { SIGNING_REFUSED, forbidsSigning } from '../key-usage.js';
import { weakKeyOf } from '../key-strength.js';
import type { CertificateFacts } from '../certificate-summary.js';
import { chainOrder } from '../certificate-summary.js';
import type { IdentityEntry, IdentityStore } from './types.js';

/** What a store is for: a client's or a server's identity, or trust anchors. */
export type StoreRole = 'client' | 'server' | 'trust';

/**
 * The role checked: one named, or `identity` when none was and the store holds a private key (an
 * entry is then faulted only when its extended key usage allows neither TLS role).
 */
type CheckedRole = StoreRole | 'identity';

/** Problem codes, in the order an entry lists them. */
export const STORE_PROBLEM_CODES = [
  'certificate-unreadable',
  'key-not-recoverable',
  'key-mismatch',
  'expired',
  'not-yet-valid',
  'expiring-soon',
  'chain-incomplete',
  'chain-out-of-order',
  'weak-key',
  'sha1-signature',
  'no-client-auth',
  'no-server-auth',
  'no-digital-signature',
] as const;

type StoreProblemCode = (typeof STORE_PROBLEM_CODES)[number];

/** One problem of an entry. */
interface StoreProblem {
  readonly code: StoreProblemCode;
  /** One sentence naming the certificate and what to do. */
  readonly detail: string;
}

/** One entry as checked (the `entries` of check-keystore's JSON). */
interface EntryCheck {
  readonly alias: string;
  readonly kind: IdentityEntry['kind'];
  /** The leaf's (or trusted certificate's) subject, issuer and end of validity; null without a certificate. */
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly notAfter: string | null;
  /** Java's name of the leaf key's algorithm, and its size in bits. */
  readonly keyAlgorithm: string | null;
  readonly keySize: number | null;
  readonly problems: readonly StoreProblem[];
}

/** The whole store as checked. */
export interface StoreCheck {
  readonly role: CheckedRole;
  readonly entries: readonly EntryCheck[];
  /** Problems over all entries. */
  readonly problems: number;
}

/** Options of {@link checkStore}. */
export interface StoreCheckOptions {
  /** The time validity is judged at, ms since the epoch. */
  readonly atMs: number;
  /** How the time is named in details: `now`, or the time given. */
  readonly atName: string;
  /** A certificate ending within this many whole days is `expiring-soon`. */
  readonly expiryDays: number;
  /** null: inferred (a store without private keys is a trust store). */
  readonly role: StoreRole | null;
}

const DAY_MS = 86_400_000;
/** Issuers followed through the store from the end of a stored chain; real hierarchies are under five deep. */
const MAX_ISSUER_STEPS = 16;

function nameKey(dn: string): string {
  return dn.replace(/\s*,\s*/g, ',').replace(/\s+/g, ' ').trim().toLowerCase();
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A root: self-issued and its signature verifies with its own key (null: not checked, taken as one). */
function isRoot(cert: CertificateFacts): boolean {
  return cert.summary.selfIssued && cert.summary.selfSigned !== false;
}

/** "the certificate 'CN=alice'" or "the CA certificate 'CN=Issuing CA' (2nd of the chain)". */
function which(cert: CertificateFacts, index: number): string {
  if (index === 0) return `the certificate '${cert.summary.subject}'`;
  return `the CA certificate '${cert.summary.subject}' (certificate ${index + 1} of the chain)`;
}

function validityProblems(cert: CertificateFacts, index: number, o: StoreCheckOptions): StoreProblem[] {
  const { notBeforeMs, notAfterMs } = cert;
  if (notBeforeMs === null || notAfterMs === null) return [];
  const name = which(cert, index);
  const renew = index === 0 ? 'renew it and import the new certificate under the same alias' : 'import the CA\'s renewed certificate into the chain';
  // RFC 5280 §4.1.2.5: the validity period includes both of its ends.
  if (o.atMs > notAfterMs) return [{ code: 'expired', detail: `${upper(name)} expired on ${day(notAfterMs)}, before ${o.atName}; ${renew}.` }];
  if (o.atMs < notBeforeMs) return [{ code: 'not-yet-valid', detail: `${upper(name)} is valid only from ${day(notBeforeMs)}, after ${o.atName}; check the clock of the machine that issued it, or wait.` }];
  const days = Math.floor((notAfterMs - o.atMs) / DAY_MS);
  if (days <= o.expiryDays) return [{ code: 'expiring-soon', detail: `${upper(name)} expires on ${day(notAfterMs)}, ${days === 1 ? '1 day' : `${days} days`} from ${o.atName}; ${renew} before then.` }];
  return [];
}

function upper(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function weakKey(cert: CertificateFacts, index: number): StoreProblem | null {
  const key = cert.summary.publicKey;
  if (key === null) return null;
  const name = which(cert, index);
  if (key.algorithm === 'DSA') return { code: 'weak-key', detail: `${upper(name)} has a DSA key, which TLS 1.3 cannot use at all (RFC 8446 dropped DSA) and TLS 1.2 peers increasingly refuse; reissue it with an RSA (2048 bits or more) or EC key.` };
  const weak = weakKeyOf(key.algorithm, key.bits);
  if (weak === null) return null;
  return { code: 'weak-key', detail: `${upper(name)} has a ${weak.bits}-bit ${weak.family} key, under the ${weak.minBits} bits issuance rules ask for: ${weak.refusedBy}. Reissue it with a stronger key.` };
}

function weakSignature(cert: CertificateFacts, index: number): StoreProblem | null {
  // A root's own signature is never checked by a peer: only what an issuer signed counts.
  if (!cert.summary.weakSignature || isRoot(cert)) return null;
  return { code: 'sha1-signature', detail: `${upper(which(cert, index))} is signed with ${cert.summary.signatureAlgorithm ?? 'a weak hash'}, which current JDKs and browsers refuse; have it reissued with SHA-256.` };
}

/** The certificates of the whole store by subject: where a chain's missing issuer may be found. */
function subjectIndex(store: IdentityStore): Map<string, CertificateFacts> {
  const bySubject = new Map<string, CertificateFacts>();
  for (const entry of store.entries) {
    for (const cert of entry.certificates) {
      if (cert.summary.parseError !== null) continue;
      const key = nameKey(cert.summary.subject);
      if (!bySubject.has(key)) bySubject.set(key, cert);
    }
  }
  return bySubject;
}

function chainProblems(entry: IdentityEntry, bySubject: ReadonlyMap<string, CertificateFacts>): StoreProblem[] {
  const certs = entry.certificates;
  const last = certs[certs.length - 1];
  if (last === undefined) return [{ code: 'chain-incomplete', detail: `The private key of '${entry.alias}' has no certificate; import the certificate it belongs to under the same alias.` }];
  const out: StoreProblem[] = [];
  const order = chainOrder(certs.map((c) => c.summary));
  const broken = order.brokenLinks[0];
  if (broken !== undefined) {
    const a = certs[broken] as CertificateFacts;
    const b = certs[broken + 1] as CertificateFacts;
    out.push({
      code: 'chain-out-of-order',
      detail: `Certificate ${broken + 2} of the chain ('${b.summary.subject}') did not issue certificate ${broken + 1} ('${a.summary.subject}'): a peer expects each certificate followed by its issuer; import the chain again leaf first (keytool -importcert with the CA reply, or openssl pkcs12 -export -chain).`,
    });
  }
  // Follow issuers through the store from the end of the chain, as a peer holding this store would.
  let cert = last;
  const seen = new Set<CertificateFacts>();
  for (let step = 0; step <= MAX_ISSUER_STEPS && !isRoot(cert) && !seen.has(cert); step++) {
    seen.add(cert);
    const issuer = bySubject.get(nameKey(cert.summary.issuer));
    // A chain ending at a CA certificate may leave its root out (RFC 8446 §4.4.2; RFC 5246 §7.4.2):
    // the peer holds the root in its trust store. Flagging it would fault most healthy stores.
    if (issuer === undefined && cert.summary.basicConstraints?.ca === true) break;
    if (issuer === undefined) {
      out.push({
        code: 'chain-incomplete',
        detail: `The chain of '${entry.alias}' ends at '${cert.summary.subject}', which is not a CA certificate, and its issuer '${cert.summary.issuer}' is neither in the chain nor in the store: a peer that does not hold that CA cannot verify it; import the CA reply (the issuing CA certificates) into this alias's chain.`,
      });
      break;
    }
    cert = issuer;
  }
  return out;
}

function usageProblems(leaf: CertificateFacts, role: CheckedRole): StoreProblem[] {
  const s = leaf.summary;
  const eku = s.extendedKeyUsage?.join(', ') ?? '';
  const clientAuth: StoreProblem = { code: 'no-client-auth', detail: `The certificate '${s.subject}' allows ${eku} but not clientAuth, so a server checking the extended key usage (WebLogic, JSSE's PKIX key manager) refuses it as a client certificate; reissue it with clientAuth.` };
  const serverAuth: StoreProblem = { code: 'no-server-auth', detail: `The certificate '${s.subject}' allows ${eku} but not serverAuth, so clients refuse it as a server certificate; reissue it with serverAuth.` };
  if (role === 'client') return s.hasClientAuth ? [] : [clientAuth];
  if (role === 'server') return s.hasServerAuth ? [] : [serverAuth];
  if (role === 'identity' && !s.hasClientAuth && !s.hasServerAuth) return [clientAuth, serverAuth];
  return [];
}

/**
 * A leaf whose key usage lacks digitalSignature: its key may not sign, and a client certificate
 * always signs the handshake (CertificateVerify), a server's too except with TLS 1.2's RSA key
 * exchange. What servers do with it: `SIGNING_REFUSED`. JSSE's PKIX key manager rates such an
 * entry below every valid one (as --identity reports).
 */
function signatureUsageProblem(entry: IdentityEntry, leaf: CertificateFacts, role: CheckedRole): StoreProblem | null {
  const s = leaf.summary;
  const ku = s.keyUsage;
  if (role === 'trust' || ku === null || !forbidsSigning(entry.keyAlgorithm, ku)) return null;
  const rsaExchange = entry.keyAlgorithm === 'RSA' && ku.includes('keyEncipherment');
  const openssl = ku.includes('keyAgreement') ? 'OpenSSL servers accept it, its keyAgreement being enough for them' : `so do OpenSSL servers ("${SIGNING_REFUSED.openssl}")`;
  const asClient = `as a client certificate it cannot sign the CertificateVerify every client certificate is sent with; Java servers refuse it ("${SIGNING_REFUSED.java}"), ${openssl}, and Java's PKIX key manager sends any valid entry before it`;
  const asServer = rsaExchange
    ? 'as a server certificate only TLS 1.2\'s RSA key exchange can use it, which TLS 1.3 removed and which has no forward secrecy'
    : 'as a server certificate no handshake can use it (TLS 1.3 and every ECDHE and DHE suite sign with the server\'s key)';
  const uses = role === 'client' ? asClient : role === 'server' ? asServer : `${asClient}; ${asServer}`;
  return { code: 'no-digital-signature', detail: `The certificate '${s.subject}' has a key usage (${ku.join(', ')}) without digitalSignature, so its key may not sign: ${uses}. Reissue it with digitalSignature.` };
}

function checkEntry(entry: IdentityEntry, format: IdentityStore['format'], role: CheckedRole, bySubject: ReadonlyMap<string, CertificateFacts>, o: StoreCheckOptions): EntryCheck {
  const problems: StoreProblem[] = [];
  const certs = entry.certificates;
  const leaf = certs[0];
  const unreadable = certs.findIndex((c) => c.summary.parseError !== null);
  if (unreadable >= 0) {
    problems.push({ code: 'certificate-unreadable', detail: `Certificate ${unreadable + 1} of '${entry.alias}' does not parse as X.509 (${certs[unreadable]?.summary.parseError ?? 'unknown'}); import it again.` });
  }
  if (entry.kind === 'private-key') {
    // keytool -keypasswd refuses PKCS#12 stores, whose keys Java opens with the store password.
    const fix = format === 'pkcs12' ? 'export the store again with one password for the store and its keys (openssl pkcs12 -export -passout)' : `give this key the store's password (keytool -keypasswd -alias ${entry.alias})`;
    if (entry.keyOpens === false) problems.push({ code: 'key-not-recoverable', detail: `The key password does not open the private key of '${entry.alias}' ("Cannot recover key"): Java's default key manager uses the store password for every key; ${fix}, or give its own with --key-password.` });
    if (entry.keyMatches === false && leaf !== undefined) problems.push({ code: 'key-mismatch', detail: `The private key of '${entry.alias}' is not the key of its certificate '${leaf.summary.subject}': every handshake signed with it fails; import the certificate issued for this key (or the key that belongs to this certificate).` });
  }
  if (entry.kind !== 'secret-key') {
    const readable = certs.filter((c) => c.summary.parseError === null);
    for (const [i, cert] of certs.entries()) if (cert.summary.parseError === null) problems.push(...validityProblems(cert, i, o));
    if (entry.kind === 'private-key' && unreadable < 0) problems.push(...chainProblems(entry, bySubject));
    for (const [i, cert] of certs.entries()) {
      if (cert.summary.parseError !== null) continue;
      const weak = weakKey(cert, i);
      if (weak !== null) problems.push(weak);
    }
    for (const [i, cert] of certs.entries()) {
      if (cert.summary.parseError !== null) continue;
      const sig = weakSignature(cert, i);
      if (sig !== null) problems.push(sig);
    }
    if (entry.kind === 'private-key' && leaf !== undefined && readable[0] === leaf) {
      problems.push(...usageProblems(leaf, role));
      const signing = signatureUsageProblem(entry, leaf, role);
      if (signing !== null) problems.push(signing);
    }
  }
  const rank = (p: StoreProblem): number => STORE_PROBLEM_CODES.indexOf(p.code);
  const usable = leaf !== undefined && leaf.summary.parseError === null ? leaf : undefined;
  return {
    alias: entry.alias,
    kind: entry.kind,
    subject: usable?.summary.subject ?? null,
    issuer: usable?.summary.issuer ?? null,
    notAfter: usable?.summary.notAfter ?? null,
    keyAlgorithm: entry.keyAlgorithm,
    keySize: entry.keySize,
    // Stable: by code, then as found (leaf before its CAs).
    problems: problems.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p),
  };
}

/** The role a store is checked for: the one named, else trust for a store without private keys. */
function roleOf(store: IdentityStore, role: StoreRole | null): CheckedRole {
  if (role !== null) return role;
  return store.entries.some((e) => e.kind === 'private-key') ? 'identity' : 'trust';
}

/** Checks every entry of a store, in Java's alias order; never throws. */
export function checkStore(store: IdentityStore, options: StoreCheckOptions): StoreCheck {
  const role = roleOf(store, options.role);
  const bySubject = subjectIndex(store);
  const entries = store.entries.map((e) => checkEntry(e, store.format, role, bySubject, options));
  return { role, entries, problems: entries.reduce((n, e) => n + e.problems.length, 0) };
}
