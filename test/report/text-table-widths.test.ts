/**
 * cli-table3 is given a remembering `string-width` (src/report/text-table.ts) when the first
 * table is drawn. This file loads cli-table3 only through the renderer, as the command does,
 * so the remembering function is in place; the goldens check the text is unchanged.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { renderFixedTable } from '../../src/report/text-table.js';

describe('the width cli-table3 measures with', () => {
  it('is remembered once a table is drawn, and measures as string-width does', () => {
    const text = renderFixedTable({ head: ['a', 'b'], colWidths: [8, 8], style: { head: [], border: [] } }, [['漢字', '\u001b[31mred\u001b[39m']]);
    expect(text).toContain('│ 漢字   │ \u001b[31mred\u001b[39m    │');
    const fromTable = createRequire(createRequire(import.meta.url).resolve('cli-table3'));
    const width = fromTable('string-width') as ((s: string) => number) & { name: string };
    expect(width.name).toBe('remembering');
    for (const [s, w] of [['漢字', 4], ['\u001b[31mred\u001b[39m', 3], ['→ x', 3], ['', 0]] as const) {
      expect(width(s)).toBe(w);
      expect(width(s)).toBe(w);
    }
  });
});
