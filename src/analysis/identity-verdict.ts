/**
 * The identity key stores (`--identity`) weighed against one connection:
 *
 * - client side: the CertificateRequest the server sent (from the wire, decrypted with a key log,
 *   or, when both are missing, the CAs a matched Java SSL debug log printed) against every entry,
 *   as Java's SunX509 and PKIX key managers would weigh them at the capture time, with one
 *   sentence saying which alias each would send, or that none qualifies and what to change;
 * - server side: which entry holds the certificate the server sent, and whether it is the one
 *   of the configured `--alias`.
 *
 * The verdict is computed here once; the report carries it and renderers only format it.
 */
import { basename } from 'node:path';
import type { CertificateSummary } from '../x509/certificate-summary.js';
import { aliasEntry, evaluateIdentity, normalizeName } from '../x509/identity/index.js';
import type { IdentityEntry, IdentityEvaluation, IdentityReason, IdentityRequest, IdentitySetup, IdentitySide, IdentityStore } from '../x509/identity/index.js';
import { ListsCache } from '../util/clearing-cache.js';
import type { ConnectionFacts } from './judge.js';
import type { JavaLogFacts } from './java-log-facts.js';

/** Where the CertificateRequest weighed against the store was read. */
type IdentityRequestSource = 'wire' | 'keylog' | 'java-log';

/** One entry of a store, as the report lists it. */
interface IdentityEntryVerdict {
  readonly alias: string;
  /** No reason applies: the entry could be sent. */
  readonly eligible: boolean;
  /** Stable codes (docs/diagnoses.md), in the order of `IdentityReason`. */
  readonly reasons: readonly IdentityReason[];
  /** The leaf's subject, issuer and end of validity; null for an entry without a certificate. */
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly notAfter: string | null;
}

/** What the side sent on the wire, set against the store's entries. */
interface IdentitySent {
  /** The side sent an empty Certificate (client) — nothing to match. */
  readonly empty: boolean;
  /** The alias whose leaf is the certificate sent; null for an empty Certificate or a certificate no entry holds. */
  readonly alias: string | null;
  /** The leaf sent, when one was: its subject and SHA-256 (null when only a Java log named it). */
  readonly subject: string | null;
  readonly sha256: string | null;
}

/** One store weighed against one connection: the `identity` object of the JSON report. */
export interface IdentityStoreVerdict {
  readonly store: string;
  readonly side: IdentitySide;
  /** Client side: where the CertificateRequest was read; null on the server side. */
  readonly request: IdentityRequestSource | null;
  /** Client side: the key types JSSE asks its key manager for, in order (empty on the server side). */
  readonly keyTypes: readonly string[];
  /** The alias each client key manager sends (null: an empty Certificate, or no handshake at all); both null on the server side. */
  readonly keyManagers: { readonly SunX509: string | null; readonly PKIX: string | null };
  readonly entries: readonly IdentityEntryVerdict[];
  /** What the side sent, against the entries; null when it is not visible (encrypted, not reached). */
  readonly sent: IdentitySent | null;
  /** The configured `--alias`, when one was given. */
  readonly alias: string | null;
  /** What Java does with this store here, and what to change (one or two sentences). */
  readonly verdict: string;
  /** Remarks beside it, one sentence each: what the wire shows was sent, the configured alias, an assumption made. */
  readonly notes: readonly string[];
}

/** The identity verdicts of a connection: one per store, in the order given. */
export type IdentityVerdict = readonly IdentityStoreVerdict[];

/** Each reason in words, as the reports print it beside the entry. */
const REASON_WORDS: Readonly<Record<IdentityReason, string>> = {
  'no-private-key': 'not a key entry',
  'chain-missing': 'a key without its certificate chain',
  'key-not-recoverable': 'the key password does not open the key',
  'key-type-not-requested': 'its key type is not one the request allows',
  'issuer-not-requested': 'issued by a CA the server does not list',
  expired: 'expired at the capture time',
  'not-yet-valid': 'not yet valid at the capture time',
  'no-client-auth': 'its extended key usage lacks clientAuth',
  'no-digital-signature': 'its key usage lacks digitalSignature',
};

