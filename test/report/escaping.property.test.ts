/** Whatever a capture puts in its strings, no format lets it out of its place. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildReport } from '../../src/report/model.js';
import type { Report } from '../../src/report/model.js';
import { renderText } from '../../src/report/text.js';
import { certificate, connection, FACTORY_META, factoryCapture } from './report-factory.js';
import { cellSeparators } from './markdown-cells.js';
import { sanitizeText } from '../../src/report/sanitize.js';

/** Strings biased towards the characters each format cares about. */
const wire = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '`', '|', ';', '#', ':', '-', '\n', '\r', '\u001b', '[', ']', '(', ')', '*', '_', 'a', ' ', '\u0085', '\u2028'), maxLength: 40 }),
);

function reportWith(s: string, t: string): Report {
  const c = connection({
    id: 1,
    status: 'failed',
    sni: s,
    // Prefixed so that the layout never depends on the strings: the detail is never the summary's
    // first sentence, and the summary never names both CAs (either would leave out a block).
    summary: `Story ${t}`,
    mtls: { state: 'requested-not-sent', certificateRequested: true, clientCertificates: 0, acceptableCAs: [`CA ${s}`, `CA ${t}`], inferred: false, evidence: t },
    certificates: { server: [certificate({ subject: s, issuer: t, subjectAltNames: { dns: [s], ip: [], uri: [t], email: [], other: 0, omitted: 0 } })], client: [] },
    // The model's SNI answer, fixed: whether a wire string is a valid host name is the
    // matcher's business (test/x509/host-name.test.ts), not the escaping's.
    nameMatch: { sni: s, matched: true, via: 'san' },
    findings: [{ code: 'x', severity: 'error', title: s, detail: `Cause ${t}`, fix: s, frames: [1] }],
    timeline: [
      { frame: 1, time: '2026-11-20T14:02:11.201000Z', offsetMs: 0, from: 'client', kind: 'handshake', label: s },
      { frame: 2, time: '2026-11-20T14:02:11.202000Z', offsetMs: 1, from: 'server', kind: 'alert', label: t },
      { frame: 3, time: '2026-11-20T14:02:11.203000Z', offsetMs: 2, from: null, kind: 'gap', label: s },
    ],
  });
  return buildReport([{ ...factoryCapture(), file: t, connections: [c] }]);
}

const baseline = renderHtml(reportWith('a', 'b'), FACTORY_META);
const tagCount = (html: string): number => (html.match(/<[a-zA-Z/!][^>]*>/g) ?? []).length;

describe('escaping, for any wire string', () => {
  it('text output holds no control character but newlines', () => {
    fc.assert(
      fc.property(wire, wire, (s, t) => {
        const out = renderText(reportWith(s, t), { color: false, verbose: true, width: 100 });
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 200 },
    );
  });

  it('Markdown keeps Mermaid statements whole and the tables square', () => {
    fc.assert(
      fc.property(wire, wire, (s, t) => {
        const out = renderMarkdown(reportWith(s, t), FACTORY_META);
        const block = /```mermaid\n([\s\S]*?)\n```/.exec(out)?.[1];
        expect(block).toBeDefined();
        for (const line of (block as string).split('\n').slice(1)) {
          const bare = line.replace(/#\d+;/g, '');
          expect(bare).toMatch(/^ {4}(participant [CS] as [^;:<>`#\u2028\u2029]*|[CS](->>|-->>|-x)[CS]: [^;:<>`#\u2028\u2029]*|Note over C,S: [^;:<>`#\u2028\u2029]*)$/);
        }
        expect(out).not.toContain('\u001b');
        const prose = out.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '');
        for (const table of prose.split('\n\n').filter((b) => b.startsWith('| '))) {
          const rows = table.split('\n').filter((l) => l.startsWith('|'));
          for (const r of rows) expect(cellSeparators(r)).toBe(cellSeparators(rows[0] as string));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('HTML has exactly the tags of a tame report', () => {
    fc.assert(
      fc.property(wire, wire, (s, t) => {
        const out = renderHtml(reportWith(s, t), FACTORY_META);
        expect(tagCount(out)).toBe(tagCount(baseline));
        expect(out).not.toContain('\u001b');
      }),
      { numRuns: 200 },
    );
  });
});

describe('sanitizeText', () => {
  it('writes every C0 and C1 control character as \\xNN and leaves the rest as it is', () => {
    const char = fc.oneof(fc.integer({ min: 0, max: 0x20 }), fc.integer({ min: 0x7e, max: 0xa0 }), fc.constantFrom(0x41, 0x2192, 0xd83d)).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }).map((a) => a.join('')), (s) => {
        const expected = [...s].map((ch) => (ch.charCodeAt(0) <= 0x1f || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f) ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch)).join('');
        expect(sanitizeText(s)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
