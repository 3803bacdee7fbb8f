/**
 * Anomalies: what a parser noticed in the input, carried with the data to the report.
 *
 * Two severities, as Zeek distinguishes them:
 * - `weird`: odd but decodable; note it and continue.
 * - `violation`: this unit (packet, direction, message) could not be decoded further.
 */
export type AnomalySeverity = 'weird' | 'violation';

/** Which side of a connection an anomaly belongs to: 0 = initiator, 1 = responder. */
type AnomalyDirection = 0 | 1;

export interface Anomaly {
  /** Stable dotted snake_case code, e.g. `capture.truncated_file`, `tcp.gap`, `tls.record.too_long`. */
  readonly code: string;
  readonly severity: AnomalySeverity;
  /** One plain sentence that says what was seen. */
  readonly message: string;
  /** Frame number (1-based) where it was seen, when known. */
  readonly frame?: number;
  /** Direction within a connection, when it applies. */
  readonly direction?: AnomalyDirection;
  /** Byte offset: in the file for capture anomalies, in the stream for stream anomalies. */
  readonly offset?: number;
}

/**
 * A list of anomalies with a bound, so a hostile input cannot grow memory through them.
 * Past the bound, anomalies are only counted per code.
 */
export class AnomalyLog {
  private readonly items: Anomaly[] = [];
  /** Made at the first anomaly past the bound: every connection has logs, and almost none fill one. */
  private dropped: Map<string, number> | null = null;

  constructor(readonly maxItems = 1000) {}

  add(anomaly: Anomaly): void {
    if (this.items.length < this.maxItems) {
      this.items.push(anomaly);
    } else {
      const dropped = (this.dropped ??= new Map<string, number>());
      dropped.set(anomaly.code, (dropped.get(anomaly.code) ?? 0) + 1);
    }
  }

  /** Anomalies kept, in the order they were added. */
  list(): readonly Anomaly[] {
    return this.items;
  }

  /** How many anomalies were counted but not kept, by code. */
  droppedCounts(): ReadonlyMap<string, number> {
    return this.dropped ?? new Map<string, number>();
  }

  get size(): number {
    let n = this.items.length;
    if (this.dropped !== null) for (const count of this.dropped.values()) n += count;
    return n;
  }
}
