/**
 * Errors the library throws for conditions the user must act on (not for bad bytes:
 * those become anomalies). Only the CLI entry point catches them and exits.
 */
export type TlsAutopsyErrorCode =
  | 'not-a-capture'
  | 'unsupported-capture'
  | 'io'
  | 'usage';

export class TlsAutopsyError extends Error {
  override readonly name = 'TlsAutopsyError';

  /**
   * @param code stable machine-readable code
   * @param message one clear sentence that says what to do
   */
  constructor(
    readonly code: TlsAutopsyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
