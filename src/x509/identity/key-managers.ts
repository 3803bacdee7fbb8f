/**
 * Which alias Java's client key managers choose for a CertificateRequest, emulating OpenJDK 17:
 *
 * - JSSE asks for one key type after the other (key-types.ts) and takes the first alias found.
 * - `SunX509` (`SunX509KeyManagerImpl`, the default `ssl.KeyManagerFactory.algorithm`) loads every
 *   private key when it is built (one key the password does not open and the whole SSLContext
 *   fails: "Cannot recover key"), then walks its HashMap of aliases (java-collections.ts) and takes
 *   the first whose leaf key algorithm is the key type and one of whose chain certificates was
 *   issued by a requested CA (any alias when none is listed). Validity and key usage are not looked at.
 * - `PKIX` (`X509KeyManagerImpl`, "NewSunX509") walks `KeyStore.aliases()` with the same key type
 *   and issuer tests, then rates the leaf: an extended key usage without clientAuth (or any), or a
 *   key usage without digitalSignature (RSA, EC, DSA), is a mismatch; outside its validity it is
 *   expired; else it is good. The first good alias wins at once; otherwise the best rated (expired
 *   before mismatch, then alias order). Its key is loaded only then: a key the password does not
 *   open gives an empty Certificate.
 */
import type { CertificateFacts } from '../certificate-summary.js';
import { forbidsSigning } from '../key-usage.js';
import { hashMapOrder } from './java-collections.js';
import { jsseClientKeyTypes } from './key-types.js';
import type { EntryEvaluation, IdentityEntry, IdentityEvaluation, IdentityReason, IdentityRequest, IdentityStore, KeyManagerChoice } from './types.js';


/** `CheckResult` in its declaration order, which is also its rank. */
const enum Rating {
  Ok = 0,
  Expired = 2,
  ExtensionMismatch = 3,
}

/** A distinguished name as the key managers compare it: case, and spacing around commas and in runs, ignored. */
export function normalizeName(dn: string): string {
  return dn.replace(/\s*,\s*/g, ',').replace(/\s+/g, ' ').trim().toLowerCase();
}

function issuerRequested(certificates: readonly CertificateFacts[], requested: ReadonlySet<string>): boolean {
  if (requested.size === 0) return true;
  return certificates.some((c) => requested.has(normalizeName(c.summary.issuer)));
}

function validity(leaf: CertificateFacts, timeMs: number | null): 'expired' | 'not-yet-valid' | null {
  if (timeMs === null) return null;
  if (leaf.notAfterMs !== null && timeMs > leaf.notAfterMs) return 'expired';
  if (leaf.notBeforeMs !== null && timeMs < leaf.notBeforeMs) return 'not-yet-valid';
  return null;
}

function usageProblems(entry: IdentityEntry, leaf: CertificateFacts): IdentityReason[] {
  const out: IdentityReason[] = [];
  if (!leaf.summary.hasClientAuth) out.push('no-client-auth');
  // The key types whose key usage PKIX checks for a client (`X509KeyManagerImpl.CheckType.check`).
  if (forbidsSigning(entry.keyAlgorithm, leaf.summary.keyUsage)) out.push('no-digital-signature');
  return out;
}

/** Every reason an entry would not be sent, whichever key manager looks. */
function reasonsOf(entry: IdentityEntry, keyTypes: readonly string[], requested: ReadonlySet<string>, timeMs: number | null): IdentityReason[] {
  if (entry.kind !== 'private-key') return ['no-private-key'];
  const leaf = entry.certificates[0];
  if (leaf === undefined) return ['chain-missing'];
  const out: IdentityReason[] = [];
  if (entry.keyOpens === false) out.push('key-not-recoverable');
  if (!keyTypes.includes(entry.keyAlgorithm ?? '')) out.push('key-type-not-requested');
  if (!issuerRequested(entry.certificates, requested)) out.push('issuer-not-requested');
  const v = validity(leaf, timeMs);
  if (v !== null) out.push(v);
  out.push(...usageProblems(entry, leaf));
  return out;
}

/** A private key with its chain's leaf: what a key manager can send. */
interface Usable {
  readonly entry: IdentityEntry;
  readonly leaf: CertificateFacts;
}

function usable(entries: readonly IdentityEntry[]): Usable[] {
  return entries.flatMap((entry) => {
    const leaf = entry.certificates[0];
    return entry.kind === 'private-key' && leaf !== undefined ? [{ entry, leaf }] : [];
  });
}

