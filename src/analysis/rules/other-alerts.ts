/**
 * The fatal alert no other rule explains (internal_error, decode_error, illegal_parameter,
 * an encrypted alert, …): said plainly, with what it usually means, so that every failed
 * handshake with an alert gets exactly one finding naming it.
 */
import { keyLogTools } from './stack-advice.js';
import { alertName } from '../../tls/registry/names.js';
import type { Finding } from '../verdict-types.js';
import type { Rule, RuleInput } from './types.js';
import { alertOwner } from './alert-meanings.js';
import { alertText, frames, theServer } from './evidence.js';

const MEANINGS: ReadonlyMap<number, string> = new Map([
  [10, 'it received a message it did not expect at this point of the handshake (a state-machine mismatch between the two implementations, or a middlebox injecting data)'],
  [22, 'a record was longer than allowed'],
  [40, 'it could not agree on the security parameters or could not complete the handshake with what the peer sent'],
  [42, 'it could not verify a certificate'],
  [43, 'a certificate was of an unsupported type'],
  [44, 'a certificate was revoked'],
  [45, 'a certificate had expired or was not yet valid'],
  [46, 'a certificate was refused for an unspecified reason'],
  [47, 'a field of the peer\'s message had an illegal value (an out-of-range parameter, or a TLS 1.3 downgrade check)'],
  [48, 'a certificate was issued by a CA it does not trust'],
  [49, 'its access policy refused the peer'],
  [50, 'it could not decode a message from the peer (malformed, or — RFC 8446 — a server Certificate with no certificate)'],
  [80, 'it hit an internal error unrelated to the peer (a crash, a key it could not use, an HSM or key-store failure)'],
  [90, 'the handshake was cancelled by the application'],
  [100, 'it refused a renegotiation'],
  [110, 'the peer sent an extension it did not offer or cannot accept'],
  [113, 'the OCSP status response it got was invalid'],
  [115, 'it did not recognize the pre-shared key (PSK) identity the client offered'],
  [116, 'it requires a client certificate'],
  [117, 'an unspecified error occurred'],
  [121, 'it requires Encrypted Client Hello'],
]);

const FIXES: ReadonlyMap<number, string> = new Map([
  [80, "Read the log of the side that sent the alert: the cause is on that side (for example a private key or HSM it could not use)."],
  [50, 'Update the TLS library of the side that sent the malformed message, or look for a middlebox that alters the handshake.'],
  [47, 'Update the TLS library of the peer; look for a middlebox that alters the handshake.'],
  [10, 'Update the TLS libraries; look for a middlebox or proxy that alters or injects data.'],
  [115, 'Clear the client\'s session cache or align the PSK identities on both sides.'],
]);

const otherAlert: Rule = {
  id: 'handshake-alert',
  codes: ['handshake-alert'],
  evaluate(input: RuleInput): readonly Finding[] {
    const { facts, status } = input;
    const a = facts.failureAlert;
    if (status !== 'failed' || a === null || alertOwner(input) !== 'generic') return [];
    const c = facts.connection;
    // An encrypted alert on a connection whose handshake was not captured (the capture began
    // mid-connection) is most likely close_notify: it ends nothing we saw.
    if ((a.encrypted || a.description === null) && (facts.hs === null || facts.hs.clientHello === null)) return [];
    const sender = a.from === 'server' ? theServer(c, facts.hs?.clientHello?.sni ?? null) : 'The client';
    const stage = input.stage.replace(/-/g, ' ');
    if (a.encrypted || a.description === null) {
      return [
        {
          code: 'handshake-alert',
          severity: 'error',
          title: `Handshake ended by an encrypted alert from the ${a.from}`,
          detail: `${sender} sent ${alertText(a)} at frame ${a.frame}, ending the handshake at ${stage}; the alert's code is encrypted.`,
          fix: `Capture again with a key log (--keylog FILE; ${keyLogTools(input.stacks.client, input.stacks.server)}) to read the alert, or read the log of the side that sent it.`,
          frames: frames(a.frame),
        },
      ];
    }
    const meaning = MEANINGS.get(a.description) ?? 'it refused the handshake';
    return [
      {
        code: 'handshake-alert',
        severity: 'error',
        title: `Handshake ended by alert ${alertName(a.description)} from the ${a.from}`,
        detail: `${sender} sent ${alertText(a)} at frame ${a.frame}, ending the handshake at ${stage}: ${meaning}.`,
        fix: FIXES.get(a.description) ?? `Read the log of the ${a.from}; it names the exact reason for ${alertName(a.description)}.`,
        frames: frames(a.frame),
      },
    ];
  },
};

export const OTHER_ALERT_RULES: readonly Rule[] = [otherAlert];
