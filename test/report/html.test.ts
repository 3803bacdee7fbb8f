import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HTML_CSP, renderHtml, renderHtmlPieces } from '../../src/report/html.js';
import { HTML_SCRIPT } from '../../src/report/html-assets.js';
import { buildReport } from '../../src/report/model.js';
import { connection, FACTORY_META, factoryCapture, factoryReport } from './report-factory.js';

const out = renderHtml(factoryReport(), FACTORY_META);

function hash(s: string): string {
  return `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
}

describe('html report', () => {
  it('comes in pieces of a few hundred KB for a capture of thousands of connections, every row once, in order', () => {
    const cap = factoryCapture();
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...(cap.connections[i % cap.connections.length] as (typeof cap.connections)[number]), id: i + 1 }));
    const report = buildReport([{ ...cap, connections: many }]);
    const pieces = [...renderHtmlPieces(report, FACTORY_META)];
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(p.length).toBeLessThan(400 * 1024);
    const html = pieces.join('');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.endsWith('</html>\n')).toBe(true);
    const ids = [...html.matchAll(/<tbody class="conn [^"]*" data-id="(\d+)"/g)].map((m) => Number(m[1]));
    // Failed rows first, then the rest, each in id order.
    const rank = (c: (typeof many)[number]): number => (c.status === 'failed' ? 0 : c.status === 'incomplete' ? 1 : c.status === 'ok' ? 2 : 3);
    expect(ids).toEqual([...many].sort((a, b) => rank(a) - rank(b) || a.id - b.id).map((c) => c.id));
  });

  it('is one document that loads nothing', () => {
    expect(out.startsWith('<!doctype html>\n')).toBe(true);
    expect(out.trimEnd().endsWith('</html>')).toBe(true);
    const urls = out.match(/https?:\/\/[^\s"'<>]*/gi) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    // Wire '<' is escaped, so every tag in the document is one of ours.
    const tags = out.match(/<[a-zA-Z][^>]*>/g) ?? [];
    expect(tags.length).toBeGreaterThan(100);
    for (const t of tags) expect(t).not.toMatch(/^<(link|iframe|object|embed|img|base|form)\b|\s(src|href|action|srcset)=/i);
    expect(out).not.toMatch(/@import|url\(/i);
  });

  it('pins its one style and one script in the Content-Security-Policy', () => {
    const styles = [...out.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] as string);
    const scripts = [...out.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
    expect(styles).toHaveLength(1);
    expect(scripts).toHaveLength(1);
    expect(out.match(/<script/gi)).toHaveLength(1);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(out)?.[1];
    expect(csp).toBe(HTML_CSP);
    expect(HTML_CSP).not.toMatch(/["&<>]/);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src ${hash(styles[0] as string)}`);
    expect(csp).toContain(`script-src ${hash(scripts[0] as string)}`);
    // No inline event handlers or style attributes, which the policy would block anyway.
    for (const t of out.match(/<[a-zA-Z][^>]*>/g) ?? []) expect(t).not.toMatch(/\s(on[a-z]+|style)=/i);
  });

  it('escapes every wire string', () => {
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('<script>alert');
    expect(out).toContain('evil.example&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('CN=\\x1b[31mRED\\x1b[0m \\x07bell');
    expect(out).toContain('O=Pipe | Co `tick` **bold** [link](x) &lt;b&gt;');
    expect(out).toContain('h2`; #:|&lt;img src=x onerror=alert(2)&gt;');
    const c = connection({ id: 1, sni: '"><svg onload=alert(1)>', summary: "it's <b>" });
    const one = renderHtml(buildReport([{ ...factoryCapture(), connections: [c] }]), FACTORY_META);
    expect(one).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
    expect(one).toContain('it&#39;s &lt;b&gt;');
    expect(one).not.toContain('<svg onload');
  });

  it('keeps wire data out of the HTML the script writes', () => {
    expect(HTML_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it('shows big numbers, a host map and one expandable row per connection', () => {
    expect(out).toContain('<div class="number failed"><b>2</b>failed</div>');
    expect(out).toContain('<div class="number ok"><b>2</b>ok</div>');
    expect(out.match(/<svg class="hostmap"/g)).toHaveLength(1);
    expect(out).toContain('<g class="edge st-failed" data-ids="1 2" data-cap="0"');
    expect(out.match(/<tbody class="conn /g)).toHaveLength(6);
    expect(out.match(/<details open>/g)).toHaveLength(2);
    expect(out.match(/<svg class="ladder"/g)).toHaveLength(6);
    expect(out).toContain('<dt>Likely cause</dt><dd>The server asked for a client certificate');
    expect(out).toContain('<dt>Fix</dt><dd>Give the client a certificate');
    expect(out).toContain(`<td class="mono">${'0f'.repeat(32)}</td>`);
  });

  it('lists 50 anomalies of a connection and says how many more the JSON report has', () => {
    const anomalies = Array.from({ length: 53 }, (_, i) => ({ code: 'tls.example', severity: 'weird' as const, message: `anomaly number ${i + 1}.`, frame: i + 1 }));
    const html = renderHtml(buildReport([{ ...factoryCapture(), connections: [connection({ id: 1, anomalies })] }]), FACTORY_META);
    expect(html).toContain('anomaly number 50.');
    expect(html).not.toContain('anomaly number 51.');
    expect(html).toContain('<li>… and 3 more (see the JSON report).</li>');
    const fifty = renderHtml(buildReport([{ ...factoryCapture(), connections: [connection({ id: 1, anomalies: anomalies.slice(0, 50) })] }]), FACTORY_META);
    expect(fifty).toContain('anomaly number 50.');
    expect(fifty).not.toContain('more (see the JSON report)');
  });

  it('matches the golden file', async () => {
    await expect(out).toMatchFileSnapshot('./__golden__/factory.html');
  });
});
