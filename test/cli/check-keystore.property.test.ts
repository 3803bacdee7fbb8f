/**
 * `check-keystore` on randomly damaged real stores (test/fixtures/keystores-check): it never
 * crashes, exits 0, 1 or 2, and a refusal is one sentence on one line. A fuzz campaign
 * (`npm run fuzz`) runs it with more inputs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jksDigest, JKS_MAGIC } from '../../src/x509/trust/index.js';
import { CHECK_PASSWORD, KEYSTORES_CHECK_DIR } from '../fixtures/keystores-check/make-keystores-check.js';
import { runInProcess } from './run-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-check-keystore-fuzz-'));

function run(argv: string[]): ReturnType<typeof runInProcess> {
  return runInProcess(['check-keystore', ...argv]);
}

describe('check-keystore on damaged stores', () => {
  it('random mutations of real stores never crash: exit 0, 1 or 2, and a refusal is one sentence', async () => {
    const sources = ['clean.p12', 'problems.p12', 'problems.jks'].map((name) => readFileSync(join(KEYSTORES_CHECK_DIR, name)));
    const mutated = join(dir, 'mutated');
    const outcomes = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sources.length - 1 }),
        // Unbiased positions: small numbers would hit the header almost every time.
        fc.array(fc.tuple(fc.noBias(fc.nat()), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.noBias(fc.nat()), weight: 1 }),
        fc.constantFrom('as is', 'digest made again', 'no password'),
        async (which, flips, cut, how) => {
          const source = sources[which] as Buffer;
          const jks = source.readUInt32BE(0) === JKS_MAGIC;
          // A JKS digest caught every change before the entries were read: made again over the
          // mutated body (or not checked, without a password), the damage reaches the entry parser.
          let bytes = Buffer.from(jks && how !== 'as is' ? source.subarray(0, source.length - 20) : source);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          if (cut !== undefined) bytes = bytes.subarray(0, cut % bytes.length);
          if (jks && how === 'digest made again') bytes = Buffer.concat([bytes, jksDigest(CHECK_PASSWORD, bytes)]);
          writeFileSync(mutated, bytes);
          // A mutated iteration count must not make one run take minutes.
          const r = await run([...(how === 'no password' ? [] : ['--password', CHECK_PASSWORD]), '--limit', 'maxTrustKdfIterations=100000', mutated]);
          expect([0, 1, 2]).toContain(r.code);
          if (r.code === 2) expect(r.err).toMatch(/^tlsautopsy: [^\n]+\n$/);
          outcomes.add(r.code);
        },
      ),
      { numRuns: 120 },
    );
    // Some mutations must have got past the reading, or the property says little.
    expect(outcomes.has(1) || outcomes.has(0)).toBe(true);
  }, 180_000);
});
