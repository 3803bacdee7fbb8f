/**
 * The attributes of a PKCS#12 SafeBag (RFC 7292 §4.2, PKCS #9) that Java reads:
 *
 *   SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF PKCS12Attribute OPTIONAL }
 *   PKCS12Attribute ::= SEQUENCE { attrId OID, attrValues SET OF ANY }
 *
 * friendlyName (a BMPString: Java's alias), localKeyId (an OCTET STRING tying a certificate to
 * its key) and Oracle's trusted-certificate mark.
 */
import { u16At } from '../../util/wire-read.js';
import { BER, berChildren, berOid, type BerElement } from './ber.js';

const OID = {
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  /** Oracle's "trusted key usage" attribute: Java marks trusted certificate entries with it. */
  javaTrusted: '2.16.840.1.113894.746875.1.1',
} as const;

/** The attributes of a bag Java reads: friendlyName (the alias), localKeyId (hex) and Oracle's trusted mark. */
export function bagAttributes(attrsEl: BerElement | undefined): { label: string | null; keyId: string | null; trusted: boolean } {
  let label: string | null = null;
  let keyId: string | null = null;
  let trusted = false;
  for (const attr of berChildren(attrsEl) ?? []) {
    const [attrIdEl, valuesEl] = berChildren(attr) ?? [];
    const attrId = berOid(attrIdEl);
    const first = berChildren(valuesEl)?.[0];
    if (attrId === OID.friendlyName && first?.tag === BER.BMP_STRING) label = bmpText(first.value);
    else if (attrId === OID.localKeyId) keyId = first?.tag === BER.OCTET_STRING ? Buffer.from(first.value).toString('hex') : '';
    else if (attrId === OID.javaTrusted) trusted = true;
  }
  return { label, keyId, trusted };
}

function bmpText(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; s.length < 256; i += 2) {
    const unit = u16At(bytes, i);
    if (unit === undefined) break;
    s += String.fromCharCode(unit);
  }
  return s;
}

