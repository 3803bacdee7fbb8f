/**
 * server_name (0), RFC 6066 §3.
 *
 *   struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
 *   enum { host_name(0), (255) } NameType;
 *   opaque HostName<1..2^16-1>;
 *   struct { ServerName server_name_list<1..2^16-1> } ServerNameList;   // ClientHello
 *
 * ServerHello / EncryptedExtensions carry an empty extension_data as acknowledgement.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { latin1 } from './read-lists.js';
import type { ExtensionContext, ExtensionValue } from './types.js';

/** Decodes server_name: the name list in a ClientHello, an empty acknowledgement elsewhere. */
export function decodeServerName(r: ByteReader, context: ExtensionContext): Decoded<ExtensionValue> {
  if (context !== 'client_hello' && r.empty()) return ok({ kind: 'empty' });
  const list = r.vec16();
  if (list === undefined) return fail('tls.ext.truncated', 'server_name list is truncated.', r.position);
  const names: { nameType: number; name: string; raw: Uint8Array }[] = [];
  while (!list.empty()) {
    const nameType = list.u8();
    const name = list.vec16();
    if (nameType === undefined || name === undefined) return fail('tls.ext.truncated', 'server_name entry is truncated.', list.position);
    const raw = name.rest();
    names.push({ nameType, name: latin1(raw), raw });
  }
  return ok({ kind: 'server_name', names });
}
