/**
 * The pipeline: capture → decode → flow → TLS → connection records.
 * One pass, streaming; memory is bounded by the named limits of each stage.
 */
import { readCapture } from './capture/index.js';
import type { CaptureInfo, CaptureInterface, CaptureReaderOptions, CaptureSource, DecryptionSecrets } from './capture/types.js';
import { PacketDecoder, linkTypeDescription, linkTypeName } from './decode/index.js';
import type { DecodeStats, DecoderOptions } from './decode/types.js';
import { FlowTable } from './flow/index.js';
import type { FlowTableOptions } from './flow/types.js';
import { TlsConnectionTracker } from './tls/session/tracker.js';
import type { TlsTrackerOptions } from './tls/session/tracker.js';
import { ConnectionBuilder } from './analysis/connection-builder.js';
import type { ConnectionBuilderOptions } from './analysis/connection-builder.js';
import type { Connection } from './analysis/connection.js';
import { UdpCensus } from './analysis/udp-census.js';
import type { UdpSummary } from './analysis/udp-census.js';
import { AnomalyLog } from './util/anomaly.js';
import type { Anomaly } from './util/anomaly.js';
import type { Timestamp } from './util/time.js';
import type { TrustSetup } from './x509/trust/index.js';
import { KeyLog, combineKeyLogs } from './decrypt/keylog.js';
import type { KeyLogLookup } from './decrypt/keylog.js';

/** pcapng DSB secrets type of a TLS key log ("TLSK", pcapng spec §4.7). */
const SECRETS_TYPE_TLS_KEY_LOG = 0x544c534b;

/** Every limit and hook of every stage, in one object. */
export interface AnalyzeOptions
  extends Omit<CaptureReaderOptions, 'onInfo'>,
    DecoderOptions,
    FlowTableOptions,
    TlsTrackerOptions,
    ConnectionBuilderOptions {
  /** Called with each connection as soon as it ends (for streaming output). */
  readonly onConnection?: (connection: Connection) => void;
  /** Keep every connection in the result (default true). Set false with `onConnection` for constant memory. */
  readonly retainConnections?: boolean;
  /** Capture-level anomalies kept (default 1000; the rest are counted). */
  readonly maxCaptureAnomalies?: number;
  /** Trust stores (--trust) the report verifies certificate chains against (see `loadTrustSetup`). */
  readonly trust?: TrustSetup;
  /**
   * NSS key log secrets (e.g. from `--keylog` files) for decrypting the encrypted part of
   * handshakes. Merged with any key log embedded in the capture (pcapng Decryption Secrets
   * Blocks), which is always used.
   */
  readonly keyLog?: KeyLogLookup;
}

export interface LinkTypeCount {
  readonly linkType: number;
  /** LINKTYPE_ name, e.g. LINUX_SLL2. */
  readonly name: string;
  /** What people call it, e.g. "Linux cooked v2 (tcpdump -i any)". */
  readonly description: string;
  readonly packets: number;
  readonly supported: boolean;
}

/** What one capture holds, as far as the analysis goes. */
export interface CaptureAnalysis {
  readonly info: CaptureInfo;
  readonly interfaces: readonly CaptureInterface[];
  readonly packets: number;
  readonly bytesRead: number;
  readonly firstTime: Timestamp | null;
  readonly lastTime: Timestamp | null;
  readonly linkTypes: readonly LinkTypeCount[];
  readonly decode: DecodeStats;
  readonly udp: UdpSummary;
  /** Connections in order of their first packet (empty when `retainConnections` is false). */
  readonly connections: readonly Connection[];
  readonly connectionCount: number;
  /** Capture-level anomalies: file truncation, bad lengths, IP fragment limits, flow evictions, … */
  readonly anomalies: readonly Anomaly[];
  readonly stoppedEarly: boolean;
}

