/**
 * The pipeline: capture → decode → flow → TLS → connection records.
 * One pass, streaming; memory is bounded by the named limits of each stage.
 */
import { readCapture } from './capture/index.js';
import type { CaptureInfo, CaptureInterface, CaptureReaderOptions, CaptureResult, CaptureSource, DecryptionSecrets } from './capture/types.js';
import { PacketDecoder, linkTypeDescription, linkTypeName } from './decode/index.js';
import type { DecodeStats, DecoderOptions } from './decode/types.js';
import type { FlowTableOptions } from './flow/types.js';
import type { TlsTrackerOptions } from './tls/session/tracker.js';
import type { ConnectionBuilderOptions } from './analysis/connection-builder.js';
import type { CaptureCut, Connection } from './analysis/connection.js';
import { UdpCensus } from './analysis/udp-census.js';
import { ANALYSIS_DEFAULTS } from './analysis/defaults.js';
import type { UdpSummary } from './analysis/udp-census.js';
import { AnomalyLog } from './util/anomaly.js';
import type { Anomaly } from './util/anomaly.js';
import type { Timestamp } from './util/time.js';
import type { TrustSetup } from './x509/trust/index.js';
import type { IdentitySetup } from './x509/identity/index.js';
import type { KeyLogLookup } from './decrypt/keylog.js';
import type { DecryptorOptions } from './decrypt/connection-decryptor.js';
import { ConnectionPipeline } from './pipeline.js';
import type { JavaLog } from './javalog/types.js';
import type { JavaLogMatchOptions } from './analysis/java-log-match.js';
import { groupedInteger } from './util/grouped-integer.js';

/** Every limit and hook of every stage, in one object. */
export interface AnalyzeOptions
  extends Omit<CaptureReaderOptions, 'onInfo'>,
    DecoderOptions,
    FlowTableOptions,
    Omit<TlsTrackerOptions, 'decryption'>,
    DecryptorOptions,
    ConnectionBuilderOptions,
    JavaLogMatchOptions {
  /** Called with each connection as soon as it ends (for streaming output). */
  readonly onConnection?: (connection: Connection) => void;
  /** Keep every connection in the result (default true). Set false with `onConnection` for constant memory. */
  readonly retainConnections?: boolean;
  /** Capture-level anomalies kept (default 1000; the rest are counted). */
  readonly maxCaptureAnomalies?: number;
  /** UDP flows told apart for the DTLS/QUIC count (default 100,000; past it new flows are not counted, `flowsCapped`). */
  readonly maxUdpFlows?: number;
  /** Trust stores (--trust) the report verifies certificate chains against (see `loadTrustSetup`). */
  readonly trust?: TrustSetup;
  /** Identity key stores (--identity, see `loadIdentitySetupCached`) weighed against each connection; the report's `identity`. */
  readonly identity?: IdentitySetup;
  /**
   * NSS key log secrets (e.g. from `--keylog` files) for decrypting the encrypted part of
   * handshakes. Merged with any key log embedded in the capture (pcapng Decryption Secrets
   * Blocks), which is always used.
   */
  readonly keyLog?: KeyLogLookup;
  /**
   * Java SSL debug logs (`-Djavax.net.debug=ssl:handshake`, read with `readJavaLog`; --java-log
   * on the command line) whose handshakes the report matches to the connections. They join at
   * the verdict, not in the packet path: `analyzeCapture` itself does not read them.
   */
  readonly javaLogs?: readonly JavaLog[];
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

/** Where the file was cut, as the reader tells it; undefined for a whole file. */
export function captureCut(read: Pick<CaptureResult, 'cutFrame' | 'bytesRead' | 'info'>): CaptureCut | undefined {
  return read.cutFrame === null ? undefined : { frame: read.cutFrame, byte: read.bytesRead, gzip: read.info.gzip };
}

/** Analyzes one capture (a path, a Readable such as stdin, or an async iterable of bytes). */
export async function analyzeCapture(source: CaptureSource, options: AnalyzeOptions = {}): Promise<CaptureAnalysis> {
  const decoder = new PacketDecoder(options);
  const anomalies = new AnomalyLog(options.maxCaptureAnomalies ?? ANALYSIS_DEFAULTS.maxCaptureAnomalies, 'maxCaptureAnomalies');
  const retain = options.retainConnections ?? true;
  const finished: Connection[] = [];
  let connectionCount = 0;
  let firstTime: Timestamp | null = null;
  let lastTime: Timestamp | null = null;
  const udp = new UdpCensus(options.maxUdpFlows);

  const emit = (connection: Connection): void => {
    connectionCount++;
    if (retain) finished.push(connection);
    options.onConnection?.(connection);
  };

  const pipeline = new ConnectionPipeline(options, { onConnection: emit, onAnomaly: (a) => anomalies.add(a) });
  const onDecryptionSecrets = (secrets: DecryptionSecrets): void => {
    pipeline.addDecryptionSecrets(secrets);
    options.onDecryptionSecrets?.(secrets);
  };

  const result = await readCapture(
    source,
    (packet) => {
      if (firstTime === null) firstTime = packet.time;
      lastTime = packet.time;
      const outcome = decoder.decode(packet);
      // Indexed: a for-of here made an iterator object for every packet (V8 did not remove it).
      const found = outcome.anomalies;
      for (let i = 0; i < found.length; i++) anomalies.add(found[i] as Anomaly);
      if (outcome.kind === 'tcp') pipeline.addSegment(outcome.segment);
      else if (outcome.kind === 'udp') udp.add(outcome.datagram);
    },
    { ...options, onDecryptionSecrets },
  );
  pipeline.finish(captureCut(result));
  for (const a of result.anomalies) anomalies.add(a);
  for (const a of decoder.finish()) anomalies.add(a);
  const udpSummary = udp.summary();
  if (udpSummary.flowsCapped) {
    anomalies.add({
      code: 'udp.flow_limit',
      severity: 'weird',
      message: `More than ${groupedInteger(udpSummary.flows)} UDP flows (maxUdpFlows); the later ones were not told apart, so the DTLS and QUIC counts are lower bounds.`,
    });
  }

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
    udp: udpSummary,
    connections: finished,
    connectionCount,
    anomalies: anomalies.list(),
    stoppedEarly: result.stoppedEarly,
  };
}
