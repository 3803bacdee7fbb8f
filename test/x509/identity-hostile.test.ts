/**
 * Identity stores that are wrong, damaged or huge: one clear TlsAutopsyError sentence or a
 * bounded run, never a crash — plus the Java collection orders the key managers depend on.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { hashMapOrder, hashtableOrder, javaStringHash } from '../../src/x509/identity/java-collections.js';
import { md5Chain } from '../../src/x509/identity/md5-chain.js';
import { evaluateIdentity, loadIdentityStore, readIdentityStore } from '../../src/x509/identity/index.js';
import { JAVA_CAPTURES_DIR } from '../fixtures/java/make-java-captures.js';
import { trustedEntries, writeJks } from './jks-writer.js';

const KEYSTORES = join(JAVA_CAPTURES_DIR, 'keystores');
const p12 = readFileSync(join(KEYSTORES, 'client-carol-and-alice.p12'));
const jks = readFileSync(join(KEYSTORES, 'client-alice.jks'));

function refusal(run: () => unknown): TlsAutopsyError {
  try {
    run();
  } catch (err) {
    if (err instanceof TlsAutopsyError) return err;
    throw err;
  }
  throw new Error('expected a TlsAutopsyError');
}

describe('hostile identity stores', () => {
  it('a wrong store password is one sentence naming the store', () => {
    for (const [bytes, name] of [
      [p12, 'id.p12'],
      [jks, 'id.jks'],
    ] as const) {
      const err = refusal(() => readIdentityStore(bytes, name, { password: 'wrong' }));
      expect(err.code).toBe('usage');
      expect(err.message).toMatch(new RegExp(`^The (PKCS#12|Java JKS) key store '${name.replace('.', '\\.')}' .*(password is wrong|did not open)`));
      expect(err.message.split('. ').length).toBe(1);
    }
  });

  it('a PKCS#12 key password that does not open the keys shows on every key, and SunX509 cannot be built', () => {
    const store = readIdentityStore(p12, 'id.p12', { password: 'changeit', keyPassword: 'wrong' });
    expect(store.entries.map((e) => [e.alias, e.keyOpens])).toEqual([
      ['carol', false],
      ['alice', false],
    ]);
    const e = evaluateIdentity(store, { tls13: false, certificateTypes: [64], signatureAlgorithms: [0x0403], certificateAuthorities: [] }, 0);
    expect(e.keyManagers.SunX509.outcome).toBe('no-handshake');
    expect(e.entries.every((x) => x.reasons.includes('key-not-recoverable'))).toBe(true);
  });

  it('a PKCS#12 without its password asks for it', () => {
    expect(refusal(() => readIdentityStore(p12, 'id.p12')).message).toBe("The PKCS#12 key store 'id.p12' is protected by a password; give it with --identity-password.");
  });

  it('every truncation of a real store is refused with a sentence or read in part, never a crash', () => {
    for (const bytes of [p12, jks]) {
      for (let n = 0; n < bytes.length; n += Math.max(1, Math.floor(bytes.length / 300))) {
        try {
          readIdentityStore(bytes.subarray(0, n), 'cut', { password: 'changeit' });
        } catch (err) {
          expect(err).toBeInstanceOf(TlsAutopsyError);
        }
      }
    }
  });

  it('random and mutated bytes never crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.nat(), fc.nat(255), (random, at, value) => {
        for (const bytes of [random, Uint8Array.from(jks).fill(value, at % jks.length, (at % jks.length) + 1), Uint8Array.from(p12).fill(value, at % p12.length, (at % p12.length) + 1)]) {
          try {
            const store = readIdentityStore(bytes, 'x', { password: 'changeit', maxIterations: 5000 });
            evaluateIdentity(store, { tls13: false, certificateTypes: [64], signatureAlgorithms: [0x0403], certificateAuthorities: [] }, 0);
          } catch (err) {
            expect(err).toBeInstanceOf(TlsAutopsyError);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('10,000 entries are read and evaluated; a store claiming more is refused up front', () => {
    const der = readIdentityStore(jks, 'id.jks', { password: 'changeit' }).entries[0]?.chain[0];
    if (der === undefined) throw new Error('no certificate in client-alice.jks');
    const aliases = Array.from({ length: 10_000 }, (_, i) => `ca-${i}`);
    const big = readIdentityStore(writeJks(trustedEntries(aliases, der), 'pw'), 'big.jks', { password: 'pw' });
    expect(big.entries).toHaveLength(10_000);
    expect(new Set(big.entries.map((e) => e.alias)).size).toBe(10_000);
    const e = evaluateIdentity(big, { tls13: false, certificateTypes: [64], signatureAlgorithms: [0x0403], certificateAuthorities: [] }, 0);
    expect(e.keyManagers.SunX509.outcome).toBe('empty-certificate');
    const err = refusal(() => readIdentityStore(writeJks(trustedEntries(['a'], der), 'pw', { claimed: 4_000_000_000 }), 'huge.jks', { password: 'pw' }));
    expect(err.message).toBe("The Java JKS key store 'huge.jks' claims 4000000000 entries, more than the limit of 10000; it is not read (raise the limit with --limit maxTrustStoreEntries=N).");
  });

  it('a file that is not a key store, or not there, is one sentence', async () => {
    expect(refusal(() => readIdentityStore(Buffer.from('-----BEGIN CERTIFICATE-----\n'), 'a.pem')).message).toBe("'a.pem' is not a key store tlsautopsy can read: expected PKCS#12 (.p12, .pfx) or a Java key store (JKS, JCEKS).");
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-identity-'));
    await expect(loadIdentityStore(join(dir, 'missing.p12'))).rejects.toThrow(`There is no key store '${join(dir, 'missing.p12')}'; check the path.`);
    writeFileSync(join(dir, 'id.p12'), p12);
    expect((await loadIdentityStore(join(dir, 'id.p12'), { password: 'changeit' })).entries.map((x) => x.alias)).toEqual(['carol', 'alice']);
    await expect(loadIdentityStore(join(dir, 'id.p12'), { password: 'changeit', maxFileBytes: 10 })).rejects.toThrow(/more than the limit of 10/);
  });
});

describe('Java collection orders', () => {
  it('String.hashCode as Java computes it', () => {
    // Values printed by Java: "".hashCode(), "alice".hashCode(), "polygenelubricants".hashCode() (overflows to MIN_VALUE).
    expect([javaStringHash(''), javaStringHash('alice'), javaStringHash('polygenelubricants')]).toEqual([0, 92903040, -2147483648]);
  });

  it('HashMap iterates by bucket, then insertion; Hashtable from the last bucket, newest first', () => {
    // carol → bucket 1, alice → 9, mallory → 0, bob → 4 (capacity 16).
    expect(hashMapOrder(['alice', 'carol', 'bob', 'mallory'], String)).toEqual(['mallory', 'carol', 'bob', 'alice']);
    // Hashtable capacity 11: (h & 0x7fffffff) % 11 — alice 92903040 % 11 = 8, carol 94431409 % 11 = 6.
    expect(hashtableOrder(['carol', 'alice'], String)).toEqual(['alice', 'carol']);
    const many = Array.from({ length: 200 }, (_, i) => `k${i}`);
    expect([...hashMapOrder(many, String)].sort()).toEqual([...many].sort());
    expect([...hashtableOrder(many, String)].sort()).toEqual([...many].sort());
  });
});

describe('the single-block MD5 chain of JCEKS key protection', () => {
  it('equals MD5 iterated with Node, for short inputs and the long-password fallback', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.uint8Array({ maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (seed, password, iterations) => {
        let expected: Uint8Array = seed;
        for (let i = 0; i < iterations; i++) expected = createHash('md5').update(expected).update(password).digest();
        expect(Buffer.from(md5Chain(seed, password, iterations)).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
      }),
      { numRuns: 200 },
    );
  });
});
