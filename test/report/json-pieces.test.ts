import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderJson, renderJsonPieces } from '../../src/report/json.js';
import { buildReport } from '../../src/report/model.js';
import { HOSTILE, factoryCapture, factoryReport } from './report-factory.js';

describe('JSON report in pieces', () => {
  it('is exactly JSON.stringify(report, null, 2) for the factory report (an unreadable capture, hostile strings)', () => {
    const report = factoryReport();
    expect(renderJson(report)).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(JSON.stringify(report)).toContain(JSON.stringify(HOSTILE).slice(1, 10));
  });

  it('is exactly one JSON.stringify for any number of connections over several captures, and holds a few connections a piece', () => {
    const cap = factoryCapture();
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 300 }), { minLength: 1, maxLength: 3 }), fc.string(), (counts, sni) => {
        const captures = counts.map((n, i) => ({
          ...cap,
          file: `c${i}.pcap`,
          connections: Array.from({ length: n }, (_, k) => ({ ...(cap.connections[k % cap.connections.length] as (typeof cap.connections)[number]), id: k + 1, sni })),
        }));
        const report = buildReport(captures);
        const pieces = [...renderJsonPieces(report)];
        expect(pieces.join('')).toBe(`${JSON.stringify(report, null, 2)}\n`);
        const most = counts.reduce((a, b) => Math.max(a, b), 0);
        expect(pieces.length).toBeGreaterThanOrEqual(Math.floor(most / 64));
      }),
      { numRuns: 40 },
    );
  });
});
