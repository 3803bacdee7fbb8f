/**
 * TLS ContentType (RFC 8446 §5.1; heartbeat RFC 6520; tls12_cid RFC 9146): the record types the
 * record layer and the tracker branch on. Hand-written, unlike the generated registries beside
 * it: the shared registry data has no ContentType table, and these six values do not change.
 */
export const ContentType = Object.freeze({
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
  heartbeat: 24,
  tls12Cid: 25,
} as const);
