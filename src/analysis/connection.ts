/**
 * The connection record: everything the capture shows of one TCP connection and its TLS
 * handshake(s), with roles resolved (client = ClientHello sender). Diagnosis rules and
 * renderers read this; nothing here holds capture bytes beyond small copies.
 */
import type { Anomaly } from '../util/anomaly.js';
import type { Timestamp } from '../util/time.js';
import type { Endpoint, GapReason, TcpEvent } from '../flow/types.js';
import type { CertificateSummary } from '../x509/index.js';
import type { StarttlsProtocol } from '../tls/session/starttls.js';
import type { ClientHelloInfo, ServerHelloInfo, CertificateRequestInfo, KeyExchangeInfo } from './handshake-info.js';
import type { DecryptionStatus } from '../decrypt/connection-decryptor.js';

export type Role = 'client' | 'server';

/** How the client/server roles were decided. */
export type RoleSource = 'syn' | 'client-hello' | 'first-packet';

/** One line of the connection's story, in capture order. */
export interface TimelineEntry {
  readonly frame: number;
  readonly time: Timestamp;
  /** Null for events that belong to neither side (a gap's cause, capture end). */
  readonly from: Role | null;
  readonly kind: 'tcp' | 'handshake' | 'encrypted-handshake' | 'alert' | 'ccs' | 'encrypted' | 'heartbeat' | 'gap' | 'not-tls' | 'tls-start';
  /** Short label, e.g. "ClientHello", "Alert fatal handshake_failure (40)", "FIN". */
  readonly label: string;
  /** Handshake type, alert code or record length, when it applies. */
  readonly code?: number;
  readonly length?: number;
}

export interface AlertRecord {
  readonly from: Role;
  /** null when the alert is encrypted. */
  readonly level: number | null;
  readonly description: number | null;
  readonly encrypted: boolean;
  /** Record length (useful for encrypted alerts). */
  readonly length: number;
  readonly frame: number;
  readonly time: Timestamp;
  /** True when the alert was encrypted on the wire and read with a key log (`encrypted` is then false: its code is known). */
  readonly decrypted?: boolean;
}

/** An encrypted record whose size the inference rules look at. */
export interface EncryptedRecordInfo {
  readonly from: Role;
  readonly kind: 'application-data' | 'handshake' | 'alert';
  readonly length: number;
  readonly frame: number;
  readonly time: Timestamp;
}

/** One TLS handshake (a connection may hold several: HRR is part of one, renegotiation starts another). */
export interface Handshake {
  readonly index: number;
  clientHello: ClientHelloInfo | null;
  clientHelloFrame: number | null;
  clientHelloTime: Timestamp | null;
  /** The ClientHello sent again after a HelloRetryRequest (the first one is `clientHello`). */
  secondClientHello: ClientHelloInfo | null;
  helloRetryRequest: ServerHelloInfo | null;
  serverHello: ServerHelloInfo | null;
  serverHelloFrame: number | null;
  serverHelloTime: Timestamp | null;
  /** null: no Certificate seen from the server (not sent, or encrypted). */
  serverCertificates: CertificateSummary[] | null;
  serverCertificateFrame: number | null;
  /** DER of each server certificate, parallel to `serverCertificates` (chain verification against trust stores). */
  serverCertificateDers?: readonly Uint8Array[] | null;
  serverKeyExchange: KeyExchangeInfo | null;
  serverKeyExchangeFrame: number | null;
  /** TLS 1.3 EncryptedExtensions and the server's CertificateVerify, when read (in the clear or with a key log). */
  encryptedExtensionsFrame: number | null;
  serverCertificateVerifyFrame: number | null;
  certificateRequest: CertificateRequestInfo | null;
  certificateRequestFrame: number | null;
  serverHelloDoneFrame: number | null;
  /** null: no Certificate seen from the client; []: an empty Certificate. */
  clientCertificates: CertificateSummary[] | null;
  clientCertificateFrame: number | null;
  /** DER of each client certificate, parallel to `clientCertificates`. */
  clientCertificateDers?: readonly Uint8Array[] | null;
  clientCertificateTime: Timestamp | null;
  clientKeyExchangeFrame: number | null;
  /** Signature scheme of the client's CertificateVerify, when seen. */
  clientCertificateVerify: { readonly frame: number; readonly scheme: number | null } | null;
  clientCcsFrame: number | null;
  serverCcsFrame: number | null;
  /** Finished messages: cleartext (rare) or the encrypted handshake record right after CCS. */
  clientFinishedFrame: number | null;
  serverFinishedFrame: number | null;
  serverFinishedTime: Timestamp | null;
  newSessionTicketFrame: number | null;
  /** TLS 1.3 encrypted flights, by record: what the size inference reads. */
  readonly encryptedRecords: EncryptedRecordInfo[];
}

