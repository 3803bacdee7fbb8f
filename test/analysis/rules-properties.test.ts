import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainShape, certificateView, validityAt } from '../../src/analysis/rules/certificate-view.js';
import { firstBytesText } from '../../src/analysis/rules/evidence.js';
import { MAX_HOSTS_PER_NAME_LIST, dnsNameMatches, hostCovered } from '../../src/x509/host-name.js';
import { RULES } from '../../src/analysis/rules/index.js';
import { firstSentence } from '../../src/analysis/summary.js';
import type { Connection } from '../../src/analysis/connection.js';
import { BASE, ISSUING_CA, ROOT_CA, STEPS, cert, clientLeaf, intermediate, judge, root, serverLeaf, tls12, tls13 } from './connection-factory.js';

describe('host names (RFC 6125)', () => {
  it.each([
    ['hr.example.com', 'hr.example.com', true],
    ['HR.Example.COM', 'hr.example.com.', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.com', 'example.com', false],
    ['a*.example.com', 'ab.example.com', false],
    ['hr.*.com', 'hr.example.com', false],
    ['', 'hr.example.com', false],
  ])('%s vs %s → %s', (pattern, host, want) => {
    expect(dnsNameMatches(pattern, host)).toBe(want);
  });

  it('IP literals match IP SANs only', () => {
    expect(hostCovered('10.0.0.5', ['10.0.0.5'], [])).toBe(false);
    expect(hostCovered('10.0.0.5', [], ['10.0.0.5'])).toBe(true);
  });

  it('remembered answers equal a fresh match, for shared SAN lists and repeated hosts', () => {
    const label = fc.constantFrom('a', 'b', '*', 'example', 'com', 'A', '');
    const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
    const lists = [['a.example.com', '*.example.com'], ['b.com'], [], ['*.b.example.com', 'A.example.COM']];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(lists.length - 1), name), { maxLength: 40 }), (calls) => {
        for (const [i, host] of calls) {
          const list = lists[i] ?? [];
          expect(hostCovered(host, list, [])).toBe(list.some((n) => dnsNameMatches(n, host)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps answering right past the per-list bound', () => {
    const list = ['*.example.com'];
    for (let i = 0; i < MAX_HOSTS_PER_NAME_LIST * 2 + 3; i++) {
      expect(hostCovered(`h${i}.example.com`, list, [])).toBe(true);
      expect(hostCovered(`h${i}.example.org`, list, [])).toBe(false);
    }
  });
});

describe('certificate views', () => {
  const at = (iso: string) => ({ sec: Math.floor(Date.parse(iso) / 1000), nsec: 0 });
  it('validity from the dates when the summary has no capture time', () => {
    expect(validityAt('2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', at('2026-03-01T00:00:00Z'))).toEqual({ validity: 'expired', daysToExpiry: -59 });
    expect(validityAt('2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', at('2024-12-31T00:00:00Z')).validity).toBe('not-yet-valid');
    expect(validityAt(null, null, at('2024-12-31T00:00:00Z')).validity).toBe('unknown');
    expect(certificateView(cert({ validAtCapture: 'unknown', notAfter: '2000-01-01T00:00:00Z', daysToExpiry: null }), BASE).validity).toBe('expired');
  });

  it('no EKU extension means any purpose; anyExtendedKeyUsage likewise', () => {
    expect(certificateView(cert({ extendedKeyUsage: null, ekuAnyPurpose: 'no-extension' }), BASE).extendedKeyUsage).toBeNull();
    expect(certificateView(cert({ extendedKeyUsage: ['anyExtendedKeyUsage'], ekuAnyPurpose: 'anyExtendedKeyUsage' }), BASE).extendedKeyUsage).toBeNull();
  });

  it('chain shapes', () => {
    const v = (list: ReturnType<typeof cert>[]) => chainShape(list.map((c) => certificateView(c, BASE)));
    expect(v([serverLeaf(), intermediate()])).toMatchObject({ outOfOrder: false, incomplete: false });
    expect(v([serverLeaf(), intermediate(), root()])).toMatchObject({ outOfOrder: false, incomplete: false });
    expect(v([serverLeaf(), root(), intermediate()])).toMatchObject({ outOfOrder: true });
    expect(v([serverLeaf()])).toMatchObject({ incomplete: true, missingIssuer: ISSUING_CA });
    expect(v([serverLeaf(), root()])).toMatchObject({ incomplete: true, missingIssuer: ISSUING_CA, brokenLinks: [0] });
    expect(v([root()])).toMatchObject({ incomplete: false, outOfOrder: false });
    // Names compare without regard to case or spaces after the separators.
    expect(v([serverLeaf({ issuer: 'cn=corp issuing ca 2,o=Example Corp' }), intermediate({ issuer: ROOT_CA })])).toMatchObject({ incomplete: false });
  });
});

describe('phrasing helpers', () => {
  it('first bytes: text quoted with escapes, binary as hex', () => {
    expect(firstBytesText(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n'))).toBe('"HTTP/1.1 400 Bad Request\\r\\n"');
    expect(firstBytesText(new Uint8Array([0, 1, 2, 0xff]))).toBe('00 01 02 ff');
    expect(firstBytesText(new Uint8Array(0))).toBe('');
  });

  it('first sentence keeps periods inside names and addresses', () => {
    expect(firstSentence("The server (10.0.0.5:443) sent 'CN=A, O=Acme Inc.' and stopped. Then more.")).toBe("The server (10.0.0.5:443) sent 'CN=A, O=Acme Inc.' and stopped.");
    expect(firstSentence('No period')).toBe('No period');
  });

  it('first sentence is what its definition, a regular expression, finds', () => {
    // Periods, every kind of space the expression counts (and one it does not), capitals and not.
    const char = fc.constantFrom('.', ' ', '\t', '\n', '\r', '\u000b', '\u2000', '\u200a', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u200b', 'A', 'Z', 'a', '1', "'", 'É');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }).map((cs) => cs.join('')), (text) => {
        const m = /\.(?=\s+[A-Z]|\s*$)/.exec(text);
        expect(firstSentence(text)).toBe(m === null ? text : text.slice(0, m.index + 1));
      }),
      { numRuns: 2000 },
    );
  });
});

/** Random but consistent connections: every option of the factory, combined. */
const alertArb = fc.option(
  fc.record({ from: fc.constantFrom('client' as const, 'server' as const), description: fc.constantFrom(0, 10, 20, 40, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 70, 71, 80, 86, 90, 109, 112, 116, 120, null) }),
  { nil: undefined },
);
const closeArb = fc.constantFrom({ how: 'fin', by: 'client' }, { how: 'fin', by: 'server' }, { how: 'rst', by: 'server' }, { how: 'rst', by: 'client' }, { how: 'open', by: null }) as fc.Arbitrary<{ how: 'fin' | 'rst' | 'open'; by: 'client' | 'server' | null }>;
const certArb = fc.record({
  validAtCapture: fc.constantFrom('valid' as const, 'expired' as const, 'not-yet-valid' as const, 'unknown' as const),
  daysToExpiry: fc.integer({ min: -400, max: 400 }),
  bits: fc.constantFrom(1024, 2048, 4096),
  clientAuth: fc.boolean(),
  weak: fc.boolean(),
});
const tls12Arb = fc.record({
  stopAfter: fc.constantFrom(...STEPS),
  alert: alertArb,
  close: closeArb,
  requested: fc.boolean(),
  clientCerts: fc.constantFrom('none', 'empty', 'leaf', 'chain'),
  leaf: certArb,
  serverChain: fc.constantFrom('leaf', 'chain', 'reversed'),
  sni: fc.constantFrom('hr.example.com', 'other.example.com', null),
  delay: fc.integer({ min: 0, max: 5000 }),
});

type Tls12Case = typeof tls12Arb extends fc.Arbitrary<infer T> ? T : never;

function build12(o: Tls12Case): Connection {
  const leaf = clientLeaf({ validAtCapture: o.leaf.validAtCapture, daysToExpiry: o.leaf.daysToExpiry, publicKey: { algorithm: 'RSA', bits: o.leaf.bits, curve: null }, hasClientAuth: o.leaf.clientAuth, extendedKeyUsage: o.leaf.clientAuth ? ['clientAuth'] : ['serverAuth'], weakSignature: o.leaf.weak });
  const clientCertificates = o.clientCerts === 'none' ? null : o.clientCerts === 'empty' ? [] : o.clientCerts === 'leaf' ? [leaf] : [leaf, intermediate()];
  const serverCertificates = o.serverChain === 'leaf' ? [serverLeaf()] : o.serverChain === 'chain' ? [serverLeaf(), intermediate()] : [serverLeaf(), root(), intermediate()];
  return tls12({
    stopAfter: o.stopAfter,
    ...(o.alert !== undefined ? { alert: o.alert } : {}),
    close: o.close,
    certificateRequest: o.requested ? {} : null,
    clientCertificates,
    serverCertificates,
    clientHello: { sni: o.sni },
    delays: { 'server-hello': o.delay },
  });
}

const tls13Arb = fc.record({
  clientFlight: fc.oneof(fc.constantFrom('finished-only' as const, 'empty-certificate' as const, 'certificate-sent' as const, 'client-alert' as const, 'none' as const), fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 4 })),
  serverAnswer: fc.oneof(fc.constantFrom('ticket' as const, 'alert' as const, 'none' as const), fc.array(fc.integer({ min: 1, max: 3000 }), { maxLength: 3 })),
  close: closeArb,
  suite: fc.constantFrom(0x1301, 0x1302, 0x1303, 0x1305),
});

function checkInvariants(c: Connection): void {
  const v = judge(c);
  const frames = new Set(c.timeline.map((t) => t.frame));
  const seen = new Set<string>();
  for (const f of v.findings) {
    // One cause, one finding: no code twice on a connection.
    expect(seen.has(f.code), `duplicate ${f.code}`).toBe(false);
    seen.add(f.code);
    expect(f.title.length).toBeGreaterThan(0);
    expect(f.detail.length).toBeGreaterThan(20);
    expect(f.fix.length).toBeGreaterThan(10);
    expect(f.detail).not.toMatch(/undefined|null|NaN|\[object/);
    expect(f.fix).not.toMatch(/undefined|NaN|\[object/);
    // Frames are real frames of this connection, ascending.
    for (const fr of f.frames) expect(frames.has(fr), `${f.code} frame ${fr}`).toBe(true);
    expect([...f.frames].sort((a, b) => a - b)).toEqual(f.frames);
  }
  const errors = v.findings.filter((f) => f.severity === 'error');
  // A completed handshake has no error; a failed one is explained by at least one.
  if (v.status === 'ok') expect(errors.map((f) => f.code)).toEqual([]);
  if (v.status === 'failed') expect(errors.length, `unexplained failure: ${c.history} ${v.stage}`).toBeGreaterThan(0);
  expect(v.summary.length).toBeGreaterThan(20);
  expect(v.summary).not.toMatch(/undefined|NaN/);
}

describe('catalogue invariants over random handshakes', () => {
  it('rule ids are unique', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('TLS 1.2: no duplicate codes, real frames, ok ⇒ no error, failed ⇒ an error', () => {
    fc.assert(fc.property(tls12Arb, (o) => checkInvariants(build12(o))), { numRuns: 400 });
  });

  it('TLS 1.3 without keys: the same invariants', () => {
    fc.assert(
      fc.property(tls13Arb, (o) => checkInvariants(tls13({ clientFlight: o.clientFlight, serverAnswer: o.serverAnswer, close: o.close, cipherSuite: o.suite }))),
      { numRuns: 300 },
    );
  });
});
