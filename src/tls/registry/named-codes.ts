/**
 * Wire codes the code base tests by name (handshake message types, alert descriptions), looked
 * up in the generated registries so that a number is written once, in the registry data, and
 * code reads `HANDSHAKE_TYPE.client_hello` or `ALERT.handshake_failure` instead of 1 or 40.
 */
import { ALERT_ROWS } from './alerts.js';
import { HANDSHAKE_TYPE_ROWS } from './handshake-types.js';

/**
 * The code of each name in `names`, from registry rows. A name missing from the rows is a
 * programmer error (a typo, or the registry data renamed a code), so it throws when the module
 * loads rather than yielding a silent `undefined`.
 */
function codesByName<N extends string>(rows: readonly (readonly [number, string])[], names: readonly N[]): Readonly<Record<N, number>> {
  const byName = new Map<string, number>();
  // The first row wins, as in names.ts (later rows are legacy duplicates).
  for (const [code, name] of rows) if (!byName.has(name)) byName.set(name, code);
  const out = {} as Record<N, number>;
  for (const name of names) {
    const code = byName.get(name);
    if (code === undefined) throw new Error(`registry has no code named ${name}`);
    out[name] = code;
  }
  return out;
}

/** TLS HandshakeType codes (RFC 8446 §4, RFC 5246 §7.4) by their registry names. */
export const HANDSHAKE_TYPE = codesByName(HANDSHAKE_TYPE_ROWS, [
  'hello_request',
  'client_hello',
  'server_hello',
  'session_ticket',
  'encrypted_extensions',
  'certificate',
  'server_key_exchange',
  'certificate_request',
  'server_hello_done',
  'certificate_verify',
  'client_key_exchange',
  'finished',
  'certificate_status',
  'key_update',
] as const);

/** TLS AlertDescription codes (RFC 8446 §6) by their registry names. */
export const ALERT = codesByName(ALERT_ROWS, [
  'close_notify',
  'handshake_failure',
  'bad_certificate',
  'unsupported_certificate',
  'certificate_revoked',
  'certificate_expired',
  'certificate_unknown',
  'unknown_ca',
  'access_denied',
  'decode_error',
  'illegal_parameter',
  'insufficient_security',
  'certificate_required',
] as const);
