import type { Packet } from '../../src/capture/types.js';
import type { BuiltFrame } from '../fixtures/frame-builder.js';

/** A Packet around built bytes; `snap` cuts the captured bytes as a snap length would. */
export function packetOf(built: BuiltFrame, frame = 1, options: { sec?: number; snap?: number } = {}): Packet {
  const bytes = options.snap !== undefined && built.bytes.length > options.snap ? built.bytes.subarray(0, options.snap) : built.bytes;
  return {
    frame,
    time: { sec: options.sec ?? 1_700_000_000, nsec: 0 },
    linkType: built.linkType,
    interfaceId: 0,
    bytes,
    capturedLength: bytes.length,
    originalLength: built.bytes.length,
  };
}
