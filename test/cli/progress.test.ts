/** The progress line: only for large files on a terminal, and what it says. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgress, progressLine, PROGRESS_MIN_BYTES } from '../../src/cli/progress.js';

describe('progress', () => {
  it('says how far, how many packets and how long is left', () => {
    const mib = 1024 * 1024;
    expect(progressLine('big.pcap', 100 * mib, 400 * mib, 123456, 10_000)).toBe('big.pcap: 25% · 100 MiB of 400 MiB · 123,456 packets · 30 s left');
    expect(progressLine('big.pcap.gz', 5 * mib, null, 10, 1000)).toBe('big.pcap.gz: 5.0 MiB · 10 packets');
  });

  it('is off for pipes, stdin and small files, on for a large file on a terminal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-progress-'));
    const small = join(dir, 'small.pcap');
    writeFileSync(small, new Uint8Array(1024));
    const out: string[] = [];
    expect(createProgress(small, true, (s) => out.push(s))).toBeNull();
    expect(createProgress('-', true, (s) => out.push(s))).toBeNull();
    const big = join(dir, 'big.pcap');
    writeFileSync(big, new Uint8Array(PROGRESS_MIN_BYTES));
    expect(createProgress(big, false, (s) => out.push(s))).toBeNull();
    let t = 0;
    const p = createProgress(big, true, (s) => out.push(s), () => t);
    expect(p).not.toBeNull();
    t = 1000;
    p?.update(PROGRESS_MIN_BYTES / 2, 10, false);
    p?.update(PROGRESS_MIN_BYTES / 2 + 1, 11, false); // within the redraw interval: not drawn
    p?.done();
    expect(out).toHaveLength(2);
    expect(out[0]).toContain('50%');
    expect(out[1]).toBe('\r\u001b[2K');
  });
});