/** A reason code in words ("issued by a CA the server does not list"). */
export function identityReasonText(reason: IdentityReason): string {
  return REASON_WORDS[reason];
}

/**
 * Signature schemes assumed when only a Java log told the request: the log prints the CAs, and
 * the key types a JSSE server asks for by default are every one JSSE signs with (the TLS 1.3 key
 * schedule drops PKCS#1 and DSA itself).
 */
const ASSUMED_SCHEMES: readonly number[] = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0402];
/** ClientCertificateType codes assumed likewise (ecdsa_sign, rsa_sign, dss_sign). */
const ASSUMED_CERTIFICATE_TYPES: readonly number[] = [64, 1, 2];

function requestOf(facts: ConnectionFacts, log: JavaLogFacts | null): { readonly request: IdentityRequest; readonly source: IdentityRequestSource } | null {
  const cr = facts.hs?.certificateRequest ?? null;
  if (cr !== null) {
    const request: IdentityRequest = { tls13: cr.tls13, certificateTypes: cr.certificateTypes, signatureAlgorithms: cr.signatureAlgorithms, signatureAlgorithmsCert: cr.signatureAlgorithmsCert, certificateAuthorities: cr.certificateAuthorities };
    return { request, source: cr.tls13 && facts.decrypted ? 'keylog' : 'wire' };
  }
  if (log?.certificateRequested !== true) return null;
  return { request: { tls13: facts.tls13, certificateTypes: ASSUMED_CERTIFICATE_TYPES, signatureAlgorithms: ASSUMED_SCHEMES, certificateAuthorities: log.acceptableCAs }, source: 'java-log' };
}

function captureTimeMs(facts: ConnectionFacts): number {
  const t = facts.hs?.clientHelloTime ?? facts.connection.startTime;
  return t.sec * 1000 + t.nsec / 1e6;
}

function entryVerdict(entry: IdentityEntry, reasons: readonly IdentityReason[]): IdentityEntryVerdict {
  const leaf = entry.certificates[0]?.summary ?? null;
  return { alias: entry.alias, eligible: reasons.length === 0, reasons, subject: leaf?.subject ?? null, issuer: leaf?.issuer ?? null, notAfter: leaf?.notAfter ?? null };
}

/** The entry whose leaf is `leaf` (by SHA-256), or by subject when only a name is known. */
function entryHolding(store: IdentityStore, sha256: string | null, subject: string | null): IdentityEntry | undefined {
  const keys = store.entries.filter((e) => e.kind === 'private-key');
  if (sha256 !== null) return keys.find((e) => e.certificates[0]?.summary.sha256 === sha256);
  if (subject === null) return undefined;
  return keys.find((e) => normalizeName(e.certificates[0]?.summary.subject ?? '') === normalizeName(subject));
}

function sentBy(store: IdentityStore, certificates: readonly CertificateSummary[] | null, logged: JavaLogFacts['clientCertificates'] | null): IdentitySent | null {
  if (certificates !== null) {
    const leaf = certificates[0];
    if (leaf === undefined) return { empty: true, alias: null, subject: null, sha256: null };
    return { empty: false, alias: entryHolding(store, leaf.sha256, null)?.alias ?? null, subject: leaf.subject, sha256: leaf.sha256 };
  }
  if (logged === null || logged === undefined) return null;
  const subject = logged.subjects[0] ?? null;
  if (logged.count === 0) return { empty: true, alias: null, subject: null, sha256: null };
  return { empty: false, alias: entryHolding(store, null, subject)?.alias ?? null, subject, sha256: null };
}

function quoteList(names: readonly string[]): string {
  const quoted = names.slice(0, 3).map((n) => `'${n}'`);
  const more = names.length > 3 ? ` (or ${names.length - 3} more)` : '';
  if (quoted.length <= 1) return `${quoted[0] ?? ''}${more}`;
  return `one of ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}${more}`;
}

/** The CA a server must trust for an entry: its chain's root (the last certificate's issuer). */
function chainRoot(entry: IdentityEntry): string | null {
  const last = entry.certificates[entry.certificates.length - 1]?.summary;
  return last === undefined ? null : last.issuer;
}

