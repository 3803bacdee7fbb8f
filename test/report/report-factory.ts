/**
 * Hand-built report models for the renderer tests: every status, the mTLS states, chains of
 * certificates, and wire strings written to break each output format (HTML tags, ANSI
 * escapes, Markdown table pipes and backticks, Mermaid statement separators).
 */
import type { AlertJson, CaptureReport, ConnectionReport, Report, TimelineJson } from '../../src/report/model.js';
import { buildReport } from '../../src/report/model.js';
import type { Finding } from '../../src/analysis/verdict-types.js';
import { nameMatchOf } from '../../src/analysis/rules/host-name.js';
import type { CertificateSummary } from '../../src/x509/index.js';

/** Wire strings that try to escape each output format. */
export const HOSTILE = {
  sni: 'evil.example<script>alert(1)</script>',
  ansi: 'CN=\u001b[31mRED\u001b[0m \u0007bell',
  markdown: 'O=Pipe | Co `tick` **bold** [link](x) <b>',
  mermaid: 'CN=a;b#c:d -->> S: forged\nnext',
  alpn: 'h2`; #:|<img src=x onerror=alert(2)>',
} as const;

/** A certificate summary with sensible defaults. */
export function certificate(overrides: Partial<CertificateSummary> = {}): CertificateSummary {
  return {
    sha256: 'a1'.repeat(32),
    sha1: 'b2'.repeat(20),
    length: 1024,
    parseError: null,
    subject: 'CN=hr.example.com, O=Example Corp',
    issuer: 'CN=Corp Issuing CA 2, O=Example Corp',
    subjectCommonName: 'hr.example.com',
    serial: '01ab',
    notBefore: '2025-03-01T00:00:00.000Z',
    notAfter: '2027-03-01T00:00:00.000Z',
    validAtCapture: 'valid',
    daysToExpiry: 463,
    subjectAltNames: { dns: ['hr.example.com'], ip: [], uri: [], email: [], other: 0, omitted: 0 },
    publicKey: { algorithm: 'RSA', bits: 2048, curve: null },
    signatureAlgorithm: 'sha256WithRSAEncryption',
    weakSignature: false,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
    ekuAnyPurpose: null,
    hasServerAuth: true,
    hasClientAuth: false,
    basicConstraints: { ca: false, pathLen: null },
    selfIssued: false,
    selfSigned: false,
    issues: [],
    ...overrides,
  };
}

const T0 = Date.UTC(2026, 10, 20, 14, 2, 11, 201);

function iso(offsetMs: number): string {
  const d = new Date(T0 + Math.floor(offsetMs));
  const micros = String(Math.round((offsetMs - Math.floor(offsetMs)) * 1000)).padStart(3, '0');
  return `${d.toISOString().slice(0, 23)}${micros}Z`;
}

function tl(frame: number, offsetMs: number, from: TimelineJson['from'], kind: string, label: string): TimelineJson {
  return { frame, time: iso(offsetMs), offsetMs, from, kind, label };
}

function alert(from: 'client' | 'server', code: number, name: string, frame: number, offsetMs: number): AlertJson {
  return { from, level: 'fatal', code, name, encrypted: false, length: 2, frame, time: iso(offsetMs) };
}

function finding(code: string, severity: Finding['severity'], title: string, detail: string, fix: string, frames: number[]): Finding {
  return { code, severity, title, detail, fix, frames };
}

/**
 * A connection with defaults of a successful TLS 1.2 handshake; override what differs. The
 * name match is the analysis's answer for the final SNI and server certificate unless given.
 */
