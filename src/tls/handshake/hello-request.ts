/**
 * HelloRequest (TLS ≤ 1.2, RFC 5246 §7.4.1.1): struct { } HelloRequest;
 * The server asks the client to renegotiate.
 */
import { fail, ok, type Decoded } from '../../util/decoded.js';

/** A decoded HelloRequest (it has no fields). */
export type HelloRequest = Record<string, never>;

/** Decodes a HelloRequest body, which must be empty. */
export function decodeHelloRequest(body: Uint8Array): Decoded<HelloRequest> {
  if (body.length !== 0) return fail('tls.handshake.hello_request.not_empty', `HelloRequest has ${body.length} bytes; it must be empty.`, 0);
  return ok({});
}
