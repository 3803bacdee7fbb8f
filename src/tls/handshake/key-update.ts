/**
 * KeyUpdate (TLS 1.3, RFC 8446 §4.6.3):
 *   enum { update_not_requested(0), update_requested(1), (255) } KeyUpdateRequest;
 *   struct { KeyUpdateRequest request_update; } KeyUpdate;
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';

/** A decoded KeyUpdate. */
export interface KeyUpdate {
  /** 0 update_not_requested, 1 update_requested. */
  readonly requestUpdate: number;
}

/** Decodes a KeyUpdate body: exactly one byte, 0 or 1 (other values are illegal_parameter, RFC 8446 §4.6.3). */
export function decodeKeyUpdate(body: Uint8Array): Decoded<KeyUpdate> {
  const r = new ByteReader(body);
  const requestUpdate = r.u8();
  if (requestUpdate === undefined) return fail('tls.handshake.key_update.truncated', 'KeyUpdate is empty.', 0);
  if (!r.empty()) return fail('tls.handshake.key_update.trailing_bytes', `${r.remaining} bytes follow request_update.`, 1);
  if (requestUpdate > 1) return fail('tls.handshake.key_update.bad_value', `request_update is ${requestUpdate}; only 0 and 1 are defined.`, 0);
  return ok({ requestUpdate });
}
