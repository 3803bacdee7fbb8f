/**
 * Which connection of the capture each handshake of a Java SSL debug log belongs to.
 *
 * A logged handshake with a ClientHello random is matched by that random, exactly: the random is
 * 32 bytes chosen afresh for every handshake, so a match cannot be a coincidence, and a log from
 * another run matches nothing. A handshake the JVM gave up before its ClientHello has no random;
 * it is matched by time to the connection whose client sent nothing and that started closest to
 * the logged time, within `javaLogTimeWindowMs` (the log's clock and the capture's may differ by
 * that much).
 */
import type { JavaLog, LoggedHandshake, LoggedSide } from '../javalog/types.js';
import type { Timestamp } from '../util/time.js';
import type { Connection } from './connection.js';

/** How a logged handshake was tied to its connection. */
export type JavaLogMatchKind = 'client-random' | 'time';

/** One logged handshake that belongs to a connection. */
export interface JavaLogEvidence {
  readonly file: string;
  /** The side that wrote the log (null when the log does not show it). */
  readonly side: LoggedSide | null;
  readonly matchedBy: JavaLogMatchKind;
  readonly handshake: LoggedHandshake;
}

export interface JavaLogMatchOptions {
  /** Largest distance between a log's time and a connection's start for a match by time. Default 5 s. */
  readonly javaLogTimeWindowMs?: number;
}

export const JAVA_LOG_MATCH_DEFAULTS = Object.freeze({ javaLogTimeWindowMs: 5_000 });

/** What matching one log gave. */
export interface JavaLogMatchSummary {
  readonly file: string;
  readonly handshakes: number;
  readonly matched: number;
}

export interface JavaLogMatches {
  /** Evidence per connection id, in log order. */
  readonly byConnection: ReadonlyMap<number, readonly JavaLogEvidence[]>;
  readonly logs: readonly JavaLogMatchSummary[];
}

function epochMs(t: Timestamp): number {
  return t.sec * 1000 + t.nsec / 1e6;
}

/** Whether the client of `c` sent no byte of TLS (the JVM that gave up before its ClientHello would leave exactly that). */
function clientSentNothing(c: Connection): boolean {
  return c.counters.client.bytes === 0 && c.handshakes.every((h) => h.clientHello === null);
}

export function matchJavaLogs(logs: readonly JavaLog[], connections: readonly Connection[], options: JavaLogMatchOptions = {}): JavaLogMatches {
  const window = options.javaLogTimeWindowMs ?? JAVA_LOG_MATCH_DEFAULTS.javaLogTimeWindowMs;
  const byRandom = new Map<string, Connection>();
  for (const c of connections) {
    for (const h of c.handshakes) {
      if (h.clientHello !== null) byRandom.set(h.clientHello.random, c);
      if (h.secondClientHello !== null) byRandom.set(h.secondClientHello.random, c);
    }
  }
  const silent = connections.filter(clientSentNothing);
  const byConnection = new Map<number, JavaLogEvidence[]>();
  const add = (c: Connection, e: JavaLogEvidence): void => {
    const list = byConnection.get(c.id);
    if (list === undefined) byConnection.set(c.id, [e]);
    else list.push(e);
  };
  const summaries: JavaLogMatchSummary[] = [];
  for (const log of logs) {
    let matched = 0;
    for (const hs of log.handshakes) {
      const byHello = hs.clientRandom === null ? undefined : byRandom.get(hs.clientRandom);
      if (byHello !== undefined) {
        add(byHello, { file: log.file, side: hs.side, matchedBy: 'client-random', handshake: hs });
        matched++;
        continue;
      }
      if (!hs.beforeClientHello || hs.timeMs === null) continue;
      const at = hs.timeMs;
      let best: Connection | null = null;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (const c of silent) {
        const distance = Math.abs(epochMs(c.startTime) - at);
        if (distance <= window && distance < bestDistance) {
          best = c;
          bestDistance = distance;
        }
      }
      if (best !== null) {
        add(best, { file: log.file, side: hs.side, matchedBy: 'time', handshake: hs });
        matched++;
      }
    }
    summaries.push({ file: log.file, handshakes: log.handshakes.length, matched });
  }
  return { byConnection, logs: summaries };
}
