import { execFileSync } from 'node:child_process';
import { hasCommand } from './tools.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeDistinguishedName, distinguishedNamesMatch, escapeDnValue, formatDistinguishedName } from '../../src/x509/distinguished-name.js';
import { decodeOid } from '../../src/x509/der.js';
import { locateTbsParts } from '../../src/x509/tbs.js';
import { bmpString, derName, hex, issue, oid, printableString, tlv, utf8String } from './helpers.js';

const CN = '2.5.4.3';
const O = '2.5.4.10';
const OU = '2.5.4.11';
const C = '2.5.4.6';

describe('formatDistinguishedName', () => {
  const cases: { name: string; der: Uint8Array; want: string }[] = [
    {
      name: 'RFC 4514 order: last RDN first, joined with ", "',
      der: derName([[[C, printableString('US')]], [[O, utf8String('Example Corp')]], [[CN, utf8String('Corp Issuing CA 2')]]]),
      want: 'CN=Corp Issuing CA 2, O=Example Corp, C=US',
    },
    {
      name: 'multi-valued RDN joined with "+" in encoded order',
      der: derName([[[C, printableString('DE')]], [[OU, utf8String('Ops')], [CN, utf8String('svc')]]]),
      want: 'OU=Ops+CN=svc, C=DE',
    },
    {
      name: 'special characters escaped',
      der: derName([[[CN, utf8String('a,b+c"d\\e<f>g;h=i')]]]),
      want: 'CN=a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h=i',
    },
    { name: 'leading # escaped', der: derName([[[CN, utf8String('#1 host')]]]), want: 'CN=\\#1 host' },
    { name: 'leading and trailing space escaped', der: derName([[[CN, utf8String(' padded ')]]]), want: 'CN=\\ padded\\ ' },
    { name: 'inner # and spaces kept', der: derName([[[CN, utf8String('a # b')]]]), want: 'CN=a # b' },
    { name: 'control characters as \\XX', der: derName([[[CN, utf8String('a\nb\u0000')]]]), want: 'CN=a\\0Ab\\00' },
    { name: 'non-ASCII UTF8String kept', der: derName([[[O, utf8String('Zürich Straße 東京')]]]), want: 'O=Zürich Straße 東京' },
    { name: 'BMPString decoded', der: derName([[[CN, bmpString('Ünïcode')]]]), want: 'CN=Ünïcode' },
    { name: 'unknown OID dotted, value as #DER hex', der: derName([[['1.2.3.4', utf8String('hello')]]]), want: '1.2.3.4=#0C0568656C6C6F' },
    { name: 'known OIDs by short name', der: derName([[['0.9.2342.19200300.100.1.25', tlv(0x16, Buffer.from('example'))]], [['1.2.840.113549.1.9.1', tlv(0x16, Buffer.from('a@b.c'))]]]), want: 'emailAddress=a@b.c, DC=example' },
    { name: 'known type with a non-string value as #hex', der: derName([[[CN, tlv(0x02, [1])]]]), want: 'CN=#020101' },
    { name: 'empty Name', der: hex('3000'), want: '' },
  ];
  it.each(cases)('$name', ({ der, want }) => {
    const dn = decodeDistinguishedName(der);
    expect(dn.text).toBe(want);
    expect(dn.issue).toBeUndefined();
  });

  it('shows an invalid UTF8String as hex with an issue, keeping the rest', () => {
    const dn = decodeDistinguishedName(derName([[[C, printableString('US')]], [[CN, tlv(0x0c, [0xff, 0xfe])]]]));
    expect(dn.text).toBe('CN=#0C02FFFE, C=US');
    expect(dn.issue?.code).toBe('x509.name.bad_string');
  });

  it.each([
    ['not a SEQUENCE', hex('3100')],
    ['truncated', hex('300a3108300606035504')],
    ['trailing bytes', hex('300000')],
    ['RDN not a SET', hex('30023000')],
    ['empty RDN', hex('30023100')],
    ['attribute without value', hex('3009310730050603550403')],
    ['empty input', new Uint8Array(0)],
  ])('falls back to #HEX with an issue: %s', (_, der) => {
    const dn = decodeDistinguishedName(der);
    expect(dn.text).toBe(`#${Buffer.from(der).toString('hex').toUpperCase()}`);
    expect(dn.issue?.code).toBe('x509.name.malformed');
    expect(dn.rdns).toEqual([]);
  });

  it('never throws on random bytes, and the text is never empty unless the Name is', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const dn = decodeDistinguishedName(bytes);
        expect(typeof dn.text).toBe('string');
        if (dn.issue?.code === 'x509.name.malformed') expect(dn.text.startsWith('#')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated valid names', () => {
    const base = derName([[[C, printableString('US')]], [[O, utf8String('Example Corp')]], [[OU, utf8String('x')], [CN, bmpString('y')]]]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (edits) => {
        const b = Uint8Array.from(base);
        for (const [i, v] of edits) b[i] = v;
        expect(() => formatDistinguishedName(b)).not.toThrow();
      }),
    );
  });

  it('escapeDnValue escapes exactly the RFC 4514 set', () => {
    expect(escapeDnValue('plain')).toBe('plain');
    expect(escapeDnValue('#')).toBe('\\#');
    expect(escapeDnValue(' ')).toBe('\\ ');
    expect(escapeDnValue('=')).toBe('=');
  });

  it('matches names case-insensitively, with white space collapsed', () => {
    const a = derName([[[O, printableString('Example  Corp')]], [[CN, utf8String('Root')]]]);
    const b = derName([[[O, utf8String('example corp')]], [[CN, printableString('ROOT')]]]);
    const c = derName([[[O, utf8String('Other')]], [[CN, utf8String('Root')]]]);
    expect(distinguishedNamesMatch(a, a)).toBe(true);
    expect(distinguishedNamesMatch(a, b)).toBe(true);
    expect(distinguishedNamesMatch(a, c)).toBe(false);
    expect(distinguishedNamesMatch(hex('0000'), hex('0001'))).toBe(false);
  });
});

