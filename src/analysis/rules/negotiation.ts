/**
 * Negotiation failures: the two sides found no version, cipher suite, name, application
 * protocol or extension they agree on, or the keys did not match (bad_record_mac,
 * decrypt_error). Each rule owns one alert (alert-meanings.ts decides which rule explains the
 * alert that ended the handshake) and says what each side offered.
 */
import { cipherSuiteName, isGrease, versionName } from '../../tls/registry/names.js';
import type { AlertRecord } from '../connection.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { alertOwner } from './alert-meanings.js';
import { alertText, firstCloseBy, frames, theServer } from './evidence.js';
import { inParens, stackSettings } from './stack-advice.js';

/** Where each stack sets the versions it accepts. */
const CLIENT_VERSION_SETTINGS = { java: 'jdk.tls.client.protocols or https.protocols, and jdk.tls.disabledAlgorithms', openssl: 'MinProtocol/MaxProtocol', nodejs: 'minVersion/maxVersion' } as const;
const SERVER_VERSION_SETTINGS = { java: 'jdk.tls.server.protocols or WebLogic\'s minimum SSL protocol version, and jdk.tls.disabledAlgorithms', openssl: 'MinProtocol/MaxProtocol, nginx ssl_protocols or Apache SSLProtocol', nodejs: 'minVersion/maxVersion' } as const;

/** The failure alert when the negotiation rules own it and its code is one of `codes`. */
function ownedAlert(input: RuleInput, ...codes: number[]): AlertRecord | null {
  const a = input.facts.failureAlert;
  if (a === null || a.description === null || !codes.includes(a.description)) return null;
  return alertOwner(input) === 'negotiation' ? a : null;
}

function versionsText(list: readonly number[]): string {
  const shown = list.filter((v) => !isGrease(v));
  return shown.length === 0 ? 'no version' : shown.map(versionName).join(', ');
}

function suitesText(list: readonly number[], max = 6): string {
  const shown = list.filter((s) => !isGrease(s) && s !== 0x00ff && s !== 0x5600);
  if (shown.length === 0) return 'no cipher suites';
  const names = shown.slice(0, max).map(cipherSuiteName).join(', ');
  return `${shown.length} cipher suite${shown.length === 1 ? '' : 's'} (${names}${shown.length > max ? ', …' : ''})`;
}

function who(input: RuleInput, a: AlertRecord): string {
  return a.from === 'server' ? theServer(input.facts.connection, input.facts.hs?.clientHello?.sni ?? null) : 'The client';
}

