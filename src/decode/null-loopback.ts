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
import { u32At } from '../util/wire-read.js';
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

/** The unsigned 32-bit value with its bytes in the other order. */
function byteSwap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

function header(family: number, offset: number): NullHeader {
  const etherType = familyToEtherType(family);
  return etherType < 0
    ? { etherType, payloadOffset: offset + 4, vlans: NO_VLANS, other: familyName(family), family }
    : { etherType, payloadOffset: offset + 4, vlans: NO_VLANS, family };
}

/** Decodes a LINKTYPE_NULL header (family in either byte order). */
export function decodeNull(bytes: Uint8Array, offset = 0): Decoded<NullHeader> {
  const be = u32At(bytes, offset);
  if (be === undefined) {
    return fail('decode.truncated_header', `Loopback header truncated: ${Math.max(0, bytes.length - offset)} of 4 bytes captured.`, offset);
  }
  // The family is in the capturing host's byte order, which the file does not record.
  const le = byteSwap32(be);
  if (familyToEtherType(le) >= 0) return ok(header(le, offset));
  if (familyToEtherType(be) >= 0) return ok(header(be, offset));
  // Unknown family: report it in the order that gives the smaller (more plausible) value.
  return ok(header(Math.min(le, be), offset));
}

/** Decodes a LINKTYPE_LOOP header (family big-endian). */
export function decodeLoop(bytes: Uint8Array, offset = 0): Decoded<NullHeader> {
  const family = u32At(bytes, offset);
  if (family === undefined) {
    return fail('decode.truncated_header', `Loopback header truncated: ${Math.max(0, bytes.length - offset)} of 4 bytes captured.`, offset);
  }
  return ok(header(family, offset));
}
