import { describe, expect, it } from 'vitest';
import { md, mermaidText, renderMarkdown } from '../../src/report/markdown.js';
import { buildReport, SCHEMA_VERSION } from '../../src/report/model.js';
import { FACTORY_META, factoryCapture, factoryReport, HOSTILE } from './report-factory.js';
import { renderText } from '../../src/report/text.js';
import { cellSeparators } from './markdown-cells.js';

const out = renderMarkdown(factoryReport(), FACTORY_META);

/** The bodies of fenced blocks with the given info string. */
function fences(text: string, info: string): string[] {
  const found: string[] = [];
  const re = new RegExp(`^(\`{3,})${info}\\n([\\s\\S]*?)\\n\\1$`, 'gm');
  for (const m of text.matchAll(re)) found.push(m[2] as string);
  return found;
}

/** The text outside fenced blocks. */
function prose(text: string): string {
  return text.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '');
}

describe('markdown report', () => {
  it('renders a capture with tens of thousands of failed connections (more lines than a call takes arguments)', () => {
    const cap = factoryCapture();
    const failed = cap.connections.find((c) => c.status === 'failed');
    if (failed === undefined) throw new Error('the factory has a failed connection');
    const many = Array.from({ length: 20_000 }, (_, i) => ({ ...failed, id: i + 1 }));
    const report = buildReport([{ ...cap, connections: many }]);
    const text = renderMarkdown(report, FACTORY_META);
    expect(text.split('\n').length).toBeGreaterThan(200_000);
    expect(text).toContain('#20000');
    // The text report of the same: one table of every connection.
    expect(renderText(report, { color: false, verbose: false, width: 160 }).match(/│ 20000 /g)?.length).toBe(1);
  }, 60_000);

  it('opens with the capture and its one-line verdict', () => {
    const single = renderMarkdown(buildReport([factoryCapture()]), FACTORY_META);
    expect(single.split('\n')[0]).toBe('# captures/hr-connector.pcap: 2 of 5 TLS connections failed: Client certificate missing \\(1×\\); Client certificate rejected CN=\\\\x1b\\[31mRED\\\\x1b\\[0m \\\\x07bell \\(1×\\)');
    expect(out.split('\n')[0]).toBe('# 2 captures: 2 of 5 TLS connections failed');
  });

  it('has a Mermaid diagram and a text ladder for each failed connection only', () => {
    const mermaid = fences(out, 'mermaid');
    expect(mermaid).toHaveLength(2);
    expect(fences(out, 'text')).toHaveLength(2);
    expect(mermaid[0]).toContain('S-xC: Alert fatal handshake_failure (40) (frame 10)');
    expect(mermaid[0]).toContain('C->>S: Certificate (empty) (frame 9)');
    expect(mermaid[0]).toContain('C-->>S: SYN (frame 1)');
    expect(fences(out, 'text')[0]).toContain('◀─ Alert fatal handshake_failure (40) ─');
  });

  it('keeps every Mermaid line a single well-formed statement, whatever the wire says', () => {
    for (const block of fences(out, 'mermaid')) {
      const lines = block.split('\n');
      expect(lines[0]).toBe('sequenceDiagram');
      for (const line of lines.slice(1)) {
        const m = /^ {4}(?:participant [CS] as (.*)|[CS](?:->>|-->>|-x)[CS]: (.*)|Note over C,S: (.*))$/.exec(line);
        expect(m, line).not.toBeNull();
        const text = (m?.[1] ?? m?.[2] ?? m?.[3]) as string;
        // Only entity codes may use '#' and ';'; no ':', '<', '>' or backtick survives.
        expect(text.replace(/#\d+;/g, ''), line).not.toMatch(/[#;:<>`]/);
      }
    }
    expect(fences(out, 'mermaid')[1]).toContain('CertificateRequest CN=a#59;b#35;c#58;d --#62;#62; S#58; forged\\x0anext (frame 64)');
  });

  it('writes Mermaid entity codes that decode back to the wire text', () => {
    const decoded = mermaidText(HOSTILE.mermaid).replace(/#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    expect(decoded).toBe('CN=a;b#c:d -->> S: forged\\x0anext');
  });

  it('escapes wire strings in prose and tables', () => {
    const text = prose(out);
    expect(text).not.toContain('\u001b');
    // A '<' from the wire is always backslash-escaped, so no tag can open.
    expect(text).not.toMatch(/(?<!\\)<\/?script/i);
    expect(text).not.toMatch(/(?<!\\)<img/i);
    expect(text).toContain('evil.example\\<script\\>alert\\(1\\)\\</script\\>');
    expect(md('a|b `c` <d> &lt;')).toBe('a\\|b \\`c\\` \\<d\\> &amp;lt;');
    // Every table row has exactly as many unescaped pipes as its header.
    const tables = text.split('\n\n').filter((b) => b.startsWith('| '));
    expect(tables.length).toBeGreaterThanOrEqual(5);
    for (const t of tables) {
      const rows = t.split('\n').filter((l) => l.startsWith('|'));
      const want = cellSeparators(rows[0] as string);
      for (const r of rows) expect(cellSeparators(r), r).toBe(want);
    }
  });

  it('lists explanation, cause, fix and certificates of a failed connection', () => {
    expect(out).toContain('- **Likely cause:** The server asked for a client certificate issued by CN=Corp Issuing CA 2');
    expect(out).toContain('- **Fix:** Give the client a certificate signed by CN=Corp Issuing CA 2');
    expect(out).toContain('| Role | Subject | Issuer | Validity | Key | SHA-256 |');
    expect(out).toContain(`| Server | CN=hr.example.com, O=Example Corp<br>SAN hr.example.com ✔ SNI | CN=Corp Issuing CA 2, O=Example Corp | valid 2025-03-01 → 2027-03-01 \\(463 days left\\) | RSA 2048 | \`${'a1'.repeat(32)}\` |`);
  });

  it('ends with the version, the command line and each capture SHA-256', () => {
    const tail = out.slice(out.lastIndexOf('\n---\n'));
    expect(tail).toContain(`Generated by tlsautopsy 0.0.0-test (report schema ${SCHEMA_VERSION}).`);
    expect(fences(tail, 'sh')).toEqual([FACTORY_META.commandLine]);
    expect(tail).toContain(`| captures/hr-connector.pcap | \`${'0f'.repeat(32)}\` |`);
  });

  it('fences a command line that holds backticks with a longer fence', () => {
    const text = renderMarkdown(buildReport([]), { commandLine: 'tlsautopsy "a```b.pcap"', captureSha256: {} });
    expect(fences(text, 'sh')).toEqual(['tlsautopsy "a```b.pcap"']);
  });

  it('matches the golden file', async () => {
    await expect(out).toMatchFileSnapshot('./__golden__/factory.md');
  });
});
