/**
 * Finished.
 *
 * TLS 1.0–1.2 (RFC 5246 §7.4.9): struct { opaque verify_data[verify_data_length]; } Finished;
 *   verify_data_length is 12 unless the cipher suite says otherwise.
 * SSL 3.0 (RFC 6101 §5.6.9): opaque md5_hash[16]; opaque sha_hash[20];  — 36 bytes.
 * TLS 1.3 (RFC 8446 §4.4.4): struct { opaque verify_data[Hash.length]; } Finished;  — 32 or 48 bytes.
 *
 * Only the length is checked: verifying it needs the session keys.
 */
import { ok, type Decoded, type DecodeIssue } from '../../util/decoded.js';

/** Decoding context: the negotiated version (0x0300 … 0x0304), when known. */
export interface FinishedContext {
  readonly version?: number;
}

/** A decoded Finished. */
export interface Finished {
  readonly verifyData: Uint8Array;
  readonly verifyDataLength: number;
  /** Set when the length is not one the version uses (a sign of a mis-framed or encrypted message). */
  readonly issue: DecodeIssue | null;
}

function expectedLengths(version: number | undefined): readonly number[] | undefined {
  if (version === undefined) return undefined;
  if (version === 0x0300) return [36];
  if (version === 0x0304 || version >> 8 === 0x7f) return [32, 48];
  if (version >= 0x0301 && version <= 0x0303) return [12];
  return undefined;
}

/** Decodes a Finished body. Never fails: any length is a verify_data, but an unusual one is noted. */
export function decodeFinished(body: Uint8Array, ctx: FinishedContext = {}): Decoded<Finished> {
  const expected = expectedLengths(ctx.version);
  const issue: DecodeIssue | null =
    expected !== undefined && !expected.includes(body.length)
      ? { code: 'tls.handshake.finished.unexpected_length', message: `verify_data is ${body.length} bytes; this version uses ${expected.join(' or ')}.` }
      : null;
  return ok({ verifyData: body, verifyDataLength: body.length, issue });
}
