// generated from the IANA registry data by scripts/generate-registries.ts — do not edit
// source: ../shared/registries/ (see its README.md for provenance)

/** TLS HandshakeType: value, name. */
export const HANDSHAKE_TYPE_ROWS: readonly (readonly [number, string])[] = [
  [0, "hello_request"],
  [1, "client_hello"],
  [2, "server_hello"],
  [3, "hello_verify_request"],
  [4, "session_ticket"],
  [6, "hello_retry_request"],
  [8, "encrypted_extensions"],
  [11, "certificate"],
  [12, "server_key_exchange"],
  [13, "certificate_request"],
  [14, "server_hello_done"],
  [15, "certificate_verify"],
  [16, "client_key_exchange"],
  [20, "finished"],
  [21, "certificate_url"],
  [22, "certificate_status"],
  [23, "supplemental_data"],
  [24, "key_update"],
  [25, "compressed_certificate"],
  [26, "ekt_key"],
];