export function connection(overrides: Partial<ConnectionReport> & Pick<ConnectionReport, 'id'>): ConnectionReport {
  const base: Omit<ConnectionReport, 'nameMatch'> = {
    id: overrides.id,
    client: { ip: '10.20.4.17', port: 51544 + overrides.id },
    server: { ip: '10.20.9.5', port: 8443 },
    rolesFrom: 'syn',
    firstFrame: 1,
    lastFrame: 12,
    startTime: iso(0),
    endTime: iso(60),
    durationMs: 60,
    tls: true,
    starttls: null,
    sni: 'hr.example.com',
    versions: { offered: ['TLS 1.3', 'TLS 1.2'], negotiated: 'TLS 1.2' },
    cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    cipherSuiteCode: 0xc030,
    alpn: { offered: ['h2', 'http/1.1'], negotiated: 'h2' },
    resumed: false,
    helloRetryRequest: false,
    status: 'ok',
    stage: 'application-data',
    mtls: { state: 'not-requested', certificateRequested: false, clientCertificates: null, acceptableCAs: [], inferred: false, evidence: null },
    certificates: { server: [certificate(), certificate({ subject: 'CN=Corp Issuing CA 2, O=Example Corp', subjectCommonName: 'Corp Issuing CA 2', issuer: 'CN=Corp Root CA, O=Example Corp', sha256: 'c3'.repeat(32), publicKey: { algorithm: 'EC', bits: 384, curve: 'P-384' }, daysToExpiry: 2000, subjectAltNames: { dns: [], ip: [], uri: [], email: [], other: 0, omitted: 0 }, basicConstraints: { ca: true, pathLen: 0 } })], client: [] },
    alerts: [],
    tcpEnd: { how: 'fin', from: 'client', frame: 12 },
    ja3: { hash: 'e7d705a3286e19ea42f587b344ee6865', string: '771,4866-4867,0-10-11,29-23,0' },
    ja3s: { hash: '4ef1b297bb817d8212165a86308bac5f', string: '771,49200,65281-0' },
    ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1',
    history: 'ShAdDaF',
    findings: [],
    summary: 'TLS 1.2 handshake with the server (10.20.9.5:8443, hr.example.com) completed; no client certificate was requested.',
    handshakeMs: { serverHello: 2, serverFinished: 50 },
    packets: { client: 6, server: 6 },
    bytes: { client: 900, server: 4200 },
    applicationData: { clientRecords: 1, serverRecords: 1, clientBytes: 100, serverBytes: 200 },
    notTls: [],
    timeline: [
      tl(1, 0, 'client', 'tcp', 'SYN'),
      tl(2, 0.4, 'server', 'tcp', 'SYN/ACK'),
      tl(4, 1, 'client', 'handshake', 'ClientHello · SNI hr.example.com'),
      tl(6, 3, 'server', 'handshake', 'ServerHello TLS 1.2'),
      tl(6, 3, 'server', 'handshake', 'Certificate CN=hr.example.com, O=Example Corp (2)'),
      tl(6, 3, 'server', 'handshake', 'ServerHelloDone'),
      tl(8, 44, 'client', 'handshake', 'ClientKeyExchange'),
      tl(8, 44, 'client', 'ccs', 'ChangeCipherSpec'),
      tl(9, 47, 'server', 'ccs', 'ChangeCipherSpec'),
      tl(9, 47, 'server', 'encrypted-handshake', 'Finished (encrypted)'),
      tl(12, 60, 'client', 'tcp', 'FIN'),
    ],
    anomalies: [],
  };
  const merged = { ...base, ...overrides };
  return { ...merged, nameMatch: overrides.nameMatch !== undefined ? overrides.nameMatch : nameMatchOf(merged.sni, merged.certificates.server[0]) };
}

