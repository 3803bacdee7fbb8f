/** Hygiene: SSL 3.0, TLS 1.0 and TLS 1.1 (deprecated by RFC 8996) offered or negotiated. */
import { isGrease, versionName } from '../../tls/registry/names.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { frames } from './evidence.js';

/** SSL 2.0/3.0, TLS 1.0, TLS 1.1. */
function isLegacyVersion(v: number): boolean {
  return v === 0x0002 || v === 0x0300 || v === 0x0301 || v === 0x0302;
}

const legacyVersion: Rule = {
  id: 'legacy-version',
  codes: ['legacy-version-negotiated', 'legacy-version-offered'],
  evaluate({ facts }: RuleInput): readonly Finding[] {
    const hs = facts.hs;
    const ch = hs?.clientHello ?? null;
    if (hs === null || ch === null) return [];
    const sh = hs.serverHello;
    if (sh !== null && isLegacyVersion(sh.version)) {
      return [
        {
          code: 'legacy-version-negotiated',
          severity: 'warning',
          title: `${versionName(sh.version)} negotiated`,
          detail: `The server chose ${versionName(sh.version)} at frame ${hs.serverHelloFrame}; SSL 3.0, TLS 1.0 and TLS 1.1 are deprecated (RFC 8996) and disabled by default in current Java, OpenSSL and browsers.`,
          fix: 'Enable TLS 1.2 and TLS 1.3 on both sides and disable the older versions.',
          frames: frames(hs.serverHelloFrame),
        },
      ];
    }
    // Without supported_versions the client offers every version from its minimum up to legacy_version; the minimum is not on the wire.
    const offered = ch.supportedVersionsExtension ? ch.versions.filter((v) => !isGrease(v) && isLegacyVersion(v)) : isLegacyVersion(ch.legacyVersion) ? [ch.legacyVersion] : [];
    if (offered.length === 0) return [];
    return [
      {
        code: 'legacy-version-offered',
        severity: 'info',
        title: 'Client offers deprecated TLS versions',
        detail: `The client's ClientHello (frame ${hs.clientHelloFrame}) offers ${offered.map(versionName).join(', ')}${ch.supportedVersionsExtension ? '' : ' as its highest version'}; these are deprecated (RFC 8996).`,
        fix: 'Restrict the client to TLS 1.2 and TLS 1.3.',
        frames: frames(hs.clientHelloFrame),
      },
    ];
  },
};

export const VERSION_HYGIENE_RULES: readonly Rule[] = [legacyVersion];
