/**
 * An NDJSON line is the text of `{ schemaVersion, file, ...connection }` — the compact
 * selection by default, the whole record with --detail full — whatever the strings hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderNdjson, renderNdjsonLine } from '../../src/report/json.js';
import type { NdjsonDetail } from '../../src/report/json.js';
import { compactConnection } from '../../src/report/compact.js';
import { buildReport, SCHEMA_VERSION } from '../../src/report/model.js';
import type { ConnectionReport } from '../../src/report/model.js';
import { connection, factoryCapture } from './report-factory.js';

/** The obvious rendering the spliced one must equal. */
const spread = (file: string, c: ConnectionReport, detail: NdjsonDetail): string =>
  `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, file, ...(detail === 'full' ? c : compactConnection(c)) })}\n`;

const wire = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '\ud800', '\udc00', 'é', 'a', '/'), maxLength: 30 }));
const detail = fc.constantFrom<NdjsonDetail>('compact', 'full');

describe('renderNdjsonLine', () => {
  it('equals the spread rendering for any file name and wire strings, at both details', () => {
    fc.assert(
      fc.property(wire, wire, wire, fc.integer(), detail, (file, sni, label, id, d) => {
        const c = connection({ id, sni, summary: label, timeline: [{ frame: 1, time: '2026-11-20T14:02:11.201000Z', offsetMs: 0, from: 'client', kind: 'handshake', label }] });
        expect(renderNdjsonLine(file, c, d)).toBe(spread(file, c, d));
      }),
    );
  });

  it('is compact unless asked for the full record', () => {
    const c = connection({ id: 1 });
    expect(renderNdjsonLine('a.pcap', c)).toBe(spread('a.pcap', c, 'compact'));
    expect(renderNdjsonLine('a.pcap', c).length).toBeLessThan(renderNdjsonLine('a.pcap', c, 'full').length / 2);
  });

  it('keeps the file prefix right when lines of several files interleave', () => {
    const a = connection({ id: 1 });
    const b = connection({ id: 2, trust: undefined });
    for (const file of ['a.pcap', 'b"\\.pcap', 'a.pcap', '']) {
      for (const d of ['compact', 'full'] as const) {
        expect(renderNdjsonLine(file, a, d)).toBe(spread(file, a, d));
        expect(renderNdjsonLine(file, b, d)).toBe(spread(file, b, d));
      }
    }
  });

  it('renders a report of several captures line by line', () => {
    const report = buildReport([
      { ...factoryCapture(), file: 'one.pcap', connections: [connection({ id: 1 }), connection({ id: 2 })] },
      { ...factoryCapture(), file: 'two.pcap', connections: [connection({ id: 3 })] },
    ]);
    for (const d of ['compact', 'full'] as const) {
      const expected = report.captures.flatMap((cap) => cap.connections.map((c) => spread(cap.file, c, d))).join('');
      expect(renderNdjson(report, { detail: d })).toBe(expected);
    }
    expect(renderNdjson(report)).toBe(renderNdjson(report, { detail: 'compact' }));
  });
});
