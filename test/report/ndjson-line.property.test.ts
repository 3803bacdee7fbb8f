/** An NDJSON line is the text of `{ schemaVersion: 1, file, ...connection }`, whatever the strings hold. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderNdjson, renderNdjsonLine } from '../../src/report/json.js';
import { buildReport } from '../../src/report/model.js';
import type { ConnectionReport } from '../../src/report/model.js';
import { connection, factoryCapture } from './report-factory.js';

/** The obvious rendering the spliced one must equal. */
const spread = (file: string, c: ConnectionReport): string => `${JSON.stringify({ schemaVersion: 1, file, ...c })}\n`;

const wire = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '\ud800', '\udc00', 'é', 'a', '/'), maxLength: 30 }));

describe('renderNdjsonLine', () => {
  it('equals the spread rendering for any file name and wire strings', () => {
    fc.assert(
      fc.property(wire, wire, wire, fc.integer(), (file, sni, label, id) => {
        const c = connection({ id, sni, summary: label, timeline: [{ frame: 1, time: '2026-11-20T14:02:11.201000Z', offsetMs: 0, from: 'client', kind: 'handshake', label }] });
        expect(renderNdjsonLine(file, c)).toBe(spread(file, c));
      }),
    );
  });

  it('keeps the file prefix right when lines of several files interleave', () => {
    const a = connection({ id: 1 });
    const b = connection({ id: 2, trust: undefined });
    for (const file of ['a.pcap', 'b"\\.pcap', 'a.pcap', '']) {
      expect(renderNdjsonLine(file, a)).toBe(spread(file, a));
      expect(renderNdjsonLine(file, b)).toBe(spread(file, b));
    }
  });

  it('renders a report of several captures line by line', () => {
    const report = buildReport([
      { ...factoryCapture(), file: 'one.pcap', connections: [connection({ id: 1 }), connection({ id: 2 })] },
      { ...factoryCapture(), file: 'two.pcap', connections: [connection({ id: 3 })] },
    ]);
    const expected = report.captures.flatMap((cap) => cap.connections.map((c) => spread(cap.file, c))).join('');
    expect(renderNdjson(report)).toBe(expected);
  });
});
