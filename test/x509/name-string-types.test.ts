/**
 * Distinguished-name values in the rarer string types: UniversalString (UTF-32BE) with valid,
 * surrogate, out-of-range and ragged contents, and an odd-length BMPString; each undecodable
 * value is shown as #HEX with x509.name.bad_string while the rest of the name is kept.
 */
import { describe, expect, it } from 'vitest';
import { decodeDistinguishedName, formatDistinguishedName } from '../../src/x509/distinguished-name.js';
import { derName, tlv, utf8String } from './helpers.js';

const CN = '2.5.4.3';
const O = '2.5.4.10';
const universal = (bytes: readonly number[]): Uint8Array => tlv(0x1c, bytes);

describe('UniversalString and BMPString values', () => {
  it('UTF-32BE decodes, astral code points included', () => {
    expect(formatDistinguishedName(derName([[[CN, universal([0, 0, 0, 0x41, 0, 1, 0xf6, 0x00])]]]))).toBe('CN=A😀');
  });

  it.each([
    ['a surrogate code point', [0, 0, 0xd8, 0x00], '1C040000D800'],
    ['a code point past U+10FFFF', [0, 0x11, 0, 0], '1C0400110000'],
    ['a value whose top byte alone is past Unicode', [0x80, 0, 0, 0x41], '1C0480000041'],
    ['a length that is not a multiple of 4', [0, 0, 0x41], '1C03000041'],
  ])('%s: shown as #HEX with an issue, the other attributes kept', (_name, bytes, shown) => {
    const dn = decodeDistinguishedName(derName([[[O, utf8String('Corp')]], [[CN, universal(bytes)]]]));
    expect(dn.text).toBe(`CN=#${shown}, O=Corp`);
    expect(dn.issue?.code).toBe('x509.name.bad_string');
  });

  it('an odd-length BMPString is shown as #HEX', () => {
    const dn = decodeDistinguishedName(derName([[[CN, tlv(0x1e, [0, 0x41, 0])]]]));
    expect(dn.text).toBe('CN=#1E03004100');
    expect(dn.issue?.code).toBe('x509.name.bad_string');
  });
});
