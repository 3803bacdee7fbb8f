/**
 * Client certificates whose key usage lacks digitalSignature, refused by real servers: a JSSE
 * server (OpenJDK defaults, TLS 1.2 and 1.3) and `openssl s_server -verify_return_error`, with
 * OpenSSL clients, captured on loopback by test/fixtures/key-usage/make.sh. What each server
 * printed is kept beside the capture; the diagnosis must name the key usage, say what that
 * server does with such a certificate, and match what the server said.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { contextWith, judgeConnection } from '../../src/analysis/verdict.js';
import { readKeyLogFiles } from '../../src/decrypt/keylog-files.js';

const DIR = resolve(import.meta.dirname, '../fixtures/key-usage');
const JSSE_PORT = 24431;
const OPENSSL_PORT = 24432;

async function judged() {
  const { keyLog } = await readKeyLogFiles([join(DIR, 'keylog.txt')]);
  const analysis = await analyzeCapture(join(DIR, 'capture.pcapng'), { keyLog });
  const context = contextWith(new Set(), {});
  return analysis.connections.map((c) => ({ c, v: judgeConnection(c, context) }));
}

describe('client certificates that may not sign, against real servers', () => {
  it('a JSSE server refuses each one (certificate_unknown), in TLS 1.2 and 1.3, as it printed', async () => {
    const all = (await judged()).filter(({ c }) => c.server.port === JSSE_PORT);
    const printed = readFileSync(join(DIR, 'jsse-server.txt'), 'utf8').split('\n').filter((l) => l.startsWith('failed') || l.startsWith('completed'));
    expect(printed).toEqual(Array(4).fill('failed javax.net.ssl.SSLHandshakeException: KeyUsage does not allow digital signatures'));
    expect(all).toHaveLength(4);
    for (const { c, v } of all) {
      expect(v.status).toBe('failed');
      expect(v.mtls.state).toBe('sent-rejected');
      expect(v.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['client-cert-no-digital-signature']);
      expect(c.alerts.find((a) => a.from === 'server')?.description).toBe(46);
      const detail = v.findings[0]?.detail ?? '';
      expect(detail).toMatch(/has a key usage of (keyEncipherment|keyAgreement) without digitalSignature, yet a client certificate must sign the handshake \(CertificateVerify\)/);
      // Said of Java when the ServerHello gives the stack away, else of both stacks.
      expect(detail).toMatch(/(so a Java server refuses it|Java servers refuse it) \("KeyUsage does not allow digital signatures", alert certificate_unknown\)/);
      expect(detail).toContain('the server answered with alert certificate_unknown (46)');
    }
    expect(new Set(all.map(({ c }) => c.handshakes[0]?.serverHello?.version))).toEqual(new Set([0x0303, 0x0304]));
  });

  it('an OpenSSL server refuses the RSA key-encipherment one (unsupported_certificate) and takes the EC key-agreement one, as it printed', async () => {
    const all = (await judged()).filter(({ c }) => c.server.port === OPENSSL_PORT);
    expect(readFileSync(join(DIR, 'openssl-server.txt'), 'utf8').trim().split('\n')).toEqual(['encipher-only: failed verify error:num=26:unsuitable certificate purpose', 'agreement-only: completed']);
    const [refused, accepted] = all;
    expect(all).toHaveLength(2);
    expect(refused?.v.status).toBe('failed');
    const cause = refused?.v.findings.find((f) => f.severity === 'error');
    expect(cause?.code).toBe('client-cert-no-digital-signature');
    expect(cause?.detail).toContain("The client certificate 'CN=encipher-only, O=Example Corp'");
    expect(cause?.detail).toContain('unsupported_certificate (43)');
    expect(accepted?.v.status).toBe('ok');
    const warning = accepted?.v.findings.find((f) => f.code === 'client-cert-no-digital-signature');
    expect(warning?.severity).toBe('warning');
    expect(warning?.detail).toContain('keyAgreement');
    expect(warning?.detail).toContain('The handshake succeeded anyway.');
  });
});
