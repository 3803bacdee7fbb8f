/**
 * supported_versions (43), RFC 8446 §4.2.1.
 *
 *   struct {
 *       select (Handshake.msg_type) {
 *           case client_hello: ProtocolVersion versions<2..254>;
 *           case server_hello: ProtocolVersion selected_version;   // and HelloRetryRequest
 *       };
 *   } SupportedVersions;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { readU16s } from './read-lists.js';
import type { ExtensionContext, ExtensionValue } from './types.js';

/** Decodes supported_versions: the offered list (ClientHello) or the selected version (ServerHello, HRR). */
export function decodeSupportedVersions(r: ByteReader, context: ExtensionContext): Decoded<ExtensionValue> {
  if (context === 'client_hello') {
    const list = r.vec8();
    const versions = list === undefined ? undefined : readU16s(list);
    if (versions === undefined) return fail('tls.ext.truncated', 'supported_versions list is truncated.', r.position);
    return ok({ kind: 'supported_versions', versions });
  }
  const version = r.u16();
  if (version === undefined) return fail('tls.ext.truncated', 'supported_versions selected_version is truncated.', r.position);
  return ok({ kind: 'selected_version', version });
}
