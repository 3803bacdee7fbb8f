import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.js';
import { textLadder } from '../../src/report/text-ladder.js';
import { certificateView } from '../../src/report/view-certificates.js';
import { nameMatchOf } from '../../src/analysis/rules/host-name.js';
import { wrapText } from '../../src/report/wrap.js';
import { buildReport } from '../../src/report/model.js';
import type { Report } from '../../src/report/model.js';
import { certificate, connection, factoryCapture, factoryReport, FACTORY_META, HOSTILE } from './report-factory.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderHtml } from '../../src/report/html.js';

const ESC = '\u001b';

/** The factory report without the hostile connection, for layout checks. */
function tameReport(): Report {
  const cap = factoryCapture();
  return { ...buildReport([{ ...cap, connections: cap.connections.filter((c) => c.id !== 6) }]), tool: { name: 'tlsautopsy', version: '0.0.0-test' } };
}

describe('text report', () => {
  it('never lets a control character from the wire reach the terminal', () => {
    const out = renderText(factoryReport(), { color: false, verbose: true });
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\u0007');
    expect(out).toContain('CN=\\x1b[31mRED\\x1b[0m \\x07bell');
    expect(out).toContain('forged\\x0anext');
  });

  it('with colour, every escape sequence is one of its own SGR codes', () => {
    const out = renderText(factoryReport(), { color: true, verbose: true });
    expect(out).toContain(`${ESC}[1;31mFAILED${ESC}[0m`);
    const sequences = out.split(ESC).slice(1);
    expect(sequences.length).toBeGreaterThan(10);
    for (const s of sequences) expect(s).toMatch(/^\[[0-9;]*m/);
    // The wire's own sequence stays visible text, never an escape.
    expect(out).not.toContain(`${ESC}[31mRED`);
  });

  it('puts the verdict first and the evidence gaps last', () => {
    const out = renderText(factoryReport(), { color: false, verbose: false });
    const at = (s: string): number => {
      const i = out.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      at('5 TLS connections: 2 ok, 2 failed, 1 incomplete'),
      at('FAILED  1× Client certificate missing'),
      at('┌'),
      at('#1  10.20.4.17:51545 → 10.20.9.5:8443 (hr.example.com)  FAILED when the client had to send its certificate'),
      at('Warnings'),
      at('What the capture does not show'),
      at('--keylog FILE'),
      at('captures/missing.pcap'),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('details only failed connections unless verbose', () => {
    const quiet = renderText(tameReport(), { color: false, verbose: false });
    expect(quiet).toContain('#1  10.20.4.17:51545');
    expect(quiet).not.toContain('#2  10.20.4.17:51546');
    const verbose = renderText(tameReport(), { color: false, verbose: true });
    expect(verbose).toContain('#2  10.20.4.17:51546 → 10.20.9.5:8443 (hr.example.com)  ok\n');
    expect(verbose).toContain('#4  10.20.4.19:40001 → 10.20.9.5:8080  not TLS\n');
  });

  it('draws the ladder with both bars aligned on every row', () => {
    for (const width of [72, 100, 120, 200]) {
      const lines = textLadder(factoryCapture().connections[0]!, width);
      expect(lines[0]).toMatch(/^ {2}client +server$/);
      const rows = lines.slice(1);
      expect(rows).toHaveLength(11);
      const right = rows.map((l) => [...l].indexOf('│', 5));
      expect(new Set(right).size).toBe(1);
      expect(rows.every((l) => l.startsWith('    │ '))).toBe(true);
      expect(rows[2]).toMatch(/── ClientHello · SNI hr\.example\.com ─+▶ │ {2}#4 /);
      expect(rows[9]).toMatch(/◀─ Alert fatal handshake_failure \(40\) ─+ │ {2}#10 +\+3 ms {2}✖$/);
      expect(rows[4]).toMatch(/│ {2}#6$/);
    }
  });

  it('keeps every line within the width it is given', () => {
    for (const width of [72, 90, 120, 160]) {
      const out = renderText(tameReport(), { color: false, verbose: true, width });
      for (const line of out.split('\n')) expect([...line].length, `${width}: ${line}`).toBeLessThanOrEqual(width);
    }
  });

  it('shows certificates with key, validity, days left and the SNI check', () => {
    const out = renderText(factoryReport(), { color: false, verbose: false });
    expect(out).toContain('Server certificate  CN=hr.example.com, O=Example Corp · issuer CN=Corp Issuing CA 2, O=Example Corp · RSA 2048 ·');
    expect(out).toContain('valid 2025-03-01 → 2027-03-01 (463 days left) · SAN hr.example.com ✔ SNI');
    expect(out).toContain('(EXPIRED 5 days before the capture)');
    expect(out).toContain('weak signature sha1WithRSAEncryption');
    expect(out).toContain('unreadable certificate: The certificate is not valid DER');
  });

  it("shows the analysis's SNI check, never one of its own", () => {
    const wild = certificate({ subjectAltNames: { dns: ['*.example.com'], ip: [], uri: [], email: [], other: 0, omitted: 0 } });
    expect(certificateView(wild, nameMatchOf('hr.example.com', wild))).toMatchObject({ sniMatch: true, sniMark: '✔ SNI' });
    expect(certificateView(wild, nameMatchOf('a.hr.example.com', wild))).toMatchObject({ sniMatch: false, sniMark: '✘ SNI' });
    expect(certificateView(wild, nameMatchOf('example.com', wild))).toMatchObject({ sniMatch: false, sniMark: '✘ SNI' });
    // The view repeats the model even where a matcher would answer otherwise.
    expect(certificateView(wild, { sni: 'hr.example.com', matched: false, via: null }).sniMark).toBe('✘ SNI');
    const cnOnly = certificate({ subjectAltNames: { dns: [], ip: [], uri: [], email: [], other: 0, omitted: 0 } });
    expect(certificateView(cnOnly, nameMatchOf('hr.example.com', cnOnly))).toMatchObject({ sniMatch: true, sniMark: 'CN ✔ SNI' });
    expect(certificateView(cnOnly, nameMatchOf('other.example.com', cnOnly))).toMatchObject({ sniMatch: false, sniMark: 'no SAN ✘ SNI' });
    expect(certificateView(certificate(), null)).toMatchObject({ sniMatch: null, sniMark: '' });
  });

  it('groups hygiene warnings one line each and lists the evidence gaps', () => {
    const out = renderText(factoryReport(), { color: false, verbose: false }).replace(/\n {2,}(?!•|WARN)/g, ' ');
    expect(out).toContain('  WARN  Client offers TLS 1.0 (#1)');
    expect(out).toContain('  WARN  Client certificate expires in 12 days (#2)');
    expect(out).toContain('from record sizes the client almost certainly sent a certificate on #5');
    expect(out).toContain('Bytes are missing from #3');
    expect(out).toContain('0 DTLS and 1 QUIC flow(s)');
    // The capture note in words; its code and frame only with --verbose.
    expect(out).not.toContain('capture.truncated_file');
    expect(renderText(factoryReport(), { color: false, verbose: true })).toContain('capture.truncated_file (frame 1285)');
  });

  it('wraps words with a hanging indent and cuts words longer than a line', () => {
    expect(wrapText('aaa bbb ccc ddd', 12, '  ', 4)).toEqual(['  aaa bbb', '    ccc ddd']);
    const long = wrapText('x'.repeat(50), 30, '> ', 2);
    expect(long.every((l) => l.length <= 30)).toBe(true);
    expect(long.join('').replace(/[> ]/g, '')).toBe('x'.repeat(50));
  });

  it('renders captures without connections and reports read errors', () => {
    const empty = buildReport([{ ...factoryCapture(), connections: [] }]);
    expect(renderText(empty, { color: false, verbose: false })).toContain('No TLS connection');
    expect(renderText(factoryReport(), { color: false, verbose: false })).toContain("error: There is no file 'captures/missing.pcap'; check the path.");
  });

  it('counts a connection that failed before TLS began apart from the TLS connections', async () => {
    const { analyzeFile } = await import('../../src/index.js');
    const fixtures = new URL('../fixtures/java-captures/', import.meta.url).pathname;
    const alone = await analyzeFile(`${fixtures}jsse-node-protocol-disabled-locally/capture.pcap`);
    expect(renderText(alone, { color: false, verbose: false })).toContain('\nNo TLS connection · 1 connection failed before TLS began\n');
  });

  it('narrows to one line per connection on a small terminal', () => {
    const out = renderText(factoryReport(), { color: false, verbose: false, width: 80 });
    expect(out).not.toContain('┌');
    expect(out).toMatch(/#1 {4}FAILED {5}10\.20\.4\.17:51545 → 10\.20\.9\.5:8443 \(hr\.example\.com\)/);
  });

  it('matches the golden files', async () => {
    await expect(renderText(factoryReport(), { color: false, verbose: false })).toMatchFileSnapshot('./__golden__/factory.txt');
    await expect(renderText(factoryReport(), { color: false, verbose: true, width: 80 })).toMatchFileSnapshot('./__golden__/factory-verbose-80.txt');
  });

  it('names how TLS began after plaintext in the table: a STARTTLS protocol, or a proxy tunnel, in every format', () => {
    const report = buildReport([{ ...factoryCapture(), connections: [connection({ id: 7, starttls: 'smtp' }), connection({ id: 8, starttls: 'http-connect' })] }]);
    // The text table wraps cells: its lines are joined, without the borders, before looking.
    const text = renderText(report, { color: false, verbose: false, width: 120 }).replace(/[│├┼┤─]/g, ' ').replace(/\s+/g, ' ');
    for (const out of [text, renderMarkdown(report, FACTORY_META), renderHtml(report, FACTORY_META)]) {
      expect(out).toContain('[smtp STARTTLS]');
      expect(out).toContain('[through an HTTP CONNECT proxy]');
      expect(out).not.toContain('http-connect STARTTLS');
    }
  });

  it('survives an ALPN list and SNI made of hostile strings in the table', () => {
    const c = connection({ id: 9, sni: HOSTILE.ansi, starttls: HOSTILE.sni });
    const out = renderText(buildReport([{ ...factoryCapture(), connections: [c] }]), { color: false, verbose: true });
    expect(out).not.toContain(ESC);
    expect(out).toContain('#9  10.20.4.17:51553 → 10.20.9.5:8443 (CN=\\x1b[31mRED\\x1b[0m \\x07bell)');
  });
});