/** The flaws of a chosen entry that do not stop a key manager from sending it, in parentheses; '' when none. */
function flawsText(reasons: readonly IdentityReason[], both: boolean): string {
  const flaws = reasons.filter((r) => r === 'expired' || r === 'not-yet-valid' || r === 'no-client-auth' || r === 'no-digital-signature');
  if (flaws.length === 0) return '';
  // PKIX sends a flawed entry only when no entry is better; SunX509 never looks.
  const why = both ? 'no entry is better, so PKIX sends it too' : 'SunX509 does not check this';
  return ` (${flaws.map(identityReasonText).join(', ')}: ${why}, and the server may refuse it)`;
}

/** Why no entry qualifies, and what to change: the sentence behind an empty Certificate. */
function noneQualifies(store: IdentityStore, request: IdentityRequest, keyTypes: readonly string[], reasons: ReadonlyMap<string, readonly IdentityReason[]>): string {
  const name = basename(store.path);
  const keys = store.entries.filter((e) => e.kind === 'private-key' && e.certificates.length > 0);
  const cas = request.certificateAuthorities;
  if (keys.length === 0) {
    return `${name} holds no key entry, so the Java client sends an empty Certificate; import a key entry${cas.length > 0 ? ` whose certificate was issued by ${quoteList(cas)}` : ''} (keytool -importkeystore from a PKCS#12).`;
  }
  if (keyTypes.length === 0) return `The request allows no key type JSSE can sign with, so the Java client sends an empty Certificate whatever ${name} holds; have the server accept ECDSA or RSA signatures.`;
  const why = keys
    .slice(0, 3)
    .map((e) => {
      const r = reasons.get(e.alias) ?? [];
      if (r.includes('issuer-not-requested')) return `'${e.alias}' is issued by '${e.certificates[0]?.summary.issuer ?? '?'}', which the server does not list`;
      if (r.includes('key-type-not-requested')) return `'${e.alias}' has ${e.keyAlgorithm ?? 'an unknown'} key, which the request does not allow (it allows ${keyTypes.join(', ')})`;
      return `'${e.alias}' does not qualify (${r.map(identityReasonText).join(', ')})`;
    })
    .join('; ');
  const more = keys.length > 3 ? `; ${keys.length - 3} more entries fail likewise` : '';
  const foreign = keys.find((e) => (reasons.get(e.alias) ?? []).includes('issuer-not-requested'));
  const root = foreign === undefined ? null : chainRoot(foreign);
  const fix =
    foreign !== undefined && cas.length > 0
      ? `import a certificate issued by ${quoteList(cas)} under a new alias, or ask the server to also trust '${root ?? foreign.certificates[0]?.summary.issuer ?? '?'}'`
      : `import a ${keyTypes.join(' or ')} key entry${cas.length > 0 ? ` issued by ${quoteList(cas)}` : ''} under a new alias`;
  return `No entry of ${name} qualifies, so the Java client sends an empty Certificate: ${why}${more}. To fix it, ${fix}.`;
}

function sentSentence(sent: IdentitySent | null, predicted: string | null): string | null {
  if (sent === null) return null;
  if (sent.empty) return predicted === null ? 'The client did send an empty Certificate.' : 'Yet the client sent an empty Certificate: it does not use this store, or not with these key managers.';
  if (sent.alias === null) return `The client sent '${sent.subject ?? '?'}', which no entry of this store holds: it uses another key store.`;
  return sent.alias === predicted ? `The client did send '${sent.alias}'.` : `The client sent '${sent.alias}'.`;
}

/**
 * The configured alias (`--alias`) against this request and against what the client sent: an
 * application that pins an alias (WebLogic, a connector's own key manager) sends it whatever the
 * default key managers would choose, so a different certificate on the wire means the client
 * does not use that alias, or not from this store.
 */
