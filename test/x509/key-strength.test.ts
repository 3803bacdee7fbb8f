import { describe, expect, it } from 'vitest';
import { weakKeyOf } from '../../src/x509/key-strength.js';

describe('weakKeyOf', () => {
  it('draws the line where issuance rules do, and names who refuses a key that small', () => {
    expect(weakKeyOf('RSA', 2048)).toBeNull();
    expect(weakKeyOf('EC', 256)).toBeNull();
    expect(weakKeyOf('Ed25519', 256)).toBeNull();
    expect(weakKeyOf('RSA', null)).toBeNull();
    expect(weakKeyOf(null, 512)).toBeNull();
    // JDK 17's java.security: jdk.certpath.disabledAlgorithms has RSA keySize < 1024 and EC keySize < 224.
    expect(weakKeyOf('RSA', 1024)?.refusedBy).toBe('OpenSSL at security level 2, the default of Debian, Ubuntu and RHEL, refuses it, though current JDKs accept it (they refuse RSA only under 1024 bits)');
    expect(weakKeyOf('RSA-PSS', 768)?.refusedBy).toBe('current JDKs and OpenSSL at security level 2 refuse it (jdk.certpath.disabledAlgorithms: RSA keySize < 1024)');
    expect(weakKeyOf('EC', 192)?.refusedBy).toBe('current JDKs and OpenSSL at security level 2 refuse it (jdk.certpath.disabledAlgorithms: EC keySize < 224)');
    expect(weakKeyOf('EC', 224)).toMatchObject({ family: 'EC', bits: 224, minBits: 256, refusedBy: 'OpenSSL and current JDKs still accept it' });
    expect(weakKeyOf('DSA', 1024)).toMatchObject({ family: 'DSA', minBits: 2048 });
  });
});
