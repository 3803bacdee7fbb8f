/**
 * The SNI check is made once, in the analysis, and every report shows that answer: a
 * certificate line never says "✔ SNI" beside a `server-cert-name-mismatch` finding, nor
 * "✘ SNI" without one. Connections are built with the analysis's connection factory and go
 * through the real judge and report model.
 */
import { describe, expect, it } from 'vitest';
import { intermediate, judge, serverLeaf, tls12 } from '../analysis/connection-factory.js';
import { buildReport } from '../../src/report/model.js';
import { connectionReport } from '../../src/report/connection-report.js';
import type { CaptureReport, ConnectionReport, Report } from '../../src/report/model.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { needsDetails } from '../../src/report/view.js';
import { FACTORY_META } from './report-factory.js';

function named(sni: string, dns: string[], cn: string | null, ip: string[] = [], refused = false): ConnectionReport {
  const leaf = serverLeaf({ subject: cn === null ? 'O=Example Corp' : `CN=${cn}`, subjectCommonName: cn, subjectAltNames: { dns, ip, uri: [], email: [], other: 0, omitted: 0 } });
  const serverCertificates = [leaf, intermediate()];
  const c = refused
    ? tls12({ stopAfter: 'server-flight', clientHello: { sni }, certificateRequest: null, serverCertificates, alert: { from: 'client', description: 42 }, close: { how: 'fin', by: 'client' } })
    : tls12({ clientHello: { sni }, certificateRequest: null, serverCertificates });
  return connectionReport(c, judge(c));
}

function reportOf(c: ConnectionReport): Report {
  const cap: CaptureReport = {
    file: 'names.pcap',
    error: null,
    format: 'pcap',
    gzip: false,
    linkTypes: ['Ethernet'],
    linkTypeCodes: [1],
    packets: 12,
    firstTime: c.startTime,
    lastTime: c.endTime,
    anomalies: [],
    udp: { datagrams: 0, dtlsFlows: 0, quicFlows: 0 },
    connections: [c],
    stoppedEarly: false,
  };
  return buildReport([cap]);
}

const mismatch = (c: ConnectionReport): boolean => c.findings.some((f) => f.code === 'server-cert-name-mismatch');

describe('one SNI answer in the model, the finding and every format', () => {
  const cases: [string, ConnectionReport, { matched: boolean; via: 'san' | 'cn' | null }][] = [
    // Before, the report's own matcher took `*.com` for example.com while the rule did not.
    ['*.com SAN', named('example.com', ['*.com'], 'example.com'), { matched: false, via: null }],
    // Before, the report fell back to the CN and printed "CN ✔ SNI" while the rule reported a mismatch.
    ['*.com SAN, refused by the client (a failed connection, detailed in every format)', named('example.com', ['*.com'], 'example.com', [], true), { matched: false, via: null }],
    ['CN only, no SAN', named('hr.example.com', [], 'hr.example.com'), { matched: true, via: 'cn' }],
    ['CN beside IP SANs only', named('hr.example.com', [], 'hr.example.com', ['10.0.0.5']), { matched: true, via: 'cn' }],
    ['CN beside another DNS SAN', named('hr.example.com', ['www.example.com'], 'hr.example.com'), { matched: false, via: null }],
    ['wildcard SAN', named('hr.example.com', ['*.example.com'], null), { matched: true, via: 'san' }],
    ['wildcard two labels deep', named('a.hr.example.com', ['*.example.com'], null), { matched: false, via: null }],
    ['no SAN, no CN', named('hr.example.com', [], null), { matched: false, via: null }],
  ];

  it.each(cases)('%s', (what, c, want) => {
    if (what.includes('refused')) expect(c.status).toBe('failed');
    expect(c.nameMatch).toEqual({ sni: c.sni, ...want });
    expect(mismatch(c)).toBe(!want.matched);
    const report = reportOf(c);
    const text = renderText(report, { color: false, verbose: true });
    const markdown = renderMarkdown(report, FACTORY_META);
    const html = renderHtml(report, FACTORY_META);
    // Markdown details (and their certificates) only the connections that need them.
    const shown = needsDetails(c) ? { text, markdown, html } : { text, html };
    for (const [format, out] of Object.entries(shown)) {
      expect(out.includes('✔ SNI'), format).toBe(want.matched);
      expect(out.includes('✘ SNI'), format).toBe(!want.matched);
      expect(out.includes('CN ✔ SNI'), format).toBe(want.via === 'cn');
    }
    if (!needsDetails(c)) expect(markdown).not.toMatch(/[✔✘] SNI/);
  });

  it('the text never shows "✔ SNI" beside server-cert-name-mismatch', () => {
    for (const [, c] of cases) {
      const text = renderText(reportOf(c), { color: false, verbose: true });
      expect(text.includes('✔ SNI') && text.includes('does not cover the requested name')).toBe(false);
    }
  });

  it('the mismatch finding names what the certificate covers instead', () => {
    const [, cnMiss] = cases.find(([what]) => what === 'no SAN, no CN') ?? [];
    expect(cnMiss?.findings.find((f) => f.code === 'server-cert-name-mismatch')?.detail).toContain('no DNS names in its subject alternative names, and its subject CN is absent');
    const other = named('hr.example.com', [], 'other.example.com');
    expect(other.findings.find((f) => f.code === 'server-cert-name-mismatch')?.detail).toContain("its subject CN 'other.example.com' does not match either");
  });

  it('no SNI, or no server certificate: no answer and no mark', () => {
    const noSni = tls12({ clientHello: { sni: null }, certificateRequest: null });
    const r = connectionReport(noSni, judge(noSni));
    expect(r.nameMatch).toBeNull();
    expect(renderText(reportOf(r), { color: false, verbose: true })).not.toMatch(/[✔✘] SNI/);
    const noCert = tls12({ clientHello: { sni: 'hr.example.com' }, certificateRequest: null, serverCertificates: null });
    expect(connectionReport(noCert, judge(noCert)).nameMatch).toBeNull();
  });
});
