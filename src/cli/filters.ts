/** Connection filters of the command line (--only, --host, --port, --sni) and --fail-on matching. */
import type { ConnectionReport } from '../report/model.js';
import type { NdjsonDetail } from '../report/json.js';
import type { CliOptions } from './args.js';
import type { TrustRequest } from '../x509/trust/index.js';
import type { IdentityRequestOptions } from '../x509/identity/index.js';
import { identityLimits, trustLimits } from './limits.js';
import { FAIL_ON_SEVERITIES, FAIL_ON_STATUSES } from './fail-on-terms.js';
import type { Limits } from './limits.js';

/** The part of the options the filters read (what a worker thread is given). */
export type FilterOptions = Pick<CliOptions, 'only' | 'hosts' | 'ports' | 'snis' | 'failOn' | 'expiryDays'> & {
  /** Connections a whole report lists (absent: the default); NDJSON ignores it. */
  readonly maxReportConnections?: number;
  /** --limit values (absent ones: the defaults). */
  readonly limits?: Limits;
  /** --keylog files, read by whichever thread analyzes the capture. */
  readonly keylogs?: readonly string[];
  /** --java-log files, read by whichever thread analyzes the capture. */
  readonly javaLogs?: readonly string[];
  /** --trust stores, loaded once by whichever thread analyzes the capture. */
  readonly trust?: TrustRequest;
  /** --identity stores, loaded once by whichever thread analyzes the capture. */
  readonly identity?: IdentityRequestOptions;
  /** --detail: how much of each connection an NDJSON line carries (absent: compact). */
  readonly ndjsonDetail?: NdjsonDetail;
};

/** What the filters and --fail-on read of a connection: fields the full record and the compact line both carry. */
export interface FilteredConnection {
  readonly status: ConnectionReport['status'];
  readonly mtls: Pick<ConnectionReport['mtls'], 'certificateRequested'>;
  readonly client: { readonly ip: string };
  readonly server: { readonly ip: string; readonly port: number };
  readonly sni: string | null;
  readonly findings: readonly Pick<ConnectionReport['findings'][number], 'code' | 'severity'>[];
}

/** Does a connection pass the --only/--host/--port/--sni filters? */
export function keep(c: FilteredConnection, o: FilterOptions): boolean {
  if (o.only === 'failed' && c.status !== 'failed') return false;
  if (o.only === 'mtls' && c.mtls.certificateRequested !== true) return false;
  if (o.hosts.length > 0 && !o.hosts.includes(c.client.ip) && !o.hosts.includes(c.server.ip)) return false;
  if (o.ports.length > 0 && !o.ports.includes(c.server.port)) return false;
  if (o.snis.length > 0 && (c.sni === null || !o.snis.includes(c.sni.toLowerCase()))) return false;
  return true;
}

/** Does a connection match a --fail-on term (a finding code, a severity, or a status)? */
export function matchesFailOn(c: FilteredConnection, term: string): boolean {
  if (FAIL_ON_STATUSES.some((s) => s === term)) return c.status === term;
  const rank = FAIL_ON_SEVERITIES.findIndex((s) => s === term);
  // FAIL_ON_SEVERITIES runs from the worst: a finding matches at that severity or worse.
  if (rank >= 0) return c.findings.some((f) => FAIL_ON_SEVERITIES.indexOf(f.severity) <= rank);
  return c.findings.some((f) => f.code === term);
}

/** What the command line asks of --identity stores, as plain data; null without --identity. */
export function identityRequest(o: CliOptions): IdentityRequestOptions | null {
  if (o.identity.length === 0) return null;
  return { paths: o.identity, side: o.identityFor, alias: o.alias, password: o.identityPassword, keyPassword: o.identityKeyPassword, limits: identityLimits(o.limits) };
}

/** The filter options alone, as plain data (to hand to a worker thread). */
export function filterOptions(o: CliOptions): FilterOptions {
  const identity = identityRequest(o);
  return {
    only: o.only,
    hosts: o.hosts,
    ports: o.ports,
    snis: o.snis,
    failOn: o.failOn,
    expiryDays: o.expiryDays,
    maxReportConnections: o.maxReportConnections,
    limits: o.limits,
    keylogs: o.keylogs,
    ...(o.detail !== null ? { ndjsonDetail: o.detail } : {}),
    ...(o.javaLogs.length > 0 ? { javaLogs: o.javaLogs } : {}),
    ...(o.trust.length > 0 ? { trust: { paths: o.trust, purpose: o.trustFor, password: o.trustPassword, limits: trustLimits(o.limits) } } : {}),
    ...(identity !== null ? { identity } : {}),
  };
}
