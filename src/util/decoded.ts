/**
 * Result of a pure decoder: the value, or what went wrong and where.
 * Decoders never throw on input bytes.
 */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issue: DecodeIssue };

export interface DecodeIssue {
  /** Stable code, e.g. `tls.handshake.client_hello.truncated`, `tls.ext.trailing_bytes`. */
  readonly code: string;
  /** One plain sentence. */
  readonly message: string;
  /** Byte offset within the decoded body where it went wrong, when known. */
  readonly offset?: number;
}

export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function fail<T>(code: string, message: string, offset?: number): Decoded<T> {
  return offset === undefined ? { ok: false, issue: { code, message } } : { ok: false, issue: { code, message, offset } };
}
