/**
 * Defaults of every limit of the TLS layer (README, "Limits"): the one place their values are
 * written. The record stream, the handshake framer, the tracker, the command line's `--limit`
 * table and the test that checks the README's table all read them from here.
 */
export const TLS_DEFAULTS = Object.freeze({
  /** Plaintext watched per direction for a STARTTLS upgrade (and the bytes held meanwhile). */
  maxStarttlsScanBytes: 16 * 1024,
  /** One TLS record: 2^14 plus the 2048 bytes of expansion TLS ≤ 1.2 allows for ciphertext (RFC 5246 §6.2.3). */
  maxRecordLength: 2 ** 14 + 2048,
  /** One handshake message: large certificate chains fit, a hostile length does not allocate. */
  maxHandshakeMessageBytes: 256 * 1024,
  /**
   * Bytes the TLS layer holds between packets over all connections of a capture. A connection
   * holds a few KiB at most in normal traffic (a certificate chain straddling records, a STARTTLS
   * greeting), so 64 MiB lets thousands of connections be mid-handshake at the same instant
   * (4,000 with a 16 KiB chain each, or 2,000 with both 16 KiB STARTTLS windows full), while
   * 100,000 hostile connections each claiming the per-connection limits cannot pin more than this.
   */
  maxTotalTlsHeldBytes: 64 * 1024 * 1024,
  /** Certificates decoded per Certificate message; the rest are counted. */
  maxCertificatesPerChain: 32,
  /** application_data records reported one by one per direction for the TLS 1.3 inference (all are counted). */
  maxRecordedEncryptedRecords: 32,
} as const);
