import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { summarizeCertificate } from '../../src/x509/index.js';
import { isIP } from 'node:net';
import { dnsNameMatches, ipAddressMatches, ipVersion, matchHostName } from '../../src/x509/host-name.js';
import type { HostNameVia } from '../../src/x509/host-name.js';
import type * as X509 from '@peculiar/x509';
import { x509Library } from '../../src/x509/peculiar.js';
import { readTrustStore, verifyChain } from '../../src/x509/trust/index.js';
import type { LoadedTrustStore } from '../../src/x509/trust/index.js';
import { CAPTURE_TIME, makeCert } from './trust-pki.js';
import type { TestCert } from './trust-pki.js';

const x509 = x509Library();

/** The parts of a certificate summary the matcher reads. */
function cert(dns: readonly string[], ip: readonly string[] = [], cn: string | null = null, parseError: string | null = null) {
  return { subjectAltNames: { dns, ip, uri: [], email: [], other: 0, omitted: 0 }, subjectCommonName: cn, parseError };
}

describe('host names: one matcher (RFC 6125, CN only without DNS SANs)', () => {
  const cases: [string, readonly string[], readonly string[], string | null, string, boolean, HostNameVia][] = [
    // [case, DNS SANs, IP SANs, subject CN, host, matched, via]
    ['exact name', ['hr.example.com'], [], null, 'hr.example.com', true, 'san'],
    ['case-insensitive, trailing dot on the host', ['HR.Example.COM'], [], null, 'hr.example.com.', true, 'san'],
    ['trailing dot on the SAN', ['hr.example.com.'], [], null, 'HR.EXAMPLE.COM', true, 'san'],
    ['another name', ['www.example.com'], [], null, 'hr.example.com', false, null],
    ['wildcard covers one label', ['*.example.com'], [], null, 'a.example.com', true, 'san'],
    ['wildcard does not cover the bare domain', ['*.example.com'], [], null, 'example.com', false, null],
    ['wildcard does not cover two labels', ['*.example.com'], [], null, 'a.b.example.com', false, null],
    ['*.com covers nothing', ['*.com'], [], null, 'example.com', false, null],
    ['* covers nothing', ['*'], [], null, 'localhost', false, null],
    ['two labels after the wildcard suffice (no public-suffix list)', ['*.co.uk'], [], null, 'example.co.uk', true, 'san'],
    ['partial-label wildcard refused', ['f*.example.com'], [], null, 'foo.example.com', false, null],
    ['wildcard not left-most refused', ['a.*.example.com'], [], null, 'a.b.example.com', false, null],
    ['two wildcards refused', ['*.*.example.com'], [], null, 'a.b.example.com', false, null],
    ['a host with a wildcard is no host', ['*.example.com'], [], null, '*.example.com', false, null],
    ['empty label', ['a..example.com'], [], null, 'a..example.com', false, null],
    ['empty host', ['hr.example.com'], [], 'hr.example.com', '', false, null],
    ['wildcard covers an A-label', ['*.example.com'], [], null, 'xn--bcher-kva.example.com', true, 'san'],
    ['A-labels compare case-insensitively', ['xn--bcher-kva.example.com'], [], null, 'XN--BCHER-KVA.example.com', true, 'san'],
    ['a U-label is not converted to its A-label', ['bücher.example.com'], [], null, 'xn--bcher-kva.example.com', false, null],
    ['wildcard inside an A-label refused', ['xn--*.example.com'], [], null, 'xn--bcher-kva.example.com', false, null],
    ['IPv4 against an IP SAN', [], ['10.0.0.5'], null, '10.0.0.5', true, 'san'],
    ['IPv4 never against a DNS SAN', ['10.0.0.5'], [], null, '10.0.0.5', false, null],
    ['IPv4 never against the CN', [], [], '10.0.0.5', '10.0.0.5', false, null],
    ['another IPv4', [], ['10.0.0.5'], null, '10.0.0.6', false, null],
    ['IPv6 in another spelling', [], ['2001:db8:0:0:0:0:0:1'], null, '2001:DB8::1', true, 'san'],
    ['IPv6 is not IPv4', [], ['::ffff:10.0.0.5'], null, '10.0.0.5', false, null],
    ['CN without any SAN', [], [], 'hr.example.com', 'hr.example.com', true, 'cn'],
    ['wildcard CN without any SAN', [], [], '*.example.com', 'a.example.com', true, 'cn'],
    ['CN ignored beside a DNS SAN', ['www.example.com'], [], 'hr.example.com', 'hr.example.com', false, null],
    ['CN used beside IP SANs only', [], ['10.0.0.5'], 'hr.example.com', 'hr.example.com', true, 'cn'],
    ['CN that does not match', [], [], 'other.example.com', 'hr.example.com', false, null],
    ['no SAN, no CN', [], [], null, 'hr.example.com', false, null],
    ['*.com as the CN covers nothing either', [], [], '*.com', 'example.com', false, null],
  ];
  it.each(cases)('%s', (_what, dns, ip, cn, host, matched, via) => {
    expect(matchHostName(host, cert(dns, ip, cn))).toEqual({ matched, via });
  });

  it('an unreadable certificate covers nothing', () => {
    expect(matchHostName('hr.example.com', cert(['hr.example.com'], [], 'hr.example.com', 'not DER'))).toEqual({ matched: false, via: null });
  });

  it('tells IP addresses from names as net.isIP does', () => {
    const text = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4Extended(),
      fc.domain(),
      fc.string({ unit: fc.constantFrom('0', '1', 'f', ':', '.', '%', 'a', ' ', '9') }),
      fc.string(),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(ipVersion(t)).toBe(isIP(t));
      }),
      { numRuns: 3000 },
    );
    for (const t of ['::', '::1', '::ffff:10.0.0.1', 'fe80::1%eth0', '10.0.0.1', '010.0.0.1', '1.2.3', 'hr.example.com', '']) expect(ipVersion(t)).toBe(isIP(t));
  });

  it('IP SANs compare by value', () => {
    expect(ipAddressMatches('2001:0db8::0001', '2001:db8::1')).toBe(true);
    expect(ipAddressMatches('hr.example.com', 'hr.example.com')).toBe(false);
  });

  const label = fc.constantFrom('a', 'B', '*', 'example', 'com', 'xn--bcher-kva', 'f*', '', '10');
  const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
  const maybeDot = fc.boolean().map((b) => (b ? '.' : ''));

  it('answers are consistent: via set exactly when matched, the CN only without DNS SANs', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 3 }), fc.option(name), name, (dns, cn, host) => {
        const m = matchHostName(host, cert(dns, [], cn));
        expect(m.via !== null).toBe(m.matched);
        if (m.via === 'cn') expect(dns).toEqual([]);
        if (m.via === 'san') expect(dns.some((d) => dnsNameMatches(d, host))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('case and a trailing dot never change the answer', () => {
    fc.assert(
      fc.property(name, name, maybeDot, (pattern, host, dot) => {
        // One trailing dot is the root; a host already ending in one would get two ("a.."), which
        // is an empty label and no host at all.
        fc.pre(!host.endsWith('.'));
        expect(dnsNameMatches(pattern.toUpperCase(), `${host}${dot}`)).toBe(dnsNameMatches(pattern, host));
      }),
      { numRuns: 300 },
    );
  });

  it('a wildcard stands for exactly one non-empty label', () => {
    const plain = fc.constantFrom('a', 'hr', 'xn--bcher-kva', 'www');
    fc.assert(
      fc.property(fc.array(plain, { minLength: 0, maxLength: 3 }), fc.array(plain, { minLength: 2, maxLength: 3 }), (head, rest) => {
        const host = [...head, ...rest].join('.');
        expect(dnsNameMatches(`*.${rest.join('.')}`, host)).toBe(head.length === 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the trust check gives the same answer', () => {
  let issuing: TestCert;
  let roots: LoadedTrustStore;
  beforeAll(async () => {
    const root = await makeCert({ subject: 'CN=Names Root, O=Corp', ca: true });
    issuing = await makeCert({ subject: 'CN=Names CA, O=Corp', issuer: root, ca: true });
    roots = readTrustStore(Buffer.from(root.pem), 'roots.pem');
  });

  const leafWith = (cn: string, san: X509.JsonGeneralNames | undefined): Promise<TestCert> =>
    makeCert({ subject: `CN=${cn}, O=Corp`, issuer: issuing, eku: [x509.ExtendedKeyUsage.serverAuth], ...(san !== undefined ? { san } : {}) });

  it.each([
    // Node's checkHost, used before, accepted the partial-label wildcard; the matcher refuses it.
    ['partial-label wildcard', 'hr.example.com', [{ type: 'dns', value: 'h*.example.com' }], 'hr.example.com', false],
    ['CN without SANs', 'hr.example.com', undefined, 'hr.example.com', true],
    ['CN beside a DNS SAN', 'hr.example.com', [{ type: 'dns', value: 'www.example.com' }], 'hr.example.com', false],
    ['*.com', 'example.com', [{ type: 'dns', value: '*.com' }], 'example.com', false],
    ['IPv6 SAN in another spelling', 'web', [{ type: 'ip', value: '2001:db8::5' }], '2001:0db8:0:0::5', true],
  ] as const)('%s', async (_what, cn, san, host, matched) => {
    const leaf = await leafWith(cn, san === undefined ? undefined : [...san]);
    const r = verifyChain([leaf.der, issuing.der], [roots], { purpose: 'server', at: CAPTURE_TIME, hostname: host });
    expect(r.verdict).toBe(matched ? 'trusted' : 'untrusted');
    if (!matched) expect(r.reason).toBe('name-mismatch');
    expect(matchHostName(host, summarizeCertificate(leaf.der)).matched).toBe(matched);
  });
});