/** Analyzes one capture (a path, a Readable such as stdin, or an async iterable of bytes). */
export async function analyzeCapture(source: CaptureSource, options: AnalyzeOptions = {}): Promise<CaptureAnalysis> {
  const decoder = new PacketDecoder(options);
  const anomalies = new AnomalyLog(options.maxCaptureAnomalies ?? 1000);
  const retain = options.retainConnections ?? true;
  const finished: Connection[] = [];
  let connectionCount = 0;
  let firstTime: Timestamp | null = null;
  let lastTime: Timestamp | null = null;
  const udp = new UdpCensus();

  const emit = (connection: Connection): void => {
    connectionCount++;
    if (retain) finished.push(connection);
    options.onConnection?.(connection);
  };

  // Secrets embedded in the capture: a DSB precedes the packets it serves, so it is read before their ServerHello.
  const embedded = new KeyLog();
  const keyLog = combineKeyLogs(options.keyLog === undefined ? [embedded] : [embedded, options.keyLog]);
  const trackerOptions: TlsTrackerOptions = { ...options, keyLog };
  const onDecryptionSecrets = (secrets: DecryptionSecrets): void => {
    if (secrets.secretsType === SECRETS_TYPE_TLS_KEY_LOG) {
      const source = `pcapng Decryption Secrets Block after frame ${secrets.afterFrame}`;
      const before = embedded.issues.length;
      embedded.addBytes(secrets.data, source);
      for (const issue of embedded.issues.slice(before)) {
        anomalies.add({ code: 'keylog.bad_line', severity: 'weird', message: `Key log line ${issue.line} of the ${source} was skipped: ${issue.message}.` });
      }
    } else {
      anomalies.add({ code: 'keylog.unsupported_secrets', severity: 'weird', message: `A pcapng Decryption Secrets Block of type 0x${secrets.secretsType.toString(16).padStart(8, '0')} is not a TLS key log; it was ignored.` });
    }
    options.onDecryptionSecrets?.(secrets);
  };

  const flows = new FlowTable((info, control) => {
    const builder = new ConnectionBuilder(info, options);
    return new TlsConnectionTracker(info, control, builder, (summary, stats) => emit(builder.finish(summary, stats)), trackerOptions);
  }, options);

  const result = await readCapture(
    source,
    (packet) => {
      if (firstTime === null) firstTime = packet.time;
      lastTime = packet.time;
      const outcome = decoder.decode(packet);
      for (const a of outcome.anomalies) anomalies.add(a);
      if (outcome.kind === 'tcp') flows.addSegment(outcome.segment);
      else if (outcome.kind === 'udp') udp.add(outcome.datagram);
    },
    { ...options, onDecryptionSecrets },
  );
  flows.finish();
  for (const a of result.anomalies) anomalies.add(a);
  for (const a of decoder.finish()) anomalies.add(a);

  const stats = decoder.stats();
  const linkTypes: LinkTypeCount[] = [];
  for (const [linkType, packets] of stats.linkTypes) {
    linkTypes.push({ linkType, name: linkTypeName(linkType), description: linkTypeDescription(linkType), packets, supported: !stats.unsupportedLinkTypes.has(linkType) });
  }
  for (const iface of result.interfaces) {
    if (!stats.linkTypes.has(iface.linkType)) {
      linkTypes.push({ linkType: iface.linkType, name: linkTypeName(iface.linkType), description: linkTypeDescription(iface.linkType), packets: 0, supported: true });
    }
  }

  // Connections end in the order their last packet arrived; report them in order of their first.
  finished.sort((a, b) => a.id - b.id);
  return {
    info: result.info,
    interfaces: result.interfaces,
    packets: result.packets,
    bytesRead: result.bytesRead,
    firstTime,
    lastTime,
    linkTypes,
    decode: stats,
    udp: udp.summary(),
    connections: finished,
    connectionCount,
    anomalies: anomalies.list(),
    stoppedEarly: result.stoppedEarly,
  };
}
