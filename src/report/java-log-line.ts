/** The one line every renderer prints about the Java logs of a connection, so all formats say it alike. */
import type { ConnectionReport } from './model.js';

/** "client.log (client side, matched by ClientHello random); …"; null when no --java-log was given. */
export function javaLogLine(c: ConnectionReport): string | null {
  if (c.javaLogs === undefined) return null;
  if (c.javaLogs.length === 0) return 'none of the given logs has this handshake';
  return c.javaLogs
    .map((l) => `${l.file} (${l.side === null ? 'side not shown' : `${l.side} side`}, matched by ${l.matchedBy === 'client-random' ? 'ClientHello random' : 'time, the clock offset learned from the other handshakes'})`)
    .join('; ');
}