const versionMismatch: Rule = {
  id: 'protocol-version-mismatch',
  codes: ['protocol-version-mismatch'],
  evaluate(input: RuleInput): readonly Finding[] {
    const { facts } = input;
    const hs = facts.hs;
    const ch = hs?.clientHello ?? null;
    if (hs === null || ch === null || input.status !== 'failed') return [];
    const offered = ch.supportedVersionsExtension ? `${versionsText(ch.versions)} (supported_versions)` : `up to ${versionName(ch.legacyVersion)} (no supported_versions extension)`;
    const a = ownedAlert(input, 70);
    const sh = hs.serverHello;
    if (a !== null) {
      const detail =
        a.from === 'server'
          ? `${who(input, a)} refused the client's versions: the client offered ${offered} at frame ${hs.clientHelloFrame}, and the server answered with ${alertText(a)} at frame ${a.frame}, so it accepts none of them.`
          : `The client refused the version the server chose: it offered ${offered} at frame ${hs.clientHelloFrame}, the server chose ${sh !== null ? versionName(sh.version) : 'a version'}${hs.serverHelloFrame !== null ? ` at frame ${hs.serverHelloFrame}` : ''}, and the client answered with ${alertText(a)} at frame ${a.frame}.`;
      return [
        {
          code: 'protocol-version-mismatch',
          severity: 'error',
          title: 'No common TLS version',
          detail,
          fix: `Enable a common version on both sides, preferably TLS 1.2 and TLS 1.3: on the client${inParens(stackSettings(input.stacks.client, CLIENT_VERSION_SETTINGS))} and on the server${inParens(stackSettings(input.stacks.server, SERVER_VERSION_SETTINGS))}.`,
          frames: frames(hs.clientHelloFrame, hs.serverHelloFrame, a.frame),
        },
      ];
    }
    // The server chose a version the client never offered, and the client gave up on it.
    if (sh === null || ch.versions.includes(sh.version) || (!ch.supportedVersionsExtension && sh.version <= ch.legacyVersion)) return [];
    const clientAlert = facts.failureAlert?.from === 'client' ? facts.failureAlert : null;
    const close = clientAlert === null ? firstCloseBy(facts.connection, 'client', hs.serverHelloFrame ?? 0) : null;
    if (clientAlert === null && close === null) return [];
    const ending = clientAlert !== null ? `answered with ${alertText(clientAlert)} at frame ${clientAlert.frame}` : `${close?.kind === 'rst' ? 'reset' : 'closed'} the connection at frame ${close?.frame}`;
    return [
      {
        code: 'protocol-version-mismatch',
        severity: 'error',
        title: 'Server chose a TLS version the client did not offer',
        detail: `The client offered ${offered} at frame ${hs.clientHelloFrame}, the server chose ${versionName(sh.version)} at frame ${hs.serverHelloFrame}, and the client ${ending}.`,
        fix: `Enable ${ch.supportedVersionsExtension ? versionsText(ch.versions) : versionName(ch.legacyVersion)} on the server, or allow ${versionName(sh.version)} on the client if it must be used.`,
        frames: frames(hs.clientHelloFrame, hs.serverHelloFrame, clientAlert?.frame ?? close?.frame),
      },
    ];
  },
};

const noCommonCipher: Rule = {
  id: 'no-common-cipher-suite',
  codes: ['no-common-cipher-suite', 'insufficient-security'],
  evaluate(input: RuleInput): readonly Finding[] {
    const hs = input.facts.hs;
    const ch = hs?.clientHello ?? null;
    const a = ownedAlert(input, 40, 71);
    if (hs === null || ch === null || a === null) return [];
    if (a.description === 71) {
      return [
        {
          code: 'insufficient-security',
          severity: 'error',
          title: 'Server requires stronger security than the client offered',
          detail: `${who(input, a)} answered the client's offer (${suitesText(ch.cipherSuites)}, versions ${versionsText(ch.versions)}, frame ${hs.clientHelloFrame}) with ${alertText(a)} at frame ${a.frame}: it requires stronger cipher suites, key sizes or versions than the client offered.`,
          fix: 'Enable modern cipher suites on the client (TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305, and TLS 1.3).',
          frames: frames(hs.clientHelloFrame, a.frame),
        },
      ];
    }
    const groups = ch.supportedGroups.filter((g) => !isGrease(g)).length;
    return [
      {
        code: 'no-common-cipher-suite',
        severity: 'error',
        title: 'No common cipher suite',
        detail: `${who(input, a)} refused the ClientHello (frame ${hs.clientHelloFrame}) with ${alertText(a)} at frame ${a.frame}, before any ServerHello: it found nothing acceptable among the client's ${suitesText(ch.cipherSuites)}${groups > 0 ? ` and ${groups} key exchange group${groups === 1 ? '' : 's'}` : ''} for versions ${versionsText(ch.versions)}.`,
        fix: "Enable at least one cipher suite (and key exchange group) on both sides; compare the client's list above with the server's configuration. Servers also send this when they have no certificate for the requested name or key type.",
        frames: frames(hs.clientHelloFrame, a.frame),
      },
    ];
  },
};

interface SimpleAlert {
  readonly code: number;
  readonly findingCode: string;
  readonly title: string;
  readonly detail: (input: RuleInput, a: AlertRecord) => string;
  readonly fix: string;
}

