/**
 * session_ticket (35), RFC 5077 §3.2: ClientHello extension_data is the ticket itself
 * (empty = asking for one); the ServerHello carries it empty.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import type { ExtensionContext, ExtensionValue } from './types.js';

/** Decodes session_ticket: the offered ticket's length, or an empty acknowledgement. */
export function decodeSessionTicket(r: ByteReader, context: ExtensionContext): Decoded<ExtensionValue> {
  if (context !== 'client_hello') {
    if (!r.empty()) return fail('tls.ext.trailing_bytes', 'session_ticket acknowledgement is not empty.', r.position);
    return ok({ kind: 'empty' });
  }
  return ok({ kind: 'session_ticket', ticketLength: r.rest().length });
}
