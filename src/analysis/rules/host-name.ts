/**
 * Does a certificate cover the name the client asked for (SNI)? RFC 6125 §6.4: DNS names
 * compare case-insensitively, a trailing dot is ignored, and a wildcard is only `*` as the
 * whole leftmost label, matching exactly one label (so `*.example.com` covers
 * `a.example.com`, not `example.com` nor `a.b.example.com`). Wildcards over a single label
 * (`*.com`) match nothing. Partial-label wildcards (`f*.example.com`) are refused, as
 * browsers and current TLS libraries do.
 */
import { ClearingCache } from '../../util/clearing-cache.js';

function labels(name: string): string[] {
  return name.toLowerCase().replace(/\.$/, '').split('.');
}

export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = labels(pattern);
  const h = labels(host);
  if (p.length !== h.length || p.some((l) => l === '') || h.some((l) => l === '')) return false;
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
 * Answers remembered per SAN list: certificate summaries are shared between the connections
 * that carry the same certificate, so the same list meets the same few host names thousands of
 * times. Weakly held (a list no longer in use takes its answers with it), and bounded per list.
 */
const coveredMemo = new WeakMap<readonly string[], ClearingCache<string, boolean>>();
/** Host names remembered per SAN list; when full the list's answers are cleared. */
export const MAX_HOSTS_PER_NAME_LIST = 256;

/** True when one of the SANs covers `host` (an IP literal matches the IP SANs only). */
export function hostCovered(host: string, dnsNames: readonly string[], ipAddresses: readonly string[]): boolean {
  const isIp = /^[0-9.]+$/.test(host) || host.includes(':');
  if (isIp) return ipAddresses.some((ip) => ip.toLowerCase() === host.toLowerCase());
  let memo = coveredMemo.get(dnsNames);
  if (memo === undefined) {
    memo = new ClearingCache(MAX_HOSTS_PER_NAME_LIST);
    coveredMemo.set(dnsNames, memo);
  }
  return memo.getOrCompute(host, () => dnsNames.some((n) => dnsNameMatches(n, host)));
}
