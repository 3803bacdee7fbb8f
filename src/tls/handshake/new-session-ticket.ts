/**
 * NewSessionTicket.
 *
 * TLS 1.2 (RFC 5077 §3.3):
 *   struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket;
 * TLS 1.3 (RFC 8446 §4.6.1):
 *   struct {
 *       uint32 ticket_lifetime;
 *       uint32 ticket_age_add;
 *       opaque ticket_nonce<0..255>;
 *       opaque ticket<1..2^16-1>;
 *       Extension extensions<0..2^16-2>;      // early_data: uint32 max_early_data_size
 *   } NewSessionTicket;
 */
import { ByteReader } from '../../util/byte-reader.js';
import { fail, ok, type Decoded, type DecodeIssue } from '../../util/decoded.js';
import { decodeExtensions } from '../extensions/index.js';
import type { Extension } from '../extensions/types.js';

/** Decoding context. */
export interface NewSessionTicketContext {
  readonly tls13: boolean;
}

/** TLS 1.2 NewSessionTicket. */
interface NewSessionTicket12 {
  readonly variant: 'tls12';
  /** Seconds; 0 = unspecified. */
  readonly lifetimeHint: number;
  /** 0 means the server will not resume with a ticket after all (RFC 5077 §3.3). */
  readonly ticketLength: number;
}

/** TLS 1.3 NewSessionTicket. */
interface NewSessionTicket13 {
  readonly variant: 'tls13';
  /** Seconds, at most 604800 (7 days). */
  readonly lifetime: number;
  readonly ageAdd: number;
  readonly nonce: Uint8Array;
  readonly ticketLength: number;
  readonly extensions: readonly Extension[];
  /** max_early_data_size of the early_data extension (0-RTT allowed), or null. */
  readonly maxEarlyDataSize: number | null;
  /** Problems that did not stop decoding (lifetime over 7 days, empty ticket). */
  readonly issues: readonly DecodeIssue[];
}

/** A decoded NewSessionTicket. */
export type NewSessionTicket = NewSessionTicket12 | NewSessionTicket13;

const P = 'tls.handshake.new_session_ticket';
const EARLY_DATA = 42;
/** RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)." */
const MAX_TLS13_LIFETIME = 604800;

/** Decodes a NewSessionTicket body. */
export function decodeNewSessionTicket(body: Uint8Array, ctx: NewSessionTicketContext): Decoded<NewSessionTicket> {
  const r = new ByteReader(body);
  const lifetime = r.u32();
  if (lifetime === undefined) return fail(`${P}.truncated`, 'The ticket lifetime is truncated.', 0);
  if (!ctx.tls13) {
    const at = r.position;
    const ticket = r.vec16();
    if (ticket === undefined) return fail(`${P}.truncated`, 'The ticket is truncated.', at);
    if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow the ticket.`, r.position);
    return ok({ variant: 'tls12', lifetimeHint: lifetime, ticketLength: ticket.remaining });
  }
  const issues: DecodeIssue[] = [];
  if (lifetime > MAX_TLS13_LIFETIME) issues.push({ code: `${P}.lifetime_too_long`, message: `ticket_lifetime ${lifetime} s exceeds 7 days.`, offset: 0 });
  const ageAdd = r.u32();
  if (ageAdd === undefined) return fail(`${P}.truncated`, 'ticket_age_add is truncated.', r.position);
  const nonceAt = r.position;
  const nonce = r.vec8();
  if (nonce === undefined) return fail(`${P}.truncated`, 'ticket_nonce is truncated.', nonceAt);
  const ticketAt = r.position;
  const ticket = r.vec16();
  if (ticket === undefined) return fail(`${P}.truncated`, 'The ticket is truncated.', ticketAt);
  if (ticket.empty()) issues.push({ code: `${P}.empty_ticket`, message: 'The ticket is empty (minimum length is 1).', offset: ticketAt });
  const extAt = r.position;
  const exts = r.vec16();
  if (exts === undefined) return fail(`${P}.truncated`, 'The extensions block is truncated.', extAt);
  if (!r.empty()) return fail(`${P}.trailing_bytes`, `${r.remaining} bytes follow the extensions.`, r.position);
  const decoded = decodeExtensions(exts, 'new_session_ticket');
  if (!decoded.ok) return decoded;
  let maxEarlyDataSize: number | null = null;
  const early = decoded.value.find((e) => e.type === EARLY_DATA);
  if (early !== undefined) {
    if (early.decoded?.kind === 'early_data_limit') maxEarlyDataSize = early.decoded.maxEarlyDataSize;
    else if (early.data.length === 4) maxEarlyDataSize = new ByteReader(early.data).u32() ?? null;
  }
  return ok({
    variant: 'tls13',
    lifetime,
    ageAdd,
    nonce: nonce.rest(),
    ticketLength: ticket.remaining,
    extensions: decoded.value,
    maxEarlyDataSize,
    issues,
  });
}
