/**
 * Stack-specific advice goes only where it applies: on the real JSSE peers of the Java fixtures,
 * the Node.js/OpenSSL samples, and the factory's hello that matches no signature. Also the
 * client that closes before its ClientHello, whatever the server does on the empty connection.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';
import type { Verdict } from '../../src/analysis/verdict-types.js';
import { connectionReport } from '../../src/report/connection-report.js';

const ROOT = join(import.meta.dirname, '..', '..');
const JAVA = join(ROOT, 'test', 'fixtures', 'java-captures');

async function verdictsOf(path: string): Promise<Verdict[]> {
  const r = await analyzeCapture(path);
  const ctx = captureContext(r.connections);
  return r.connections.map((c) => judgeConnection(c, ctx));
}

async function only(path: string): Promise<Verdict> {
  const [v, ...rest] = await verdictsOf(path);
  expect(rest).toHaveLength(0);
  if (v === undefined) throw new Error(`no connection in ${path}`);
  return v;
}

const fixture = (name: string): string => join(JAVA, name, 'capture.pcap');
const texts = (v: Verdict): string[] => v.findings.flatMap((f) => [f.detail, f.fix]);
const errors = (v: Verdict): string[] => v.findings.filter((f) => f.severity === 'error').map((f) => f.code);

describe('client closed before its ClientHello', () => {
  const CASES: [scenario: string, reaction: string | null][] = [
    ['jsse-openssl-protocol-disabled-locally', 'the server then sent alert decode_error (50) at frame 5, its reaction to an empty connection'],
    ['jsse-tls12-keystore-jks-separate-key-password', 'the server then sent alert handshake_failure (40) at frame 5, its reaction to an empty connection'],
    ['jsse-node-protocol-disabled-locally', null],
  ];
  for (const [scenario, reaction] of CASES) {
    it(`${scenario}: the client's silence is the cause${reaction === null ? '' : ", the server's alert its reaction"}`, async () => {
      const v = await only(fixture(scenario));
      expect(v.status).toBe('failed');
      expect(v.stage).toBe('client-hello');
      // The only error: no finding blames the server's alert.
      expect(errors(v)).toEqual(['client-closed-before-hello']);
      const f = v.findings[0];
      expect(f?.code).toBe('client-closed-before-hello');
      if (reaction !== null) {
        expect(v.summary).toContain(reaction);
        expect(f?.frames).toContain(5);
      } else {
        expect(v.summary).not.toContain('reaction');
      }
      // No ClientHello, so the client's stack is unknown: the Java reasons are conditional.
      expect(v.stacks.client).toBeNull();
      expect(f?.detail).toContain('If the client is Java, it found nothing it may send');
      expect(f?.detail).toContain('Cannot recover key');
      expect(f?.fix).toContain('if it is Java: enable TLS 1.2 and 1.3');
    });
  }
});

describe('advice only for the identified stack', () => {
  it('a JSSE client missing its certificate gets the Java explanation as a fact', async () => {
    const v = await only(fixture('jsse-tls12-client-ca-not-listed'));
    expect(v.stacks.client?.name).toBe('java');
    const f = v.findings.find((x) => x.code === 'client-cert-missing');
    expect(f?.detail).toContain('The client is Java 8 or a JDK with TLS 1.3 disabled (JSSE): it sends an empty Certificate when no key entry');
    expect(f?.detail).not.toContain('If the client is');
  });

  it('a Node.js client missing its certificate gets no Java advice', async () => {
    const v = await only(join(ROOT, 'samples', 'tls12-mtls-client-cert-missing.pcap'));
    expect(v.stacks.client?.name).toBe('nodejs');
    const f = v.findings.find((x) => x.code === 'client-cert-missing');
    expect(f?.detail).toContain('The client is Node.js (OpenSSL): it sends an empty Certificate when tls.connect was given no cert and key');
    for (const t of texts(v)) expect(t).not.toMatch(/Java|JSSE|jdk\.tls|javax\.net/);
  });

  it('a JSSE client refusing the version gets the Java setting for the client side only', async () => {
    const v = await only(fixture('jsse-node-version-mismatch'));
    const f = v.findings.find((x) => x.code === 'protocol-version-mismatch');
    expect(f?.fix).toContain('on the client (Java: jdk.tls.client.protocols or https.protocols');
    expect(f?.fix).not.toMatch(/on the client \([^)]*MinProtocol/);
  });

  it('a JSSE server rejecting a Node.js client names PKIX for the server, not for the client', async () => {
    const v = await only(fixture('node-jsse-tls12-client-cert-untrusted'));
    expect(v.stacks.client?.name).toBe('nodejs');
    expect(v.stacks.server?.name).toBe('java');
    for (const t of texts(v)) expect(t).not.toContain('If the');
  });

  const scenarios = existsSync(JAVA) ? readdirSync(JAVA).filter((d) => existsSync(fixture(d))) : [];
  const samples = readdirSync(join(ROOT, 'samples')).filter((f) => /\.(pcap|pcapng)$/.test(f));
  it('on every JSSE fixture and sample: never Java advice on a side identified as another stack, never conditional advice on an identified side', async () => {
    expect(scenarios.length).toBeGreaterThan(20);
    let javaClients = 0;
    let otherClients = 0;
    for (const path of [...scenarios.map(fixture), ...samples.map((s) => join(ROOT, 'samples', s))]) {
      for (const v of await verdictsOf(path)) {
        const all = texts(v).join('\n');
        for (const [side, stack] of [['client', v.stacks.client], ['server', v.stacks.server]] as const) {
          if (stack === null) continue;
          expect(all, `${path}: ${side} is ${stack.label}`).not.toContain(`If the ${side} is`);
          if (stack.name !== 'java') expect(all, path).not.toContain(`The ${side} is Java`);
        }
        if (v.stacks.client?.name === 'java') javaClients++;
        else if (v.stacks.client !== null) otherClients++;
        if (v.stacks.client !== null && v.stacks.client.name !== 'java' && v.stacks.server !== null && v.stacks.server.name !== 'java') {
          expect(all, path).not.toMatch(/Java|jdk\.tls|javax\.net|keytool/);
        }
      }
    }
    expect(javaClients).toBeGreaterThan(20);
    expect(otherClients).toBeGreaterThan(10);
  });
});

describe('stacks against the ground truth of the JSSE fixtures', () => {
  const NAMES: Record<string, readonly string[]> = { jsse: ['java'], node: ['nodejs', 'openssl'], 'openssl-s_server': ['openssl'] };
  const scenarios = existsSync(JAVA) ? readdirSync(JAVA).filter((d) => existsSync(fixture(d))) : [];
  it('names every client that sent a ClientHello as its real stack, and never a server as another one', async () => {
    let named = 0;
    for (const d of scenarios) {
      const truth = JSON.parse(readFileSync(join(JAVA, d, 'ground-truth.json'), 'utf8')) as { client: { stack: string }; server: { stack: string } };
      const v = await only(fixture(d));
      if (v.stacks.client !== null) {
        expect(NAMES[truth.client.stack], d).toContain(v.stacks.client.name);
        named++;
      }
      if (v.stacks.server !== null) expect(NAMES[truth.server.stack], d).toContain(v.stacks.server.name);
    }
    // Only the three clients that closed before their ClientHello stay unnamed.
    expect(named).toBe(scenarios.length - 3);
  });
});

describe('stacks in the report model', () => {
  it('carries both sides as client.stack and server.stack', async () => {
    const r = await analyzeCapture(fixture('jsse-node-tls12-client-ca-not-listed'));
    const c = r.connections[0];
    if (c === undefined) throw new Error('no connection');
    const report = connectionReport(c, judgeConnection(c, captureContext(r.connections)));
    expect(report.client.stack?.name).toBe('java');
    expect(report.server.stack?.name).toBe('openssl');
    expect(report.server.stack?.basis.join(' ')).toContain('renegotiation_info first');
  });
});
