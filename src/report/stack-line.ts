/** The connection header's few words on which TLS implementation each side is. */
import type { ConnectionReport } from './model.js';

/**
 * "client: Java 13–23 (JSSE) · server: OpenSSL", or null when neither side was identified
 * (a line of two unknowns tells the reader nothing).
 */
export function stacksLine(c: ConnectionReport): string | null {
  const client = c.client.stack ?? null;
  const server = c.server.stack ?? null;
  if (client === null && server === null) return null;
  return `client: ${client?.label ?? 'not identified'} · server: ${server?.label ?? 'not identified'}`;
}
