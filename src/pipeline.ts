/**
 * The part of the pipeline after decoding: TCP segments in, finished `Connection` records out
 * (flow table → TLS tracker → connection builder), with the key log secrets the capture itself
 * carries. `analyzeCapture` feeds it every segment of a capture; a worker thread of a split
 * analysis feeds it the segments of its share of the flows.
 */
import type { DecryptionSecrets } from './capture/types.js';
import type { TcpSegment } from './decode/types.js';
import { FlowTable } from './flow/index.js';
import type { ConnectionInfo, FlowTableOptions } from './flow/types.js';
import { TlsConnectionTracker, tlsHeldBudget } from './tls/session/tracker.js';
import type { TlsHeldBudget } from './tls/held-budget.js';
import type { TlsTrackerOptions } from './tls/session/tracker.js';
import { ConnectionBuilder, certificateCacheFor } from './analysis/connection-builder.js';
import type { ConnectionBuilderOptions } from './analysis/connection-builder.js';
import type { CaptureCut, Connection } from './analysis/connection.js';
import type { Anomaly } from './util/anomaly.js';
import { KeyLog, KeyLogMatchCounter, combineKeyLogs } from './decrypt/keylog.js';
import type { KeyLogLookup } from './decrypt/keylog.js';
import { keyLogDecryption } from './decrypt/connection-decryptor.js';
import type { DecryptorOptions } from './decrypt/connection-decryptor.js';

/** pcapng DSB secrets type of a TLS key log ("TLSK", pcapng spec §4.7). */
const SECRETS_TYPE_TLS_KEY_LOG = 0x544c534b;

export interface PipelineOptions extends FlowTableOptions, Omit<TlsTrackerOptions, 'decryption'>, DecryptorOptions, ConnectionBuilderOptions {
  /** Key log secrets given by the user; merged with those embedded in the capture. */
  readonly keyLog?: KeyLogLookup;
}

/** What the pipeline tells its owner. */
export interface PipelineHooks {
  /** Each connection as soon as it ends, with the frame of its last packet (its place in the table's order). */
  readonly onConnection: (connection: Connection, lastFrame: number) => void;
  /** Capture-level anomalies (bad key log lines in the capture). */
  readonly onAnomaly: (anomaly: Anomaly) => void;
  /** Each connection as it starts (its id and first frame). */
  readonly onOpen?: (info: ConnectionInfo) => void;
}

export class ConnectionPipeline {
  private readonly flows: FlowTable;
  private readonly embedded = new KeyLog();
  /** Bytes the TLS layer of all this capture's connections holds (one budget per capture, like the flow table's). */
  private readonly tlsHeld: TlsHeldBudget;

  private readonly onAnomaly: (anomaly: Anomaly) => void;
  /** The key log given by the user, counting its matches (a capture it serves not at all is told once). */
  private readonly userKeyLog: KeyLogMatchCounter | null;
  /** Set by `finish` when the capture file was cut short. */
  private cut: CaptureCut | undefined;

  /** @param sweep see `FlowTable`: 'external' when the caller calls `sweep` itself. */
  constructor(options: PipelineOptions, hooks: PipelineHooks, sweep: 'internal' | 'external' = 'internal') {
    this.onAnomaly = hooks.onAnomaly;
    const { onConnection, onOpen } = hooks;
    // Secrets embedded in the capture: a DSB precedes the packets it serves, so it is read before their ServerHello.
    this.userKeyLog = options.keyLog === undefined ? null : new KeyLogMatchCounter(options.keyLog);
    const keyLog = combineKeyLogs(this.userKeyLog === null ? [this.embedded] : [this.embedded, this.userKeyLog]);
    const trackerOptions: TlsTrackerOptions = { ...options, decryption: keyLogDecryption(keyLog, options) };
    const tlsHeld = (this.tlsHeld = tlsHeldBudget(options));
    const certificateCache = certificateCacheFor(options);
    const builderOptions: ConnectionBuilderOptions = certificateCache === undefined ? options : { ...options, certificateCache };
    this.flows = new FlowTable(
      (info, control) => {
        onOpen?.(info);
        const builder = new ConnectionBuilder(info, builderOptions);
        return new TlsConnectionTracker(info, control, builder, (summary, stats) => onConnection(this.withCut(builder.finish(summary, stats)), summary.lastFrame), trackerOptions, tlsHeld);
      },
      options,
      sweep,
    );
  }

  addSegment(segment: TcpSegment): void {
    this.flows.addSegment(segment);
  }

  /** Runs the idle sweep at `now` (capture seconds); only with sweep 'external'. */
  sweep(now: number): void {
    this.flows.sweep(now);
  }

  /** A pcapng Decryption Secrets Block: TLS key logs serve the packets after it. */
  addDecryptionSecrets(secrets: DecryptionSecrets): void {
    if (secrets.secretsType === SECRETS_TYPE_TLS_KEY_LOG) {
      const source = `pcapng Decryption Secrets Block after frame ${secrets.afterFrame}`;
      const before = this.embedded.issues.length;
      this.embedded.addBytes(secrets.data, source);
      for (const issue of this.embedded.issues.slice(before)) {
        this.onAnomaly({ code: 'keylog.bad_line', severity: 'weird', message: `Key log line ${issue.line} of the ${source} was skipped: ${issue.message}.` });
      }
    } else {
      this.onAnomaly({ code: 'keylog.unsupported_secrets', severity: 'weird', message: `A pcapng Decryption Secrets Block of type 0x${secrets.secretsType.toString(16).padStart(8, '0')} is not a TLS key log; it was ignored.` });
    }
  }

  /** Bytes the TLS layer holds now, and the most it held at once (`maxTotalTlsHeldBytes` bounds both). */
  tlsHeldBytes(): { readonly bytes: number; readonly peak: number } {
    return { bytes: this.tlsHeld.bytes, peak: this.tlsHeld.peak };
  }

  /**
   * End of capture: ends every open connection, least recently active first. `cut`: the file was
   * cut short, so the connections still open lost what came after it (their verdicts say so).
   */
  finish(cut?: CaptureCut): void {
    this.cut = cut;
    this.flows.finish();
    const unmatched = this.userKeyLog?.unmatchedAnomaly() ?? null;
    if (unmatched !== null) this.onAnomaly(unmatched);
  }

  private withCut(connection: Connection): Connection {
    return this.cut === undefined ? connection : { ...connection, captureCut: this.cut };
  }
}
