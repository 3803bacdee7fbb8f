/**
 * Chain verification as a TLS peer does it (RFC 5280 §6, simplified to what explains a
 * refused handshake), offline: a path is built from the certificates the peer sent plus the
 * trust stores (intermediates may come from either), each link's signature is verified with
 * Node's crypto (RSA PKCS#1 v1.5 and PSS, ECDSA P-256/384/521, Ed25519, Ed448), and then
 * the path is checked for validity at the capture time, basic constraints and path length,
 * keyCertSign on CAs, the extended key usage of the purpose, and (server chains) the name.
 * No network: no AIA fetching, no OCSP, no CRL — revocation is never checked.
 *
 * Where OpenSSL and Java differ, the verifier takes the stricter reading and says so:
 * a path may end at any anchor (Java; OpenSSL needs the root unless partial chains are
 * allowed), anchors' dates are checked (OpenSSL), CAs with an EKU must allow the purpose (OpenSSL).
 */
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { basename } from 'node:path';
import { decodeDistinguishedName } from '../distinguished-name.js';
import { certificateFacts, type CertificateSummary } from '../certificate-summary.js';
import { ipVersion, matchHostName } from '../host-name.js';
import { locateTbsParts } from '../tbs.js';
import { storeNames } from './load.js';
import { TRUST_REASONS, type LoadedTrustStore, type TrustCertificate, type TrustProblem, type TrustPurpose, type TrustResult } from './types.js';
import { ClearingCache } from '../../util/clearing-cache.js';

/** Options of {@link verifyChain}. */
export interface VerifyOptions {
  /** Whose chain it is: `client` needs clientAuth, `server` serverAuth and the name. */
  readonly purpose: TrustPurpose;
  /** When validity is checked (the capture time); null: dates are not checked. */
  readonly at: Date | null;
  /** What `at` is called in the problems' wording (default "the capture time"; check-cert has no capture). */
  readonly atName?: string;
  /** The name the client asked for (SNI), for server chains; null or absent: not checked. */
  readonly hostname?: string | null;
  /** Certificates per path at most, anchor included (default 8). */
  readonly maxPathLength?: number;
  /** Signature verifications per chain at most (default 64): many same-named CAs must not stall a run. */
  readonly maxSignatureChecks?: number;
}

/** Default of `maxPathLength`: real chains hold 2–4 certificates. */
const DEFAULT_MAX_PATH_LENGTH = 8;
/** Default of `maxSignatureChecks`. */
const DEFAULT_MAX_SIGNATURE_CHECKS = 64;
/** Signature results remembered across chains (the same links recur on every connection of a capture). */
const SIGNATURE_CACHE_ENTRIES = 4096;

const OFFLINE = 'Checked offline: revocation (OCSP, CRL) was not checked and no missing certificate was fetched (AIA).';
const OID_O = '2.5.4.10';

/** One certificate that may appear on a path. */
interface Candidate {
  readonly der: Uint8Array;
  readonly key: string;
  readonly summary: CertificateSummary;
  readonly notBeforeMs: number | null;
  readonly notAfterMs: number | null;
  /** The store file for store certificates; null for certificates the peer sent. */
  readonly source: string | null;
  readonly anchor: boolean;
}

const signatureCache = new ClearingCache<string, boolean>(SIGNATURE_CACHE_ENTRIES);
const nodeCerts = new ClearingCache<string, NodeX509Certificate | null>(SIGNATURE_CACHE_ENTRIES);

function nodeCert(c: Candidate): NodeX509Certificate | null {
  return nodeCerts.getOrCompute(c.key, () => {
    try {
      return new NodeX509Certificate(c.der);
    } catch {
      return null;
    }
  });
}

/** Does `child`'s signature verify with `issuer`'s public key? */
function signedBy(child: Candidate, issuer: Candidate): boolean {
  const k = `${child.key}|${issuer.key}`;
  const known = signatureCache.get(k);
  if (known !== undefined) return known;
  const c = nodeCert(child);
  const i = nodeCert(issuer);
  let ok = false;
  try {
    ok = c !== null && i !== null && c.verify(i.publicKey);
  } catch {
    ok = false;
  }
  signatureCache.set(k, ok);
  return ok;
}

/** Names compare as the rest of the project does: case-insensitive, white space collapsed. */
function nameKey(dn: string): string {
  return dn.trim().replace(/\s+/g, ' ').toLowerCase();
}

