/**
 * An NDJSON run tells the process, once, before it reads, that it holds little live state (the
 * command then keeps V8's heap close to it: src/cli/main.ts); the whole-report formats, which
 * hold their listed reports, never do.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './run-in-process.js';

const SAMPLES = resolve(import.meta.dirname, '../../samples');
const ONE = resolve(SAMPLES, 'tls12-mtls-client-cert-missing.pcap');

describe('the streaming hook', () => {
  it('is called once by an NDJSON run of several captures, before any line is written', async () => {
    const calls: number[] = [];
    let written = 0;
    const run = await runInProcess(['--format', 'ndjson', SAMPLES], { streaming: () => calls.push(written), onStdout: () => void written++ });
    expect(run.code).toBe(0);
    expect(run.out.split('\n').filter((l) => l !== '').length).toBeGreaterThan(10);
    expect(calls).toEqual([0]);
  });

  it.each([['text'], ['json'], ['markdown'], ['html']])('is never called by a %s report', async (format) => {
    let called = 0;
    const run = await runInProcess(['--format', format, ONE], { streaming: () => void called++ });
    expect(run.code).toBe(0);
    expect(run.out.length).toBeGreaterThan(100);
    expect(called).toBe(0);
  });
});
