/**
 * Which connection of the capture each handshake of a Java SSL debug log belongs to.
 *
 * A logged handshake with a ClientHello random is matched by that random, exactly: the random is
 * 32 bytes chosen afresh for every handshake, so a match cannot be a coincidence, and a log from
 * another run matches nothing. A handshake the JVM gave up before its ClientHello has no random;
 * it is matched by time to the connection whose client sent nothing and that started closest to
 * the logged time, within `javaLogTimeWindowMs`. The log's clock and the capture's are not the
 * same clock (a capture taken on another host, or rewritten to another epoch), so the time match
 * is made only once their offset is known: learned from the handshakes of the same log (else of
 * the other logs given with it) that matched by random. Without such a handshake there is no
 * time match, and `notes` says why.
 */
import type { JavaLog, LoggedHandshake, LoggedSide } from '../javalog/types.js';
import type { Anomaly } from '../util/anomaly.js';
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
  /** Largest distance between a log's time (clock offset applied) and a connection's start for a match by time. Default 5 s. */
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
  /** Notes for the capture's report (a log that matched nothing, a time match that could not be made). */
  readonly notes: readonly Anomaly[];
}

function epochMs(t: Timestamp): number {
  return t.sec * 1000 + t.nsec / 1e6;
}

/** Whether the client of `c` sent no byte of TLS (the JVM that gave up before its ClientHello would leave exactly that). */
function clientSentNothing(c: Connection): boolean {
  return c.counters.client.bytes === 0 && c.handshakes.every((h) => h.clientHello === null);
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

interface LogState {
  readonly log: JavaLog;
  matched: number;
  /** Log time minus capture time of each handshake matched by random. */
  readonly offsets: number[];
  /** Handshakes given up before a ClientHello that no connection took yet. */
  readonly waiting: LoggedHandshake[];
}

/**
 * Matches connections one at a time, as they end (the command line judges them then). A
 * connection whose client sent nothing is best offered last (`wantsLater`), once the
 * connections that teach the clock offset have been seen.
 */
export class JavaLogMatcher {
  private readonly window: number;
  private readonly states: LogState[];
  private readonly byRandom = new Map<string, { state: LogState; handshake: LoggedHandshake }[]>();
  private readonly taken = new Set<LoggedHandshake>();
  private timeMatchWithoutOffset = 0;

  constructor(logs: readonly JavaLog[], options: JavaLogMatchOptions = {}) {
    this.window = options.javaLogTimeWindowMs ?? JAVA_LOG_MATCH_DEFAULTS.javaLogTimeWindowMs;
    this.states = logs.map((log) => ({ log, matched: 0, offsets: [], waiting: log.handshakes.filter((h) => h.beforeClientHello && h.clientRandom === null && h.timeMs !== null) }));
    for (const state of this.states) {
      for (const handshake of state.log.handshakes) {
        if (handshake.clientRandom === null) continue;
        const list = this.byRandom.get(handshake.clientRandom);
        if (list === undefined) this.byRandom.set(handshake.clientRandom, [{ state, handshake }]);
        else list.push({ state, handshake });
      }
    }
  }

  /** True when `c` could only match by time and a log still has a handshake waiting for one. */
  wantsLater(c: Connection): boolean {
    return clientSentNothing(c) && this.states.some((s) => s.waiting.length > 0);
  }

  /** The logged handshakes that belong to `c`. */
  match(c: Connection): JavaLogEvidence[] {
    const found: JavaLogEvidence[] = [];
    for (const h of c.handshakes) {
      for (const hello of [h.clientHello, h.secondClientHello]) {
        if (hello === null) continue;
        for (const { state, handshake } of this.byRandom.get(hello.random) ?? []) {
          if (this.taken.has(handshake)) continue;
          this.taken.add(handshake);
          state.matched++;
          if (handshake.timeMs !== null) state.offsets.push(handshake.timeMs - epochMs(c.startTime));
          found.push({ file: state.log.file, side: handshake.side, matchedBy: 'client-random', handshake });
        }
      }
    }
    if (found.length === 0 && clientSentNothing(c)) {
      const byTime = this.matchByTime(c);
      if (byTime !== null) found.push(byTime);
    }
    return found;
  }

  /** The closest waiting handshake within the window, the clock offset applied; null without an offset. */
  private matchByTime(c: Connection): JavaLogEvidence | null {
    const start = epochMs(c.startTime);
    const everyOffset = this.states.flatMap((s) => s.offsets);
    let best: { state: LogState; handshake: LoggedHandshake; distance: number } | null = null;
    for (const state of this.states) {
      if (state.waiting.length === 0) continue;
      const offset = median(state.offsets) ?? median(everyOffset);
      if (offset === null) {
        this.timeMatchWithoutOffset++;
        continue;
      }
      for (const handshake of state.waiting) {
        const distance = Math.abs((handshake.timeMs ?? Number.NaN) - offset - start);
        if (distance <= this.window && (best === null || distance < best.distance)) best = { state, handshake, distance };
      }
    }
    if (best === null) return null;
    best.state.waiting.splice(best.state.waiting.indexOf(best.handshake), 1);
    best.state.matched++;
    this.taken.add(best.handshake);
    return { file: best.state.log.file, side: best.handshake.side, matchedBy: 'time', handshake: best.handshake };
  }

  /** Per log: its handshakes and how many matched. */
  summaries(): JavaLogMatchSummary[] {
    return this.states.map((s) => ({ file: s.log.file, handshakes: s.log.handshakes.length, matched: s.matched }));
  }

  /** What the capture's report says about the logs once every connection was offered. */
  notes(): Anomaly[] {
    const notes: Anomaly[] = [];
    for (const s of this.states) {
      // A log whose only handshakes ended before a ClientHello may well be of this run: the note on the clock offset below says why it matched nothing.
      const onlyEarly = s.log.handshakes.every((h) => h.clientRandom === null);
      if (s.matched === 0 && s.log.handshakes.length > 0 && !(onlyEarly && this.timeMatchWithoutOffset > 0)) {
        const n = s.log.handshakes.length;
        notes.push({ code: 'javalog.no_match', severity: 'weird', message: `The Java log ${s.log.file} has ${n} handshake${n === 1 ? '' : 's'}, none of them in this capture (is it from another run?).` });
      }
    }
    const unmatchedEarly = this.states.reduce((sum, s) => sum + s.waiting.length, 0);
    if (this.timeMatchWithoutOffset > 0 && unmatchedEarly > 0) {
      notes.push({
        code: 'javalog.no_clock_offset',
        severity: 'weird',
        message: `${unmatchedEarly} logged handshake${unmatchedEarly === 1 ? '' : 's'} ended before a ClientHello and could only be matched by time, but no handshake of the same logs matched by ClientHello random to tell the offset between the log's clock and the capture's, so none was matched by time; give the log of a run that also completed a handshake in this capture.`,
      });
    }
    return notes;
  }
}

/** Matches every connection of a capture at once: those with a ClientHello first, so the clock offset is known for the others. */
export function matchJavaLogs(logs: readonly JavaLog[], connections: readonly Connection[], options: JavaLogMatchOptions = {}): JavaLogMatches {
  const matcher = new JavaLogMatcher(logs, options);
  const byConnection = new Map<number, JavaLogEvidence[]>();
  const later = connections.filter((c) => clientSentNothing(c));
  for (const c of [...connections.filter((c) => !clientSentNothing(c)), ...later]) {
    const found = matcher.match(c);
    if (found.length > 0) byConnection.set(c.id, found);
  }
  return { byConnection, logs: matcher.summaries(), notes: matcher.notes() };
}
