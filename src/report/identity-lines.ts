/**
 * What every renderer prints about the --identity key stores of a connection, so all formats
 * say it alike: the verdict, its remarks, then one line per entry with its reasons in words.
 * Placed beside the finding it explains (the client certificate's, or the server
 * certificate's with --identity-for server).
 */
import { basename } from 'node:path';
import { identityReasonText } from '../analysis/identity-verdict.js';
import type { IdentityStoreVerdict } from '../analysis/identity-verdict.js';
import type { ConnectionReport } from './model.js';
import { groupedInteger } from '../util/grouped-integer.js';

/** One store's lines. */
export interface IdentityLines {
  /** "client-alice.p12 (client key store)". */
  readonly store: string;
  readonly verdict: string;
  readonly notes: readonly string[];
  /** "'mallory' CN=mallory, O=Unknown Org: issued by a CA the server does not list". */
  readonly entries: readonly string[];
}

/** Entries listed one by one per store; the rest are counted in one line (a store may hold thousands). */
const MAX_ENTRY_LINES = 12;

function entryLine(v: IdentityStoreVerdict, e: IdentityStoreVerdict['entries'][number]): string {
  // What the wire shows was sent is said once, in the notes ("The client did send 'carol'.").
  const marks = (['SunX509', 'PKIX'] as const).filter((m) => v.keyManagers[m] === e.alias).map((m) => `${m} sends it`);
  const state = e.eligible ? (v.side === 'client' ? 'qualifies' : 'usable') : e.reasons.map(identityReasonText).join('; ');
  const who = e.subject === null ? '' : ` ${e.subject}${e.issuer !== null && e.issuer !== e.subject ? ` (issued by ${e.issuer})` : ''}`;
  return `'${e.alias}'${who}: ${state}${marks.length > 0 ? ` — ${marks.join(', ')}` : ''}`;
}

function linesOf(v: IdentityStoreVerdict): IdentityLines {
  const entries = v.entries.slice(0, MAX_ENTRY_LINES).map((e) => entryLine(v, e));
  if (v.entries.length > MAX_ENTRY_LINES) entries.push(`… and ${groupedInteger(v.entries.length - MAX_ENTRY_LINES)} more entries`);
  return { store: `${basename(v.store)} (${v.side} key store)`, verdict: v.verdict, notes: v.notes, entries };
}

/**
 * With --identity, a TLS 1.3 connection whose CertificateRequest stayed encrypted has nothing to
 * weigh (`identity` is null); said, so that the store given is not silently ignored.
 */
const ENCRYPTED_REQUEST: IdentityLines = {
  store: 'identity key store',
  verdict: "Not weighed: the server's CertificateRequest is encrypted (TLS 1.3); give the key log with --keylog, or the client's Java SSL debug log with --java-log, to weigh the store against it.",
  notes: [],
  entries: [],
};

/** The lines of each store weighed against the connection; empty without --identity or with nothing to weigh. */
export function identityLines(c: ConnectionReport): readonly IdentityLines[] {
  const id = c.identity;
  if (id === undefined) return [];
  // A null identity with a request not ruled out can only mean one that was not read.
  if (id === null) return c.versions.negotiated === 'TLS 1.3' && c.mtls.certificateRequested !== false ? [ENCRYPTED_REQUEST] : [];
  return [linesOf(id), ...(id.also ?? []).map(linesOf)];
}

/** Codes of the findings a client key store explains (or, server side, a server key store). */
const EXPLAINED: Readonly<Record<'client' | 'server', RegExp>> = {
  client: /^(client-cert|client-chain|tls13-client-cert|trust-client)/,
  server: /^(identity-server|server-cert|server-chain|trust-server)/,
};

/**
 * After which of the listed findings (their codes, in order) the key store lines go: the first
 * that they explain; the last when none is (-1 for no findings).
 */
export function identityPlace(c: ConnectionReport, codes: readonly string[]): number {
  const side = c.identity?.side ?? 'client';
  const at = codes.findIndex((code) => EXPLAINED[side].test(code));
  return at >= 0 ? at : codes.length - 1;
}