function configuredAliasSentence(alias: string, reasons: readonly IdentityReason[], sent: IdentitySent | null, storeName: string): string {
  const qualifies = reasons.length === 0 ? 'qualifies for this request' : `does not qualify for this request: ${reasons.map(identityReasonText).join(', ')}`;
  if (sent === null) return `The configured alias '${alias}' ${qualifies}.`;
  if (sent.empty) {
    return `The client sent an empty Certificate, not its configured alias '${alias}', which ${qualifies}${reasons.length === 0 ? `: the client does not use this alias of ${storeName}` : ''}.`;
  }
  if (sent.alias === alias) return `The client sent its configured alias '${alias}', which ${qualifies}.`;
  if (sent.alias === null) return `The client sent '${sent.subject ?? '?'}', which no entry of ${storeName} holds, not its configured alias '${alias}': it uses another key store.`;
  return `The client sent '${sent.alias}', not its configured alias '${alias}' (which ${qualifies}): its key manager does not use that alias; check which alias its configuration names.`;
}

/** A store weighed against one request at one time: what every connection with the same request shares. */
export interface Weighed {
  readonly evaluation: IdentityEvaluation;
  readonly reasons: ReadonlyMap<string, readonly IdentityReason[]>;
  readonly entries: readonly IdentityEntryVerdict[];
  readonly text: string;
}

/** The leaves' validity bounds of a store, sorted: where, in time, any entry's validity changes. */
interface ValidityBounds {
  readonly notAfter: Float64Array;
  readonly notBefore: Float64Array;
}

const boundsOfStores = new WeakMap<IdentityStore, ValidityBounds>();

function validityBounds(store: IdentityStore): ValidityBounds {
  let bounds = boundsOfStores.get(store);
  if (bounds === undefined) {
    const leaves = store.entries.map((e) => e.certificates[0]).filter((c) => c !== undefined);
    const sorted = (values: (number | null)[]): Float64Array => Float64Array.from(values.filter((v): v is number => v !== null)).sort();
    bounds = { notAfter: sorted(leaves.map((l) => l.notAfterMs)), notBefore: sorted(leaves.map((l) => l.notBeforeMs)) };
    boundsOfStores.set(store, bounds);
  }
  return bounds;
}

