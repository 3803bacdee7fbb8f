/**
 * --java-log on the JSSE captures (real OpenJDK 17 peers, test/fixtures/java-captures): without a
 * key log, TLS 1.3 hides the client certificate and the alert, and the wire can only infer them
 * from record sizes; with the peers' own SSL debug logs they become exact facts, marked
 * `source: 'java-log'`, and the headline quotes JSSE's reason. Then the match by time, on
 * constructed logs: only once a handshake matched by random has taught the clock offset.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import type { Connection } from '../../src/analysis/connection.js';
import { JavaLogMatcher } from '../../src/analysis/java-log-match.js';
import { readJavaLog } from '../../src/javalog/read.js';
import { newLoggedHandshake } from '../../src/javalog/types.js';
import type { JavaLog } from '../../src/javalog/types.js';
import { captureReport } from '../../src/report/model.js';
import { analyzeFile } from '../../src/index.js';
import type { CaptureReport } from '../../src/report/model.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/java-captures');

async function report(scenario: string, logs: readonly string[]): Promise<CaptureReport> {
  const dir = join(FIXTURES, scenario);
  const javaLogs = await Promise.all(logs.map((l) => readJavaLog(l.includes('/') ? join(FIXTURES, l) : join(dir, l))));
  return captureReport(scenario, await analyzeCapture(join(dir, 'capture.pcap')), logs.length === 0 ? {} : { javaLogs });
}

interface Expected {
  readonly scenario: string;
  readonly logs: readonly string[];
  readonly clientCertificates: number | null;
  readonly state: string;
  readonly alert: { readonly from: 'client' | 'server'; readonly code: number; readonly name: string; readonly reason: string | null; readonly length: number };
  readonly headline: string;
  /** Words of JSSE's reason the headline quotes, and the side that logged it. */
  readonly quoted: string;
  /** The CAs the request listed, as the log tells them (default: the corp root). */
  readonly cas?: readonly string[];
}

const CASES: readonly Expected[] = [
  { scenario: 'jsse-tls13-client-ca-not-listed', logs: ['client.log', 'server.log'], clientCertificates: 0, state: 'requested-not-sent', alert: { from: 'server', code: 42, name: 'bad_certificate', reason: 'Empty client certificate chain', length: 35 }, headline: 'client-cert-missing', quoted: '"Empty client certificate chain" (the server\'s Java log' },
  { scenario: 'jsse-node-tls13-client-ca-not-listed', logs: ['client.log'], clientCertificates: 0, state: 'requested-not-sent', alert: { from: 'server', code: 116, name: 'certificate_required', reason: null, length: 19 }, headline: 'client-cert-missing', quoted: '"No X.509 cert selected for' },
  { scenario: 'node-jsse-tls13-client-cert-missing', logs: ['server.log'], clientCertificates: 0, state: 'requested-not-sent', alert: { from: 'server', code: 42, name: 'bad_certificate', reason: 'Empty client certificate chain', length: 35 }, headline: 'client-cert-missing', quoted: '"Empty client certificate chain" (the server\'s Java log' },
  // The client refused the server's certificate before its own turn: its certificate was never due.
  { scenario: 'jsse-tls13-server-cert-untrusted', logs: ['client.log', 'server.log'], clientCertificates: null, state: 'not-reached', alert: { from: 'client', code: 46, name: 'certificate_unknown', reason: 'PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target', length: 35 }, headline: 'server-cert-rejected', quoted: '"PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target" (the client\'s Java log' },
  { scenario: 'jsse-tls13-client-cert-expired', logs: ['client.log', 'server.log'], clientCertificates: 2, state: 'sent-rejected', alert: { from: 'server', code: 46, name: 'certificate_unknown', reason: 'PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed', length: 35 }, headline: 'client-cert-rejected', quoted: '"PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed" (the server\'s Java log' },
  // The client could not read OpenSSL's CertificateRequest (an empty CA list): not a certificate refused.
  { scenario: 'jsse-openssl-tls13-client-cert-untrusted', logs: ['client.log'], clientCertificates: null, state: 'not-reached', alert: { from: 'client', code: 50, name: 'decode_error', reason: 'Invalid certificate_authorities extension: insufficient data', length: 35 }, headline: 'cert-request-bad-ca-list', quoted: '"Invalid certificate_authorities extension: insufficient data"', cas: [] },
];

