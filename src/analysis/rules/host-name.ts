/**
 * Does a certificate cover the name the client asked for (SNI)? RFC 6125 §6.4: DNS names
 * compare case-insensitively, a trailing dot is ignored, and a wildcard is only `*` as the
 * whole leftmost label, matching exactly one label (so `*.example.com` covers
 * `a.example.com`, not `example.com` nor `a.b.example.com`). Wildcards over a single label
 * (`*.com`) match nothing. Partial-label wildcards (`f*.example.com`) are refused, as
 * browsers and current TLS libraries do.
 */

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

/** True when one of the SANs covers `host` (an IP literal matches the IP SANs only). */
export function hostCovered(host: string, dnsNames: readonly string[], ipAddresses: readonly string[]): boolean {
  const isIp = /^[0-9.]+$/.test(host) || host.includes(':');
  if (isIp) return ipAddresses.some((ip) => ip.toLowerCase() === host.toLowerCase());
  return dnsNames.some((n) => dnsNameMatches(n, host));
}
