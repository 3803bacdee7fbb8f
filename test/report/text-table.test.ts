import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderFixedTable } from '../../src/report/text-table.js';

/** One cli-table3 table of all the rows: what the blocks must add up to. */
function oneTable(head: string[], widths: number[], color: boolean, rows: string[][]): string {
  const t = new Table({ head, style: { head: color ? ['bold'] : [], border: color ? ['grey'] : [] }, wordWrap: true, wrapOnWordBoundary: true, colWidths: widths });
  for (const r of rows) t.push(r);
  return t.toString();
}

const cell = fc.array(fc.constantFrom('a', 'bb', 'ccc', ' ', '  ', '\n', 'longerword', 'averyveryverylongword', '·', '→', '漢字', '\u001b[31mred\u001b[39m', '\u001b[1mbold'), { maxLength: 8 }).map((p) => p.join(''));

describe('tables drawn row by row', () => {
  it('are the same text as one cli-table3 table, for any rows, widths and colours', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) =>
          fc.record({
            widths: fc.array(fc.integer({ min: 1, max: 14 }), { minLength: n, maxLength: n }),
            head: fc.oneof(fc.constant<string[]>([]), fc.array(cell, { minLength: n, maxLength: n })),
            rows: fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 12 }),
          }),
        ),
        fc.boolean(),
        ({ widths, head, rows }, color) => {
          const want = oneTable(head, widths, color, rows);
          const got = renderFixedTable({ head, colWidths: widths, style: { head: color ? ['bold'] : [], border: color ? ['grey'] : [] } }, rows);
          expect(got).toBe(want);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('draw 20,000 rows: one header, every row in order with the separator above it', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [`#${i}`, `10.0.0.${i % 250}:443`, 'ok']);
    const text = renderFixedTable({ head: ['#', 'server', 'result'], colWidths: [8, 20, 6], style: { head: [], border: [] } }, rows);
    // Header, its border lines, and each row with the separator above it.
    expect(text.split('\n').length).toBe(3 + 20_000 * 2);
    expect(text.endsWith('┘')).toBe(true);
    const ids = [...text.matchAll(/│ #(\d+) /g)].map((m) => Number(m[1]));
    expect(ids).toEqual(rows.map((_, i) => i));
  });
});
