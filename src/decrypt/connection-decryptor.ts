/**
 * Decryption state of one TLS connection: keys per direction, sequence numbers, and the key
 * switches the handshake makes (RFC 8446 §7: handshake → application traffic keys after each
 * side's Finished, KeyUpdate; RFC 5246 §6.1: keys take effect at ChangeCipherSpec).
 *
 * Created once the ClientHello (client random) and ServerHello (version, suite, server random)
 * are known and the key log holds secrets for the connection. The TLS layer asks it which
 * records to decrypt (`wants`) — only what the handshake analysis needs — and hands every
 * protected record to `open` or `skip`, in order, so that sequence numbers stay right.
 * Application data is never kept: the caller drops its plaintext.
 *
 * TLS 1.0 CBC records carry no IV: each record's IV is the last ciphertext block of the record
 * before it (RFC 2246 §6.2.3.2). That block is on the wire, so the caller hands over the last
 * bytes of each record it skips (`tailWanted`), never the record itself.
 */
import type { KeyLogLookup, SessionSecrets } from './keylog.js';
import { toHex } from './keylog.js';
import { openCbcRecord, openTls12AeadRecord, openTls13Record } from './record-protection.js';
import type { OpenResult, RecordHeaderFields } from './record-protection.js';
import { decryptableSuite } from './suite-params.js';
import type { AeadSuite, DecryptableSuite } from './suite-params.js';
import { keyBlock } from './tls12-prf.js';
import { hashLength, nextTrafficSecret, tls13DraftRules, trafficKeys } from './tls13-key-schedule.js';
import type { Tls13Rules } from './tls13-key-schedule.js';
import { ContentType } from '../tls/registry/content-types.js';
import type { DecryptionStatus, RecordDecryptor, RecordDecryptorFactory, RecordDecryptorSetup, TlsRole } from '../tls/session/decryption.js';

// The status types are the TLS layer's (it reports them); named here too for decrypt's users.
export { NO_KEY_LOG } from '../tls/session/decryption.js';
export type { DecryptionStatus } from '../tls/session/decryption.js';

/** What the decryptor needs to know about the connection (the tracker's view of it). */
export type DecryptorSetup = RecordDecryptorSetup;

/** Which records are decrypted; each limit has a default. */
export interface DecryptorOptions {
  /** After a side's Finished, its first records decrypted regardless of size (NewSessionTicket, post-handshake CertificateRequest, KeyUpdate). Default 4. */
  readonly maxPostHandshakeRecords?: number;
  /** After that, only records this small are decrypted (alerts: 19–35 bytes in TLS 1.3; KeyUpdate: 22). Default 64. */
  readonly maxSmallRecordLength?: number;
}

/** Result of creating a decryptor: the decryptor, or the status that explains why there is none. */
export type DecryptorCreation = { readonly ok: true; readonly decryptor: ConnectionDecryptor } | { readonly ok: false; readonly status: DecryptionStatus };

/** An opened record; `early` marks a TLS 1.3 0-RTT record (its plaintext is application data). */
type RecordOutcome = (OpenResult & { readonly early?: boolean }) | { readonly ok: false; readonly reason: string; readonly skippedEarly: true };

type Opener = (seq: number, header: RecordHeaderFields, body: Uint8Array) => OpenResult;

type Phase = 'waiting' | 'handshake' | 'application' | 'stopped';

class DirectionState {
  phase: Phase = 'waiting';
  seq = 0;
  opener: Opener | null = null;
  /** TLS 1.3: the current traffic secret (for KeyUpdate). */
  secret: Uint8Array | null = null;
  /** Records seen since this side's Finished. */
  applicationRecords = 0;
  /** A record of this side's handshake flight has decrypted (ends the 0-RTT window). */
  handshakeOpened = false;
  earlySeq = 0;
  earlyOpener: Opener | null = null;
  note: string | null = null;
  /** TLS 1.0 CBC: the IV of this side's next record; null when the record before was not captured whole. */
  chainIv: Uint8Array | null = null;
}

