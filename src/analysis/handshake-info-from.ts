/** Maps the TLS layer's decoded messages to the analysis views (handshake-info.ts). */
import type { ClientHello } from '../tls/handshake/client-hello.js';
import type { ServerHello } from '../tls/handshake/server-hello.js';
import type { CertificateMessage } from '../tls/handshake/certificate.js';
import type { CertificateRequest } from '../tls/handshake/certificate-request.js';
import type { ServerKeyExchange } from '../tls/handshake/server-key-exchange.js';
import type { CertificateVerify } from '../tls/handshake/certificate-verify.js';
import { ja3s } from '../tls/fingerprints/ja3.js';
import { helloShape } from './hello-shape.js';
import { cipherSuiteInfo } from '../tls/registry/names.js';
import type { CertificateRequestInfo, ClientHelloInfo, KeyExchangeInfo, ServerHelloInfo } from './handshake-info.js';
import { toHex } from '../util/bytes.js';
import { NO_NUMBERS, NO_OBJECTS, mapNumbers, mapObjects } from '../util/stable-lists.js';

const FALLBACK_SCSV = 0x5600;
const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** The analysis view of a ClientHello; its offered lists and fingerprints are its shape's, shared with every hello of that shape. */
export function clientHelloInfo(ch: ClientHello): ClientHelloInfo {
  const shape = helloShape(ch);
  const j3 = shape.ja3;
  const j4 = shape.ja4;
  return {
    legacyVersion: ch.legacyVersion,
    versions: shape.versions,
    supportedVersionsExtension: ch.supportedVersions !== null,
    cipherSuites: shape.cipherSuites,
    compressionMethods: ch.compressionMethods,
    extensions: shape.extensions,
    sni: ch.sni,
    alpn: shape.alpn,
    supportedGroups: shape.supportedGroups,
    keyShareGroups: ch.keyShareGroups ?? NO_NUMBERS,
    signatureAlgorithms: shape.signatureAlgorithms,
    sessionIdLength: ch.sessionId.length,
    sessionId: toHex(ch.sessionId),
    sessionTicketOffered: (ch.sessionTicket ?? 0) > 0,
    pskOffered: ch.preSharedKey !== null,
    earlyData: ch.earlyData,
    postHandshakeAuth: ch.postHandshakeAuth,
    certificateAuthorities: mapObjects(ch.certificateAuthorities ?? NO_OBJECTS, (n) => n.text),
    echOffered: ch.ech !== null,
    secureRenegotiation: ch.renegotiationInfo || ch.cipherSuites.includes(EMPTY_RENEGOTIATION_INFO_SCSV),
    fallbackScsv: ch.cipherSuites.includes(FALLBACK_SCSV),
    sslv2Format: ch.isSslv2Format,
    random: toHex(ch.random),
    ja3: j3?.text ?? null,
    ja3Hash: j3?.hash ?? null,
    ja4: j4.ja4,
    ja4r: j4.ja4_r,
    issues: extensionIssues(ch.extensions),
  };
}

const NO_ISSUES: readonly string[] = Object.freeze([]);

/** Messages of the extensions that did not decode; almost always none, so nothing is allocated then. */
function extensionIssues(extensions: readonly { readonly issue?: { readonly message: string } | undefined }[]): readonly string[] {
  let out: string[] | null = null;
  for (const e of extensions) if (e.issue !== undefined) (out ??= []).push(e.issue.message);
  return out ?? NO_ISSUES;
}

export function serverHelloInfo(sh: ServerHello): ServerHelloInfo {
  const extensions = mapNumbers(sh.extensions, (e) => e.type);
  const j3s = ja3s(sh, extensions);
  return {
    legacyVersion: sh.legacyVersion,
    version: sh.version,
    cipherSuite: sh.cipherSuite,
    compressionMethod: sh.compressionMethod,
    extensions,
    sessionId: toHex(sh.sessionId),
    alpn: sh.alpn,
    keyShareGroup: sh.keyShareGroup,
    pskSelected: sh.pskSelectedIdentity !== null,
    extendedMasterSecret: sh.extendedMasterSecret,
    secureRenegotiation: sh.renegotiationInfo,
    isHelloRetryRequest: sh.isHelloRetryRequest,
    hrrGroup: sh.hrrSelectedGroup,
    downgradeSentinel: sh.downgradeSentinel,
    random: toHex(sh.random),
    ja3s: j3s.text,
    ja3sHash: j3s.hash,
    issues: extensionIssues(sh.extensions),
  };
}

export function certificateDers(m: CertificateMessage): Uint8Array[] {
  return mapObjects(m.entries, (e) => e.der);
}

export function certificateRequestInfo(cr: CertificateRequest): CertificateRequestInfo {
  return {
    tls13: cr.variant === 'tls13',
    certificateTypes: cr.certificateTypes,
    signatureAlgorithms: cr.signatureAlgorithms,
    signatureAlgorithmsCert: cr.variant === 'tls13' ? cr.signatureAlgorithmsCert : null,
    certificateAuthorities: mapObjects(cr.certificateAuthorities, (n) => n.text),
    badCertificateAuthorities: cr.variant === 'tls13' ? cr.certificateAuthoritiesProblem : null,
  };
}

export function keyExchangeInfo(m: ServerKeyExchange, cipherSuite: number | null): KeyExchangeInfo {
  const method = cipherSuite === null ? m.kx : (cipherSuiteInfo(cipherSuite)?.kx ?? m.kx);
  const p = m.params;
  return {
    method,
    group: p?.kind === 'ecdhe' ? p.group : null,
    dhBits: p?.kind === 'dhe' ? p.primeBits : p?.kind === 'rsa' ? p.modulusBits : null,
    signatureScheme: m.signature?.scheme ?? null,
  };
}

export function certificateVerifyScheme(m: CertificateVerify): number | null {
  return m.scheme;
}