/** How many of `sorted` are below `t` (`orEqual`: at most `t`). */
function countBelow(sorted: Float64Array, t: number, orEqual: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid] as number;
    if (v < t || (orEqual && v === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Weighings remembered per store, by the request and by where the capture time falls among the
 * leaves' validity bounds: an entry is expired when the time is past its notAfter and not yet
 * valid before its notBefore, so how many notAfter lie below the time and how many notBefore lie
 * at or below it fix every entry's validity. A store of 10,000 entries is then weighed once per
 * distinct request, not once per connection. Bounded; a request with more values than the
 * cache keeps is weighed each time.
 */
const MAX_WEIGHED_PER_STORE = 256;
const MAX_WEIGHED_REQUEST_VALUES = 1024;
const weighedByStore = new WeakMap<IdentityStore, ListsCache<Weighed>>();

export function weighIdentity(store: IdentityStore, request: IdentityRequest, timeMs: number): Weighed {
  const bounds = validityBounds(store);
  const at = [request.tls13 ? 1 : 0, countBelow(bounds.notAfter, timeMs, false), countBelow(bounds.notBefore, timeMs, true)];
  const lists = [request.certificateTypes, request.signatureAlgorithms, request.signatureAlgorithmsCert ?? [], at];
  let cache = weighedByStore.get(store);
  if (cache === undefined) {
    cache = new ListsCache<Weighed>(MAX_WEIGHED_PER_STORE, MAX_WEIGHED_REQUEST_VALUES);
    weighedByStore.set(store, cache);
  }
  const known = cache.get(lists, request.certificateAuthorities);
  if (known !== undefined) return known;
  const evaluation = evaluateIdentity(store, request, timeMs);
  const reasons = new Map(evaluation.entries.map((e) => [e.alias, e.reasons]));
  const entries = store.entries.map((e) => entryVerdict(e, reasons.get(e.alias) ?? []));
  const weighed = { evaluation, reasons, entries, text: verdictText(store, request, evaluation, reasons) };
  cache.set(lists, request.certificateAuthorities, weighed);
  return weighed;
}

/** What Java does with the store for this request: which alias each key manager sends, or why none. */
function verdictText(store: IdentityStore, request: IdentityRequest, evaluation: IdentityEvaluation, reasons: ReadonlyMap<string, readonly IdentityReason[]>): string {
  const sun = evaluation.keyManagers.SunX509;
  const pkix = evaluation.keyManagers.PKIX;
  const name = basename(store.path);
  if (sun.outcome === 'no-handshake') return sun.detail;
  if (sun.alias === null && pkix.alias === null) return noneQualifies(store, request, evaluation.keyTypes, reasons);
  if (sun.alias === pkix.alias) {
    return `Java would send '${sun.alias ?? ''}' from ${name}, with the default SunX509 key manager (javax.net.ssl.keyStore) and with PKIX alike${flawsText(reasons.get(sun.alias ?? '') ?? [], true)}.`;
  }
  const sunText = sun.alias === null ? 'an empty Certificate' : `'${sun.alias}'${flawsText(reasons.get(sun.alias) ?? [], false)}`;
  const pkixText = pkix.alias === null ? `an empty Certificate (${pkix.detail.replace(/\.$/, '')})` : `'${pkix.alias}'`;
  return `With the default SunX509 key manager (javax.net.ssl.keyStore) Java would send ${sunText} from ${name}; with PKIX (ssl.KeyManagerFactory.algorithm=PKIX) it would send ${pkixText}.`;
}

function clientVerdict(facts: ConnectionFacts, setup: IdentitySetup, store: IdentityStore, log: JavaLogFacts | null): IdentityStoreVerdict | null {
  const found = requestOf(facts, log);
  if (found === null) return null;
  const { request, source } = found;
  const { evaluation, reasons, entries, text } = weighIdentity(store, request, captureTimeMs(facts));
  const sun = evaluation.keyManagers.SunX509;
  const pkix = evaluation.keyManagers.PKIX;
  const name = basename(store.path);
  const notes: string[] = [];
  const sent = sentBy(store, facts.hs?.clientCertificates ?? null, log?.clientCertificates ?? null);
  const own = setup.alias === null ? null : (aliasEntry({ stores: [store] }, setup.alias)?.entry ?? null);
  // With a configured alias of this store, what was sent is said against it, once.
  const aliasText = own === null ? null : configuredAliasSentence(own.alias, reasons.get(own.alias) ?? [], sent, name);
  const sentText = aliasText !== null && sent !== null ? null : sentSentence(sent, sun.outcome === 'no-handshake' ? null : sun.alias);
  if (sentText !== null) notes.push(sentText);
  if (aliasText !== null) notes.push(aliasText);
  if (source === 'java-log') notes.push('The request is known from the Java log, which prints its CAs but not its signature algorithms: every key type JSSE signs with is assumed requested.');
  return { store: store.path, side: 'client', request: source, keyTypes: evaluation.keyTypes, keyManagers: { SunX509: sun.alias, PKIX: pkix.alias }, entries, sent, alias: setup.alias, verdict: text, notes };
}

/** Reasons an entry of a server's store could not serve at all (the client's request plays no part). */
function serverReasons(entry: IdentityEntry, timeMs: number): IdentityReason[] {
  if (entry.kind !== 'private-key') return ['no-private-key'];
  const leaf = entry.certificates[0];
  if (leaf === undefined) return ['chain-missing'];
  const out: IdentityReason[] = [];
  if (entry.keyOpens === false) out.push('key-not-recoverable');
  if (leaf.notAfterMs !== null && timeMs > leaf.notAfterMs) out.push('expired');
  else if (leaf.notBeforeMs !== null && timeMs < leaf.notBeforeMs) out.push('not-yet-valid');
  return out;
}

/** The server's leaf on the wire against the stores: which entry holds it, and the configured alias's entry. */
export interface ServerCertificateMatch {
  /** The leaf the server sent (null: not visible). */
  readonly sent: CertificateSummary | null;
  /** The store and alias whose leaf it is; null when no entry holds it. */
  readonly holder: { readonly store: IdentityStore; readonly alias: string } | null;
  /** With --alias: its entry's leaf, and whether it is the one sent. */
  readonly configured: { readonly store: IdentityStore; readonly alias: string; readonly leaf: CertificateSummary | null; readonly matches: boolean | null } | null;
}

/** Compares the server certificate on the wire with the server's identity stores (SHA-256 of the leaf). */
export function serverCertificateMatch(facts: ConnectionFacts, setup: IdentitySetup): ServerCertificateMatch {
  const sent = facts.hs?.serverCertificates?.[0] ?? null;
  let holder: ServerCertificateMatch['holder'] = null;
  if (sent !== null) {
    for (const store of setup.stores) {
      const e = entryHolding(store, sent.sha256, null);
      if (e !== undefined) {
        holder = { store, alias: e.alias };
        break;
      }
    }
  }
  const own = setup.alias === null ? null : aliasEntry(setup, setup.alias);
  const leaf = own?.entry.certificates[0]?.summary ?? null;
  const configured = own === null ? null : { store: own.store, alias: own.entry.alias, leaf, matches: sent === null || leaf === null ? null : sent.sha256 === leaf.sha256 };
  return { sent, holder, configured };
}

function short(sha256: string): string {
  return `${sha256.slice(0, 16)}…`;
}

function serverVerdict(facts: ConnectionFacts, setup: IdentitySetup, store: IdentityStore): IdentityStoreVerdict {
  const match = serverCertificateMatch(facts, setup);
  const timeMs = captureTimeMs(facts);
  const entries = store.entries.map((e) => entryVerdict(e, serverReasons(e, timeMs)));
  const name = basename(store.path);
  const sent = match.sent;
  const holderHere = match.holder !== null && match.holder.store === store ? match.holder.alias : null;
  let text: string;
  if (sent === null) {
    text = facts.tls13 && !facts.decrypted ? `The server's certificate is encrypted (TLS 1.3); give the key log with --keylog to compare it with ${name}.` : `The server sent no certificate in this capture, so it is not compared with ${name}.`;
  } else if (match.configured !== null && match.configured.store === store) {
    const c = match.configured;
    if (c.matches === true) text = `The server sent the certificate of its configured alias '${c.alias}' (SHA-256 ${short(sent.sha256)}).`;
    else {
      const other = holderHere !== null ? `: that is the certificate of alias '${holderHere}'` : match.holder !== null ? `: that is the certificate of alias '${match.holder.alias}' in ${basename(match.holder.store.path)}` : `, which no entry of ${name} holds`;
      text = `The server sent '${sent.subject}' (SHA-256 ${short(sent.sha256)}), not the certificate of its configured alias '${c.alias}'${c.leaf !== null ? ` ('${c.leaf.subject}', SHA-256 ${short(c.leaf.sha256)})` : ''}${other}.`;
    }
  } else if (holderHere !== null) {
    text = `The server sent the certificate of alias '${holderHere}' in ${name} (SHA-256 ${short(sent.sha256)}).`;
  } else {
    text = `The server sent '${sent.subject}' (SHA-256 ${short(sent.sha256)}), which no entry of ${name} holds: it uses another key store${match.holder !== null ? ` (it is alias '${match.holder.alias}' of ${basename(match.holder.store.path)})` : ''}.`;
  }
  const sentJson: IdentitySent | null = sent === null ? null : { empty: false, alias: holderHere, subject: sent.subject, sha256: sent.sha256 };
  return { store: store.path, side: 'server', request: null, keyTypes: [], keyManagers: { SunX509: null, PKIX: null }, entries, sent: sentJson, alias: setup.alias, verdict: text, notes: [] };
}

/**
 * The identity verdict of a connection, one per store; null when there is nothing to weigh: on
 * the client side, no CertificateRequest is known (none sent, or encrypted without a key log or
 * a matched Java log); on the server side, no TLS handshake.
 */
export function connectionIdentity(facts: ConnectionFacts, setup: IdentitySetup, log: JavaLogFacts | null): IdentityVerdict | null {
  if (setup.side === 'server') {
    if (facts.hs?.serverHello == null) return null;
    return setup.stores.map((s) => serverVerdict(facts, setup, s));
  }
  const out: IdentityStoreVerdict[] = [];
  for (const s of setup.stores) {
    const v = clientVerdict(facts, setup, s, log);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}