function fromStore(t: TrustCertificate, anchor: boolean): Candidate {
  return { der: t.der, key: t.summary.sha256, summary: t.summary, notBeforeMs: t.notBeforeMs, notAfterMs: t.notAfterMs, source: t.source, anchor };
}

function fromSent(der: Uint8Array): Candidate {
  const f = certificateFacts(der);
  return { der, key: f.summary.sha256, summary: f.summary, notBeforeMs: f.notBeforeMs, notAfterMs: f.notAfterMs, source: null, anchor: false };
}

/** The organization (O) values of a certificate's issuer or subject name. */
function organizations(der: Uint8Array, which: 'issuer' | 'subject'): string[] {
  const parts = locateTbsParts(der);
  if (parts === undefined) return [];
  const dn = decodeDistinguishedName(parts[which]);
  return dn.rdns.flatMap((rdn) => rdn.filter((a) => a.oid === OID_O).map((a) => a.value.toLowerCase()));
}

interface StoreIndex {
  readonly anchors: ReadonlyMap<string, readonly Candidate[]>;
  readonly anchorKeys: ReadonlyMap<string, Candidate>;
  readonly intermediates: ReadonlyMap<string, readonly Candidate[]>;
  readonly all: readonly Candidate[];
}

const indexes = new WeakMap<readonly LoadedTrustStore[], StoreIndex>();

function push(map: Map<string, Candidate[]>, c: Candidate): void {
  const k = nameKey(c.summary.subject);
  const list = map.get(k);
  if (list === undefined) map.set(k, [c]);
  else list.push(c);
}

function indexStores(stores: readonly LoadedTrustStore[]): StoreIndex {
  const cached = indexes.get(stores);
  if (cached !== undefined) return cached;
  const anchors = new Map<string, Candidate[]>();
  const intermediates = new Map<string, Candidate[]>();
  const anchorKeys = new Map<string, Candidate>();
  const all: Candidate[] = [];
  for (const s of stores) {
    for (const a of s.anchors) {
      if (anchorKeys.has(a.summary.sha256)) continue;
      const c = fromStore(a, true);
      anchorKeys.set(c.key, c);
      push(anchors, c);
      all.push(c);
    }
  }
  for (const s of stores) {
    for (const i of s.intermediates) {
      if (anchorKeys.has(i.summary.sha256)) continue;
      const c = fromStore(i, false);
      push(intermediates, c);
      all.push(c);
    }
  }
  const index = { anchors, anchorKeys, intermediates, all };
  indexes.set(stores, index);
  return index;
}

