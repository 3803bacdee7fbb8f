/**
 * ChangeCipherSpec protocol (RFC 5246 §7.1; RFC 8446 §5 keeps it for middlebox compatibility):
 *   struct { enum { change_cipher_spec(1), (255) } type; } ChangeCipherSpec;   // exactly the byte 0x01
 */
import { fail, ok, type Decoded } from '../util/decoded.js';
import { u8At } from '../util/wire-read.js';

/** A valid ChangeCipherSpec (it has no fields beyond the constant byte). */
export interface ChangeCipherSpec {
  readonly type: 1;
}

/** Decodes a ChangeCipherSpec record body: the single byte 1; anything else fails with a stable code. */
export function decodeChangeCipherSpec(body: Uint8Array): Decoded<ChangeCipherSpec> {
  const value = u8At(body, 0);
  if (value === undefined) return fail('tls.ccs.empty', 'The ChangeCipherSpec record is empty.', 0);
  if (body.length > 1) return fail('tls.ccs.bad_length', `The ChangeCipherSpec record is ${body.length} bytes; it must be the single byte 1.`, 1);
  if (value !== 1) return fail('tls.ccs.bad_value', `The ChangeCipherSpec byte is ${value}; it must be 1.`, 0);
  return ok({ type: 1 });
}
