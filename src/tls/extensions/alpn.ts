/**
 * application_layer_protocol_negotiation (16), RFC 7301 §3.1.
 *
 *   opaque ProtocolName<1..2^8-1>;
 *   struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 *
 * The server's list holds exactly one name. Names are kept raw as well, for JA4's non-ASCII rule.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { latin1 } from './read-lists.js';
import type { ExtensionValue } from './types.js';

/** Decodes a ProtocolNameList (both directions). */
export function decodeAlpn(r: ByteReader): Decoded<ExtensionValue> {
  const list = r.vec16();
  if (list === undefined) return fail('tls.ext.truncated', 'ALPN list is truncated.', r.position);
  const protocols: string[] = [];
  const raw: Uint8Array[] = [];
  while (!list.empty()) {
    const name = list.vec8();
    if (name === undefined) return fail('tls.ext.truncated', 'ALPN protocol name is truncated.', list.position);
    const bytes = name.rest();
    raw.push(bytes);
    protocols.push(latin1(bytes));
  }
  return ok({ kind: 'alpn', protocols, raw });
}
