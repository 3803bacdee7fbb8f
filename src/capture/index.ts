/**
 * Capture files in, packets out: pcap and pcapng (gzip transparently), streamed with flat
 * memory; plus the writers used to make captures for tests and benchmarks.
 */
export { readCapture, packetsOf } from './reader.js';
export { decodeTsResolution, makeTimeConverter } from './timestamp.js';
export { encodePcap, encodePcapng, PcapWriter, PcapngWriter, concatBytes } from './writer.js';
export type { PacketRecord, PcapngInterfaceSpec } from './writer.js';
export type {
  CaptureReaderOptions,
  CaptureResult,
  CaptureSource,
  DecryptionSecrets,
  Packet,
} from './types.js';