const SIMPLE: readonly SimpleAlert[] = [
  {
    code: 86,
    findingCode: 'inappropriate-fallback',
    title: 'Version fallback refused (inappropriate_fallback)',
    detail: (input, a) => `The client retried with a lower version and the TLS_FALLBACK_SCSV signal (offering ${versionsText(input.facts.hs?.clientHello?.versions ?? [])}, frame ${input.facts.hs?.clientHelloFrame}); ${who(input, a).replace(/^The/, 'the')} answered with ${alertText(a)} at frame ${a.frame} because it supports a higher version — an earlier attempt at that version failed (look for a previous connection) or something on the path interferes.`,
    fix: 'Find why the first, higher-version attempt failed (an earlier connection in the capture, a middlebox), rather than the fallback.',
  },
  {
    code: 112,
    findingCode: 'unrecognized-name',
    title: 'Server does not know the requested name (unrecognized_name)',
    detail: (input, a) => {
      const sni = input.facts.hs?.clientHello?.sni ?? null;
      return `The client asked for ${sni === null ? 'no name (no SNI)' : `'${sni}' (SNI)`} at frame ${input.facts.hs?.clientHelloFrame}; ${who(input, a).replace(/^The/, 'the')} answered with ${alertText(a)} at frame ${a.frame}: no virtual host of the server matches that name.`;
    },
    fix: 'Connect with the host name the server is configured for, or add that name (server_name / virtual host) to the server.',
  },
  {
    code: 120,
    findingCode: 'no-application-protocol',
    title: 'No common application protocol (ALPN)',
    detail: (input, a) => {
      const alpn = input.facts.hs?.clientHello?.alpn ?? [];
      return `The client offered the application protocols ${alpn.length === 0 ? '(none)' : alpn.map((p) => `'${p}'`).join(', ')} (ALPN, frame ${input.facts.hs?.clientHelloFrame}); ${who(input, a).replace(/^The/, 'the')} answered with ${alertText(a)} at frame ${a.frame}: it supports none of them.`;
    },
    fix: "Make both sides support a common protocol (e.g. enable 'http/1.1' next to 'h2', or 'h2' on the server for gRPC clients).",
  },
  {
    code: 109,
    findingCode: 'missing-extension',
    title: 'Mandatory extension missing (missing_extension)',
    detail: (input, a) => `${who(input, a)} sent ${alertText(a)} at frame ${a.frame}: the peer's hello lacked an extension that is mandatory here (for TLS 1.3: supported_versions, key_share, signature_algorithms or supported_groups).`,
    fix: 'Update the TLS library of the side that omitted the extension, or disable TLS 1.3 on it if its implementation is incomplete.',
  },
  {
    code: 20,
    findingCode: 'bad-record-mac',
    title: 'Record integrity check failed (bad_record_mac)',
    detail: (input, a) => `${who(input, a)} sent ${alertText(a)} at frame ${a.frame}: a record from the peer could not be decrypted or failed its integrity check, so the two sides derived different keys or the bytes were altered on the way.`,
    fix: 'Look for a middlebox that alters traffic (TLS inspection, a load balancer), a buggy TLS implementation, or session resumption state shared wrongly between servers.',
  },
  {
    code: 51,
    findingCode: 'decrypt-error',
    title: 'Handshake signature or Finished check failed (decrypt_error)',
    detail: (input, a) => `${who(input, a)} sent ${alertText(a)} at frame ${a.frame}: a handshake signature or the Finished message from the peer did not verify (no client CertificateVerify was seen, so this is not the client certificate's key).`,
    fix: "Check that the server's certificate and private key belong together, and look for a middlebox that alters the handshake.",
  },
];

const simpleAlerts: Rule = {
  id: 'negotiation-alerts',
  codes: SIMPLE.map((s) => s.findingCode),
  evaluate(input: RuleInput): readonly Finding[] {
    const a = ownedAlert(input, ...SIMPLE.map((s) => s.code));
    const entry = SIMPLE.find((s) => s.code === a?.description);
    if (a === null || entry === undefined) return [];
    return [{ code: entry.findingCode, severity: 'error', title: entry.title, detail: entry.detail(input, a), fix: entry.fix, frames: frames(input.facts.hs?.clientHelloFrame, a.frame) }];
  },
};

export const NEGOTIATION_RULES: readonly Rule[] = [versionMismatch, noCommonCipher, simpleAlerts];
