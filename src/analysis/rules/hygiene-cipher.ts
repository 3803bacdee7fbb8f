/** Hygiene: weak cipher suites (NULL, EXPORT, anonymous, RC4, 3DES, DES) negotiated or offered. */
import { cipherSuiteInfo, cipherSuiteName, isGrease } from '../../tls/registry/names.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { frames } from './evidence.js';
import { ListsCache } from '../../util/clearing-cache.js';
import { NO_OBJECTS } from '../../util/stable-lists.js';

/** Why a suite is weak, or null. */
function cipherWeakness(code: number): string | null {
  if (isGrease(code)) return null;
  const row = cipherSuiteInfo(code);
  if (row === undefined) return null;
  if (row.cipher === 'NULL' && row.kx !== 'NULL') return 'no encryption (NULL)';
  if (row.export) return 'EXPORT-grade (40/56-bit)';
  if (row.auth === 'NULL' && row.kx !== 'NULL' && row.kx !== 'TLS13') return 'anonymous (no server authentication)';
  if (row.cipher === 'RC4') return 'RC4';
  if (row.cipher === '3DES') return '3DES (64-bit block, Sweet32)';
  if (row.cipher === 'DES') return 'single DES';
  if (row.cipher === 'RC2' || row.cipher === 'IDEA') return row.cipher;
  return null;
}

type WeakSuites = readonly { readonly s: number; readonly why: string }[] | null;

/**
 * Weak suites per offered list, remembered by the list itself: captures repeat a few client
 * stacks. Bounded in entries and list length; when full it is cleared.
 */
const MAX_WEAK_SUITES_CACHE = 1024;
const MAX_WEAK_SUITES_CACHE_LIST = 512;
const weakByList = new ListsCache<WeakSuites>(MAX_WEAK_SUITES_CACHE, MAX_WEAK_SUITES_CACHE_LIST);

function weakSuites(suites: readonly number[]): WeakSuites {
  // One pass that allocates only for weak suites: most ClientHellos offer none.
  let weak: { s: number; why: string }[] | null = null;
  for (const s of suites) {
    const why = cipherWeakness(s);
    if (why !== null) (weak ??= []).push({ s, why });
  }
  return weak;
}

function offeredWeakSuites(suites: readonly number[]): WeakSuites {
  const key = [suites];
  const known = weakByList.get(key, NO_OBJECTS);
  if (known !== undefined) return known;
  const weak = weakSuites(suites);
  weakByList.set(key, NO_OBJECTS, weak);
  return weak;
}

const weakCipher: Rule = {
  id: 'weak-cipher',
  codes: ['weak-cipher-negotiated', 'weak-cipher-offered'],
  evaluate({ facts }: RuleInput): readonly Finding[] {
    const hs = facts.hs;
    const ch = hs?.clientHello ?? null;
    if (hs === null || ch === null) return [];
    const sh = hs.serverHello;
    const chosen = sh !== null ? cipherWeakness(sh.cipherSuite) : null;
    if (sh !== null && chosen !== null) {
      return [
        {
          code: 'weak-cipher-negotiated',
          severity: 'warning',
          title: 'Weak cipher suite negotiated',
          detail: `The server chose ${cipherSuiteName(sh.cipherSuite)} at frame ${hs.serverHelloFrame}: ${chosen}.`,
          fix: 'Disable the weak suite on the server and prefer TLS 1.3 or TLS 1.2 ECDHE suites with AES-GCM or ChaCha20-Poly1305.',
          frames: frames(hs.serverHelloFrame),
        },
      ];
    }
    const weak = offeredWeakSuites(ch.cipherSuites);
    if (weak === null) return [];
    const names = weak.slice(0, 5).map((x) => `${cipherSuiteName(x.s)} (${x.why})`).join(', ');
    return [
      {
        code: 'weak-cipher-offered',
        severity: 'info',
        title: 'Client offers weak cipher suites',
        detail: `The ClientHello (frame ${hs.clientHelloFrame}) offers ${weak.length} weak suite${weak.length === 1 ? '' : 's'}: ${names}${weak.length > 5 ? ', …' : ''}.`,
        fix: 'Remove NULL, EXPORT, anonymous, RC4, DES and 3DES suites from the client configuration.',
        frames: frames(hs.clientHelloFrame),
      },
    ];
  },
};

export const CIPHER_HYGIENE_RULES: readonly Rule[] = [weakCipher];
