/**
 * The counts a report prints about its connections (the counts line, the summary, warnings),
 * kept as one running tally so that connections a whole report does not list (past
 * `maxReportConnections`) still count exactly like the listed ones.
 */
import type { ConnectionReport } from './model.js';
import { failureTitle } from './cause.js';
import type { WhyInput } from './cause.js';

/** What a tally reads of a connection: the full record, or a glance at one that is only counted. */
export interface TalliedConnection extends WhyInput, Pick<ConnectionReport, 'tls' | 'mtls'> {
  readonly timeline: readonly { readonly kind: string }[];
}

/**
 * Distinct warnings and distinct failure causes a tally tells apart; past it, connections with
 * a new kind are still counted everywhere else. Titles come from the rules' fixed wording, so
 * real captures stay far below it.
 */
const MAX_TALLY_KINDS = 256;

/** How many failed connections share one cause (the title they are grouped under). */
interface FailureCount {
  readonly code: string | null;
  readonly title: string;
  readonly connections: number;
}

/** How many connections carried one warning finding (code and title as the finding gives them). */
interface WarningCount {
  readonly code: string;
  readonly title: string;
  readonly connections: number;
}

export interface ConnectionTally {
  readonly connections: number;
  readonly tls: number;
  readonly ok: number;
  readonly failed: number;
  readonly incomplete: number;
  /** Connections that did not speak TLS. */
  readonly notTls: number;
  /** Of those, the failed ones (a client that closed before its ClientHello, a reply in another protocol). */
  readonly failedNotTls: number;
  /** TLS connections whose client sent a certificate (accepted or rejected). */
  readonly certSent: number;
  /** TLS connections where a certificate was requested and none sent. */
  readonly certMissing: number;
  readonly certRejected: number;
  /** TLS 1.3 connections whose certificate exchange could not be read. */
  readonly certEncrypted: number;
  /** Connections with bytes missing from the capture (a gap on the timeline). */
  readonly withGaps: number;
  /** Failed connections by the code of their first error finding. */
  readonly byCause: Readonly<Record<string, number>>;
  /** Warning findings, each counted once per connection. */
  readonly warnings: readonly WarningCount[];
  /** Failed connections by the cause they are grouped under. */
  readonly failures: readonly FailureCount[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MutableTally = Mutable<Omit<ConnectionTally, 'byCause' | 'warnings' | 'failures'>> & {
  byCause: Record<string, number>;
  warnings: Mutable<WarningCount>[];
  failures: Mutable<FailureCount>[];
};

/** Adds `n` to the entry of `code` and `title`, making it when there is room. */
function addKind<T extends { code: string | null; title: string; connections: number }>(list: T[], code: string | null, title: string, n: number, make: () => T): void {
  const entry = list.find((x) => x.code === code && x.title === title);
  if (entry !== undefined) entry.connections += n;
  else if (list.length < MAX_TALLY_KINDS) list.push(make());
}

/** A tally that `addToTally` and `mergeTally` fill in place. */
export class TallyBuilder {
  private readonly t: MutableTally = {
    connections: 0,
    tls: 0,
    ok: 0,
    failed: 0,
    incomplete: 0,
    notTls: 0,
    failedNotTls: 0,
    certSent: 0,
    certMissing: 0,
    certRejected: 0,
    certEncrypted: 0,
    withGaps: 0,
    byCause: {},
    warnings: [],
    failures: [],
  };

  add(c: TalliedConnection): void {
    const t = this.t;
    t.connections++;
    if (c.status === 'ok') t.ok++;
    else if (c.status === 'failed') t.failed++;
    else if (c.status === 'incomplete') t.incomplete++;
    if (c.status === 'failed') {
      const cause = c.findings.find((f) => f.severity === 'error');
      if (cause !== undefined) this.addCause(cause.code, 1);
      this.addFailure(cause?.code ?? null, failureTitle(c), 1);
    }
    if (!c.tls) {
      t.notTls++;
      if (c.status === 'failed') t.failedNotTls++;
    } else {
      t.tls++;
      const state = c.mtls.state;
      if (state === 'sent-accepted' || state === 'sent-rejected') t.certSent++;
      if (state === 'requested-not-sent') t.certMissing++;
      if (state === 'sent-rejected') t.certRejected++;
      if (state === 'unknown-encrypted') t.certEncrypted++;
    }
    if (c.timeline.some((e) => e.kind === 'gap')) t.withGaps++;
    let seen: Set<string> | null = null;
    for (const f of c.findings) {
      if (f.severity !== 'warning') continue;
      const key = `${f.code}\u0000${f.title}`;
      seen ??= new Set();
      if (seen.has(key)) continue;
      seen.add(key);
      this.addWarning(f.code, f.title, 1);
    }
  }

  merge(other: ConnectionTally): void {
    const t = this.t;
    t.connections += other.connections;
    t.tls += other.tls;
    t.ok += other.ok;
    t.failed += other.failed;
    t.incomplete += other.incomplete;
    t.notTls += other.notTls;
    t.failedNotTls += other.failedNotTls;
    t.certSent += other.certSent;
    t.certMissing += other.certMissing;
    t.certRejected += other.certRejected;
    t.certEncrypted += other.certEncrypted;
    t.withGaps += other.withGaps;
    for (const [code, n] of Object.entries(other.byCause)) this.addCause(code, n);
    for (const w of other.warnings) this.addWarning(w.code, w.title, w.connections);
    for (const f of other.failures) this.addFailure(f.code, f.title, f.connections);
  }

  /** The tally so far (a snapshot: later additions do not change it). */
  result(): ConnectionTally {
    return { ...this.t, byCause: { ...this.t.byCause }, warnings: this.t.warnings.map((w) => ({ ...w })), failures: this.t.failures.map((f) => ({ ...f })) };
  }

  private addCause(code: string, n: number): void {
    // Own keys only: a finding code is ours, but the record must not inherit `constructor`.
    this.t.byCause[code] = (Object.hasOwn(this.t.byCause, code) ? (this.t.byCause[code] ?? 0) : 0) + n;
  }

  private addWarning(code: string, title: string, n: number): void {
    addKind(this.t.warnings, code, title, n, () => ({ code, title, connections: n }));
  }

  private addFailure(code: string | null, title: string, n: number): void {
    addKind(this.t.failures, code, title, n, () => ({ code, title, connections: n }));
  }
}

/** The tally of some connections, plus any tallies already made of others. */
export function tallyOf(connections: readonly ConnectionReport[], ...more: readonly (ConnectionTally | null | undefined)[]): ConnectionTally {
  const b = new TallyBuilder();
  for (const c of connections) b.add(c);
  for (const t of more) if (t != null) b.merge(t);
  return b.result();
}
