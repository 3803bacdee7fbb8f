/**
 * Is a certificate's key too small, and who refuses it: one judgement for the findings about a
 * peer's certificate and for `check-keystore`, so both draw the line at the same size and say
 * the same.
 *
 * The line is what issuance rules ask for (CA/Browser Forum Baseline Requirements §6.1.5, NIST
 * SP 800-131A): RSA and DSA 2048 bits, EC 256 bits (P-256). Peers refuse less than that only
 * below their own floors, which the sentence names: current JDKs refuse RSA and DSA keys under
 * 1024 bits and EC keys under 224 (`jdk.certpath.disabledAlgorithms` of JDK 17 and 21); OpenSSL
 * at security level 2, the default of Debian, Ubuntu and RHEL, refuses RSA and DSA under 2048 and
 * EC under 224.
 */

/** Key sizes issuance rules ask for at least. */
const MIN_BITS = { RSA: 2048, DSA: 2048, EC: 256 } as const;
/** Under these, current JDKs refuse the certificate (jdk.certpath.disabledAlgorithms). */
const JDK_REFUSES_UNDER = { RSA: 1024, DSA: 1024, EC: 224 } as const;
/** Under these, OpenSSL at security level 2 refuses it. */
const OPENSSL_LEVEL2_REFUSES_UNDER = { RSA: 2048, DSA: 2048, EC: 224 } as const;

type KeyFamily = keyof typeof MIN_BITS;

function familyOf(algorithm: string): KeyFamily | null {
  const a = algorithm.toUpperCase();
  if (a === 'RSA' || a === 'RSA-PSS' || a === 'RSASSA-PSS') return 'RSA';
  if (a === 'DSA') return 'DSA';
  if (a === 'EC' || a === 'ECDSA') return 'EC';
  return null;
}

/** A key under the sizes issuance rules ask for: its family, its size, and who refuses it. */
export interface WeakKey {
  readonly family: KeyFamily;
  readonly bits: number;
  /** The size asked for. */
  readonly minBits: number;
  /** Who refuses a key this small by default, in words, ending without a full stop. */
  readonly refusedBy: string;
}

/** The judgement of a key (`algorithm` as the certificate summary names it); null when it is large enough or of another kind. */
export function weakKeyOf(algorithm: string | null, bits: number | null): WeakKey | null {
  const family = algorithm === null ? null : familyOf(algorithm);
  if (family === null || bits === null || bits >= MIN_BITS[family]) return null;
  const jdk = bits < JDK_REFUSES_UNDER[family];
  const openssl = bits < OPENSSL_LEVEL2_REFUSES_UNDER[family];
  const refusedBy =
    jdk && openssl
      ? `current JDKs and OpenSSL at security level 2 refuse it (jdk.certpath.disabledAlgorithms: ${family} keySize < ${JDK_REFUSES_UNDER[family]})`
      : openssl
        ? `OpenSSL at security level 2, the default of Debian, Ubuntu and RHEL, refuses it, though current JDKs accept it (they refuse ${family} only under ${JDK_REFUSES_UNDER[family]} bits)`
        : 'OpenSSL and current JDKs still accept it';
  return { family, bits, minBits: MIN_BITS[family], refusedBy };
}
