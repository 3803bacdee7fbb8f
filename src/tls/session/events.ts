import type { Anomaly } from '../../util/anomaly.js';
import type { Timestamp } from '../../util/time.js';
import type { Direction, GapReason } from '../../flow/types.js';
import type { DecodeIssue } from '../../util/decoded.js';
import type { HandshakeMessage } from './handshake-message.js';
import type { StarttlsProtocol } from './starttls.js';
import type { DecryptionStatus } from './decryption.js';

/**
 * What the TLS layer saw on one connection, in stream order per direction.
 * Directions are the flow layer's (0 = initiator, 1 = responder); the analysis decides
 * which one is the TLS client (the ClientHello sender).
 */
export type TlsEvent =
  | {
      readonly kind: 'tls-start';
      readonly direction: Direction;
      /** 'record': TLS records from the first byte; 'sslv2': an SSLv2-format ClientHello; 'starttls': after a plaintext exchange. */
      readonly how: 'record' | 'sslv2' | 'starttls';
      readonly starttls: StarttlsProtocol | null;
      /** Stream offset where TLS began (non-zero after STARTTLS). */
      readonly offset: number;
      readonly frame: number;
      readonly time: Timestamp;
    }
  | {
      readonly kind: 'not-tls';
      readonly direction: Direction;
      /** First bytes of the direction (a copy, at most 64), to show what was there instead. */
      readonly firstBytes: Uint8Array;
      /** True when the direction never carried TLS; false when TLS stopped making sense mid-stream. */
      readonly atStart: boolean;
      readonly offset: number;
      readonly frame: number;
      readonly time: Timestamp;
    }
  | {
      readonly kind: 'handshake';
      readonly direction: Direction;
      readonly msgType: number;
      /** Body length from the handshake header. */
      readonly length: number;
      /** The decoded message, or undefined when decoding failed (see `issue`). */
      readonly message: HandshakeMessage | undefined;
      readonly issue: DecodeIssue | undefined;
      readonly frame: number;
      readonly lastFrame: number;
      readonly time: Timestamp;
      /** True when the message was read from records decrypted with a key log. */
      readonly decrypted?: boolean;
    }
  | {
      /** A handshake record after this direction started encrypting (TLS ≤ 1.2: the Finished after CCS). */
      readonly kind: 'encrypted-handshake';
      readonly direction: Direction;
      readonly length: number;
      readonly frame: number;
      readonly time: Timestamp;
      /** True when a key log decrypted it: its messages follow as `handshake` events with `decrypted: true`. */
      readonly decrypted?: boolean;
    }
  | {
      readonly kind: 'alert';
      readonly direction: Direction;
      readonly level: number;
      readonly description: number;
      readonly frame: number;
      readonly time: Timestamp;
      /** True when the alert was encrypted on the wire and read with a key log. */
      readonly decrypted?: boolean;
    }
  | {
      /** An alert record whose content is encrypted (its record length tells it is one). */
      readonly kind: 'encrypted-alert';
      readonly direction: Direction;
      readonly length: number;
      readonly frame: number;
      readonly time: Timestamp;
      /** True when a key log decrypted it: the alert follows as an `alert` event with `decrypted: true`. */
      readonly decrypted?: boolean;
    }
  | {
      readonly kind: 'change-cipher-spec';
      readonly direction: Direction;
      /** True when the body was the single byte 1. */
      readonly valid: boolean;
      readonly frame: number;
      readonly time: Timestamp;
    }
  | {
      /**
       * An application_data record (content type 23): application data, or in TLS 1.3 any
       * encrypted record. Reported individually for the first `maxRecordedEncryptedRecords`
       * of each direction, then once more for the first record past them (`beyondLimit`), so
       * that the count of the rest starts at its frame and time; all are counted in the
       * stream statistics.
       */
      readonly kind: 'encrypted-record';
      readonly direction: Direction;
      readonly length: number;
      readonly frame: number;
      readonly time: Timestamp;
      /** 0-based index among this direction's application_data records. */
      readonly index: number;
      /**
       * TLS 1.3 with a key log: the real content type found inside (22 handshake, 21 alert,
       * 23 application data). Absent when the record was not decrypted.
       */
      readonly innerType?: number;
      /** The first record past `maxRecordedEncryptedRecords`: the ones after it are only counted. */
      readonly beyondLimit?: true;
    }
  | {
      readonly kind: 'heartbeat';
      readonly direction: Direction;
      readonly length: number;
      readonly encrypted: boolean;
      readonly frame: number;
      readonly time: Timestamp;
    }
  | {
      readonly kind: 'gap';
      readonly direction: Direction;
      readonly length: number;
      readonly reason: GapReason;
      readonly frame: number;
      readonly time: Timestamp;
    }
  | { readonly kind: 'anomaly'; readonly anomaly: Anomaly }
  | {
      /** Emitted once, when the connection ends: what key log decryption achieved. */
      readonly kind: 'decryption';
      readonly status: DecryptionStatus;
    };

/** Counters for one direction, complete even when individual events were capped. */
export interface TlsDirectionStats {
  records: number;
  applicationDataRecords: number;
  applicationDataBytes: number;
  firstApplicationDataFrame: number | null;
  lastApplicationDataFrame: number | null;
  /** True once this direction started encrypting (after its CCS in TLS ≤ 1.2, after ServerHello in TLS 1.3). */
  encrypted: boolean;
  bytesSkipped: number;
}

/** Receives the TLS layer's output for one connection. */
export interface TlsEventSink {
  event(e: TlsEvent): void;
}
