/**
 * Chooses the decoder for each handshake message and gives it the context it needs: the
 * negotiated version (Certificate and CertificateRequest differ in TLS 1.3) and the key
 * exchange of the cipher suite (ServerKeyExchange, ClientKeyExchange). Variants are chosen
 * from what was negotiated, never by trial parsing.
 */
import type { DecodeIssue, Decoded } from '../../util/decoded.js';
import { decodeClientHello } from '../handshake/client-hello.js';
import type { ClientHello } from '../handshake/client-hello.js';
import { decodeServerHello } from '../handshake/server-hello.js';
import type { ServerHello } from '../handshake/server-hello.js';
import { decodeSslv2ClientHello } from '../handshake/sslv2-client-hello.js';
import { decodeCertificate } from '../handshake/certificate.js';
import type { CertificateMessage, CertificateOptions } from '../handshake/certificate.js';
import { decodeCertificateRequest } from '../handshake/certificate-request.js';
import type { CertificateRequest } from '../handshake/certificate-request.js';
import { decodeServerKeyExchange, keyExchangeKind } from '../handshake/server-key-exchange.js';
import type { KeyExchangeKind, ServerKeyExchange } from '../handshake/server-key-exchange.js';
import { decodeClientKeyExchange } from '../handshake/client-key-exchange.js';
import type { ClientKeyExchange } from '../handshake/client-key-exchange.js';
import { decodeCertificateVerify } from '../handshake/certificate-verify.js';
import type { CertificateVerify } from '../handshake/certificate-verify.js';
import { decodeNewSessionTicket } from '../handshake/new-session-ticket.js';
import type { NewSessionTicket } from '../handshake/new-session-ticket.js';
import { decodeFinished } from '../handshake/finished.js';
import type { Finished } from '../handshake/finished.js';
import { decodeEncryptedExtensions } from '../handshake/encrypted-extensions.js';
import type { EncryptedExtensions } from '../handshake/encrypted-extensions.js';
import { decodeKeyUpdate } from '../handshake/key-update.js';
import type { KeyUpdate } from '../handshake/key-update.js';
import { decodeHelloRequest } from '../handshake/hello-request.js';
import { decodeCertificateStatus } from '../handshake/certificate-status.js';
import type { CertificateStatus } from '../handshake/certificate-status.js';
import { decodeServerHelloDone } from '../handshake/server-hello-done.js';
import { cipherSuiteInfo } from '../registry/names.js';
import { HANDSHAKE_TYPE } from '../registry/named-codes.js';

/** A decoded handshake message, tagged by type. */
export type HandshakeMessage =
  | { readonly type: 'client_hello'; readonly value: ClientHello }
  | { readonly type: 'server_hello'; readonly value: ServerHello }
  | { readonly type: 'certificate'; readonly value: CertificateMessage }
  | { readonly type: 'certificate_request'; readonly value: CertificateRequest }
  | { readonly type: 'server_key_exchange'; readonly value: ServerKeyExchange }
  | { readonly type: 'server_hello_done' }
  | { readonly type: 'client_key_exchange'; readonly value: ClientKeyExchange }
  | { readonly type: 'certificate_verify'; readonly value: CertificateVerify }
  | { readonly type: 'finished'; readonly value: Finished }
  | { readonly type: 'new_session_ticket'; readonly value: NewSessionTicket }
  | { readonly type: 'encrypted_extensions'; readonly value: EncryptedExtensions }
  | { readonly type: 'key_update'; readonly value: KeyUpdate }
  | { readonly type: 'hello_request' }
  | { readonly type: 'certificate_status'; readonly value: CertificateStatus }
  | { readonly type: 'other'; readonly msgType: number };

export interface DecodedMessage {
  readonly message: HandshakeMessage | undefined;
  readonly issue: DecodeIssue | undefined;
}

/** What has been negotiated so far on a connection: the decoders' context. */
export class NegotiationContext {
  /** @param certificateOptions limits of the Certificate message decoder (maxCertificatesPerChain). */
  constructor(readonly certificateOptions: CertificateOptions = {}) {}

  /** legacy_version of the ClientHello (decides TLS 1.0/1.1 vs 1.2 CertificateRequest layouts before ServerHello). */
  clientVersion: number | null = null;
  /** Version from the ServerHello (supported_versions when present). */
  version: number | null = null;
  cipherSuite: number | null = null;

  get isTls13(): boolean {
    const v = this.version;
    if (v === null) return false;
    return v === 0x0304 || (v >= 0x7f00 && v <= 0x7fff) || (v >= 0x7e00 && v <= 0x7eff) || v === 0xfb1a || v === 0xfb17;
  }

