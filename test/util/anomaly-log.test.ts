/**
 * An anomaly log keeps its first `maxItems` anomalies and only counts the rest, by code, so a
 * hostile capture cannot grow memory through them; its list ends with one line per counted code
 * that says how many were not listed and which limit to raise.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AnomalyLog } from '../../src/util/anomaly.js';
import type { Anomaly, AnomalySeverity } from '../../src/util/anomaly.js';

const CODES = ['a.one', 'b.two', 'c.three'] as const;

/** The count a summary line carries, checked against what its sentence says. */
function statedCount(line: Anomaly): number {
  const m = /^(\d+) more anomal(?:y with this code was|ies with this code were) counted but not listed \(limitX lists (\d+); raise it with --limit limitX=N\)\.$/.exec(line.message);
  if (m === null || line.count === undefined) throw new Error(`not a summary line: ${line.message}`);
  expect(Number(m[1])).toBe(line.count);
  expect(line.frame).toBeUndefined();
  return line.count;
}

const anomalyArb = fc.record({ code: fc.constantFrom(...CODES), severity: fc.constantFrom<AnomalySeverity>('weird', 'violation') });

describe('AnomalyLog', () => {
  it('lists the first maxItems anomalies in order, then one line per code it only counted', () => {
    fc.assert(
      fc.property(fc.nat({ max: 12 }), fc.array(anomalyArb, { maxLength: 40 }), (max, drawn) => {
        const log = new AnomalyLog(max, 'limitX');
        const added: Anomaly[] = drawn.map((d, i) => ({ ...d, message: `anomaly ${i}` }));
        for (const a of added) log.add(a);
        const listed = log.list();
        expect(listed.slice(0, max)).toEqual(added.slice(0, max));

        const rest = added.slice(max);
        const expected = new Map<string, { count: number; severity: AnomalySeverity }>();
        for (const a of rest) {
          const e = expected.get(a.code);
          if (e === undefined) expected.set(a.code, { count: 1, severity: a.severity });
          else {
            e.count++;
            if (a.severity === 'violation') e.severity = 'violation';
          }
        }
        const summaries = listed.slice(Math.min(max, added.length));
        // In the order each code was first counted.
        expect(summaries.map((s) => s.code)).toEqual([...expected.keys()]);
        for (const s of summaries) {
          expect(statedCount(s)).toBe(expected.get(s.code)?.count);
          expect(s.severity).toBe(expected.get(s.code)?.severity);
          expect(s.message).toContain(`(limitX lists ${max};`);
        }
      }),
    );
  });

  it('a summary line handed to another full log is counted for what it stands for', () => {
    fc.assert(
      fc.property(fc.nat({ max: 5 }), fc.nat({ max: 5 }), fc.array(fc.constantFrom(...CODES), { maxLength: 30 }), (firstMax, secondMax, codes) => {
        const first = new AnomalyLog(firstMax, 'limitX');
        const second = new AnomalyLog(secondMax, 'limitX');
        for (const [i, code] of codes.entries()) first.add({ code, severity: 'weird', message: `anomaly ${i}` });
        for (const a of first.list()) second.add(a);
        const listed = second.list();
        // Every anomaly is either listed one by one in the second log or counted in one of its summary lines.
        let accounted = 0;
        for (const a of listed) accounted += a.message.startsWith('anomaly ') ? 1 : statedCount(a);
        expect(accounted).toBe(codes.length);
      }),
    );
  });

  it('a log that never filled lists exactly what was added, with no summary', () => {
    const log = new AnomalyLog(2, 'limitX');
    const a: Anomaly = { code: 'x', severity: 'weird', message: 'x' };
    log.add(a);
    expect(log.list()).toEqual([a]);
  });

  it('one anomaly past the bound is told in the singular', () => {
    const log = new AnomalyLog(0, 'maxConnectionAnomalies');
    log.add({ code: 'tcp.gap', severity: 'weird', message: 'x' });
    expect(log.list()).toEqual([
      { code: 'tcp.gap', severity: 'weird', message: '1 more anomaly with this code was counted but not listed (maxConnectionAnomalies lists 0; raise it with --limit maxConnectionAnomalies=N).', count: 1 },
    ]);
  });
});