const SECRET_LABELS: readonly [keyof SessionSecrets, string][] = [
  ['masterSecret', 'CLIENT_RANDOM'],
  ['clientEarlyTrafficSecret', 'CLIENT_EARLY_TRAFFIC_SECRET'],
  ['clientHandshakeTrafficSecret', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'],
  ['serverHandshakeTrafficSecret', 'SERVER_HANDSHAKE_TRAFFIC_SECRET'],
  ['clientTrafficSecret0', 'CLIENT_TRAFFIC_SECRET_0'],
  ['serverTrafficSecret0', 'SERVER_TRAFFIC_SECRET_0'],
  ['exporterSecret', 'EXPORTER_SECRET'],
];

function labelsPresent(s: SessionSecrets): string {
  const present = SECRET_LABELS.filter(([k]) => s[k] !== undefined).map(([, l]) => l);
  return present.length === 0 ? 'nothing' : present.join(', ');
}

function shortRandom(r: Uint8Array): string {
  return `${toHex(r.subarray(0, 8))}…`;
}

/** Looks the connection up in the key log and prepares its keys. Never throws. */
export function createConnectionDecryptor(keyLog: KeyLogLookup, setup: DecryptorSetup, options: DecryptorOptions = {}): DecryptorCreation {
  if (setup.clientRandom.length !== 32) return { ok: false, status: { status: 'not-attempted', reason: 'the ClientHello random is not 32 bytes (SSLv2-format hello), so no key log line can match' } };
  if (!setup.tls13 && setup.version < 0x0301) {
    return { ok: false, status: { status: 'not-attempted', reason: 'SSL 3.0 records are not decrypted (its MAC and key derivation are not those of TLS)' } };
  }
  const suite = decryptableSuite(setup.cipherSuite, setup.version, setup.tls13);
  if ('unsupported' in suite) return { ok: false, status: { status: 'not-attempted', reason: suite.unsupported } };
  const secrets = keyLog.get(setup.clientRandom);
  if (secrets === undefined) {
    return { ok: false, status: { status: 'no-secrets', reason: `the key log has no secrets for this connection (client random ${shortRandom(setup.clientRandom)})` } };
  }
  if (setup.tls13) {
    if (suite.protection.kind !== 'aead') return { ok: false, status: { status: 'not-attempted', reason: 'TLS 1.3 suites are AEAD only' } };
    if (secrets.clientHandshakeTrafficSecret === undefined && secrets.serverHandshakeTrafficSecret === undefined) {
      return { ok: false, status: { status: 'no-secrets', reason: `the key log has no TLS 1.3 handshake traffic secrets for this connection (it has ${labelsPresent(secrets)})` } };
    }
    const n = hashLength(suite.protection.hash);
    for (const [k, l] of SECRET_LABELS) {
      const v = secrets[k];
      if (k !== 'masterSecret' && v !== undefined && v.length !== n) {
        return { ok: false, status: { status: 'failed', reason: `secrets present but unusable: ${l} is ${v.length} bytes, the suite's hash makes ${n}` } };
      }
    }
  } else if (secrets.masterSecret === undefined) {
    return { ok: false, status: { status: 'no-secrets', reason: `the key log has no CLIENT_RANDOM master secret for this connection (it has ${labelsPresent(secrets)})` } };
  }
  return { ok: true, decryptor: new ConnectionDecryptor(setup, suite, secrets, options) };
}

/**
 * The decryption the TLS tracker asks for, from a key log: at each ServerHello the connection is
 * looked up in `keyLog` (read then, so secrets added while the capture is read still serve it).
 */
export function keyLogDecryption(keyLog: KeyLogLookup, options: DecryptorOptions = {}): RecordDecryptorFactory {
  return {
    hasSecrets: () => keyLog.size > 0,
    create: (setup) => createConnectionDecryptor(keyLog, setup, options),
  };
}

/** Keys and sequence numbers of one connection; see the module comment. */
class ConnectionDecryptor implements RecordDecryptor {
  readonly tls13: boolean;
  /** TLS 1.0 with a CBC suite: IVs chain from record to record. */
  private readonly chained: boolean;
  /** TLS 1.3: where the negotiated draft (if any) differs from RFC 8446. */
  private readonly rules: Tls13Rules;
  private readonly dirs: Record<TlsRole, DirectionState> = { client: new DirectionState(), server: new DirectionState() };
  private readonly maxPostHandshake: number;
  private readonly maxSmall: number;
  private decrypted = 0;
  private failure: { frame: number; reason: string } | null = null;

  constructor(
    private readonly setup: DecryptorSetup,
    private readonly suite: DecryptableSuite,
    private readonly secrets: SessionSecrets,
    options: DecryptorOptions,
  ) {
    this.tls13 = setup.tls13;
    this.chained = !setup.tls13 && setup.version === 0x0301 && suite.protection.kind === 'cbc';
    this.rules = tls13DraftRules(setup.version);
    this.maxPostHandshake = options.maxPostHandshakeRecords ?? 4;
    this.maxSmall = options.maxSmallRecordLength ?? 64;
    if (this.tls13) {
      // RFC 8446 §2: both sides encrypt with handshake keys right after the ServerHello.
      this.startTls13('client', secrets.clientHandshakeTrafficSecret, 'handshake', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
      this.startTls13('server', secrets.serverHandshakeTrafficSecret, 'handshake', 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
      const early = secrets.clientEarlyTrafficSecret;
      if (early !== undefined && setup.earlyDataOffered) {
        const c = this.dirs.client;
        c.earlyOpener = this.tls13Opener(early);
        c.earlySeq = setup.clientRecordsBeforeServerHello;
      }
    }
  }

  /** Whether this side's records are protected now (TLS 1.3: after ServerHello; TLS ≤ 1.2: after its ChangeCipherSpec). */
  active(role: TlsRole): boolean {
    const p = this.dirs[role].phase;
    return p === 'handshake' || p === 'application';
  }

  /** Whether the analysis needs this record decrypted (see DecryptorOptions). */
  wants(role: TlsRole, contentType: number, length: number): boolean {
    const d = this.dirs[role];
    if (d.opener === null || (d.phase !== 'handshake' && d.phase !== 'application')) return false;
    if (this.tls13) {
      if (contentType !== ContentType.applicationData) return false;
      if (d.phase === 'handshake') return true;
      return d.applicationRecords < this.maxPostHandshake || length <= this.maxSmall;
    }
    if (contentType === ContentType.alert) return true;
    if (contentType === ContentType.handshake) return d.phase === 'handshake';
    return false;
  }

  /** TLS ≤ 1.2: this side's ChangeCipherSpec; its next record is the first under the new keys (sequence 0). */
  changeCipherSpec(role: TlsRole): void {
    if (this.tls13) return;
    const d = this.dirs[role];
    if (d.phase === 'waiting') {
      const b = this.tls12Block();
      d.opener = this.tls12Opener(role, b);
      d.phase = 'handshake';
      d.seq = 0;
    } else if (d.phase !== 'stopped') {
      // A renegotiation switches to keys of a new handshake: not derived here.
      d.phase = 'stopped';
      d.note = `the ${role}'s records after its second ChangeCipherSpec (renegotiation) are not decrypted`;
    }
  }

  /** A protected record of this side that is not decrypted: it still takes a sequence number (and, in TLS 1.0, gives the next IV from its `tail`). */
  skip(role: TlsRole, tail?: Uint8Array): void {
    const d = this.dirs[role];
    if (d.phase === 'waiting' || d.phase === 'stopped') return;
    d.seq++;
    if (d.phase === 'application') d.applicationRecords++;
    if (this.chained) d.chainIv = tail === undefined ? null : this.lastCipherBlock(tail);
  }

  /** TLS 1.0 CBC: the last block of a skipped record (and the MAC after it, with encrypt-then-MAC) gives the next IV. */
  tailWanted(role: TlsRole): number {
    const p = this.suite.protection;
    if (!this.chained || p.kind !== 'cbc' || !this.active(role)) return 0;
    return p.blockSize + (this.setup.encryptThenMac ? p.macLength : 0);
  }

  /** Decrypts one protected record of this side (the next in sequence). Never throws. */
  open(role: TlsRole, header: RecordHeaderFields, body: Uint8Array, frame: number): RecordOutcome {
    const d = this.dirs[role];
    if (d.opener === null || (d.phase !== 'handshake' && d.phase !== 'application')) return { ok: false, reason: 'no keys for this record' };
    if (this.chained && d.chainIv === null) {
      // The IV is the last block of a record that was not captured whole: nothing to open with.
      d.phase = 'stopped';
      d.note = `the ${role}'s records from frame ${frame} on are not decrypted: a TLS 1.0 record's IV is the end of the record before it, which was not captured`;
      return { ok: false, reason: 'the IV (the end of the record before) was not captured' };
    }
    const seq = d.seq;
    let result: OpenResult;
    try {
      result = d.opener(seq, header, body);
    } catch (err) {
      result = { ok: false, reason: `the cipher refused the record (${err instanceof Error ? err.message : String(err)})` };
    }
    if (this.chained) d.chainIv = this.lastCipherBlock(body);
    if (result.ok) {
      d.seq++;
      if (d.phase === 'application') d.applicationRecords++;
      else d.handshakeOpened = true;
      this.decrypted++;
      return result;
    }
    if (role === 'client' && this.tls13 && d.phase === 'handshake' && !d.handshakeOpened && this.setup.earlyDataOffered) {
      // RFC 8446 §2.3: 0-RTT records come first, under the early traffic secret.
      if (d.earlyOpener !== null) {
        const early = d.earlyOpener(d.earlySeq, header, body);
        if (early.ok) {
          d.earlySeq++;
          this.decrypted++;
          return { ...early, early: true };
        }
      }
      return { ok: false, reason: 'a 0-RTT (early data) record', skippedEarly: true };
    }
    d.seq++;
    if (this.failure === null) this.failure = { frame, reason: `${role} record: ${result.reason}` };
    // Later records of this side would fail the same way: stop rather than report each.
    d.phase = 'stopped';
    return result;
  }

  /** This side's Finished was decrypted: TLS 1.3 switches it to application traffic keys (RFC 8446 §7.1). */
  finished(role: TlsRole): void {
    const d = this.dirs[role];
    if (d.phase !== 'handshake') return;
    if (!this.tls13) {
      d.phase = 'application';
      return;
    }
    const secret = role === 'client' ? this.secrets.clientTrafficSecret0 : this.secrets.serverTrafficSecret0;
    this.startTls13(role, secret, 'application', role === 'client' ? 'CLIENT_TRAFFIC_SECRET_0' : 'SERVER_TRAFFIC_SECRET_0');
  }

  /** A KeyUpdate from this side: its following records use the next traffic secret (RFC 8446 §4.6.3). */
  keyUpdate(role: TlsRole): void {
    const d = this.dirs[role];
    if (!this.tls13 || d.phase !== 'application' || d.secret === null) return;
    const next = nextTrafficSecret(this.hash, d.secret, this.rules.labelPrefix);
    d.secret = next;
    d.opener = this.tls13Opener(next);
    d.seq = 0;
  }

  /** The outcome so far, for the report. */
  status(): DecryptionStatus {
    const notes = [this.dirs.server.note, this.dirs.client.note].filter((n): n is string => n !== null);
    if (this.failure !== null) {
      return { status: 'failed', frame: this.failure.frame, reason: `secrets present but decryption failed at frame ${this.failure.frame} (${this.failure.reason}): the key log does not belong to this connection, or the capture is damaged` };
    }
    if (this.decrypted > 0) return notes.length > 0 ? { status: 'decrypted', reason: notes.join('; ') } : { status: 'decrypted' };
    return { status: 'not-attempted', reason: notes[0] ?? 'secrets present, but no encrypted record needed decrypting' };
  }

  private get hash(): AeadSuite['hash'] {
    return this.suite.protection.kind === 'aead' ? this.suite.protection.hash : 'sha256';
  }

  private startTls13(role: TlsRole, secret: Uint8Array | undefined, phase: 'handshake' | 'application', label: string): void {
    const d = this.dirs[role];
    d.seq = 0;
    d.applicationRecords = 0;
    if (secret === undefined) {
      d.phase = 'stopped';
      d.opener = null;
      d.secret = null;
      d.note = `the key log has no ${label}: the ${role}'s ${phase === 'handshake' ? 'handshake' : 'post-handshake'} records stay encrypted`;
      return;
    }
    d.phase = phase;
    d.secret = secret;
    d.opener = this.tls13Opener(secret);
  }

  private tls13Opener(secret: Uint8Array): Opener {
    const suite = this.suite.protection as AeadSuite;
    const { labelPrefix, headerAad } = this.rules;
    const keys = { suite, ...trafficKeys(suite.hash, secret, suite.keyLength, suite.fixedIvLength, labelPrefix) };
    return (seq, header, body) => openTls13Record(keys, seq, header, body, headerAad);
  }

  private tls12Block(): ReturnType<typeof keyBlock> {
    const p = this.suite.protection;
    const master = this.secrets.masterSecret ?? new Uint8Array(48);
    // TLS 1.0 CBC takes each side's first IV from the key block (RFC 2246 §6.3).
    const lengths = p.kind === 'aead' ? { macKey: 0, encKey: p.keyLength, fixedIv: p.fixedIvLength } : { macKey: p.macLength, encKey: p.keyLength, fixedIv: this.chained ? p.blockSize : 0 };
    return keyBlock(this.suite.prf, master, this.setup.clientRandom, this.setup.serverRandom, lengths);
  }

  private tls12Opener(role: TlsRole, b: ReturnType<typeof keyBlock>): Opener {
    const p = this.suite.protection;
    const key = role === 'client' ? b.clientKey : b.serverKey;
    if (p.kind === 'aead') {
      const keys = { suite: p, key, iv: role === 'client' ? b.clientIv : b.serverIv };
      return (seq, header, body) => openTls12AeadRecord(keys, seq, header, body);
    }
    const keys = { suite: p, key, macKey: role === 'client' ? b.clientMacKey : b.serverMacKey, encryptThenMac: this.setup.encryptThenMac };
    if (!this.chained) return (seq, header, body) => openCbcRecord(keys, seq, header, body);
    const d = this.dirs[role];
    d.chainIv = role === 'client' ? b.clientIv : b.serverIv;
    // `open` checks that the IV is known before it calls this.
    return (seq, header, body) => openCbcRecord(keys, seq, header, body, d.chainIv ?? undefined);
  }

  /** The last ciphertext block of a record's end (before the MAC with encrypt-then-MAC), copied; null when too short. */
  private lastCipherBlock(end: Uint8Array): Uint8Array | null {
    const p = this.suite.protection;
    if (p.kind !== 'cbc') return null;
    const stop = end.length - (this.setup.encryptThenMac ? p.macLength : 0);
    return stop >= p.blockSize ? end.slice(stop - p.blockSize, stop) : null;
  }
}
