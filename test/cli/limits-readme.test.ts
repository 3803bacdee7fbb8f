/**
 * The README's Limits table states each limit's default; the code reads it from its stage's
 * defaults object (through the `--limit` table). The two are compared row by row, so a default
 * changed in one place and not the other fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMIT_NAMES, limitDefault } from '../../src/cli/limits.js';
import type { LimitName } from '../../src/cli/limits.js';
import { DEFAULT_MAX_REPORT_CONNECTIONS } from '../../src/report/listing.js';

const README = readFileSync(join(import.meta.dirname, '../..', 'README.md'), 'utf8');

const SCALE: Readonly<Record<string, number>> = { '': 1, s: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, Mi: 1024 ** 2 };

/** A default as the README writes it: `262,144`, `16 MiB`, `30 s`, `128 Mi`, `256 per kind`. */
function readmeValue(text: string): number {
  const m = /^([\d,]+)(?:\s*(KiB|MiB|GiB|Mi|s))?(?:\s+per \w+)?$/.exec(text.trim());
  if (m === null) throw new Error(`unreadable default '${text}'`);
  return Number((m[1] as string).replaceAll(',', '')) * (SCALE[m[2] ?? ''] as number);
}

/** The rows of the Limits table: each name with the default written for it. */
function readmeDefaults(): Map<string, number> {
  const section = README.slice(README.indexOf('## Limits'));
  const table = section.slice(section.indexOf('| limit | default |'), section.indexOf('\n\n', section.indexOf('| limit | default |')));
  const rows = new Map<string, number>();
  for (const line of table.split('\n').slice(2)) {
    const [, names = '', values = ''] = line.split('|').map((c) => c.trim());
    const nameList = [...names.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
    const valueList = values.split(' / ');
    expect(valueList, line).toHaveLength(nameList.length);
    nameList.forEach((name, i) => rows.set(name, readmeValue(valueList[i] as string)));
  }
  return rows;
}

describe('the README Limits table', () => {
  const rows = readmeDefaults();

  it('reads the written forms of a default', () => {
    expect([readmeValue('262,144'), readmeValue('16 MiB'), readmeValue('30 s'), readmeValue('128 Mi'), readmeValue('256 per kind')]).toEqual([262144, 16 * 1024 ** 2, 30, 128 * 1024 ** 2, 256]);
    expect(() => readmeValue('lots')).toThrow();
  });

  it('lists every limit, and only limits', () => {
    expect(rows.size).toBeGreaterThan(30);
    expect([...rows.keys()].filter((n) => n !== '--max-report-connections').sort()).toEqual([...LIMIT_NAMES].sort());
  });

  it.each(LIMIT_NAMES.map((n) => [n]))('states the default of %s as its stage does', (name: LimitName) => {
    expect(rows.get(name)).toBe(limitDefault(name));
  });

  it('states the default of --max-report-connections as the command line does', () => {
    expect(rows.get('--max-report-connections')).toBe(DEFAULT_MAX_REPORT_CONNECTIONS);
  });
});
