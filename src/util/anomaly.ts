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
  /** On the line that closes a full list: how many anomalies of this code it stands for (counted past the limit, not listed). */
  readonly count?: number;
}

interface DroppedCode {
  count: number;
  severity: AnomalySeverity;
}

/**
 * A list of anomalies with a bound, so a hostile input cannot grow memory through them.
 * Past the bound, anomalies are only counted per code, and `list()` ends with one line per
 * such code that says how many were not listed and which limit to raise.
 */
export class AnomalyLog {
  private readonly items: Anomaly[] = [];
  /** Made at the first anomaly past the bound: every connection has logs, and almost none fill one. */
  private dropped: Map<string, DroppedCode> | null = null;

  /**
   * @param maxItems anomalies listed one by one.
   * @param limitName the `--limit` name of `maxItems`, for the summary lines.
   */
  constructor(
    readonly maxItems: number,
    private readonly limitName: string,
  ) {}

  add(anomaly: Anomaly): void {
    if (this.items.length < this.maxItems) {
      this.items.push(anomaly);
      return;
    }
    // A summary line of another log (the reader's, handed on) counts for what it stands for.
    const count = anomaly.count ?? 1;
    const dropped = (this.dropped ??= new Map<string, DroppedCode>());
    const seen = dropped.get(anomaly.code);
    if (seen === undefined) dropped.set(anomaly.code, { count, severity: anomaly.severity });
    else {
      seen.count += count;
      if (anomaly.severity === 'violation') seen.severity = 'violation';
    }
  }

  /** Anomalies kept, in the order they were added, then one summary line per code that was only counted. */
  list(): readonly Anomaly[] {
    if (this.dropped === null) return this.items;
    const out = this.items.slice();
    for (const [code, d] of this.dropped) {
      out.push({
        code,
        severity: d.severity,
        message: `${d.count} more ${d.count === 1 ? 'anomaly' : 'anomalies'} with this code ${d.count === 1 ? 'was' : 'were'} counted but not listed (${this.limitName} lists ${this.maxItems}; raise it with --limit ${this.limitName}=N).`,
        count: d.count,
      });
    }
    return out;
  }
}
