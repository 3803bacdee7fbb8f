/**
 * An anomaly log keeps its first `maxItems` anomalies and only counts the rest, by code, so a
 * hostile capture cannot grow memory through them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AnomalyLog } from '../../src/util/anomaly.js';
import type { Anomaly } from '../../src/util/anomaly.js';

describe('AnomalyLog', () => {
  it('keeps the first maxItems anomalies in order and counts the rest by code', () => {
    fc.assert(
      fc.property(fc.nat({ max: 12 }), fc.array(fc.constantFrom('a.one', 'b.two', 'c.three'), { maxLength: 40 }), (max, codes) => {
        const log = new AnomalyLog(max);
        const added: Anomaly[] = codes.map((code, i) => ({ code, severity: 'weird', message: `anomaly ${i}` }));
        for (const a of added) log.add(a);
        expect(log.list()).toEqual(added.slice(0, max));
        const counted = new Map<string, number>();
        for (const a of added.slice(max)) counted.set(a.code, (counted.get(a.code) ?? 0) + 1);
        expect(new Map(log.droppedCounts())).toEqual(counted);
        expect(log.size).toBe(added.length);
      }),
    );
  });

  it('a log that never filled has nothing counted', () => {
    const log = new AnomalyLog(2);
    log.add({ code: 'x', severity: 'weird', message: 'x' });
    expect(log.droppedCounts().size).toBe(0);
    expect(log.size).toBe(1);
  });
});
