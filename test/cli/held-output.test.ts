import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldOutput, SpillFolder } from '../../src/cli/held-output.js';

describe('HeldOutput (output of files waiting for earlier ones)', () => {
  it('gives back everything in order, past the memory bound from a temporary file, and acknowledges each character once', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 30 }), fc.integer({ min: 1, max: 60 }), (texts, maxChars) => {
        const folder = new SpillFolder();
        const held = new HeldOutput(folder, 'x.ndjson', maxChars);
        let acked = 0;
        for (const t of texts) acked += held.add(t);
        const parts: Buffer[] = [];
        acked += held.drain((chunk) => parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk)));
        expect(Buffer.concat(parts).toString('utf8')).toBe(texts.join(''));
        expect(acked).toBe(texts.reduce((n, t) => n + t.length, 0));
        folder.dispose();
      }),
    );
  });

  it('moves text to disk only past the bound, and removes the file once drained', () => {
    const folder = new SpillFolder();
    const held = new HeldOutput(folder, 'y.ndjson', 10);
    expect(held.add('12345')).toBe(0);
    expect(held.add('678901')).toBe(11);
    const path = folder.file('y.ndjson');
    expect(existsSync(path)).toBe(true);
    expect(held.add('abc')).toBe(3);
    let out = '';
    held.drain((c) => void (out += typeof c === 'string' ? c : Buffer.from(c).toString('utf8')));
    expect(out).toBe('12345678901abc');
    expect(existsSync(path)).toBe(false);
    folder.dispose();
    expect(existsSync(dirname(path))).toBe(false);
  });
});
