/**
 * SSLv2 SERVER-HELLO (draft-hickman-netscape-ssl-00 "The SSL Protocol", §2.6; RFC 6101 app. E
 * names it), the answer of a server that speaks only SSL 2.0:
 *
 *   char MSG-SERVER-HELLO;                 // 4
 *   char SESSION-ID-HIT;                   // non-zero: the client's session id was found
 *   char CERTIFICATE-TYPE;                 // 1: SSL_X509_CERTIFICATE
 *   char SERVER-VERSION-MSB, -LSB;         // 0x0002
 *   char CERTIFICATE-LENGTH-MSB, -LSB;
 *   char CIPHER-SPECS-LENGTH-MSB, -LSB;    // multiple of 3
 *   char CONNECTION-ID-LENGTH-MSB, -LSB;   // 16..32
 *   char CERTIFICATE-DATA[CERTIFICATE-LENGTH];
 *   char CIPHER-SPECS-DATA[CIPHER-SPECS-LENGTH];   // 3 bytes each: the kinds the server supports
 *   char CONNECTION-ID-DATA[CONNECTION-ID-LENGTH];
 *
 * The body given here is the message after the SSLv2 record header. On a session-id hit the
 * certificate and cipher specs are empty (the session's are reused). The server lists the kinds
 * it accepts; the client picks one in CLIENT-MASTER-KEY, so the "negotiated" suite here is the
 * server's first.
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { CertificateMessage } from './certificate.js';
import type { ServerHello } from './server-hello.js';

/** CERTIFICATE-TYPE SSL_X509_CERTIFICATE: the data is one DER X.509 certificate. */
const SSL_X509_CERTIFICATE = 1;

/** A decoded SSLv2 SERVER-HELLO: the ServerHello facts, the certificate, and the fields only SSLv2 has. */
export interface Sslv2ServerHello {
  /** The common ServerHello shape: version 0x0002, the first cipher kind, no extensions. */
  readonly serverHello: ServerHello;
  /** The server's certificate (null on a session-id hit, or for another certificate type). */
  readonly certificate: CertificateMessage | null;
  readonly sessionIdHit: boolean;
  readonly certificateType: number;
  /** Every cipher kind the server listed (0x00xxxx kinds are TLS suites, RFC 5246 app. E.2). */
  readonly cipherKinds: readonly number[];
}

const P = 'tls.handshake.sslv2_server_hello';

/** Decodes an SSLv2 SERVER-HELLO; see the module comment. */
export function decodeSslv2ServerHello(body: Uint8Array): Decoded<Sslv2ServerHello> {
  const r = new ByteReader(body);
  const msgType = r.u8();
  const hit = r.u8();
  const certificateType = r.u8();
  const version = r.u16();
  const certLength = r.u16();
  const specLength = r.u16();
  const connectionIdLength = r.u16();
  if (msgType === undefined || hit === undefined || certificateType === undefined || version === undefined || certLength === undefined || specLength === undefined || connectionIdLength === undefined) {
    return fail(`${P}.truncated`, 'SSLv2 SERVER-HELLO ends inside its fixed fields.', r.position);
  }
  if (msgType !== 4) return fail(`${P}.bad_type`, `SSLv2 message type ${msgType} is not SERVER-HELLO.`, 0);
  if (specLength % 3 !== 0) return fail(`${P}.bad_cipher_specs`, `SSLv2 CIPHER-SPECS-LENGTH ${specLength} is not a multiple of 3.`, 7);
  const certOffset = r.position;
  const der = r.bytesView(certLength);
  const specs = r.sub(specLength);
  const connectionId = r.bytesView(connectionIdLength);
  if (der === undefined || specs === undefined || connectionId === undefined) {
    return fail(`${P}.truncated`, 'SSLv2 SERVER-HELLO is shorter than its lengths say.', r.position);
  }
  if (!r.empty()) return fail(`${P}.trailing_bytes`, `SSLv2 SERVER-HELLO has ${r.remaining} bytes after its connection id.`, r.position);
  const cipherKinds: number[] = [];
  for (;;) {
    const hi = specs.u8();
    const lo = specs.u16();
    // specLength is a multiple of 3, so the specs end exactly here.
    if (hi === undefined || lo === undefined) break;
    cipherKinds.push(hi === 0 ? lo : hi * 0x10000 + lo);
  }
  const certificate: CertificateMessage | null =
    certLength > 0 && certificateType === SSL_X509_CERTIFICATE ? { variant: 'tls12', entries: [{ der, offset: certOffset }], isEmpty: false, totalEntries: 1, issues: [] } : null;
  const serverHello: ServerHello = {
    legacyVersion: version,
    // The connection id plays the server random's part (it enters the key derivation).
    random: connectionId,
    sessionId: new Uint8Array(0),
    cipherSuite: cipherKinds[0] ?? 0,
    compressionMethod: 0,
    extensionsPresent: false,
    extensions: [],
    selectedVersion: null,
    version,
    isHelloRetryRequest: false,
    hrrSelectedGroup: null,
    keyShareGroup: null,
    pskSelectedIdentity: null,
    alpn: null,
    alpnRaw: null,
    serverNameAck: false,
    renegotiationInfo: false,
    extendedMasterSecret: false,
    sessionTicket: false,
    ecPointFormats: null,
    encryptThenMac: false,
    recordSizeLimit: null,
    statusRequest: false,
    cookieLength: null,
    downgradeSentinel: null,
  };
  return ok({ serverHello, certificate, sessionIdHit: hit !== 0, certificateType, cipherKinds });
}