describe('--java-log on the TLS 1.3 JSSE captures, without a key log', () => {
  it('the size inference the logs made exact is not said beside the exact facts', async () => {
    const codes = async (logs: readonly string[]) => ((await report('jsse-tls13-client-ca-not-listed', logs)).connections[0]?.findings ?? []).map((f) => f.code);
    expect(await codes([])).toContain('tls13-client-cert-inferred');
    expect(await codes(['client.log', 'server.log'])).not.toContain('tls13-client-cert-inferred');
  });

  it.each(CASES.map((c) => [c.scenario, c]))('%s: the logged facts are exact', async (_name, x: Expected) => {
    const bare = (await report(x.scenario, [])).connections;
    const withLogs = await report(x.scenario, x.logs);
    expect(bare).toHaveLength(1);
    expect(withLogs.connections).toHaveLength(1);
    const before = bare[0];
    const c = withLogs.connections[0];
    if (before === undefined || c === undefined) throw new Error('no connection');

    // The wire alone infers (or cannot tell), and knows no alert code.
    expect(before.mtls.inferred).toBe(true);
    expect(before.mtls.source).toBeUndefined();
    expect(before.alerts.filter((a) => a.code !== null)).toEqual([]);

    expect(c.mtls).toMatchObject({ clientCertificates: x.clientCertificates, certificateRequested: true, inferred: false, source: 'java-log', state: x.state });
    expect(c.mtls.acceptableCAs).toEqual(x.cas ?? ['CN=Corp Root CA, O=Example Corp, C=US']);
    const alert = c.alerts.find((a) => a.source === 'java-log');
    expect(alert).toMatchObject({ from: x.alert.from, code: x.alert.code, name: x.alert.name, level: 'fatal', inferred: false, reason: x.alert.reason, encrypted: true });
    // The record it travelled in is the one the size inference read as an alert (JSSE pads it by 16 bytes, Node does not).
    expect(alert?.length).toBe(x.alert.length);

    const head = c.findings.find((f) => f.severity === 'error');
    expect(head).toMatchObject({ code: x.headline, inferred: false });
    expect(head?.detail).toContain(x.quoted);
    expect(head?.frames).toContain(alert?.frame);
    expect(c.summary).not.toContain('inferred');

    expect(c.javaLogs).toEqual(x.logs.map((l) => ({ file: join(FIXTURES, x.scenario, l), side: l.replace('.log', ''), matchedBy: 'client-random' })));
    expect(withLogs.javaLogs).toEqual(x.logs.map((l) => ({ file: join(FIXTURES, x.scenario, l), handshakes: 1, matched: 1 })));
    expect(withLogs.anomalies).toEqual([]);
  });

  it('an alert the log tells and the cut capture does not hold joins no alert list, and is said in a finding', async () => {
    // The capture cut after frame 16 (the client's empty Certificate): the server's bad_certificate
    // (frame 17) is gone from the wire, while its log still tells it.
    const whole = readFileSync(join(FIXTURES, 'jsse-tls13-client-ca-not-listed', 'capture.pcap'));
    let at = 24;
    for (let n = 0; n < 16; n++) at += 16 + whole.readUInt32LE(at + 8);
    const cut = join(mkdtempSync(join(tmpdir(), 'tlsautopsy-cut-')), 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, at));
    const log = join(FIXTURES, 'jsse-tls13-client-ca-not-listed', 'server.log');
    const c = (await analyzeFile(cut, { javaLogPaths: [log] })).captures[0]?.connections[0];
    expect(c?.status).toBe('incomplete');
    expect(c?.alerts).toEqual([]);
    const told = c?.findings.filter((f) => f.detail.includes('bad_certificate (42)')) ?? [];
    expect(told.map((f) => f.code)).toEqual(['capture-ended-mid-handshake']);
    expect(told[0]?.detail).toContain(`The server's Java log (${log}) says the server then sent bad_certificate (42): "Empty client certificate chain"; the capture does not hold that record.`);
  });

  it('a completed TLS 1.3 mTLS handshake: the client certificate count is the logged one', async () => {
    const c = (await report('jsse-tls13-mtls-ok-jks', ['client.log', 'server.log'])).connections[0];
    expect(c?.status).toBe('ok');
    expect(c?.mtls).toMatchObject({ state: 'sent-accepted', clientCertificates: 2, inferred: false, source: 'java-log' });
  });

  it('in clear (TLS 1.2) the wire facts stay, and the headline adds the reason JSSE logged', async () => {
    const r = await report('jsse-tls12-client-ca-not-listed', ['client.log', 'server.log']);
    const c = r.connections[0];
    expect(c?.mtls.source).toBeUndefined();
    expect(c?.mtls.inferred).toBe(false);
    expect(c?.alerts.find((a) => a.code === 42)?.source).toBeUndefined();
    expect(c?.findings[0]?.code).toBe('client-cert-missing');
    expect(c?.findings[0]?.detail).toContain('"Empty client certificate chain" (logged by the server in');
    // The client's key manager says why it sent nothing.
    expect(c?.findings[0]?.detail).toMatch(/The client side's log \(.*client\.log\) adds: "No X\.509 cert selected for \[[^\]]+\]"; "No available authentication scheme"\./);
  });

  it('a log from another run matches nothing, and the capture says so', async () => {
    const other = 'jsse-tls13-client-cert-expired/server.log';
    const r = await report('jsse-tls13-client-ca-not-listed', [other]);
    const c = r.connections[0];
    expect(c?.javaLogs).toEqual([]);
    expect(c?.mtls.inferred).toBe(true);
    expect(c?.findings.find((f) => f.severity === 'error')?.inferred).toBe(true);
    expect(r.javaLogs).toEqual([{ file: join(FIXTURES, other), handshakes: 1, matched: 0 }]);
    expect(r.anomalies).toEqual([{ code: 'javalog.no_match', severity: 'weird', message: `The Java log ${join(FIXTURES, other)} has 1 handshake, none of them in this capture (is it from another run?).` }]);
  });

  it('the library reads javaLogPaths itself, and rejects an unreadable one with the one sentence', async () => {
    const dir = join(FIXTURES, 'node-jsse-tls13-client-cert-missing');
    const r = await analyzeFile(join(dir, 'capture.pcap'), { javaLogPaths: [join(dir, 'server.log')] });
    expect(r.captures[0]?.connections[0]?.mtls).toMatchObject({ clientCertificates: 0, inferred: false, source: 'java-log' });
    await expect(analyzeFile(join(dir, 'capture.pcap'), { javaLogPaths: [join(dir, 'missing.log')] })).rejects.toThrow(/^The Java log '.*missing\.log' cannot be read \(there is no such file\); check the path given to --java-log\.$/);
  });

  it('no --java-log: no javaLogs fields at all (the report is as before)', async () => {
    const r = await report('jsse-tls13-client-ca-not-listed', []);
    expect(r.javaLogs).toBeUndefined();
    expect(r.connections[0]?.javaLogs).toBeUndefined();
  });
});

