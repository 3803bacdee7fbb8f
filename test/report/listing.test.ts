/**
 * The bounded listing of whole reports: which connections are listed past
 * maxReportConnections, and that what is not listed is still counted exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedSelection } from '../../src/report/bounded-selection.js';
import { tallyOf } from '../../src/report/connection-tally.js';
import type { ConnectionTally } from '../../src/report/connection-tally.js';
import { CaptureListing, listingOrder, RunListing } from '../../src/report/listing.js';
import { buildReport } from '../../src/report/model.js';
import type { CaptureReport, ConnectionReport } from '../../src/report/model.js';
import type { Finding, MtlsState, Status } from '../../src/analysis/verdict-types.js';
import { renderText } from '../../src/report/text.js';
import { captureCounts, hygieneWarnings, verdictLine } from '../../src/report/view.js';
import { connection, factoryCapture } from './report-factory.js';

const STATUSES: readonly Status[] = ['ok', 'failed', 'incomplete', 'not-tls'];
const STATES: readonly MtlsState[] = ['not-requested', 'requested-not-sent', 'sent-accepted', 'sent-rejected', 'unknown-encrypted'];

function finding(code: string, severity: Finding['severity']): Finding {
  return { code, severity, title: `title of ${code}`, detail: '', fix: '', frames: [] };
}

/** A connection with the facts the counts read, drawn at random. */
const arbConnection = fc
  .record({
    status: fc.constantFrom(...STATUSES),
    state: fc.constantFrom(...STATES),
    error: fc.option(fc.constantFrom('client-cert-missing', 'server-reset', 'version-mismatch'), { nil: null }),
    warnings: fc.subarray(['weak-cipher', 'cert-expiring', 'tls10-offered']),
    gap: fc.boolean(),
  })
  .map((r) => (id: number): ConnectionReport => {
    const base = connection({ id });
    return connection({
      id,
      status: r.status,
      tls: r.status !== 'not-tls',
      mtls: { ...base.mtls, state: r.state },
      findings: [...(r.error !== null ? [finding(r.error, 'error')] : []), ...r.warnings.map((w) => finding(w, 'warning'))],
      timeline: r.gap ? [...base.timeline, { ...base.timeline[0]!, kind: 'gap', label: 'gap' }] : base.timeline,
    });
  });

/** Connections with distinct ids, in a random arrival order (connections end in any order). */
const arbConnections = fc
  .array(arbConnection, { maxLength: 60 })
  .chain((makers) => fc.shuffledSubarray(makers.map((make, i) => make(i + 1)), { minLength: makers.length, maxLength: makers.length }));

function ids(cs: readonly ConnectionReport[]): number[] {
  return cs.map((c) => c.id);
}

function capture(connections: readonly ConnectionReport[]): CaptureReport {
  return { ...factoryCapture(), connections };
}

describe('BoundedSelection', () => {
  it('keeps the best `limit` items whatever the arrival order, and drops each other item once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 80 }), fc.nat(20), (values, limit) => {
        const items = values.map((v, i) => ({ v, i }));
        const order = (a: { v: number; i: number }, b: { v: number; i: number }) => a.v - b.v || a.i - b.i;
        const dropped: number[] = [];
        const selection = new BoundedSelection(limit, order, (x) => dropped.push(x.i));
        for (const x of items) selection.add(x);
        const expected = [...items].sort(order).slice(0, limit);
        expect(selection.sorted()).toEqual(expected);
        expect(selection.size).toBe(Math.min(limit, items.length));
        const kept = new Set(expected.map((x) => x.i));
        expect(dropped.sort((a, b) => a - b)).toEqual(items.filter((x) => !kept.has(x.i)).map((x) => x.i));
      }),
    );
  });
});