/** The main capture: one of each kind of connection, hostile strings on #6. */
export function factoryCapture(): CaptureReport {
  const missing = connection({
    id: 1,
    status: 'failed',
    stage: 'client-certificate',
    mtls: {
      state: 'requested-not-sent',
      certificateRequested: true,
      clientCertificates: 0,
      acceptableCAs: ['CN=Corp Issuing CA 2, O=Example Corp', 'CN=Corp Root CA, O=Example Corp'],
      inferred: false,
      evidence: null,
    },
    alerts: [alert('server', 40, 'handshake_failure', 10, 47)],
    tcpEnd: { how: 'fin', from: 'server', frame: 11 },
    applicationData: { clientRecords: 0, serverRecords: 0, clientBytes: 0, serverBytes: 0 },
    findings: [
      finding(
        'client-cert-missing',
        'error',
        'Client certificate missing',
        'The server asked for a client certificate issued by CN=Corp Issuing CA 2, O=Example Corp and the client answered with an empty Certificate message (frame 9); the server then closed with alert handshake_failure (40), frame 10, 3 ms later.',
        "Give the client a certificate signed by CN=Corp Issuing CA 2, or add the client certificate's issuer to the server's trust store so it is advertised.",
        [6, 9, 10],
      ),
      finding('tls10-offered', 'warning', 'Client offers TLS 1.0', 'The ClientHello lists TLS 1.0 among its versions.', 'Disable TLS 1.0 on the client.', [4]),
    ],
    summary:
      "The server (10.20.9.5:8443, hr.example.com) asked for a client certificate signed by 'CN=Corp Issuing CA 2' and the client sent none; the server then closed with alert handshake_failure (40) at frame 10.",
    timeline: [
      tl(1, 0, 'client', 'tcp', 'SYN'),
      tl(2, 0.4, 'server', 'tcp', 'SYN/ACK'),
      tl(4, 1, 'client', 'handshake', 'ClientHello · SNI hr.example.com'),
      tl(6, 3, 'server', 'handshake', 'ServerHello TLS 1.2'),
      tl(6, 3, 'server', 'handshake', 'Certificate CN=hr.example.com, O=Example Corp (2)'),
      tl(6, 3, 'server', 'handshake', 'CertificateRequest (2 CAs)'),
      tl(6, 3, 'server', 'handshake', 'ServerHelloDone'),
      tl(9, 44, 'client', 'handshake', 'Certificate (empty)'),
      tl(9, 44, 'client', 'handshake', 'ClientKeyExchange'),
      tl(10, 47, 'server', 'alert', 'Alert fatal handshake_failure (40)'),
      tl(11, 47.5, 'server', 'tcp', 'FIN'),
    ],
  });
  const accepted = connection({
    id: 2,
    mtls: { state: 'sent-accepted', certificateRequested: true, clientCertificates: 1, acceptableCAs: ['CN=Corp Issuing CA 2, O=Example Corp'], inferred: false, evidence: null },
    certificates: {
      server: [certificate()],
      client: [
        certificate({
          subject: 'CN=connector-01, OU=HR, O=Example Corp',
          subjectCommonName: 'connector-01',
          sha256: 'd4'.repeat(32),
          daysToExpiry: 12,
          notAfter: '2026-12-02T00:00:00.000Z',
          subjectAltNames: { dns: [], ip: [], uri: ['spiffe://example.com/hr/connector-01'], email: [], other: 0, omitted: 0 },
          publicKey: { algorithm: 'EC', bits: 256, curve: 'P-256' },
          extendedKeyUsage: ['clientAuth'],
          hasClientAuth: true,
          hasServerAuth: false,
        }),
      ],
    },
    findings: [finding('client-cert-expiring', 'warning', 'Client certificate expires in 12 days', 'CN=connector-01 expires on 2026-12-02.', 'Renew the client certificate.', [8])],
    summary: 'TLS 1.2 handshake with the server (10.20.9.5:8443, hr.example.com) completed; the client certificate was sent and accepted.',
  });
  const incomplete = connection({
    id: 3,
    client: { ip: '10.20.4.18', port: 40000 },
    status: 'incomplete',
    stage: 'client-hello',
    versions: { offered: ['TLS 1.3', 'TLS 1.2'], negotiated: null },
    cipherSuite: null,
    cipherSuiteCode: null,
    alpn: { offered: ['h2'], negotiated: null },
    mtls: { state: 'unknown', certificateRequested: null, clientCertificates: null, acceptableCAs: [], inferred: false, evidence: null },
    certificates: { server: [], client: [] },
    tcpEnd: { how: 'open', from: null, frame: null },
    ja3s: null,
    history: 'Sh',
    summary: 'The server (10.20.9.5:8443, hr.example.com) did not answer the ClientHello before the capture ended.',
    timeline: [
      tl(20, 0, 'client', 'tcp', 'SYN'),
      tl(21, 0.3, 'server', 'tcp', 'SYN/ACK'),
      tl(23, 1, 'client', 'handshake', 'ClientHello · SNI hr.example.com'),
      tl(30, 900, null, 'gap', '1200 bytes not captured (capture-loss)'),
    ],
  });
  const plain = connection({
    id: 4,
    client: { ip: '10.20.4.19', port: 40001 },
    server: { ip: '10.20.9.5', port: 8080 },
    tls: false,
    sni: null,
    status: 'not-tls',
    stage: 'tcp-connect',
    versions: { offered: [], negotiated: null },
    cipherSuite: null,
    cipherSuiteCode: null,
    alpn: { offered: [], negotiated: null },
    mtls: { state: 'unknown', certificateRequested: null, clientCertificates: null, acceptableCAs: [], inferred: false, evidence: null },
    certificates: { server: [], client: [] },
    ja3: null,
    ja3s: null,
    ja4: null,
    history: '',
    notTls: [{ from: 'client', firstBytes: 'GET / HTTP/1.1\\r\\nHost: x', frame: 42 }],
    summary: 'The server (10.20.9.5:8080) connection carried no TLS.',
    timeline: [tl(40, 0, 'client', 'tcp', 'SYN'), tl(41, 0.2, 'server', 'tcp', 'SYN/ACK'), tl(42, 1, 'client', 'not-tls', 'Not TLS')],
  });
  const tls13 = connection({
    id: 5,
    client: { ip: '2001:db8::17', port: 50123 },
    server: { ip: '2001:db8::5', port: 443 },
    sni: 'api.example.com',
    versions: { offered: ['TLS 1.3'], negotiated: 'TLS 1.3' },
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    cipherSuiteCode: 0x1301,
    mtls: {
      state: 'unknown-encrypted',
      certificateRequested: true,
      clientCertificates: null,
      acceptableCAs: [],
      inferred: true,
      evidence: 'The client sent 1,412 bytes of encrypted handshake after the server Finished; an empty Certificate would be about 60.',
    },
    certificates: { server: [], client: [] },
    summary: 'TLS 1.3 handshake with the server ([2001:db8::5]:443, api.example.com) completed; from record sizes the client almost certainly sent a certificate (encrypted; use --keylog to confirm).',
    timeline: [
      tl(50, 0, 'client', 'handshake', 'ClientHello · SNI api.example.com'),
      tl(51, 2, 'server', 'handshake', 'ServerHello TLS 1.3'),
      tl(51, 2, 'server', 'encrypted-handshake', 'Encrypted handshake'),
      tl(53, 40, 'client', 'encrypted-handshake', 'Encrypted handshake'),
      tl(54, 41, 'client', 'encrypted', 'Encrypted record (120 bytes)'),
    ],
  });
  const hostile = connection({
    id: 6,
    client: { ip: '10.20.4.66', port: 6666 },
    sni: HOSTILE.sni,
    alpn: { offered: [HOSTILE.alpn], negotiated: null },
    status: 'failed',
    stage: 'client-certificate',
    mtls: { state: 'sent-rejected', certificateRequested: true, clientCertificates: 1, acceptableCAs: [HOSTILE.markdown, HOSTILE.mermaid], inferred: false, evidence: null },
    certificates: {
      server: [certificate({ subject: HOSTILE.ansi, subjectCommonName: 'RED', issuer: HOSTILE.markdown, subjectAltNames: { dns: [HOSTILE.sni], ip: [], uri: [], email: [], other: 1, omitted: 0 } })],
      client: [
        certificate({
          subject: HOSTILE.mermaid,
          issuer: HOSTILE.sni,
          sha256: 'e5'.repeat(32),
          validAtCapture: 'expired',
          daysToExpiry: -5,
          notAfter: '2026-11-15T00:00:00.000Z',
          weakSignature: true,
          signatureAlgorithm: 'sha1WithRSAEncryption',
          publicKey: { algorithm: 'RSA', bits: 1024, curve: null },
        }),
        certificate({ parseError: 'The certificate is not valid DER (length runs past the end).', sha256: 'f6'.repeat(32) }),
      ],
    },
    alerts: [alert('server', 42, 'bad_certificate', 70, 30)],
    findings: [
      finding('client-cert-rejected', 'error', `Client certificate rejected ${HOSTILE.ansi}`, `The server rejected ${HOSTILE.mermaid} issued by ${HOSTILE.sni}.`, `Trust ${HOSTILE.markdown} on the server.`, [68, 70]),
    ],
    summary: `The server rejected the client certificate ${HOSTILE.mermaid} <script>x</script> ${HOSTILE.ansi}.`,
    timeline: [
      tl(60, 0, 'client', 'tcp', 'SYN'),
      tl(61, 0.5, 'server', 'tcp', 'SYN/ACK'),
      tl(62, 1, 'client', 'handshake', `ClientHello · SNI ${HOSTILE.sni}`),
      tl(64, 3, 'server', 'handshake', `Certificate ${HOSTILE.ansi} (1)`),
      tl(64, 3, 'server', 'handshake', `CertificateRequest ${HOSTILE.mermaid}`),
      tl(68, 25, 'client', 'handshake', `Certificate ${HOSTILE.markdown} (2)`),
      tl(70, 30, 'server', 'alert', 'Alert fatal bad_certificate (42)'),
      tl(71, 31, 'server', 'tcp', 'RST'),
    ],
    anomalies: [{ code: 'tls.ext.duplicate', severity: 'weird', message: `Duplicate extension ${HOSTILE.ansi}`, frame: 62 }],
  });
  return {
    file: 'captures/hr-connector.pcap',
    error: null,
    format: 'pcap',
    gzip: false,
    linkTypes: ['Linux cooked v2 (tcpdump -i any)'],
    linkTypeCodes: [276],
    packets: 1284,
    firstTime: iso(0),
    lastTime: iso(38_000),
    anomalies: [{ code: 'capture.truncated_file', severity: 'violation', message: 'The file ends inside a packet record (frame 1285).', frame: 1285, offset: 123456 }],
    udp: { datagrams: 10, dtlsFlows: 0, quicFlows: 1 },
    connections: [missing, accepted, incomplete, plain, tls13, hostile],
    stoppedEarly: false,
  };
}

/** The factory report: the main capture plus one that could not be read. */
export function factoryReport(): Report {
  const unreadable: CaptureReport = {
    file: 'captures/missing.pcap',
    error: "There is no file 'captures/missing.pcap'; check the path.",
    format: null,
    gzip: false,
    linkTypes: [],
    linkTypeCodes: [],
    packets: 0,
    firstTime: null,
    lastTime: null,
    anomalies: [],
    udp: { datagrams: 0, dtlsFlows: 0, quicFlows: 0 },
    connections: [],
    stoppedEarly: true,
  };
  const report = buildReport([factoryCapture(), unreadable]);
  // A fixed tool version keeps golden files stable across releases.
  return { ...report, tool: { name: 'tlsautopsy', version: '0.0.0-test' } };
}

/** Meta for the Markdown and HTML renderers, fixed for golden files. */
export const FACTORY_META = {
  commandLine: "tlsautopsy -o report.md 'captures/hr-connector.pcap' captures/missing.pcap",
  captureSha256: { 'captures/hr-connector.pcap': '0f'.repeat(32), 'captures/missing.pcap': '(unreadable)' },
} as const;
