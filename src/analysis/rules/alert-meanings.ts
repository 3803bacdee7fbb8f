/**
 * What an alert means for the certificate the peer just sent, and which rule explains the
 * alert that ended a handshake. Meanings per RFC 8446 §6.2; the typical causes reflect how
 * OpenSSL, JSSE and Node.js signal each problem (docs/diagnoses.md).
 */
import type { StackHints } from './stack-advice.js';
import type { RuleInput } from './types.js';
import { silentClientClose } from './silent-client.js';
import { clientRefusedCertificateRequest } from '../judge.js';

export interface AlertMeaning {
  readonly title: string;
  /** Completes "…: <why>." */
  readonly why: string;
  readonly fix: string;
  /** How the sending side's stack signals it, given only for that stack (stack-advice.ts): clauses completing "If the server is Java, …". */
  readonly byStack?: StackHints;
  /** Where the fix is made on the side that must change, per stack. */
  readonly fixByStack?: StackHints;
}

/** A certificate alert from the server about the client's certificate. */
export const CLIENT_CERT_ALERTS: ReadonlyMap<number, AlertMeaning> = new Map([
  [40, { title: 'Client certificate refused (handshake_failure)', why: 'the server refused the handshake after the client presented its certificate', byStack: { openssl: 'it sends this generic alert when the client certificate could not be used' }, fix: "Check the server's log for the reason; compare the client certificate's issuer, validity and key usage with the server's requirements." }],
  [42, { title: 'Client certificate rejected (bad_certificate)', why: 'the server could not verify the client certificate or its signature', byStack: { openssl: 'it sends this for an untrusted or malformed client certificate, and for one with a too-weak key', java: 'it sends this for an empty client certificate chain when it requires one' }, fix: "Check that the client certificate chains to a CA in the server's trust store, that the client sends its intermediate certificates, and that its key is at least RSA 2048 / ECDSA P-256." }],
  [43, { title: 'Client certificate of an unsupported type', why: 'the server does not accept this kind of certificate (key type, or a certificate without the clientAuth extended key usage)', fix: 'Issue the client certificate with the TLS Web Client Authentication (clientAuth) extended key usage and a key type the server accepts.' }],
  [44, { title: 'Client certificate revoked', why: "the server's revocation check (CRL or OCSP) says the client certificate was revoked", fix: 'Issue a new client certificate and install it in the client keystore.' }],
  [45, { title: 'Client certificate expired or not yet valid', why: 'the server found the client certificate outside its validity period (or the clocks differ)', fix: 'Renew the client certificate, or correct the clock of the client or server.' }],
  [46, { title: 'Client certificate not accepted (certificate_unknown)', why: 'the server rejected the client certificate for an unspecified reason', byStack: { java: 'it sends this when PKIX path building or the validity check fails (WebLogic as well)' }, fix: "Import the client certificate's issuing CA (and root) into the server's trust store, and check its validity dates and extended key usage." }],
  [48, { title: 'Client certificate from an unknown CA', why: 'the server does not trust the CA that issued the client certificate (or the client did not send the intermediate that links it to one)', fix: "Import the issuing CA into the server's trust store, or have the client send its full chain." }],
  [49, { title: 'Client certificate valid but access denied', why: 'the server verified the certificate but its access policy refused this client', fix: "Grant the certificate's subject access in the server's configuration." }],
  [51, { title: 'Client certificate and private key do not match', why: "the server could not verify the client's CertificateVerify signature: the private key used does not belong to the certificate sent", fix: 'Pair the client certificate with its own private key in the client keystore (re-export the key pair together, e.g. as one PKCS#12 file).' }],
  [116, { title: 'Client certificate required', why: 'the server requires a client certificate and none was sent', fix: 'Configure the client with a certificate and key issued by a CA the server trusts.' }],
]);

