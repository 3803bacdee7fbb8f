/**
 * ServerHelloDone (TLS ≤ 1.2, RFC 5246 §7.4.5): struct { } ServerHelloDone;
 */
import { fail, ok, type Decoded } from '../../util/decoded.js';

/** A decoded ServerHelloDone (it has no fields). */
export type ServerHelloDone = Record<string, never>;

/** Decodes a ServerHelloDone body, which must be empty. */
export function decodeServerHelloDone(body: Uint8Array): Decoded<ServerHelloDone> {
  if (body.length !== 0) return fail('tls.handshake.server_hello_done.not_empty', `ServerHelloDone has ${body.length} bytes; it must be empty.`, 0);
  return ok({});
}
