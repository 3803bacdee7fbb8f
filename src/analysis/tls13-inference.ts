/**
 * TLS 1.3 without keys: everything after ServerHello is encrypted, so what the client
 * sent in its second flight — and how the server answered — is read from record sizes
 * (see docs/diagnoses.md and RFC 8446 §5.2): TLSCiphertext.length =
 * len(content) + 1 (inner type) + AEAD tag, no padding assumed.
 */
import type { EncryptedRecordInfo, Handshake } from './connection.js';

/** AEAD tag and hash sizes of the TLS 1.3 cipher suites. */
function suiteSizes(cipherSuite: number): { tag: number; hash: number } {
  switch (cipherSuite) {
    case 0x1302: // TLS_AES_256_GCM_SHA384
      return { tag: 16, hash: 48 };
    case 0x1305: // TLS_AES_128_CCM_8_SHA256
      return { tag: 8, hash: 32 };
    default: // 0x1301, 0x1303, 0x1304 and unknown: SHA-256, 16-byte tag
      return { tag: 16, hash: 32 };
  }
}

export interface Tls13Sizes {
  /** Finished: 4-byte header + Hash.length, + inner type + tag. */
  readonly finished: number;
  /** Empty client Certificate: 4 + 1 (context) + 3 (list), + inner type + tag. */
  readonly emptyCertificate: number;
  /** Empty Certificate and Finished in one record. */
  readonly emptyCertificateAndFinished: number;
  /** Alert: 2 bytes + inner type + tag. */
  readonly alert: number;
}

export function tls13Sizes(cipherSuite: number): Tls13Sizes {
  const { tag, hash } = suiteSizes(cipherSuite);
  return {
    finished: 4 + hash + 1 + tag,
    emptyCertificate: 8 + 1 + tag,
    emptyCertificateAndFinished: 8 + 4 + hash + 1 + tag,
    alert: 2 + 1 + tag,
  };
}

/** Largest record still read as an alert: 19 bytes by the RFC, 35 from JSSE (padding). */
const MAX_ALERT_SIZED = 40;

export type ClientFlightReading =
  /** Only Finished: no certificate was requested (or the handshake was resumed with PSK). */
  | 'finished-only'
  /** An empty Certificate: a certificate was requested and the client had none to send. */
  | 'empty-certificate'
  /** Hundreds of bytes before Finished: a certificate chain and CertificateVerify. */
  | 'certificate-sent'
  /** A single alert-sized record instead of Finished: the client rejected the server. */
  | 'client-alert'
  /** Nothing from the client after ServerHello. */
  | 'none'
  /** Sizes that match none of the patterns (padding, an unusual stack). */
  | 'unclear';

export type ServerAnswerReading =
  /** NewSessionTicket or application data after the client's flight: the server accepted it. */
  | 'accepted'
  /** A lone alert-sized record (then the connection closed): the server refused. */
  | 'alert'
  /** Nothing after the client's flight. */
  | 'nothing';

export interface Tls13Inference {
  readonly clientFlight: ClientFlightReading;
  readonly serverAnswer: ServerAnswerReading;
  /** Sizes of the client's second-flight records, in order. */
  readonly clientRecordSizes: readonly number[];
  /** Sizes of the server's records after the client's flight. */
  readonly serverRecordSizesAfter: readonly number[];
  readonly clientFlightFrame: number | null;
  readonly serverAnswerFrame: number | null;
  /** Server records in its first encrypted flight (EncryptedExtensions … Finished). */
  readonly serverFlightRecordSizes: readonly number[];
  readonly sizes: Tls13Sizes;
  /** The inference in words, with its numbers. */
  readonly evidence: string;
}

/**
 * Reads the encrypted records of a TLS 1.3 handshake. `records` are in capture order and
 * exclude the middlebox-compatibility ChangeCipherSpec records.
 */
export function inferTls13(hs: Handshake, cipherSuite: number): Tls13Inference {
  const sizes = tls13Sizes(cipherSuite);
  const records: readonly EncryptedRecordInfo[] = hs.encryptedRecords;
  // Server first flight: server records before the first client record.
  let i = 0;
  const serverFlight: number[] = [];
  while (i < records.length && records[i]?.from === 'server') serverFlight.push((records[i] as EncryptedRecordInfo).length), i++;
  const clientFlightRecords: EncryptedRecordInfo[] = [];
  while (i < records.length && records[i]?.from === 'client') clientFlightRecords.push(records[i] as EncryptedRecordInfo), i++;
  const serverAfter: EncryptedRecordInfo[] = [];
  while (i < records.length) {
    const r = records[i] as EncryptedRecordInfo;
    if (r.from === 'server') serverAfter.push(r);
    i++;
  }

  const clientSizes = clientFlightRecords.map((r) => r.length);
  const first = clientSizes[0];
  const second = clientSizes[1];
  let clientFlight: ClientFlightReading;
  if (first === undefined) clientFlight = 'none';
  else if (first === sizes.finished) clientFlight = 'finished-only';
  else if ((first === sizes.emptyCertificate && (second === undefined || second === sizes.finished)) || first === sizes.emptyCertificateAndFinished) {
    clientFlight = 'empty-certificate';
  } else if (first <= MAX_ALERT_SIZED && clientSizes.length === 1) clientFlight = 'client-alert';
  else if (first > sizes.emptyCertificateAndFinished + 100) clientFlight = 'certificate-sent';
  else clientFlight = 'unclear';

  let serverAnswer: ServerAnswerReading = 'nothing';
  if (serverAfter.some((r) => r.length > MAX_ALERT_SIZED)) serverAnswer = 'accepted';
  else if (serverAfter.length > 0) serverAnswer = 'alert';

  const describe = (list: readonly number[]): string => (list.length === 0 ? 'none' : list.map((n) => `${n}`).join(' + ') + ' bytes');
  const evidence =
    `client records after ServerHello: ${describe(clientSizes)} (Finished alone would be ${sizes.finished}, ` +
    `an empty Certificate ${sizes.emptyCertificate}, both in one record ${sizes.emptyCertificateAndFinished}); ` +
    `server records after them: ${describe(serverAfter.map((r) => r.length))} (an alert is ${sizes.alert})`;

  return {
    clientFlight,
    serverAnswer,
    clientRecordSizes: clientSizes,
    serverRecordSizesAfter: serverAfter.map((r) => r.length),
    clientFlightFrame: clientFlightRecords[0]?.frame ?? null,
    serverAnswerFrame: serverAfter[0]?.frame ?? null,
    serverFlightRecordSizes: serverFlight,
    sizes,
    evidence,
  };
}
