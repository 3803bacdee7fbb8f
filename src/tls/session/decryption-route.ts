/**
 * The tracker's one job here: route a connection's protected records through decryption. It
 * remembers the first ClientHello (its random finds the secrets, its sender is the client),
 * makes the decryptor at the ServerHello through the factory it is given, says which records are
 * protected and wanted, keeps the decryptor's sequence numbers in step (every protected record
 * is opened or skipped, in order), and tells the decryptor of the key switches the handshake
 * makes. Without a factory or secrets it does nothing but say why.
 */
import type { Direction } from '../../flow/types.js';
import type { RecordHeader } from '../record-stream.js';
import { ContentType } from '../registry/content-types.js';
import type { ServerHello } from '../handshake/server-hello.js';
import type { NegotiationContext } from './handshake-message.js';
import { NO_KEY_LOG } from './decryption.js';
import type { DecryptionStatus, OpenedRecord, RecordDecryptor, RecordDecryptorFactory, TlsRole } from './decryption.js';

/** The first ClientHello of the connection, as far as decryption needs it. */
interface FirstClientHello {
  readonly random: Uint8Array;
  readonly direction: Direction;
  readonly earlyData: boolean;
}

/** Decryption of one connection's records; see the module comment. */
export class DecryptionRoute {
  private decryptor: RecordDecryptor | null = null;
  /** Why there is no decryptor, once that is known. */
  private status: DecryptionStatus | null = null;
  private clientHello: FirstClientHello | null = null;
  /** application_data records from the client before the ServerHello (TLS 1.3 0-RTT). */
  private earlyClientRecords = 0;
  /**
   * The ServerHello came before any ClientHello, with secrets at hand: a capture that shows the
   * two directions out of order (a mirror port can), or one that starts mid-handshake.
   */
  private serverHelloFirst = false;

  constructor(
    private readonly factory: RecordDecryptorFactory | undefined,
    /** The connection's negotiation so far (shared with the record dispatcher, which fills it). */
    private readonly context: NegotiationContext,
  ) {}

  /** Which side sent a direction's bytes: the first ClientHello's sender is the client. */
  roleOf(direction: Direction): TlsRole {
    return this.clientHello === null || this.clientHello.direction === direction ? 'client' : 'server';
  }

  /** The first cleartext ClientHello (or SSLv2-format hello); later ones change nothing. */
  clientHelloSeen(random: Uint8Array, direction: Direction, earlyData: boolean): void {
    if (this.clientHello === null) this.clientHello = { random: new Uint8Array(random), direction, earlyData };
  }

  /** At the ServerHello: look the connection up in the key log. */
  serverHelloSeen(sh: ServerHello): void {
    const factory = this.factory;
    if (factory === undefined || !factory.hasSecrets() || this.decryptor !== null) return;
    if (this.clientHello === null) {
      this.serverHelloFirst = true;
      return;
    }
    const made = factory.create({
      clientRandom: this.clientHello.random,
      serverRandom: new Uint8Array(sh.random),
      version: sh.version,
      tls13: this.context.isTls13,
      cipherSuite: sh.cipherSuite,
      encryptThenMac: sh.encryptThenMac,
      earlyDataOffered: this.clientHello.earlyData,
      clientRecordsBeforeServerHello: this.earlyClientRecords,
    });
    if (made.ok) this.decryptor = made.decryptor;
    else this.status = made.status;
  }

  /** Whether a record of this direction is protected by the keys the decryptor holds. */
  protects(direction: Direction, h: RecordHeader): boolean {
    const dec = this.decryptor;
    if (dec === null || h.contentType === ContentType.changeCipherSpec) return false;
    // TLS 1.3 protects records only as outer type application_data (RFC 8446 §5.2).
    if (this.context.isTls13 && h.contentType !== ContentType.applicationData) return false;
    // A 2-byte alert is cleartext: no cipher makes a record that short.
    if (h.contentType === ContentType.alert && h.length === 2) return false;
    return dec.active(this.roleOf(direction));
  }

  /** Whether this record is protected and the handshake analysis needs it opened (so its body must be kept). */
  wants(direction: Direction, h: RecordHeader): boolean {
    const dec = this.decryptor;
    return dec !== null && this.protects(direction, h) && dec.wants(this.roleOf(direction), h.contentType, h.length);
  }

  /** How many last bytes of a protected record that is not wanted the decryptor needs (TLS 1.0 CBC IV chaining). */
  tailWanted(direction: Direction, h: RecordHeader): number {
    const dec = this.decryptor;
    return dec !== null && this.protects(direction, h) ? dec.tailWanted(this.roleOf(direction)) : 0;
  }

  /**
   * A protected record (see `protects`): opened when wanted and its body was kept, else skipped
   * (null), so that the decryptor's sequence numbers stay right either way. `tail` is a skipped
   * record's end (see `tailWanted`); a kept body serves as its own tail.
   */
  take(direction: Direction, h: RecordHeader, body: Uint8Array | null, tail?: Uint8Array): OpenedRecord | null {
    const dec = this.decryptor;
    if (dec === null) return null;
    const role = this.roleOf(direction);
    if (body !== null && dec.wants(role, h.contentType, h.length)) return dec.open(role, h, body, h.frame);
    dec.skip(role, body ?? tail);
    return null;
  }

  /** A record that was not delivered (the held budget dropped it): a protected one still takes its sequence number. */
  passOver(direction: Direction, h: RecordHeader): void {
    if (this.decryptor !== null && this.protects(direction, h)) this.decryptor.skip(this.roleOf(direction));
  }

  /**
   * A record that is not protected: a client's application_data before any ServerHello is
   * counted as 0-RTT, for the early-data sequence number of the decryptor made later.
   */
  passClear(direction: Direction, h: RecordHeader): void {
    if (this.decryptor === null && h.contentType === ContentType.applicationData && this.clientHello?.direction === direction && this.context.version === null) {
      this.earlyClientRecords++;
    }
  }

  /** TLS ≤ 1.2: this direction's ChangeCipherSpec (its next records use the new keys). */
  changeCipherSpec(direction: Direction): void {
    this.decryptor?.changeCipherSpec(this.roleOf(direction));
  }

  /** A decrypted Finished of this direction. */
  finished(direction: Direction): void {
    this.decryptor?.finished(this.roleOf(direction));
  }

  /** A decrypted KeyUpdate of this direction. */
  keyUpdate(direction: Direction): void {
    this.decryptor?.keyUpdate(this.roleOf(direction));
  }

  /** What decryption achieved, for the event at the connection's end. */
  finalStatus(): DecryptionStatus {
    if (this.decryptor !== null) return this.decryptor.status();
    if (this.status !== null) return this.status;
    if (this.factory === undefined || !this.factory.hasSecrets()) return NO_KEY_LOG;
    if (this.clientHello === null) return { status: 'not-attempted', reason: 'no ClientHello was captured, so no key log line can be matched' };
    if (this.serverHelloFirst) {
      return {
        status: 'not-attempted',
        reason: 'the ServerHello was captured before the ClientHello was complete (the capture shows the two directions out of order), so the keys were not known when the encrypted records passed',
      };
    }
    return { status: 'not-attempted', reason: 'the handshake did not reach a ServerHello: nothing was encrypted' };
  }

  /** Drops the keys and the hello once the connection has been reported. */
  release(): void {
    this.decryptor = null;
    this.clientHello = null;
  }
}