/** A handshake with nothing seen yet: every message absent. */
export function emptyHandshake(index: number): Handshake {
  return {
    index,
    clientHello: null,
    clientHelloFrame: null,
    clientHelloTime: null,
    secondClientHello: null,
    helloRetryRequest: null,
    serverHello: null,
    serverHelloFrame: null,
    serverHelloTime: null,
    serverCertificates: null,
    serverCertificateFrame: null,
    serverKeyExchange: null,
    serverKeyExchangeFrame: null,
    encryptedExtensionsFrame: null,
    serverCertificateVerifyFrame: null,
    certificateRequest: null,
    certificateRequestFrame: null,
    serverHelloDoneFrame: null,
    clientCertificates: null,
    clientCertificateFrame: null,
    clientCertificateTime: null,
    clientKeyExchangeFrame: null,
    clientCertificateVerify: null,
    clientCcsFrame: null,
    serverCcsFrame: null,
    clientFinishedFrame: null,
    serverFinishedFrame: null,
    serverFinishedTime: null,
    newSessionTicketFrame: null,
    encryptedRecords: [],
  };
}

export interface RoleCounters {
  readonly packets: number;
  readonly bytes: number;
  readonly missingBytes: number;
  readonly retransmissions: number;
  readonly tlsRecords: number;
  readonly applicationDataRecords: number;
  readonly applicationDataBytes: number;
  readonly firstApplicationDataFrame: number | null;
}

interface TcpFacts {
  readonly synFrame: number | null;
  readonly synAckFrame: number | null;
  readonly ackFrame: number | null;
  readonly end: {
    readonly how: 'fin' | 'rst' | 'open' | 'idle' | 'evicted';
    readonly by: Role | null;
    readonly frame: number | null;
    readonly time: Timestamp | null;
  };
  readonly events: readonly (TcpEvent & { readonly from: Role })[];
}

export interface Connection {
  readonly id: number;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly rolesFrom: RoleSource;
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly startTime: Timestamp;
  readonly endTime: Timestamp;
  /** true: TLS seen; false: data seen and it was not TLS; null: no payload at all. */
  readonly tls: boolean | null;
  readonly starttls: StarttlsProtocol | null;
  /** What a side sent instead of TLS, when it did. */
  readonly notTls: readonly { readonly from: Role; readonly firstBytes: Uint8Array; readonly atStart: boolean; readonly frame: number }[];
  readonly handshakes: readonly Handshake[];
  readonly alerts: readonly AlertRecord[];
  readonly gaps: readonly { readonly from: Role; readonly length: number; readonly reason: GapReason; readonly frame: number }[];
  readonly counters: { readonly client: RoleCounters; readonly server: RoleCounters };
  readonly tcp: TcpFacts;
  readonly timeline: readonly TimelineEntry[];
  /** True when the timeline hit its bound and later entries were dropped. */
  readonly timelineTruncated: boolean;
  /** Zeek-style ssl_history: one letter per message, upper case = client. */
  readonly history: string;
  readonly anomalies: readonly Anomaly[];
  /** What key log decryption achieved on this connection (absent: the connection was built without the TLS layer's final report). */
  readonly decryption?: DecryptionStatus;
  /** The capture file ended inside a packet while this connection was still open: what came next is not in the file. */
  readonly captureCut?: CaptureCut;
}

/** Where a capture file was cut short (`capture.truncated_file`). */
export interface CaptureCut {
  /** Number of the packet the file ends inside (the packets before it were read whole). */
  readonly frame: number;
  /** Bytes the file holds (of the decompressed capture, when `gzip`). */
  readonly byte: number;
  readonly gzip: boolean;
}
