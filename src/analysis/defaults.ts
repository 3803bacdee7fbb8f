/**
 * Defaults of every limit of the analysis stage (README, "Limits"): the one place their values
 * are written. The connection builder, the UDP census, the capture context and `analyzeCapture`
 * read them here, as do the command line's `--limit` table and the test of the README's table.
 */
import { CAPTURE_DEFAULTS } from '../capture/context.js';
import { FLOW_DEFAULTS } from '../flow/flow-table.js';

export const ANALYSIS_DEFAULTS = Object.freeze({
  /** Timeline entries kept per connection (the history string and counters stay complete). */
  maxTimelineEntries: 256,
  /** Encrypted records kept per handshake on the connection record. */
  maxEncryptedRecordsPerHandshake: 32,
  /** Anomalies listed per connection and layer (the flow table's TCP ones, the builder's TLS ones); the rest are counted by code. */
  maxConnectionAnomalies: FLOW_DEFAULTS.maxConnectionAnomalies,
  /** Anomalies listed per capture (the reader's, then the analysis's); the rest are counted by code. */
  maxCaptureAnomalies: CAPTURE_DEFAULTS.maxAnomalies,
  /** UDP flows told apart for the DTLS/QUIC count: a key of about 100 bytes each, so 10–20 MB at most. */
  maxUdpFlows: 100_000,
  /** Distinct servers that spoke TLS remembered when judging a connection that did not. */
  maxTlsServers: 65_536,
} as const);