  /** Key exchange of the negotiated suite, as the key-exchange decoders name it. */
  get keyExchange(): KeyExchangeKind {
    return keyExchangeKind(this.cipherSuite === null ? undefined : cipherSuiteInfo(this.cipherSuite));
  }

  /** TLS 1.2 and later carry a signature algorithm in signatures. */
  get signatureHasScheme(): boolean {
    const v = this.version ?? this.clientVersion ?? 0x0303;
    return v >= 0x0303;
  }

  observeSslv2(message: HandshakeMessage | undefined): void {
    if (message?.type === 'client_hello') this.clientVersion = message.value.legacyVersion;
  }
}

function wrap<T, M extends HandshakeMessage>(d: Decoded<T>, make: (v: T) => M): DecodedMessage {
  return d.ok ? { message: make(d.value), issue: undefined } : { message: undefined, issue: d.issue };
}

/** Decodes one handshake message and updates the context from hellos. */
export function decodeHandshakeMessage(msgType: number, body: Uint8Array, ctx: NegotiationContext): DecodedMessage {
  switch (msgType) {
    case HANDSHAKE_TYPE.client_hello: {
      const d = wrap(decodeClientHello(body), (value) => ({ type: 'client_hello' as const, value }));
      if (d.message?.type === 'client_hello') ctx.clientVersion = d.message.value.legacyVersion;
      return d;
    }
    case HANDSHAKE_TYPE.server_hello: {
      const d = wrap(decodeServerHello(body), (value) => ({ type: 'server_hello' as const, value }));
      // A HelloRetryRequest fixes the version and suite just as a ServerHello does (RFC 8446 §4.1.4).
      if (d.message?.type === 'server_hello') {
        ctx.version = d.message.value.version;
        ctx.cipherSuite = d.message.value.cipherSuite;
      }
      return d;
    }
    case HANDSHAKE_TYPE.certificate:
      return wrap(decodeCertificate(body, { tls13: ctx.isTls13 }, ctx.certificateOptions), (value) => ({ type: 'certificate' as const, value }));
    case HANDSHAKE_TYPE.certificate_request:
      return wrap(decodeCertificateRequest(body, { version: ctx.version ?? ctx.clientVersion ?? 0x0303 }), (value) => ({ type: 'certificate_request' as const, value }));
    case HANDSHAKE_TYPE.server_key_exchange:
      return wrap(decodeServerKeyExchange(body, { kx: ctx.keyExchange, tls12: ctx.signatureHasScheme }), (value) => ({ type: 'server_key_exchange' as const, value }));
    case HANDSHAKE_TYPE.server_hello_done:
      return wrap(decodeServerHelloDone(body), () => ({ type: 'server_hello_done' as const }));
    case HANDSHAKE_TYPE.client_key_exchange:
      return wrap(decodeClientKeyExchange(body, { kx: ctx.keyExchange, ssl3: ctx.version === 0x0300 }), (value) => ({ type: 'client_key_exchange' as const, value }));
    case HANDSHAKE_TYPE.certificate_verify:
      return wrap(decodeCertificateVerify(body, { hasScheme: ctx.signatureHasScheme }), (value) => ({ type: 'certificate_verify' as const, value }));
    case HANDSHAKE_TYPE.finished:
      return wrap(decodeFinished(body, ctx.version === null ? {} : { version: ctx.version }), (value) => ({ type: 'finished' as const, value }));
    case HANDSHAKE_TYPE.session_ticket:
      return wrap(decodeNewSessionTicket(body, { tls13: ctx.isTls13 }), (value) => ({ type: 'new_session_ticket' as const, value }));
    case HANDSHAKE_TYPE.encrypted_extensions:
      return wrap(decodeEncryptedExtensions(body), (value) => ({ type: 'encrypted_extensions' as const, value }));
    case HANDSHAKE_TYPE.key_update:
      return wrap(decodeKeyUpdate(body), (value) => ({ type: 'key_update' as const, value }));
    case HANDSHAKE_TYPE.hello_request:
      return wrap(decodeHelloRequest(body), () => ({ type: 'hello_request' as const }));
    case HANDSHAKE_TYPE.certificate_status:
      return wrap(decodeCertificateStatus(body), (value) => ({ type: 'certificate_status' as const, value }));
    default:
      return { message: { type: 'other', msgType }, issue: undefined };
  }
}

/** An SSLv2-format ClientHello (seen only as the very first bytes of a connection). */
export function decodeSslv2Hello(body: Uint8Array): DecodedMessage {
  return wrap(decodeSslv2ClientHello(body), (value) => ({ type: 'client_hello' as const, value }));
}