/** A certificate alert from the client about the server's certificate. */
export const SERVER_CERT_ALERTS: ReadonlyMap<number, AlertMeaning> = new Map([
  [42, { title: 'Server certificate rejected (bad_certificate)', why: "the client could not verify the server certificate or its signature (a corrupt chain, a signature that does not verify, or a key the client's policy refuses)", fix: "Check the server's certificate chain (order, intermediates) and key size; the client's log names the exact reason." }],
  [43, { title: 'Server certificate of an unsupported type', why: 'the client does not accept this kind of certificate (key type, or a certificate without the serverAuth extended key usage)', fix: 'Issue the server certificate with the TLS Web Server Authentication (serverAuth) extended key usage and an RSA or ECDSA key.' }],
  [44, { title: 'Server certificate revoked', why: "the client's revocation check (CRL or OCSP) says the server certificate was revoked", fix: 'Install a newly issued server certificate.' }],
  [45, { title: 'Server certificate expired or not yet valid', why: 'the client found the server certificate outside its validity period (or the clocks differ)', fix: "Renew the server certificate, or correct the client's or server's clock." }],
  [46, { title: 'Server certificate not trusted (certificate_unknown)', why: 'the client rejected the server certificate for an unspecified reason', byStack: { java: "it sends this when PKIX path building fails (the server's CA is missing from its trust store) or the host name does not match" }, fix: "Import the server's issuing CA (and root) into the client's trust store, and check that the name the client connects to is in the certificate's SANs.", fixByStack: { java: 'cacerts or javax.net.ssl.trustStore' } }],
  [48, { title: 'Server certificate from an unknown CA', why: "the client does not trust the CA that issued the server certificate, or the server did not send the intermediate that links it to one", fix: "Add the server's root CA to the client's trust store, or configure the server to send its intermediate certificates." }],
  [49, { title: 'Server refused by client policy (access_denied)', why: "the client's policy refused this server", fix: "Check the client's pinning or access configuration for this server." }],
]);

/** Which rule explains the alert that ended the handshake: exactly one does. */
export type AlertOwner = 'client-cert' | 'server-cert' | 'cert-request' | 'negotiation' | 'silent-client' | 'generic';

const NEGOTIATION_ALERTS = new Set([20, 70, 71, 86, 109, 112, 120]);

export function alertOwner({ facts, mtls }: RuleInput): AlertOwner | null {
  const a = facts.failureAlert;
  const hs = facts.hs;
  if (a === null) return null;
  // The server's alert on a connection the client left without a byte is its reaction to the
  // empty connection: the transport rule names the client's silence as the cause.
  if (a.from === 'server' && silentClientClose(facts.connection) !== null) return 'silent-client';
  // Without a ClientHello there is no offer to compare: the alert is all there is to say.
  if (hs === null || hs.clientHello === null) return 'generic';
  const d = a.description;
  // A client refusing a CertificateRequest it cannot read (an empty CA list) says so with
  // decode_error or illegal_parameter, whichever certificate it was about to check.
  if (clientRefusedCertificateRequest(facts)) return 'cert-request';
  if (d === 51) return a.from === 'server' && hs.clientCertificateVerify !== null && (hs.clientCertificates?.length ?? 0) > 0 ? 'client-cert' : 'negotiation';
  if (d !== null && NEGOTIATION_ALERTS.has(d)) return 'negotiation';
  // A server's own alert follows its ServerHello in its stream, whatever frames reordering gave them;
  // only the client's alert is placed against the ServerHello by frame.
  if (d === 40 && (hs.serverHello === null || (a.from === 'client' && a.frame < (hs.serverHelloFrame ?? Infinity)))) return 'negotiation';
  if (a.from === 'server' && mtls.state === 'requested-not-sent') return 'client-cert';
  if (a.from === 'server' && mtls.state === 'sent-rejected' && (d === null || CLIENT_CERT_ALERTS.has(d))) return 'client-cert';
  if (a.from === 'client' && d !== null && SERVER_CERT_ALERTS.has(d) && hs.serverCertificateFrame !== null && a.frame >= hs.serverCertificateFrame) return 'server-cert';
  return 'generic';
}
