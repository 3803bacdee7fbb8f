/**
 * supported_groups (10), RFC 8446 §4.2.7 (was elliptic_curves, RFC 4492 §5.1.1).
 *
 *   struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;
 */
import type { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded } from '../../util/decoded.js';
import { readU16s } from './read-lists.js';
import type { ExtensionValue } from './types.js';

/** Decodes the NamedGroup list (ClientHello, EncryptedExtensions). */
export function decodeSupportedGroups(r: ByteReader): Decoded<ExtensionValue> {
  const list = r.vec16();
  const groups = list === undefined ? undefined : readU16s(list);
  if (groups === undefined) return fail('tls.ext.truncated', 'supported_groups list is truncated.', r.position);
  return ok({ kind: 'supported_groups', groups });
}
