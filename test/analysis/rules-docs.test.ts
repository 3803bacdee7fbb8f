import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../src/analysis/verdict-types.js';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'diagnoses.md'), 'utf8');
const rulesDir = join(root, 'src', 'analysis', 'rules');
const sources = readdirSync(rulesDir).map((f) => readFileSync(join(rulesDir, f), 'utf8')).join('\n');

/** Every finding code the rules can emit, read from their sources. */
function emittedCodes(): string[] {
  const out = new Set<string>();
  for (const m of sources.matchAll(/(?:code|findingCode): '([a-z0-9-]+)'/g)) out.add(m[1] as string);
  for (const m of sources.matchAll(/code: \w+ \? '([a-z0-9-]+)' : '([a-z0-9-]+)'/g)) out.add(m[1] as string).add(m[2] as string);
  return [...out].sort();
}

describe('docs/diagnoses.md', () => {
  it('finds the codes (sanity)', () => {
    expect(emittedCodes().length).toBeGreaterThan(50);
  });

  it.each(emittedCodes())('documents %s in a table row', (code) => {
    expect(doc).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });

  it('documents every stage and mTLS state', () => {
    for (const s of STAGES) expect(doc).toMatch(new RegExp(`^\\| \`${s}\` \\|`, 'm'));
    for (const s of ['not-requested', 'requested-not-sent', 'not-reached', 'sent-accepted', 'sent-rejected', 'optional-not-sent', 'unknown-encrypted', 'unknown']) expect(doc).toMatch(new RegExp(`^\\| \`${s}\` \\|`, 'm'));
  });
});