describe('matching a handshake that ended before its ClientHello, by time', () => {
  const HOUR = 3_600_000;

  async function connections(): Promise<{ hello: Connection; silent: Connection }> {
    const hello = (await analyzeCapture(join(FIXTURES, 'jsse-tls13-client-ca-not-listed/capture.pcap'))).connections[0];
    const silent = (await analyzeCapture(join(FIXTURES, 'jsse-openssl-protocol-disabled-locally/capture.pcap'))).connections[0];
    if (hello === undefined || silent === undefined) throw new Error('fixture connections missing');
    return { hello, silent };
  }

  const ms = (c: Connection): number => c.startTime.sec * 1000 + c.startTime.nsec / 1e6;

  /** A log whose clock runs `offset` ms ahead of the capture's: optionally the ClientHello of `hello`, and a JVM that gave up `after` ms past `silent`'s start. */
  function log(offset: number, hello: Connection | null, silent: Connection, after: number): JavaLog {
    const handshakes = [];
    if (hello !== null) {
      const h = newLoggedHandshake('jdk11', 1, '1|main', 'logged', ms(hello) + offset + 3);
      h.side = 'client';
      h.clientRandom = hello.handshakes[0]?.clientHello?.random ?? null;
      handshakes.push(h);
    }
    const early = newLoggedHandshake('jdk11', 40, '1|main', 'logged', ms(silent) + offset + after);
    early.side = 'client';
    early.beforeClientHello = true;
    early.failure = 'No appropriate protocol (protocol is disabled or cipher suites are inappropriate)';
    handshakes.push(early);
    return { file: 'constructed.log', formats: ['jdk11'], handshakes, lines: 50, issues: [] };
  }

  it('with the offset learned from the ClientHello random, the silent connection is matched by time', async () => {
    const { hello, silent } = await connections();
    const matcher = new JavaLogMatcher([log(5 * HOUR + 1234, hello, silent, 200)]);
    expect(matcher.wantsLater(silent)).toBe(true);
    expect(matcher.match(hello).map((e) => e.matchedBy)).toEqual(['client-random']);
    const byTime = matcher.match(silent);
    expect(byTime.map((e) => [e.matchedBy, e.handshake.failure])).toEqual([['time', 'No appropriate protocol (protocol is disabled or cipher suites are inappropriate)']]);
    expect(matcher.summaries()).toEqual([{ file: 'constructed.log', handshakes: 2, matched: 2 }]);
    expect(matcher.notes()).toEqual([]);
  });

  it('the offset is learned from another log given with it', async () => {
    const { hello, silent } = await connections();
    const server = log(-2 * HOUR, hello, silent, 0);
    server.handshakes[0]!.side = 'server';
    const client: JavaLog = { ...log(-2 * HOUR, null, silent, 100), file: 'client.log' };
    const matcher = new JavaLogMatcher([client, { ...server, handshakes: server.handshakes.slice(0, 1) }]);
    matcher.match(hello);
    expect(matcher.match(silent).map((e) => [e.file, e.matchedBy])).toEqual([['client.log', 'time']]);
  });

  it('outside javaLogTimeWindowMs there is no match', async () => {
    const { hello, silent } = await connections();
    const matcher = new JavaLogMatcher([log(HOUR, hello, silent, 900)], { javaLogTimeWindowMs: 500 });
    matcher.match(hello);
    expect(matcher.match(silent)).toEqual([]);
  });

  it('without a handshake matched by random there is no offset: no match by time, and a note says why', async () => {
    const { silent } = await connections();
    // Even a log written on the capture's own clock is not matched: nothing proves the clocks agree.
    const matcher = new JavaLogMatcher([log(0, null, silent, 0)]);
    expect(matcher.match(silent)).toEqual([]);
    const notes = matcher.notes();
    expect(notes.map((n) => n.code)).toEqual(['javalog.no_clock_offset']);
    expect(notes[0]?.message).toContain('no handshake of the same logs matched by ClientHello random');
  });
});
