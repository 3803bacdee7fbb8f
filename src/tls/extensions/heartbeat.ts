/**
 * heartbeat (15), RFC 6520 §2.
 *
 *   enum { peer_allowed_to_send(1), peer_not_allowed_to_send(2), (255) } HeartbeatMode;
 *   struct { HeartbeatMode mode; } HeartbeatExtension;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionValue } from './types.js';

/** Decodes the heartbeat mode (both hellos). */
export function decodeHeartbeat(r: ByteReader): Decoded<ExtensionValue> {
  const mode = r.u8();
  if (mode === undefined) return fail('tls.ext.truncated', 'heartbeat mode is missing.', r.position);
  return ok({ kind: 'heartbeat', mode });
}