function sunX509(store: IdentityStore, keyTypes: readonly string[], requested: ReadonlySet<string>, timeMs: number | null): KeyManagerChoice {
  const broken = store.entries.find((e) => e.kind === 'private-key' && e.keyOpens === false);
  if (broken !== undefined) {
    return { alias: null, outcome: 'no-handshake', detail: `SunX509 cannot load the key of '${broken.alias}' with the key store password ("Cannot recover key"), so the client fails before its ClientHello; give the key the store's password (keytool -keypasswd).` };
  }
  const byAlias = new Map(usable(store.entries).map((u) => [u.entry.alias, u.entry]));
  const order = hashMapOrder([...byAlias.values()], (e) => e.alias);
  for (const keyType of keyTypes) {
    const chosen = order.find((e) => e.keyAlgorithm === keyType && issuerRequested(e.certificates, requested));
    if (chosen === undefined) continue;
    const flaws = reasonsOf(chosen, keyTypes, requested, timeMs).filter((r) => r === 'expired' || r === 'not-yet-valid' || r === 'no-client-auth' || r === 'no-digital-signature');
    return {
      alias: chosen.alias,
      outcome: 'certificate',
      detail: `SunX509 sends '${chosen.alias}', the first ${keyType} entry in its alias order whose chain a requested CA issued${flaws.length > 0 ? `, although it is flawed (${flaws.join(', ')}): SunX509 does not check validity or key usage` : ''}.`,
    };
  }
  return { alias: null, outcome: 'empty-certificate', detail: noneDetail('SunX509', keyTypes, requested) };
}

function noneDetail(manager: string, keyTypes: readonly string[], requested: ReadonlySet<string>): string {
  if (keyTypes.length === 0) return `${manager} is asked for no key type (the request allows none JSSE can sign with), so the client sends an empty Certificate.`;
  return `${manager} finds no ${keyTypes.join(', ')} entry${requested.size > 0 ? ' whose chain a requested CA issued' : ''}, so the client sends an empty Certificate.`;
}

function rate({ entry, leaf }: Usable, timeMs: number | null): Rating {
  if (usageProblems(entry, leaf).length > 0) return Rating.ExtensionMismatch;
  return validity(leaf, timeMs) === null ? Rating.Ok : Rating.Expired;
}

function pkix(store: IdentityStore, keyTypes: readonly string[], requested: ReadonlySet<string>, timeMs: number | null): KeyManagerChoice {
  const order = usable(store.entries).sort((a, b) => a.entry.order - b.entry.order);
  for (const keyType of keyTypes) {
    const candidates = order.filter((u) => u.entry.keyAlgorithm === keyType && issuerRequested(u.entry.certificates, requested));
    if (candidates.length === 0) continue;
    const rated = candidates.map((u) => ({ entry: u.entry, rating: rate(u, timeMs) }));
    // The first of the lowest rating, as Collections.sort (stable) then get(0): equal ratings keep alias order.
    const best = rated.find((r) => r.rating === Rating.Ok) ?? rated.reduce((a, b) => (b.rating < a.rating ? b : a));
    const alias = best.entry.alias;
    if (best.entry.keyOpens === false) {
      return { alias: null, outcome: 'empty-certificate', detail: `PKIX chooses '${alias}' but the key password does not open its key, so the client sends an empty Certificate.` };
    }
    const how = best.rating === Rating.Ok ? 'valid and allowed for client authentication' : best.rating === Rating.Expired ? 'the best of flawed entries: its certificate is outside its validity' : 'the best of flawed entries: its key usage does not allow client authentication';
    return { alias, outcome: 'certificate', detail: `PKIX sends '${alias}', the first ${keyType} entry whose chain a requested CA issued that is ${how}.` };
  }
  return { alias: null, outcome: 'empty-certificate', detail: noneDetail('PKIX', keyTypes, requested) };
}

/**
 * Weighs every entry of an identity store against a CertificateRequest at the capture time
 * (ms since the epoch; null: validity is not judged) and says what each key manager sends.
 */
export function evaluateIdentity(store: IdentityStore, request: IdentityRequest, timeMs: number | null): IdentityEvaluation {
  const keyTypes = jsseClientKeyTypes(request);
  const requested = new Set(request.certificateAuthorities.map(normalizeName));
  const entries: EntryEvaluation[] = store.entries.map((e) => {
    const r = reasonsOf(e, keyTypes, requested, timeMs);
    return { alias: e.alias, eligible: r.length === 0, reasons: r };
  });
  return { keyTypes, entries, keyManagers: { SunX509: sunX509(store, keyTypes, requested, timeMs), PKIX: pkix(store, keyTypes, requested, timeMs) } };
}
