/**
 * What the TLS tracker asks of record decryption, owned here so that the TLS layer depends on
 * no layer above it: decrypt/ implements these types from a key log, and the pipeline hands
 * the tracker a factory. Without one, nothing is decrypted and every connection reports
 * {@link NO_KEY_LOG}.
 */
import type { RecordHeader } from '../record-stream.js';

/** A side of the TLS connection. */
export type TlsRole = 'client' | 'server';

/** Per-connection decryption outcome, as the report shows it. */
export interface DecryptionStatus {
  /**
   * decrypted: records were decrypted and none failed; no-secrets: the key log has nothing for
   * this connection; failed: secrets present but a record did not decrypt; not-attempted: no key
   * log, nothing encrypted, or a version/suite this tool does not decrypt.
   */
  readonly status: 'decrypted' | 'no-secrets' | 'failed' | 'not-attempted';
  /** Frame of the first record that failed to decrypt. */
  readonly frame?: number;
  /** Why, in one sentence. */
  readonly reason?: string;
}

/** The status of (nearly) every connection without a key log: one shared read-only object. */
export const NO_KEY_LOG: DecryptionStatus = Object.freeze({ status: 'not-attempted', reason: 'no key log was given (--keylog FILE, or a pcapng file with a Decryption Secrets Block)' });

/** Whether a key log was given for the connection a status is of: every status but {@link NO_KEY_LOG}'s (none counts as that). */
export function keyLogGiven(status: Pick<DecryptionStatus, 'reason'> | undefined): boolean {
  return status !== undefined && status.reason !== NO_KEY_LOG.reason;
}

/** Why a key log that was given was not used for a connection, or null when it was used, had no secrets, or none was given. */
export function unusedKeyLogReason(status: Pick<DecryptionStatus, 'status' | 'reason'> | undefined): string | null {
  return status?.status === 'not-attempted' && status.reason !== undefined && keyLogGiven(status) ? status.reason : null;
}

/** What the tracker knows at the ServerHello, which is what a decryptor is made from. */
export interface RecordDecryptorSetup {
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  /** Negotiated version (supported_versions for TLS 1.3). */
  readonly version: number;
  readonly tls13: boolean;
  readonly cipherSuite: number;
  /** RFC 7366 encrypt_then_mac in the ServerHello (CBC suites only). */
  readonly encryptThenMac: boolean;
  /** The ClientHello offered early data (TLS 1.3 0-RTT): undecryptable client records before its handshake flight are 0-RTT. */
  readonly earlyDataOffered: boolean;
  /** application_data records the client sent before the ServerHello (0-RTT), for the early-data sequence number. */
  readonly clientRecordsBeforeServerHello: number;
}

/** An opened record: its real content type and plaintext, or why it stayed closed. */
export type OpenedRecord = { readonly ok: true; readonly contentType: number; readonly plaintext: Uint8Array } | { readonly ok: false; readonly reason: string };

/**
 * Keys and sequence numbers of one connection. The tracker asks which records to open
 * (`wants`) and hands every protected record to `open` or `skip`, in stream order per side, so
 * that sequence numbers stay right; it reports the key switches the handshake makes.
 */
export interface RecordDecryptor {
  /** Whether this side's records are protected now (TLS 1.3: after ServerHello; TLS ≤ 1.2: after its ChangeCipherSpec). */
  active(role: TlsRole): boolean;
  /** Whether the handshake analysis needs this record opened. */
  wants(role: TlsRole, contentType: number, length: number): boolean;
  /** Opens the next protected record of this side. Never throws. */
  open(role: TlsRole, header: RecordHeader, body: Uint8Array, frame: number): OpenedRecord;
  /**
   * A protected record of this side that is not opened: it still takes a sequence number.
   * `tail`: the record's last bytes (at least `tailWanted`), when they were read.
   */
  skip(role: TlsRole, tail?: Uint8Array): void;
  /** How many last bytes of this side's skipped records `skip` needs (TLS 1.0 CBC: the next record's IV); 0 for none. */
  tailWanted(role: TlsRole): number;
  /** TLS ≤ 1.2: this side's ChangeCipherSpec. */
  changeCipherSpec(role: TlsRole): void;
  /** This side's Finished was opened. */
  finished(role: TlsRole): void;
  /** This side's KeyUpdate was opened (TLS 1.3). */
  keyUpdate(role: TlsRole): void;
  /** The outcome so far, for the report. */
  status(): DecryptionStatus;
}

/** A decryptor for the connection, or the status that explains why there is none. */
type RecordDecryptorCreation = { readonly ok: true; readonly decryptor: RecordDecryptor } | { readonly ok: false; readonly status: DecryptionStatus };

/** Makes a connection's decryptor at its ServerHello (e.g. from the secrets of a key log). */
export interface RecordDecryptorFactory {
  /** Whether any secrets are known now; a key log may grow while the capture is read (pcapng Decryption Secrets Blocks). */
  hasSecrets(): boolean;
  /** Never throws. */
  create(setup: RecordDecryptorSetup): RecordDecryptorCreation;
}
