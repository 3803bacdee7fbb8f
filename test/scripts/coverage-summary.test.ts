import { describe, expect, it } from 'vitest';
import { COVERAGE_TARGET_PERCENT, TARGET_FOLDERS, foldersOf, formatTable, percent, shortfalls } from '../../scripts/coverage-summary.js';

const ROOT = '/p';
const entry = (lines: [number, number], branches: [number, number]) => ({
  lines: { covered: lines[0], total: lines[1] },
  branches: { covered: branches[0], total: branches[1] },
});

/** Every target folder fully covered, so a test can spoil one and see only that one fail. */
function healthy(): Record<string, ReturnType<typeof entry>> {
  const s: Record<string, ReturnType<typeof entry>> = { total: entry([0, 0], [0, 0]) };
  for (const f of TARGET_FOLDERS) s[`${ROOT}/${f}/a.ts`] = entry([10, 10], [4, 4]);
  return s;
}

describe('coverage summary by folder', () => {
  it('adds files up per folder, nested folders into their first-level folder, and skips the total', () => {
    const s = healthy();
    s[`${ROOT}/src/tls/handshake/server-hello.ts`] = entry([5, 10], [1, 4]);
    s[`${ROOT}/src/report/text.ts`] = entry([3, 4], [1, 2]);
    s[`${ROOT}/src/index.ts`] = entry([1, 1], [0, 0]);
    const rows = foldersOf(s, ROOT);
    expect(rows.map((r) => r.folder)).toEqual([...TARGET_FOLDERS, 'src/report', 'src/*.ts']);
    const tls = rows.find((r) => r.folder === 'src/tls');
    expect(tls).toMatchObject({ files: 2, lines: { covered: 15, total: 20 }, branches: { covered: 5, total: 8 }, targeted: true });
    expect(rows.find((r) => r.folder === 'src/report')?.targeted).toBe(false);
  });

  it('fails a target folder under the target in lines or branches, and only that one', () => {
    const s = healthy();
    s[`${ROOT}/src/decode/b.ts`] = entry([80, 80], [5, 10]);
    expect(shortfalls(foldersOf(s, ROOT))).toEqual([`src/decode: branches 64.3 % < ${COVERAGE_TARGET_PERCENT} %`]);
    const t = healthy();
    t[`${ROOT}/src/flow/b.ts`] = entry([1, 10], [0, 0]);
    expect(shortfalls(foldersOf(t, ROOT))).toEqual([`src/flow: lines 55.0 % < ${COVERAGE_TARGET_PERCENT} %`]);
  });

  it('passes exactly at the target and ignores folders that are not targeted', () => {
    const s = healthy();
    s[`${ROOT}/src/x509/b.ts`] = entry([80, 90], [10, 10]);
    s[`${ROOT}/src/cli/main.ts`] = entry([0, 100], [0, 50]);
    const rows = foldersOf(s, ROOT);
    expect(percent(rows.find((r) => r.folder === 'src/x509')?.lines ?? { covered: 0, total: 1 })).toBe(90);
    expect(shortfalls(rows)).toEqual([]);
  });

  it('fails a target folder that has no measured file at all', () => {
    const s = healthy();
    delete s[`${ROOT}/src/decrypt/a.ts`];
    expect(shortfalls(foldersOf(s, ROOT))).toEqual(['src/decrypt: no file measured']);
  });

  it('prints one row per folder with percentages, counts, a mark on target folders and a total', () => {
    const s = healthy();
    s[`${ROOT}/src/capture/b.ts`] = entry([0, 10], [0, 0]);
    s[`${ROOT}/src/cli/main.ts`] = entry([1, 2], [1, 4]);
    const table = formatTable(foldersOf(s, ROOT));
    expect(table[0]).toMatch(/^folder\s+files\s+lines\s+branches\s+target 90 %$/);
    expect(table.find((l) => l.startsWith('src/capture'))).toMatch(/^src\/capture\s+2\s+50\.0 %\s+10\/20\s+100\.0 %\s+4\/4\s+✗$/);
    expect(table.find((l) => l.startsWith('src/decode'))).toMatch(/✓$/);
    expect(table.find((l) => l.startsWith('src/cli'))).toMatch(/^src\/cli\s+1\s+50\.0 %\s+1\/2\s+25\.0 %\s+1\/4\s*$/);
    expect(table.at(-1)).toMatch(/^all\s+8\s+84\.7 %\s+61\/72\s+89\.3 %\s+25\/28$/);
  });
});
