/**
 * Does a certificate cover a host name? The one matcher of the project: the analysis checks
 * the server certificate against the SNI with it, the trust check uses it for its
 * name-mismatch, and the reports print its answer.
 *
 * RFC 6125 §6.4 DNS-ID matching, as OpenSSL's X509_check_host and Java's HostnameChecker do it:
 * - labels compare case-insensitively (ASCII only: an IDN is compared as its A-label,
 *   `xn--…`, and never converted), and a trailing dot is ignored;
 * - a wildcard is `*` as the whole left-most label only, and stands for exactly one label
 *   (`*.example.com` covers `a.example.com`, not `example.com` nor `a.b.example.com`);
 *   partial-label wildcards (`f*.example.com`, `xn--*`) are refused, as browsers and current
 *   libraries do; a wildcard needs two labels after it, so `*` and `*.com` cover nothing
 *   (there is no public-suffix list: `*.co.uk` is accepted, as OpenSSL accepts it);
 * - an IP address matches iPAddress SANs only, never a DNS SAN or the CN;
 * - the subject CN is used only when the certificate has no DNS SAN at all (RFC 6125 §6.4.4),
 *   and the answer says so (`via: 'cn'`): browsers, Go and Python ignore the CN altogether.
 *
 * Only the SANs the summary lists are matched (see `maxSubjectAltNames` of the summary).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ClearingCache } from '../util/clearing-cache.js';
import type { CertificateSummary } from './certificate-summary.js';

/** What covered the host: a subject alternative name, the subject CN, or nothing. */
export type HostNameVia = 'san' | 'cn' | null;

/** The answer of {@link matchHostName}. */
export interface HostNameMatch {
  readonly matched: boolean;
  /** `san` or `cn` when matched; null when nothing matched. */
  readonly via: HostNameVia;
}

/** ASCII-only lower case: a non-ASCII label is not folded (it would not be a valid A-label). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 32));
}

function labels(name: string): string[] {
  return asciiLower(name).replace(/\.$/, '').split('.');
}

/** Does the DNS-ID `pattern` (a DNS SAN, or the CN) cover the DNS name `host`? */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = labels(pattern);
  const h = labels(host);
  if (p.length !== h.length || p.some((l) => l === '') || h.some((l) => l === '' || l.includes('*'))) return false;
  for (let i = 0; i < p.length; i++) {
    const pl = p[i] as string;
    const hl = h[i] as string;
    if (pl === '*' && i === 0 && p.length >= 3) continue;
    if (pl.includes('*')) return false;
    if (pl !== hl) return false;
  }
  return true;
}

/**
 * `net.isIP`, without Node's IPv6 expression for text that has no colon: every IPv6 address
 * has one, and a host name has none. That expression is built at its first use, ~5 ms that
 * every run checking one host name against a certificate paid.
 */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (!text.includes(':')) return isIPv4(text) ? 4 : 0;
  return isIPv6(text) ? 6 : 0;
}

/** An IP address in one spelling: IPv6 compressed and lower case; others as they are. */
function canonicalIp(ip: string): string {
  if (ipVersion(ip) !== 6) return ip;
  try {
    // The URL parser writes an IPv6 literal in its RFC 5952 form.
    return new URL(`http://[${ip}]`).hostname.slice(1, -1);
  } catch {
    return asciiLower(ip);
  }
}

/** Does the iPAddress SAN `san` name the address `host`? Both may be IPv4 or IPv6, in any spelling. */
export function ipAddressMatches(san: string, host: string): boolean {
  const version = ipVersion(host);
  return version !== 0 && ipVersion(san) === version && canonicalIp(san) === canonicalIp(host);
}

/**
 * Answers remembered per SAN list: certificate summaries are shared between the connections
 * that carry the same certificate, so the same list meets the same few host names thousands of
 * times. Weakly held (a list no longer in use takes its answers with it), and bounded per list.
 */
const coveredMemo = new WeakMap<readonly string[], ClearingCache<string, boolean>>();
/** Host names remembered per SAN list; when full the list's answers are cleared. */
export const MAX_HOSTS_PER_NAME_LIST = 256;

/** True when one of the SANs covers `host` (an IP address matches the IP SANs only). */
export function hostCovered(host: string, dnsNames: readonly string[], ipAddresses: readonly string[]): boolean {
  if (ipVersion(host) !== 0) return ipAddresses.some((ip) => ipAddressMatches(ip, host));
  let memo = coveredMemo.get(dnsNames);
  if (memo === undefined) {
    memo = new ClearingCache(MAX_HOSTS_PER_NAME_LIST);
    coveredMemo.set(dnsNames, memo);
  }
  return memo.getOrCompute(host, () => dnsNames.some((n) => dnsNameMatches(n, host)));
}

const NO_MATCH: HostNameMatch = { matched: false, via: null };
const BY_SAN: HostNameMatch = { matched: true, via: 'san' };
const BY_CN: HostNameMatch = { matched: true, via: 'cn' };

/**
 * Does the certificate cover `host`? Its SANs first; its subject CN only when it has no DNS
 * SAN and `host` is not an IP address. An empty host or an unreadable certificate matches nothing.
 */
export function matchHostName(host: string, cert: Pick<CertificateSummary, 'subjectAltNames' | 'subjectCommonName' | 'parseError'>): HostNameMatch {
  if (host === '' || cert.parseError !== null) return NO_MATCH;
  const san = cert.subjectAltNames;
  if (hostCovered(host, san.dns, san.ip)) return BY_SAN;
  if (ipVersion(host) !== 0 || san.dns.length > 0) return NO_MATCH;
  const cn = cert.subjectCommonName;
  return cn !== null && dnsNameMatches(cn, host) ? BY_CN : NO_MATCH;
}
