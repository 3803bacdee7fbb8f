/**
 * Extension model shared by every message that carries extensions (RFC 8446 §4.2).
 *
 *   struct {
 *       ExtensionType extension_type;          // uint16
 *       opaque extension_data<0..2^16-1>;
 *   } Extension;
 */
import type { DecodeIssue } from '../../util/decoded.js';

/** The message an extension block belongs to; it selects the variant of context-dependent extensions (RFC 8446 §4.2 table). */
export type ExtensionContext =
  | 'client_hello'
  | 'server_hello'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate_request'
  | 'certificate'
  | 'new_session_ticket';

import type { CertificateAuthorityName } from './certificate-authorities.js';

export type { CertificateAuthorityName } from './certificate-authorities.js';

/** What a known extension decoded to. `kind` names the value's shape (one extension type may have several, by context). */
export type ExtensionValue =
  /** server_name (0), ClientHello: ServerNameList. */
  | { readonly kind: 'server_name'; readonly names: readonly { readonly nameType: number; readonly name: string; readonly raw: Uint8Array }[] }
  /** Extensions whose data is empty in this context: server_name ack, extended_master_secret, encrypt_then_mac, post_handshake_auth, early_data indication, session_ticket ack, status_request ack. */
  | { readonly kind: 'empty' }
  /** max_fragment_length (1): RFC 6066 §4 code 1..4 = 2^9..2^12. */
  | { readonly kind: 'max_fragment_length'; readonly code: number }
  /** status_request (5), ClientHello: CertificateStatusRequest; in a TLS 1.3 Certificate entry: CertificateStatus. */
  | {
      readonly kind: 'status_request';
      readonly statusType: number;
      readonly responderIdCount: number;
      readonly requestExtensionsLength: number;
      /** DER OCSPResponse, only in the Certificate-entry form. */
      readonly ocspResponse: Uint8Array | null;
    }
  /** supported_groups (10). */
  | { readonly kind: 'supported_groups'; readonly groups: readonly number[] }
  /** ec_point_formats (11). */
  | { readonly kind: 'ec_point_formats'; readonly formats: readonly number[] }
  /** signature_algorithms (13) and signature_algorithms_cert (50). */
  | { readonly kind: 'signature_algorithms'; readonly schemes: readonly number[] }
  /** heartbeat (15): mode 1 peer_allowed_to_send, 2 peer_not_allowed_to_send. */
  | { readonly kind: 'heartbeat'; readonly mode: number }
  /** application_layer_protocol_negotiation (16): protocol names (latin-1 text) and their raw bytes. */
  | { readonly kind: 'alpn'; readonly protocols: readonly string[]; readonly raw: readonly Uint8Array[] }
  /** padding (21). */
  | { readonly kind: 'padding'; readonly length: number; readonly allZero: boolean }
  /** compress_certificate (27): CertificateCompressionAlgorithm list. */
  | { readonly kind: 'compress_certificate'; readonly algorithms: readonly number[] }
  /** record_size_limit (28). */
  | { readonly kind: 'record_size_limit'; readonly limit: number }
  /** session_ticket (35): the ticket offered (0 bytes = asking for a new one). */
  | { readonly kind: 'session_ticket'; readonly ticketLength: number }
  /** pre_shared_key (41), ClientHello: OfferedPsks. */
  | { readonly kind: 'pre_shared_key_offer'; readonly identities: number; readonly binders: number; readonly identityLengths: readonly number[] }
  /** pre_shared_key (41), ServerHello: selected identity index. */
  | { readonly kind: 'pre_shared_key_selected'; readonly selectedIdentity: number }
  /** early_data (42), NewSessionTicket: max_early_data_size. */
  | { readonly kind: 'early_data_limit'; readonly maxEarlyDataSize: number }
  /** supported_versions (43), ClientHello: offered versions. */
  | { readonly kind: 'supported_versions'; readonly versions: readonly number[] }
  /** supported_versions (43), ServerHello/HRR: the selected version. */
  | { readonly kind: 'selected_version'; readonly version: number }
  /** cookie (44). */
  | { readonly kind: 'cookie'; readonly length: number }
  /** psk_key_exchange_modes (45): 0 psk_ke, 1 psk_dhe_ke. */
  | { readonly kind: 'psk_key_exchange_modes'; readonly modes: readonly number[] }
  /** certificate_authorities (47). */
  | { readonly kind: 'certificate_authorities'; readonly names: readonly CertificateAuthorityName[] }
  /** key_share (51), ClientHello: KeyShareEntry list (group, key_exchange length). */
  | { readonly kind: 'key_share_offer'; readonly entries: readonly { readonly group: number; readonly keyLength: number }[] }
  /** key_share (51), ServerHello: the server's share. */
  | { readonly kind: 'key_share_server'; readonly group: number; readonly keyLength: number }
  /** key_share (51), HelloRetryRequest: the group the server wants. */
  | { readonly kind: 'key_share_hrr'; readonly selectedGroup: number }
  /** encrypted_client_hello (0xfe0d), ClientHello (draft-ietf-tls-esni §5). */
  | {
      readonly kind: 'ech_client_hello';
      /** 0 outer, 1 inner. */
      readonly echType: number;
      readonly kdfId: number | null;
      readonly aeadId: number | null;
      readonly configId: number | null;
      readonly encLength: number | null;
      readonly payloadLength: number | null;
    }
  /** renegotiation_info (0xff01): renegotiated_connection (empty on an initial handshake). */
  | { readonly kind: 'renegotiation_info'; readonly renegotiatedConnectionLength: number };

/** One extension as it appeared on the wire. Unknown extensions are kept with only `data`. */
export interface Extension {
  readonly type: number;
  readonly length: number;
  /** View of the extension_data within the message body. */
  readonly data: Uint8Array;
  /** Present when the type is known in this context and its data decoded. */
  readonly decoded?: ExtensionValue;
  /** What was wrong with this extension (malformed, trailing bytes, duplicate); never fatal to the message. */
  readonly issue?: DecodeIssue;
}
