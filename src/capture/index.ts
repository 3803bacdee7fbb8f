/**
 * Capture files in, packets out: pcap and pcapng (gzip transparently), streamed with flat
 * memory; plus the writers used to make captures for tests and benchmarks.
 */
export { readCapture, packetsOf } from './reader.js';
export { CAPTURE_DEFAULTS } from './context.js';
export { sniffFormat, describeBytes } from './sniff.js';
export type { Sniffed } from './sniff.js';
export { decodeTsResolution, makeTimeConverter } from './timestamp.js';
export type { TimeConverter, TsResolution } from './timestamp.js';
export { encodePcap, encodePcapng, PcapWriter, PcapngWriter, concatBytes, DEFAULT_WRITE_SNAP_LENGTH } from './writer.js';
export type { PacketRecord, PcapWriteOptions, PcapngWriteOptions, PcapngInterfaceSpec, PcapngSecretsSpec } from './writer.js';
export type {
  CaptureFormat,
  CaptureInfo,
  CaptureInterface,
  CaptureReaderOptions,
  CaptureResult,
  CaptureSource,
  DecryptionSecrets,
  Packet,
  PacketSink,
} from './types.js';
