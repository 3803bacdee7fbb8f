/**
 * The catalogue on the project's sample captures (samples/, made by the fixture generator):
 * each sample is named for what it shows, and its leading finding must say so.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';

const samples = join(import.meta.dirname, '..', '..', 'samples');
const present = existsSync(samples);
if (!present) console.log(`rules-samples: ${samples} is absent; skipping the sample-capture checks`);

async function verdicts(file: string) {
  const path = join(samples, file);
  if (!existsSync(path)) return null;
  const r = await analyzeCapture(path);
  const ctx = captureContext(r.connections);
  return r.connections.map((c) => judgeConnection(c, ctx));
}

const CASES: [file: string, status: string, leading: string | null][] = [
  ['tls12-mtls-ok-rsa-server.pcap', 'ok', null],
  ['tls12-optional-client-cert-not-sent.pcap', 'ok', null],
  ['tls12-mtls-client-cert-missing.pcap', 'failed', 'client-cert-missing'],
  ['tls12-mtls-client-cert-expired.pcap', 'failed', 'client-cert-expired'],
  ['tls12-mtls-client-cert-untrusted.pcap', 'failed', 'client-cert-issuer-not-requested'],
  ['tls12-no-common-cipher.pcap', 'failed', 'no-common-cipher-suite'],
  ['tls-version-mismatch.pcap', 'failed', 'protocol-version-mismatch'],
  ['tls-client-to-http-server.pcap', 'failed', 'not-tls-reply'],
  ['tcp-rst-after-client-hello.pcap', 'failed', 'server-reset-after-client-hello'],
  ['server-silent-after-client-hello.pcap', 'failed', 'server-silent-after-client-hello'],
  ['tls13-mtls-client-cert-missing.pcapng', 'failed', 'client-cert-missing'],
  ['tls13-mtls-ok.pcapng', 'ok', 'tls13-client-cert-inferred'],
];

describe.skipIf(!present)('rules on the sample captures', () => {
  it.each(CASES)('%s → %s, leading %s', async (file, status, leading) => {
    const vs = await verdicts(file);
    if (vs === null) {
      console.log(`rules-samples: ${file} is absent; skipped`);
      return;
    }
    expect(vs).toHaveLength(1);
    const v = vs[0];
    expect(v?.status).toBe(status);
    expect(v?.findings[0]?.code ?? null).toBe(leading);
    if (status === 'failed') expect(v?.findings.filter((f) => f.severity === 'error').length).toBeGreaterThan(0);
  });

  it('the TLS 1.3 missing certificate is marked inferred and names the likely alerts', async () => {
    const vs = await verdicts('tls13-mtls-client-cert-missing.pcapng');
    if (vs === null) return;
    const f = vs[0]?.findings[0];
    expect(f?.inferred).toBe(true);
    expect(f?.detail).toContain('certificate_required (116)');
  });
});