function q(dn: string): string {
  return `'${dn}'`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** How a sentence names the certificate at `i` of a path. */
function who(path: readonly Candidate[], i: number, purpose: TrustPurpose): string {
  const c = path[i] as Candidate;
  if (i === 0) return `the ${purpose} certificate ${q(c.summary.subject)}`;
  if (c.anchor) return `the trust anchor ${q(c.summary.subject)} (in ${c.source === null ? 'the store' : basename(c.source)})`;
  return `the CA certificate ${q(c.summary.subject)}${c.source !== null ? ` (from ${basename(c.source)})` : ''}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const EKU_NAME: Record<TrustPurpose, string> = { client: 'clientAuth', server: 'serverAuth' };

/** Everything wrong with a complete path (leaf … anchor). */
function checkPath(path: readonly Candidate[], options: VerifyOptions): TrustProblem[] {
  const problems: TrustProblem[] = [];
  const { purpose, at } = options;
  const atMs = at === null ? null : at.getTime();
  const atName = options.atName ?? 'the capture time';
  const last = path.length - 1;
  path.forEach((c, i) => {
    const s = c.summary;
    if (atMs !== null && c.notAfterMs !== null && atMs > c.notAfterMs) {
      problems.push({
        reason: 'expired',
        detail: `${capitalize(who(path, i, purpose))} expired on ${iso(c.notAfterMs)}, before ${atName} ${iso(atMs)}; ${i === 0 ? 'renew it' : 'replace it with its renewed certificate'}.`,
      });
    } else if (atMs !== null && c.notBeforeMs !== null && atMs < c.notBeforeMs) {
      problems.push({
        reason: 'not-yet-valid',
        detail: `${capitalize(who(path, i, purpose))} is valid only from ${iso(c.notBeforeMs)}, after ${atName} ${iso(atMs)}; check the clocks or wait for its start date.`,
      });
    }
    if (i === 0) return;
    // An old v1 self-signed root carries no extensions at all; OpenSSL and Java accept it as an anchor.
    const v1Root = c.anchor && s.basicConstraints === null && s.keyUsage === null && s.selfIssued;
    if (!v1Root && s.basicConstraints?.ca !== true) {
      problems.push({ reason: 'not-a-ca', detail: `${capitalize(who(path, i, purpose))} issued ${q((path[i - 1] as Candidate).summary.subject)} but is not a CA (basicConstraints cA is ${s.basicConstraints === null ? 'absent' : 'false'}); it must be issued as a CA certificate.` });
    } else if (s.keyUsage !== null && !s.keyUsage.includes('keyCertSign')) {
      problems.push({ reason: 'not-a-ca', detail: `${capitalize(who(path, i, purpose))} may not sign certificates (its key usage lacks keyCertSign: ${s.keyUsage.join(', ') || 'none'}).` });
    } else if (s.basicConstraints?.pathLen !== null && s.basicConstraints?.pathLen !== undefined) {
      // RFC 5280 §4.2.1.9: pathLenConstraint counts the non-self-issued intermediates below the CA.
      let below = 0;
      for (let j = 1; j < i; j++) if (!(path[j] as Candidate).summary.selfIssued) below++;
      if (below > s.basicConstraints.pathLen) {
        problems.push({ reason: 'not-a-ca', detail: `${capitalize(who(path, i, purpose))} allows ${s.basicConstraints.pathLen} CA${s.basicConstraints.pathLen === 1 ? '' : 's'} below it (pathLenConstraint) but the path has ${below}.` });
      }
    }
    if (i < last && s.extendedKeyUsage !== null && s.ekuAnyPurpose === null && !s.extendedKeyUsage.includes(EKU_NAME[purpose])) {
      problems.push({ reason: 'wrong-eku', detail: `${capitalize(who(path, i, purpose))} restricts its extended key usage to ${s.extendedKeyUsage.join(', ') || 'nothing'}, without ${EKU_NAME[purpose]}; OpenSSL-based peers reject certificates under it.` });
    }
  });
  const leaf = (path[0] as Candidate).summary;
  const allowed = purpose === 'client' ? leaf.hasClientAuth : leaf.hasServerAuth;
  if (!allowed) {
    problems.push({
      reason: 'wrong-eku',
      detail: `The ${purpose} certificate ${q(leaf.subject)} has the extended key usage ${leaf.extendedKeyUsage?.join(', ') || 'of no purpose'}, without ${EKU_NAME[purpose]}; reissue it with ${EKU_NAME[purpose]}.`,
    });
  }
  const host = options.hostname ?? null;
  if (purpose === 'server' && host !== null && host !== '') {
    // The analysis's matcher, so the trust verdict and the name finding agree (Node's
    // checkHost would also accept partial-label wildcards).
    if (!matchHostName(host, leaf).matched) {
      const names = [...leaf.subjectAltNames.dns, ...leaf.subjectAltNames.ip];
      const cn = leaf.subjectAltNames.dns.length === 0 && ipVersion(host) === 0 && leaf.subjectCommonName !== null ? `, and its subject CN '${leaf.subjectCommonName}' does not match either` : '';
      problems.push({
        reason: 'name-mismatch',
        detail: `The server certificate ${q(leaf.subject)} does not cover the name '${host}' the client asked for (it names ${names.length > 0 ? names.slice(0, 5).join(', ') : 'no DNS or IP subject alternative name'}${cn}).`,
      });
    }
  }
  return problems.sort((a, b) => TRUST_REASONS.indexOf(a.reason) - TRUST_REASONS.indexOf(b.reason));
}

/** A result for a chain that was not verified, with the reason in words. */
export function notChecked(detail: string): TrustResult {
  return { verdict: 'not-checked', reason: null, anchor: null, anchorSource: null, path: [], detail, problems: [] };
}

/**
 * Verifies a chain as sent (leaf first) against trust stores. Never throws; a leaf that does not
 * parse gives `not-checked`.
 */
export function verifyChain(sent: readonly Uint8Array[], stores: readonly LoadedTrustStore[], options: VerifyOptions): TrustResult {
  const { purpose } = options;
  if (sent.length === 0) return notChecked(`No ${purpose} certificate was sent.`);
  if (stores.length === 0) return notChecked(`No trust store was given for ${purpose} certificates.`);
  const index = indexStores(stores);
  const names = storeNames(stores);
  const holder = purpose === 'client' ? 'the server trust store' : "the client's trust store";
  const sentCands = sent.map(fromSent);
  const leaf = sentCands[0] as Candidate;
  if (leaf.summary.parseError !== null) return notChecked(`The ${purpose} certificate does not parse, so its chain was not verified: ${leaf.summary.parseError}`);
  const pool = new Map<string, Candidate[]>();
  for (const c of sentCands.slice(1)) if (c.summary.parseError === null) push(pool, c);
  for (const list of index.intermediates.values()) for (const c of list) push(pool, c);

  const maxLength = Math.max(1, options.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH);
  const maxChecks = Math.max(1, options.maxSignatureChecks ?? DEFAULT_MAX_SIGNATURE_CHECKS);
  let checks = 0;
  let budgetHit = false;
  const complete: Candidate[][] = [];
  const deadEnds: Candidate[][] = [];
  const badSignatures: { child: Candidate; issuer: Candidate; path: Candidate[] }[] = [];
  const verify = (child: Candidate, issuer: Candidate): boolean => {
    if (checks >= maxChecks) {
      budgetHit = true;
      return false;
    }
    checks++;
    return signedBy(child, issuer);
  };
  const goodFound = (): boolean => complete.some((p) => checkPath(p, options).length === 0);

  const extend = (path: Candidate[]): void => {
    if (budgetHit || complete.length >= 4) return;
    const cur = path[path.length - 1] as Candidate;
    const asAnchor = index.anchorKeys.get(cur.key);
    if (asAnchor !== undefined) {
      complete.push([...path.slice(0, -1), asAnchor]);
      return;
    }
    const issuerKey = nameKey(cur.summary.issuer);
    const onPath = (c: Candidate): boolean => path.some((p) => p.key === c.key);
    let progressed = false;
    for (const a of index.anchors.get(issuerKey) ?? []) {
      if (onPath(a)) continue;
      if (verify(cur, a)) {
        complete.push([...path, a]);
        progressed = true;
      } else badSignatures.push({ child: cur, issuer: a, path });
    }
    if (progressed) return;
    if (path.length >= maxLength) {
      deadEnds.push(path);
      return;
    }
    for (const c of pool.get(issuerKey) ?? []) {
      if (onPath(c)) continue;
      if (verify(cur, c)) {
        progressed = true;
        extend([...path, c]);
        if (goodFound()) return;
      } else badSignatures.push({ child: cur, issuer: c, path });
    }
    if (!progressed) deadEnds.push(path);
  };
  extend([leaf]);

  const dns = (p: readonly Candidate[]): string[] => p.map((c) => c.summary.subject);
  const checkedAt = options.at === null ? ' Validity dates were not checked (no capture time).' : '';
  const nameNote = purpose === 'server' && (options.hostname ?? null) === null ? ' The client sent no server name, so the name was not checked.' : '';
  const budgetNote = budgetHit ? ` Only ${maxChecks} signatures were checked; other paths may exist.` : '';

  // A path that ends at a stored intermediate is carried on to its stored root when one verifies:
  // that is the chain OpenSSL builds, and it names the root as the anchor.
  const toRoot = (p: Candidate[]): Candidate[] => {
    const out = [...p];
    for (let last = out[out.length - 1] as Candidate; !last.summary.selfIssued && out.length < maxLength; ) {
      const next = (index.anchors.get(nameKey(last.summary.issuer)) ?? []).find((a) => !out.some((o) => o.key === a.key) && verify(last, a));
      if (next === undefined) break;
      out.push(next);
      last = next;
    }
    return out;
  };
  let best: { path: Candidate[]; problems: TrustProblem[] } | null = null;
  for (const found of complete) {
    const longer = toRoot(found);
    const p = longer.length > found.length && checkPath(longer, options).length <= checkPath(found, options).length ? longer : found;
    const problems = checkPath(p, options);
    if (best === null || problems.length < best.problems.length) best = { path: p, problems };
    if (problems.length === 0) break;
  }
  if (best !== null) {
    const anchor = best.path[best.path.length - 1] as Candidate;
    const base = { anchor: anchor.summary.subject, anchorSource: anchor.source, path: dns(best.path) };
    if (best.problems.length === 0) {
      const via = best.path.slice(1, -1).map((c) => q(c.summary.subject));
      const partial = !anchor.summary.selfIssued ? ` The anchor is not a root: Java accepts that, OpenSSL-based peers need its root in the store too unless partial chains are allowed.` : '';
      const at = options.at === null ? '' : ` on ${options.at.toISOString()}`;
      const pinned = best.path.length === 1 ? ' (the certificate itself is in the store)' : '';
      return {
        verdict: 'trusted',
        reason: null,
        ...base,
        detail: `The ${purpose} certificate ${q(leaf.summary.subject)} chains to ${q(anchor.summary.subject)} in ${anchor.source === null ? names : basename(anchor.source)}${pinned}${via.length > 0 ? ` through ${via.join(', ')}` : ''}; signatures, validity${at}, CA constraints and the ${EKU_NAME[purpose]} usage${purpose === 'server' && nameNote === '' ? ' and the server name' : ''} check out.${partial}${nameNote}${checkedAt} ${OFFLINE}`,
        problems: [],
      };
    }
    const first = best.problems[0] as TrustProblem;
    return { verdict: 'untrusted', reason: first.reason, ...base, detail: `${first.detail}${checkedAt} ${OFFLINE}`, problems: best.problems };
  }

  if (badSignatures.length > 0) {
    const b = badSignatures[0] as (typeof badSignatures)[number];
    const detail = `${capitalize(b.child === leaf ? `the ${purpose} certificate ${q(b.child.summary.subject)}` : `the CA certificate ${q(b.child.summary.subject)}`)} names ${q(b.child.summary.issuer)} as its issuer, but its signature does not verify with the key of the certificate of that name ${b.issuer.source !== null ? `in ${basename(b.issuer.source)}` : 'the peer sent'}: the certificate was altered, or the CA was re-keyed and ${b.issuer.source !== null ? 'the store holds the old one' : 'the peer sends the wrong one'}.`;
    return { verdict: 'untrusted', reason: 'bad-signature', anchor: null, anchorSource: null, path: dns([...b.path]), detail: `${detail}${budgetNote} ${OFFLINE}`, problems: [{ reason: 'bad-signature', detail }] };
  }

  const end = deadEnds.reduce<Candidate[]>((a, p) => (p.length > a.length ? p : a), [leaf]);
  const top = end[end.length - 1] as Candidate;
  const missing = top.summary.issuer;
  const isCa = top.summary.basicConstraints?.ca === true;
  let reason: TrustProblem['reason'] = 'no-path-to-anchor';
  let detail: string;
  if (top.summary.selfIssued) {
    detail =
      end.length === 1
        ? `The ${purpose} certificate ${q(top.summary.subject)} is self-signed and is not in ${names}: import it into ${holder}, or use a certificate issued by a CA the store trusts.`
        : `The ${purpose} certificate chains to ${q(top.summary.subject)}, which is not in ${names}: import ${q(top.summary.subject)} into ${holder}.`;
  } else if (isCa) {
    detail = `The ${purpose} certificate chains to ${q(top.summary.subject)}, issued by ${q(missing)}, and neither is in ${names}: import ${q(top.summary.subject)} (or its root ${q(missing)}) into ${holder}.`;
  } else {
    const orgs = organizations(top.der, 'issuer');
    const relative = orgs.length === 0 ? undefined : index.all.find((c) => c.anchor && organizations(c.der, 'subject').some((o) => orgs.includes(o)));
    const sender = purpose === 'client' ? 'the client' : 'the server';
    if (relative !== undefined) {
      reason = 'missing-intermediate';
      detail = `The ${purpose} certificate ${q(top.summary.subject)} was issued by ${q(missing)}, which ${sender} did not send and ${names} does not hold; it is most likely an intermediate under ${q(relative.summary.subject)} (same organization), which the store does hold: configure ${sender} to send ${q(missing)} with its certificate, or import ${q(missing)} into ${holder}.`;
    } else {
      detail = `The ${purpose} certificate ${q(top.summary.subject)} was issued by ${q(missing)}, which ${sender} did not send and which is not in ${names}: import ${q(missing)} (or its root) into ${holder}.`;
    }
  }
  return { verdict: 'untrusted', reason, anchor: null, anchorSource: null, path: dns(end), detail: `${detail}${budgetNote} ${OFFLINE}`, problems: [{ reason, detail }] };
}
