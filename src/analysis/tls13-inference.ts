/**
 * TLS 1.3 without keys: everything after ServerHello is encrypted, so what the client
 * sent in its second flight — and how the server answered — is read from record sizes
 * (see docs/diagnoses.md and RFC 8446 §5.2): TLSCiphertext.length =
 * len(content) + 1 (inner type) + padding + AEAD tag. Most stacks add no padding; JSSE adds 16
 * zero bytes to every record (measured on OpenJDK 17). Each side's padding is learned from the
 * records whose content size is known — the server's Finished ends its flight, the client's
 * flight ends with its Finished — trying no padding first, then JSSE's, and JSSE's first for a
 * client identified as Java.
 */
import type { EncryptedRecordInfo, Handshake } from './connection.js';
import { JSSE_TLS13_PADDING } from './stack-identification.js';
import type { StackIdentity } from './stack-identification.js';
import { mapNumbers } from '../util/stable-lists.js';

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

interface Tls13Sizes {
  /** Finished: 4-byte header + Hash.length, + inner type + tag. */
  readonly finished: number;
  /** Empty client Certificate: 4 + 1 (context) + 3 (list), + inner type + tag. */
  readonly emptyCertificate: number;
  /** Empty Certificate and Finished in one record. */
  readonly emptyCertificateAndFinished: number;
  /** Alert: 2 bytes + inner type + tag. */
  readonly alert: number;
}

function tls13Sizes(cipherSuite: number): Tls13Sizes {
  const { tag, hash } = suiteSizes(cipherSuite);
  return {
    finished: 4 + hash + 1 + tag,
    emptyCertificate: 8 + 1 + tag,
    emptyCertificateAndFinished: 8 + 4 + hash + 1 + tag,
    alert: 2 + 1 + tag,
  };
}

/** Largest record still read as an alert when a side's padding is unknown: 19 bytes by the RFC, 35 from JSSE. */
const MAX_ALERT_SIZED = 19 + JSSE_TLS13_PADDING + 5;

/** Paddings tried, in order, when a side's is unknown. */
const PADDINGS: readonly number[] = [0, JSSE_TLS13_PADDING];

/** The sizes of `s` with `padding` bytes added to every record. */
function padded(s: Tls13Sizes, padding: number): Tls13Sizes {
  return { finished: s.finished + padding, emptyCertificate: s.emptyCertificate + padding, emptyCertificateAndFinished: s.emptyCertificateAndFinished + padding, alert: s.alert + padding };
}

type ClientFlightReading =
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

type ServerAnswerReading =
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
  /** Record sizes of this suite, padding included (the client's padding). */
  readonly sizes: Tls13Sizes;
  /** Bytes of padding each side adds to its records, when learned (0: none seen). */
  readonly clientPadding: number | null;
  readonly serverPadding: number | null;
  /** The inference in words, with its numbers. */
  readonly evidence: string;
}

/**
 * Reads the encrypted records of a TLS 1.3 handshake. `records` are in capture order and
 * exclude the middlebox-compatibility ChangeCipherSpec records.
 */
