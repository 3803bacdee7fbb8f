/**
 * Zeek's `ssl_history`: one letter per message, upper case when the client sent it and
 * lower case when the server did (Zeek `scripts/base/protocols/ssl/main.zeek`).
 * Letters follow Zeek exactly so Zeek users can read them at once; like Zeek, only what
 * is visible in cleartext is recorded (encrypted handshake messages and application data
 * add nothing), and `^` marks a ClientHello that did not come from the connection initiator.
 */

/** Handshake type → history letter (upper-case form). */
const HANDSHAKE_LETTERS: ReadonlyMap<number, string> = new Map([
  [0, 'H'], // hello_request
  [1, 'C'], // client_hello
  [2, 'S'], // server_hello
  [3, 'V'], // hello_verify_request
  [4, 'T'], // new_session_ticket
  [5, 'E'], // end_of_early_data
  [8, 'O'], // encrypted_extensions
  [11, 'X'], // certificate
  [12, 'K'], // server_key_exchange
  [13, 'R'], // certificate_request
  [14, 'N'], // server_hello_done
  [15, 'Y'], // certificate_verify
  [16, 'G'], // client_key_exchange
  [20, 'F'], // finished
  [21, 'W'], // certificate_url
  [22, 'U'], // certificate_status
  [23, 'A'], // supplemental_data
  [24, 'P'], // key_update
  [254, 'M'], // message_hash
]);

/** Letter for a handshake message; `hrr` marks a ServerHello that is a HelloRetryRequest. */
export function handshakeLetter(msgType: number, hrr = false): string {
  if (hrr) return 'J';
  return HANDSHAKE_LETTERS.get(msgType) ?? 'Z';
}

export const CCS_LETTER = 'I';
export const ALERT_LETTER = 'L';
export const HEARTBEAT_LETTER = 'B';
export const DIRECTION_FLIPPED = '^';

/** Cases a letter for its sender. */
export function caseFor(letter: string, fromClient: boolean): string {
  return fromClient ? letter.toUpperCase() : letter.toLowerCase();
}
