/**
 * BSD loopback encapsulations.
 *
 * LINKTYPE_NULL (0):
 *   struct { u32 family; } NullHeader;   // in the CAPTURING host's byte order (so either order)
 * LINKTYPE_LOOP (108, OpenBSD):
 *   struct { u32 family; } LoopHeader;   // always big-endian
 *
 * AF_INET is 2 everywhere; AF_INET6 differs by system: 10 Linux, 24 NetBSD/OpenBSD/BSD/OS,
 * 28 FreeBSD/DragonFly, 30 macOS/iOS. For NULL the byte order is found from the value: a
 * known family read little-endian wins, then big-endian.
 */
import { fail, ok, type Decoded } from '../util/decoded.js';
import { ETHERTYPE, NO_VLANS, type LinkHeader } from './link-header.js';

/** A decoded NULL/LOOP header. */
export interface NullHeader extends LinkHeader {
  /** The address family value as understood (after choosing the byte order). */
  readonly family: number;
}

/** EtherType for a BSD address family, or -1 when it is not IPv4/IPv6. */
function familyToEtherType(family: number): number {
  switch (family) {
    case 2:
      return ETHERTYPE.IPV4;
    case 10:
    case 24:
    case 28:
    case 30:
      return ETHERTYPE.IPV6;
    default:
      return -1;
  }
}

const familyNames = new Map<number, string>();

function familyName(family: number): string {
  // Values above 255 share one name: the stats count protocols by name, and a hostile file
  // could otherwise make one entry per 32-bit value.
  if (family > 255) return 'null family >255';
  let name = familyNames.get(family);
  if (name === undefined) {
    name = `null family ${family}`;
    familyNames.set(family, name);
  }
  return name;
}

function header(family: number, offset: number): NullHeader {
  const etherType = familyToEtherType(family);
  return etherType < 0
    ? { etherType, payloadOffset: offset + 4, vlans: NO_VLANS, other: familyName(family), family }
    : { etherType, payloadOffset: offset + 4, vlans: NO_VLANS, family };
}

/** Decodes a LINKTYPE_NULL header (family in either byte order). */
export function decodeNull(bytes: Uint8Array, offset = 0): Decoded<NullHeader> {
  if (bytes.length - offset < 4) {
    return fail('decode.truncated_header', `Loopback header truncated: ${Math.max(0, bytes.length - offset)} of 4 bytes captured.`, offset);
  }
  const b0 = bytes[offset] as number;
  const b1 = bytes[offset + 1] as number;
  const b2 = bytes[offset + 2] as number;
  const b3 = bytes[offset + 3] as number;
  const le = (b0 | (b1 << 8) | (b2 << 16)) + b3 * 0x1000000;
  if (familyToEtherType(le) >= 0) return ok(header(le, offset));
  const be = b0 * 0x1000000 + ((b1 << 16) | (b2 << 8) | b3);
  if (familyToEtherType(be) >= 0) return ok(header(be, offset));
  // Unknown family: report it in the order that gives the smaller (more plausible) value.
  return ok(header(Math.min(le, be), offset));
}

/** Decodes a LINKTYPE_LOOP header (family big-endian). */
export function decodeLoop(bytes: Uint8Array, offset = 0): Decoded<NullHeader> {
  if (bytes.length - offset < 4) {
    return fail('decode.truncated_header', `Loopback header truncated: ${Math.max(0, bytes.length - offset)} of 4 bytes captured.`, offset);
  }
  const family =
    (bytes[offset] as number) * 0x1000000 + (((bytes[offset + 1] as number) << 16) | ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number));
  return ok(header(family, offset));
}