describe('CaptureListing', () => {
  it('lists failed, then incomplete, then the rest by id, and counts exactly what it leaves out', () => {
    fc.assert(
      fc.property(arbConnections, fc.nat(70), (arrivals, limit) => {
        const listing = new CaptureListing(limit);
        for (const c of arrivals) listing.add(c);
        const { connections, unlisted } = listing.finish();
        const expected = [...arrivals].sort(listingOrder).slice(0, limit);
        expect(ids(connections)).toEqual(ids(expected).sort((a, b) => a - b));
        if (arrivals.length <= limit) expect(unlisted).toBeNull();
        else {
          expect(unlisted?.limit).toBe(limit);
          // Listed plus unlisted counts are the counts of every connection.
          const cap = { ...capture(connections), unlisted: unlisted ?? undefined };
          const all = tallyOf(arrivals);
          expect(normalized(tallyOf(cap.connections, cap.unlisted))).toEqual(normalized(all));
          expect(captureCounts(cap)).toMatchObject({ connections: all.connections, failed: all.failed, certEncrypted: all.certEncrypted });
          expect(buildReport([cap]).summary).toEqual(buildReport([capture([...arrivals].sort((a, b) => a.id - b.id))]).summary);
          const warned = (code: string) => arrivals.filter((c) => c.findings.some((f) => f.code === code)).length;
          for (const w of hygieneWarnings(cap)) expect(w.ids.length + w.unlisted).toBe(warned(w.code));
        }
      }),
    );
  });

  it('asked first with wouldList, counting what it turns down, ends as if every connection were added', () => {
    fc.assert(
      fc.property(arbConnections, fc.nat(70), (arrivals, limit) => {
        const added = new CaptureListing(limit);
        const asked = new CaptureListing(limit);
        for (const c of arrivals) {
          added.add(c);
          if (asked.wouldList(c)) asked.add(c);
          else asked.count(c);
        }
        expect(asked.finish()).toEqual(added.finish());
      }),
    );
  });

  it('keeps no connection with a limit of 0 and still counts them all', () => {
    const listing = new CaptureListing(0);
    const cs = [connection({ id: 1 }), connection({ id: 2, status: 'failed', findings: [finding('server-reset', 'error')] })];
    for (const c of cs) listing.add(c);
    const { connections, unlisted } = listing.finish();
    expect(connections).toEqual([]);
    const cap = { ...capture(connections), unlisted: unlisted ?? undefined };
    expect(captureCounts(cap)).toMatchObject({ connections: 2, tls: 2, ok: 1, failed: 1 });
    expect(verdictLine(cap)).toBe('1 of 2 TLS connections failed: title of server-reset');
    const text = renderText(buildReport([cap]), { color: false, verbose: false });
    expect(text).toContain('1 failed connection is not listed: title of server-reset (1×).');
    expect(text).toContain('Listed 0 of 2 connections');
  });
});

describe('RunListing', () => {
  it('applies one limit across captures, failed ones of any capture first, with exact counts per capture', () => {
    fc.assert(
      fc.property(fc.array(arbConnections, { minLength: 1, maxLength: 4 }), fc.nat(40), fc.nat(40), (perCapture, captureLimit, runLimit) => {
        const run = new RunListing(runLimit);
        for (const arrivals of perCapture) {
          const listing = new CaptureListing(captureLimit);
          for (const c of arrivals) listing.add(c);
          const { connections, unlisted } = listing.finish();
          run.add(unlisted === null ? capture(connections) : { ...capture(connections), unlisted });
        }
        const captures = run.finish();
        expect(captures).toHaveLength(perCapture.length);
        // Each capture's listed plus unlisted counts are its connections' counts.
        captures.forEach((cap, i) => expect(normalized(tallyOf(cap.connections, cap.unlisted))).toEqual(normalized(tallyOf(perCapture[i] ?? []))));
        // What is listed: the best of each capture's own best, across captures.
        const candidates = perCapture.flatMap((arrivals, k) => [...arrivals].sort(listingOrder).slice(0, captureLimit).map((c) => ({ k, c })));
        const expected = candidates
          .sort((a, b) => (rankOf(a.c) - rankOf(b.c)) || a.k - b.k || a.c.id - b.c.id)
          .slice(0, runLimit);
        const listed = captures.flatMap((cap, k) => cap.connections.map((c) => `${k}:${c.id}`)).sort();
        expect(listed).toEqual(expected.map((e) => `${e.k}:${e.c.id}`).sort());
        for (const cap of captures) expect(ids(cap.connections)).toEqual([...ids(cap.connections)].sort((a, b) => a - b));
      }),
    );
  });
});

/** A tally with its lists in a fixed order (they are kept in the order first seen). */
function normalized(t: ConnectionTally): ConnectionTally {
  const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title);
  return { ...t, warnings: [...t.warnings].sort(byTitle), failures: [...t.failures].sort(byTitle) };
}

function rankOf(c: ConnectionReport): number {
  return c.status === 'failed' ? 0 : c.status === 'incomplete' ? 1 : 2;
}
