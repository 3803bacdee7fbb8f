/** JKS and JCEKS stores written from the format description (src/x509/trust/jks.ts reads them), for tests. */
import { JKS_MAGIC, jksDigest } from '../../src/x509/trust/index.js';

/** A secret key entry (tag 3, JCEKS only) is written as its tag, alias and date: the reader stops there. */
type JksEntry = { kind: 'trusted'; alias: string; der: Uint8Array } | { kind: 'key'; alias: string; chain: readonly Uint8Array[] } | { kind: 'secret'; alias: string };

interface JksOptions {
  readonly version?: 1 | 2;
  readonly magic?: number;
  /** The entry count the header claims (default: the entries given), to plant a lying header. */
  readonly claimed?: number;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function utf(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  return Buffer.concat([len, body]);
}

/** A store of these entries; a key entry's protected key is filler bytes (it never opens). */
export function writeJks(entries: readonly JksEntry[], password: string, options: JksOptions = {}): Uint8Array {
  const version = options.version ?? 2;
  const cert = (der: Uint8Array): Buffer => Buffer.concat([version === 2 ? utf('X.509') : Buffer.alloc(0), u32(der.length), Buffer.from(der)]);
  const parts: Buffer[] = [u32(options.magic ?? JKS_MAGIC), u32(version), u32(options.claimed ?? entries.length)];
  for (const e of entries) {
    parts.push(u32(e.kind === 'trusted' ? 2 : e.kind === 'key' ? 1 : 3), utf(e.alias), Buffer.alloc(8));
    if (e.kind === 'trusted') parts.push(cert(e.der));
    else if (e.kind === 'key') {
      const fakeKey = Buffer.from('not a real protected key');
      parts.push(u32(fakeKey.length), fakeKey, u32(e.chain.length), ...e.chain.map(cert));
    }
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, jksDigest(password, body)]);
}

/** Trusted-certificate entries of one certificate under each alias. */
export function trustedEntries(aliases: readonly string[], der: Uint8Array): JksEntry[] {
  return aliases.map((alias) => ({ kind: 'trusted', alias, der }));
}