export function inferTls13(hs: Handshake, cipherSuite: number, clientStack: StackIdentity | null): Tls13Inference {
  const base = tls13Sizes(cipherSuite);
  const server: EncryptedRecordInfo[] = [];
  const client: EncryptedRecordInfo[] = [];
  for (const r of hs.encryptedRecords) {
    if (r.from === 'server') server.push(r);
    else if (r.from === 'client') client.push(r);
  }
  // The server's first flight (EncryptedExtensions … Finished) ends with its Finished, whose size
  // is known; what the server sends after it answers the client. Reading it by size, not by
  // capture order, keeps the reading right when the capture interleaves the two sides oddly
  // (mirror ports, `-i any`, a client alert sent before the server's flight was seen). Stacks
  // that coalesce the flight into one record show no Finished-sized record: then the capture
  // order decides. (Never the first record: that is EncryptedExtensions, whatever its size.)
  let serverPadding: number | null = null;
  let flightEnd = -1;
  for (const p of PADDINGS) {
    flightEnd = server.findIndex((r, i) => i > 0 && r.length === base.finished + p);
    if (flightEnd >= 0) {
      serverPadding = p;
      break;
    }
  }
  if (flightEnd < 0) {
    const firstClient = client[0];
    flightEnd = firstClient === undefined ? server.length - 1 : server.filter((r) => r.frame < firstClient.frame).length - 1;
  }
  const serverFlight = server.slice(0, flightEnd + 1).map((r) => r.length);
  const serverAfter = server.slice(flightEnd + 1);
  const answerFrame = serverAfter[0]?.frame ?? Number.POSITIVE_INFINITY;

  // The client's second flight ends with its Finished (alone, or in one record with an empty
  // Certificate); its application data follows. Without a Finished-sized record, the flight is
  // what the client sent before the server's answer.
  const java = clientStack?.name === 'java';
  const clientPaddings = java ? [JSSE_TLS13_PADDING, 0] : PADDINGS;
  // An exact reading with one padding is preferred to a loose one (an alert-sized record of
  // another size); with none exact, the loose reading stands and the padding stays unknown.
  let reading: ClientReading | null = null;
  for (const p of clientPaddings) {
    const candidate = readClientFlight(client, padded(base, p), answerFrame, false, p);
    if (candidate.flight !== 'unclear' && candidate.flight !== 'none') {
      reading = candidate;
      break;
    }
  }
  reading ??= readClientFlight(client, base, answerFrame, true, null);
  const sizes = padded(base, reading.padding ?? 0);
  const clientSizes = mapNumbers(reading.records, (r) => r.length);

  // A ticket or data only counts as acceptance once the client's flight was sent: servers may
  // send data (0.5-RTT) or tickets right after their own Finished, before the client answered.
  // Alert-sized stays loose (any padding up to JSSE's): a server that pads nothing else may still be read as alerting.
  const maxAlert = MAX_ALERT_SIZED;
  const clientFlightFrame = reading.records[0]?.frame ?? null;
  let serverAnswer: ServerAnswerReading = 'nothing';
  if (clientFlightFrame !== null && serverAfter.some((r) => r.length > maxAlert && r.frame >= clientFlightFrame)) serverAnswer = 'accepted';
  else if (serverAfter.length > 0 && serverAfter.every((r) => r.length <= maxAlert)) serverAnswer = 'alert';

  const serverSizesAfter = mapNumbers(serverAfter, (r) => r.length);
  const evidence =
    `client records after ServerHello: ${sizesText(clientSizes)} (Finished alone would be ${sizes.finished}, ` +
    `an empty Certificate ${sizes.emptyCertificate}, both in one record ${sizes.emptyCertificateAndFinished}${paddingNote('the client\'s', reading.padding)}); ` +
    `server records after them: ${sizesText(serverSizesAfter)} (an alert is ${base.alert + (serverPadding ?? 0)}${paddingNote('the server\'s', serverPadding)})`;

  return {
    clientFlight: reading.flight,
    serverAnswer,
    clientRecordSizes: clientSizes,
    serverRecordSizesAfter: serverSizesAfter,
    clientFlightFrame,
    serverAnswerFrame: serverAfter[0]?.frame ?? null,
    serverFlightRecordSizes: serverFlight,
    sizes,
    clientPadding: reading.padding,
    serverPadding,
    evidence,
  };
}

interface ClientReading {
  readonly flight: ClientFlightReading;
  readonly records: readonly EncryptedRecordInfo[];
  readonly padding: number | null;
}

/** Record sizes in words: "517 + 53 bytes", or "none". */
function sizesText(list: readonly number[]): string {
  return list.length === 0 ? 'none' : `${list.join(' + ')} bytes`;
}

/** The evidence's note on a side's padding, '' when it pads nothing (or is unknown). */
function paddingNote(who: string, padding: number | null): string {
  return padding !== null && padding > 0 ? `; ${who} records padded by ${padding} bytes, as JSSE does` : '';
}

/** The client's second flight read with the sizes of one padding (`padding`: that padding, null when loose). */
function readClientFlight(client: readonly EncryptedRecordInfo[], sizes: Tls13Sizes, answerFrame: number, loose: boolean, padding: number | null): ClientReading {
  const clientEnd = client.findIndex((r) => r.length === sizes.finished || r.length === sizes.emptyCertificateAndFinished);
  const records = clientEnd >= 0 ? client.slice(0, clientEnd + 1) : client.filter((r, i) => i === 0 || r.frame < answerFrame);
  const first = records[0]?.length;
  const second = records[1]?.length;
  let flight: ClientFlightReading;
  if (first === undefined) flight = 'none';
  else if (first === sizes.finished) flight = 'finished-only';
  else if ((first === sizes.emptyCertificate && (second === undefined || second === sizes.finished)) || first === sizes.emptyCertificateAndFinished) flight = 'empty-certificate';
  else if (first === sizes.alert && records.length === 1) flight = 'client-alert';
  else if (loose && first <= MAX_ALERT_SIZED && records.length === 1) flight = 'client-alert';
  else if (first > sizes.emptyCertificateAndFinished + 100 && (loose || clientEnd >= 0)) flight = 'certificate-sent';
  else flight = 'unclear';
  return { flight, records, padding };
}
