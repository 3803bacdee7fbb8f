/**
 * The server certificate against the name the client asked for (SNI), computed once here
 * with the project's one matcher (x509/host-name.ts): the `server-cert-name-mismatch` rule
 * reads it, and the report model carries it to every renderer, so a certificate line and a
 * finding can never disagree.
 */
import type { Handshake } from '../connection.js';
import { matchHostName, type HostNameVia } from '../../x509/host-name.js';
import type { CertificateSummary } from '../../x509/index.js';
import { ClearingCache } from '../../util/clearing-cache.js';

/** Does the server certificate cover the SNI, and by what. */
export interface ServerNameMatch {
  /** The name the client asked for (server_name extension). */
  readonly sni: string;
  readonly matched: boolean;
  /** `san` (a subject alternative name), `cn` (the subject CN of a certificate without DNS SANs), null when not matched. */
  readonly via: HostNameVia;
}

/**
 * Matches remembered per leaf: a summary is shared by the connections that carry the same
 * certificate, and they ask for the same few names. Weakly held; bounded per leaf.
 */
const matchesOfLeaves = new WeakMap<CertificateSummary, ClearingCache<string, ServerNameMatch>>();
const MAX_NAMES_PER_LEAF = 256;

/** The match of a leaf certificate against an SNI; null without an SNI or a readable leaf. */
export function nameMatchOf(sni: string | null, leaf: CertificateSummary | undefined): ServerNameMatch | null {
  if (sni === null || leaf === undefined || leaf.parseError !== null) return null;
  let matches = matchesOfLeaves.get(leaf);
  if (matches === undefined) {
    matches = new ClearingCache(MAX_NAMES_PER_LEAF);
    matchesOfLeaves.set(leaf, matches);
  }
  return matches.getOrCompute(sni, () => matchOf(sni, leaf));
}

function matchOf(sni: string, leaf: CertificateSummary): ServerNameMatch {
  const m = matchHostName(sni, leaf);
  return { sni, matched: m.matched, via: m.via };
}

/** The server certificate of a handshake against its SNI; null when either is missing. */
export function serverNameMatch(hs: Pick<Handshake, 'clientHello' | 'serverCertificates'> | null): ServerNameMatch | null {
  if (hs === null) return null;
  return nameMatchOf(hs.clientHello?.sni ?? null, hs.serverCertificates?.[0]);
}
