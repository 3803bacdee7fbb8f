/**
 * Which connections a whole report (text, JSON, Markdown, HTML) lists one by one. Those
 * formats hold every listed connection until the end, so past `maxReportConnections` the
 * report keeps the most useful ones — failed, then incomplete, then the rest, earlier before
 * later — and only counts the others (`CaptureReport.unlisted`), so its counts, causes and
 * warnings stay exact while its memory stays bounded. NDJSON lists every connection in
 * constant memory and has no such limit.
 */
import { BoundedSelection } from './bounded-selection.js';
import { TallyBuilder } from './connection-tally.js';
import type { ConnectionTally, TalliedConnection } from './connection-tally.js';
import type { CaptureReport, ConnectionReport } from './model.js';

/** Connections a whole report lists one by one, across all its captures. */
export const DEFAULT_MAX_REPORT_CONNECTIONS = 10_000;

/** The connections of a capture that its report counts but does not list. */
export interface UnlistedConnections extends ConnectionTally {
  /** The `maxReportConnections` in force. */
  readonly limit: number;
}

/** What the listing order reads of a connection. */
type Ranked = Pick<ConnectionReport, 'status' | 'id'>;

function rank(c: Ranked): number {
  return c.status === 'failed' ? 0 : c.status === 'incomplete' ? 1 : 2;
}

/** Failed first, then incomplete, then the rest; within each, by id (first packet first). */
export function listingOrder(a: Ranked, b: Ranked): number {
  return rank(a) - rank(b) || a.id - b.id;
}

/** The connections of one capture, as they end, bounded by `limit`. */
export class CaptureListing {
  private readonly unlisted = new TallyBuilder();
  private dropped = 0;
  private readonly kept: BoundedSelection<ConnectionReport>;

  constructor(private readonly limit: number) {
    this.kept = new BoundedSelection<ConnectionReport>(limit, listingOrder, (c) => this.count(c));
  }

  add(c: ConnectionReport): void {
    this.kept.add(c);
  }

  /** Would a connection be listed if it were added now? (Past the limit, only a better one is.) */
  wouldList(c: Ranked): boolean {
    return this.kept.admits((worst) => listingOrder(c, worst) < 0);
  }

  /** Counts a connection that is not listed: one `wouldList` turned down (without its full record), or one pushed out. */
  count(c: TalliedConnection): void {
    this.dropped++;
    this.unlisted.add(c);
  }

  /** The listed connections in id order, and what was left out (null when nothing was). */
  finish(): { readonly connections: ConnectionReport[]; readonly unlisted: UnlistedConnections | null } {
    const connections = this.kept.sorted().sort((a, b) => a.id - b.id);
    return { connections, unlisted: this.dropped === 0 ? null : { limit: this.limit, ...this.unlisted.result() } };
  }
}

interface RunEntry {
  readonly capture: number;
  readonly report: ConnectionReport;
}

/**
 * One limit over all the captures of a run: each capture arrives already bounded (analyzed
 * with the same limit), and the run keeps the best `limit` connections of them all, in the
 * same order as `CaptureListing`, with earlier captures before later ones.
 */
export class RunListing {
  private readonly captures: CaptureReport[] = [];
  private readonly unlisted: (TallyBuilder | null)[] = [];
  private readonly kept: BoundedSelection<RunEntry>;

  constructor(private readonly limit: number) {
    this.kept = new BoundedSelection<RunEntry>(
      limit,
      (a, b) => rank(a.report) - rank(b.report) || a.capture - b.capture || a.report.id - b.report.id,
      (e) => this.unlistedOf(e.capture).add(e.report),
    );
  }

  add(capture: CaptureReport): void {
    const index = this.captures.length;
    this.captures.push({ ...capture, connections: [] });
    this.unlisted.push(null);
    if (capture.unlisted != null) this.unlistedOf(index).merge(capture.unlisted);
    for (const report of capture.connections) this.kept.add({ capture: index, report });
  }

  /** The captures in the order added, each with its listed connections and unlisted counts. */
  finish(): CaptureReport[] {
    const listed = this.captures.map((): ConnectionReport[] => []);
    for (const e of this.kept.sorted()) listed[e.capture]?.push(e.report);
    return this.captures.map((cap, i) => {
      const connections = (listed[i] ?? []).sort((a, b) => a.id - b.id);
      const tally = this.unlisted[i];
      return tally == null ? { ...cap, connections } : { ...cap, connections, unlisted: { limit: this.limit, ...tally.result() } };
    });
  }

  private unlistedOf(capture: number): TallyBuilder {
    let t = this.unlisted[capture];
    if (t == null) {
      t = new TallyBuilder();
      this.unlisted[capture] = t;
    }
    return t;
  }
}
