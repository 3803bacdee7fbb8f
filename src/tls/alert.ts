/**
 * Alert protocol (RFC 8446 §6, RFC 5246 §7.2):
 *   enum { warning(1), fatal(2), (255) } AlertLevel;
 *   struct { AlertLevel level; AlertDescription description; } Alert;   // 2 bytes
 *
 * A cleartext alert record is exactly 2 bytes. Once a direction encrypts (after its
 * ChangeCipherSpec in TLS ≤ 1.2), an alert record carries the 2 bytes plus a MAC or an
 * AEAD tag, so its length says which one it is: an encrypted alert is at least 18 bytes
 * (2 + a 16-byte Poly1305/GCM tag or HMAC-MD5), shorter odd lengths are garbage.
 * TLS 1.2 allows several alerts in one record; TLS 1.3 forbids it (RFC 8446 §5.1).
 */
import { ByteReader } from '../util/byte-reader.js';
import { fail, ok, type Decoded, type DecodeIssue } from '../util/decoded.js';

/** A decoded alert. */
export interface Alert {
  /** 1 warning, 2 fatal (other values kept as sent). */
  readonly level: number;
  /** AlertDescription code; `alertName()` in the registry gives its name. */
  readonly description: number;
  /** Further alerts coalesced into the same record (TLS ≤ 1.2 allows it); usually empty. */
  readonly following: readonly { readonly level: number; readonly description: number }[];
  /** Oddities that did not stop decoding (unknown level, coalesced alerts). */
  readonly issues: readonly DecodeIssue[];
}

/** Smallest encrypted alert record: 2 bytes of alert + a 16-byte tag (ChaCha20-Poly1305) or HMAC-MD5. */
const MIN_ENCRYPTED_ALERT_LENGTH = 18;

/** What an alert record of this length most plausibly is. */
export function classifyAlertLength(length: number): 'plaintext' | 'encrypted' | 'garbage' {
  if (length === 2) return 'plaintext';
  if (length >= MIN_ENCRYPTED_ALERT_LENGTH) return 'encrypted';
  return 'garbage';
}

function validLevel(level: number): boolean {
  return level === 1 || level === 2;
}

/** The (level, description) pairs of the body, in order; a lone last byte is left out. */
function alertPairs(body: Uint8Array): { level: number; description: number }[] {
  const r = new ByteReader(body);
  const pairs: { level: number; description: number }[] = [];
  for (;;) {
    const level = r.u8();
    const description = r.u8();
    if (level === undefined || description === undefined) return pairs;
    pairs.push({ level, description });
  }
}

/**
 * Decodes an alert record body. Fails with `tls.alert.encrypted` when the length fits
 * an encrypted alert, or `tls.alert.malformed` when it fits nothing.
 */
export function decodeAlert(body: Uint8Array): Decoded<Alert> {
  const n = body.length;
  if (n % 2 === 0 && n < MIN_ENCRYPTED_ALERT_LENGTH) {
    const pairs = alertPairs(body);
    const [first, ...following] = pairs;
    if (first !== undefined && (following.length === 0 || pairs.every((a) => validLevel(a.level)))) {
      const { level, description } = first;
      const issues: DecodeIssue[] = [];
      if (!validLevel(level)) issues.push({ code: 'tls.alert.bad_level', message: `Alert level ${level} is neither warning(1) nor fatal(2).`, offset: 0 });
      if (following.length > 0) issues.push({ code: 'tls.alert.coalesced', message: `${following.length + 1} alerts share one record.`, offset: 2 });
      return ok({ level, description, following, issues });
    }
  }
  if (classifyAlertLength(n) === 'encrypted') {
    return fail('tls.alert.encrypted', `The alert record is ${n} bytes, not 2: an encrypted alert (alert plus MAC or AEAD tag).`, 0);
  }
  return fail('tls.alert.malformed', `The alert record is ${n} bytes: too short for an encrypted alert and not a 2-byte alert.`, 0);
}