describe('decodeOid', () => {
  it.each(['2.5.4.3', '1.2.840.113549.1.9.1', '0.9.2342.19200300.100.1.25', '2.999.1', '1.2.3.18446744073709551616'])('round-trips %s', (dotted) => {
    const der = oid(dotted);
    expect(decodeOid(der.subarray(2))).toBe(dotted);
  });
  it('rejects empty, unterminated and non-minimal encodings', () => {
    expect(decodeOid(new Uint8Array(0))).toBeUndefined();
    expect(decodeOid(hex('5581'))).toBeUndefined();
    expect(decodeOid(hex('558003'))).toBeUndefined();
  });
});

const openssl = hasCommand('openssl', ['version']);
if (!openssl) console.log('openssl not found: skipping the comparison with `openssl x509 -nameopt RFC2253`');

describe.skipIf(!openssl)('agrees with openssl -nameopt RFC2253 (separator aside)', () => {
  it('on generated certificate subjects', async () => {
    const names = ['C=US, O=Example Corp, CN=Corp Issuing CA 2', 'C=DE, L=München, O=Beispiel GmbH, OU=IT, CN=host.example.de', 'DC=com, DC=example, CN=a\\,b'];
    for (const name of names) {
      const { cert, der } = await issue({ name, kind: 'p256' });
      const out = execFileSync('openssl', ['x509', '-inform', 'PEM', '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb,utf8'], { input: cert.toString('pem') })
        .toString('utf8')
        .trim()
        .replace(/^subject=/, '');
      // OpenSSL joins RDNs with a bare ","; this project uses ", ".
      const ours = formatDistinguishedName(locateTbsParts(der)?.subject ?? new Uint8Array(0));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.replace(/, (?=[A-Za-z0-9.]+=)/g, ',')).toBe(out);
    }
  });
});
