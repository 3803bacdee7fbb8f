/**
 * The failed samples as an administrator reads them (issue 17): each thing said once, in words,
 * with every record the diagnosis cites drawn, on one screen.
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import type { Finding } from '../../src/analysis/verdict-types.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildReport } from '../../src/report/model.js';
import { renderText } from '../../src/report/text.js';
import { connection, factoryCapture, FACTORY_META } from './report-factory.js';

const ROOT = resolve(import.meta.dirname, '../..');

async function render(args: string[]): Promise<string> {
  let out = '';
  await runCli(args, { stdin: Readable.from([]), stdout: (s) => void (out += s), stderr: () => undefined, stdoutIsTty: false, env: {}, columns: 120 });
  return out;
}

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

/** A classic pcap with every packet cut to `snap` bytes, as `tcpdump -s snap` writes it. */
function withSnapLength(pcap: Uint8Array, snap: number): Uint8Array {
  const b = Buffer.from(pcap);
  const parts: Buffer[] = [];
  const header = Buffer.from(b.subarray(0, 24));
  header.writeUInt32LE(snap, 16);
  parts.push(header);
  for (let o = 24; o + 16 <= b.length; ) {
    const captured = b.readUInt32LE(o + 8);
    const record = Buffer.from(b.subarray(o, o + 16));
    record.writeUInt32LE(Math.min(captured, snap), 8);
    parts.push(record, b.subarray(o + 16, o + 16 + Math.min(captured, snap)));
    o += 16 + captured;
  }
  return Buffer.concat(parts);
}

describe('a failed report read cold', () => {
  it('TLS 1.2: the opening paragraph is not repeated as the likely cause', async () => {
    const out = await render(['--no-color', join(ROOT, 'samples/tls12-mtls-client-cert-untrusted.pcap')]);
    expect(occurrences(out, "which chains to none of them")).toBe(1);
    expect(out).not.toContain('Likely cause   The server');
    const missing = await render(['--no-color', join(ROOT, 'samples/tls12-mtls-client-cert-missing.pcap')]);
    // The CA the paragraph names is not listed again below it.
    expect(missing).not.toContain('The server accepts client certificates issued by');
  });

  it('TLS 1.3 inferred: the record sizes once, no remark about Java on other stacks, one screen', async () => {
    const out = await render(['--no-color', join(ROOT, 'samples/tls13-mtls-client-cert-missing.pcapng')]);
    expect(occurrences(out, '25 + 69 bytes')).toBe(1);
    expect(out).not.toContain('Numbers:');
    expect(out).not.toContain('Java pads');
    expect(out.split('\n').length).toBeLessThanOrEqual(56);
  });

  it('TLS 1.3 inferred: the ladder draws the alert-sized record the diagnosis cites', async () => {
    const out = await render(['--no-color', join(ROOT, 'samples/tls13-mtls-client-cert-missing.pcapng')]);
    expect(out).toContain('at frame 8');
    expect(out).toMatch(/◀─ Encrypted record \(19 bytes\) ─+ │ {2}#8 /);
    const md = await render(['--format', 'markdown', join(ROOT, 'samples/tls13-mtls-client-cert-missing.pcapng')]);
    expect(md).toContain('S->>C: Encrypted record (19 bytes) (frame 8)');
  });

  it('names the stage in words and keeps codes for --verbose', async () => {
    const out = await render(['--no-color', join(ROOT, 'samples/tls12-mtls-client-cert-missing.pcap')]);
    expect(out).toContain('FAILED when the client had to send its certificate');
    expect(out).not.toMatch(/FAILED at [a-z-]+/);
    const cut = join(mkdtempSync(join(tmpdir(), 'tlsautopsy-cold-')), 'cut.pcap');
    writeFileSync(cut, readFileSync(join(ROOT, 'samples/tls12-mtls-client-cert-missing.pcap')).subarray(0, 1200));
    const quiet = await render(['--no-color', cut]);
    expect(quiet).toContain('The file ends inside packet 5');
    expect(quiet).not.toContain('capture.truncated_file');
    expect(occurrences(quiet, 'The capture ended early')).toBe(0);
    expect(await render(['--no-color', '--verbose', cut])).toContain('capture.truncated_file (frame 5)');
  });

  it('snap length: the table and the capture notes name one cause with one fix', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tlsautopsy-cold-')), 'snap.pcap');
    writeFileSync(file, withSnapLength(readFileSync(join(ROOT, 'samples/tls12-mtls-ok-rsa-server.pcap')), 96));
    const out = await render(['--no-color', file]);
    expect(out).not.toContain('capture longer');
    expect(out).not.toContain('capture ended before');
    expect(out).toContain('Packets cut by the');
    expect(out).toContain('tcpdump -s 0');
    expect(out).not.toContain('-B 8192');
  });
});

describe('a filter that matches nothing', () => {
  it('says how many connections it left out, in every format', async () => {
    const file = join(ROOT, 'samples/tls13-mtls-ok.pcapng');
    const text = await render(['--no-color', '--only', 'failed', file]);
    expect(text).toContain('No connection matches the filter: 1 connection left out (1 ok)');
    expect(text).not.toContain('0 TLS connections');
    expect(await render(['--format', 'markdown', '--only', 'failed', file])).toContain('no connection matches the filter \\(1 connection left out: 1 ok\\)');
    const json = JSON.parse(await render(['--format', 'json', '--only', 'failed', file])) as { captures: { filteredOut?: { connections: number; ok: number } }[] };
    expect(json.captures[0]?.filteredOut).toMatchObject({ connections: 1, ok: 1 });
  });
});

describe('notes about how a client is configured', () => {
  it('are said once per capture with their connections, not on every connection', () => {
    const offered: Finding = { code: 'legacy-version-offered', severity: 'info', title: 'Client offers deprecated TLS versions', detail: 'The client offers TLS 1.0.', fix: 'Restrict the client to TLS 1.2 and TLS 1.3.', frames: [4] };
    const failed: Finding = { code: 'handshake-abandoned', severity: 'error', title: 'Handshake abandoned', detail: 'The server closed.', fix: 'Read the server log.', frames: [9] };
    const report = buildReport([
      { ...factoryCapture(), connections: [connection({ id: 1, status: 'failed', summary: 'The server closed.', findings: [failed, offered] }), connection({ id: 3, findings: [offered] })] },
    ]);
    for (const out of [renderText(report, { color: false, verbose: true }), renderMarkdown(report, FACTORY_META), renderHtml(report, FACTORY_META)]) {
      expect(occurrences(out, 'Client offers deprecated TLS versions')).toBe(1);
      // Markdown escapes the parentheses; the words are the same.
      expect(out.replace(/\\/g, '')).toContain('Client offers deprecated TLS versions: 2 connections (#1, #3)');
    }
  });
});

describe('the HTML page', () => {
  const twoServers = (): string => {
    const server = (id: number, port: number, status: 'ok' | 'failed'): ReturnType<typeof connection> =>
      connection({ id, status, sni: 'server.holdout.test', server: { ip: '127.0.0.1', port }, ...(status === 'failed' ? { summary: 'The server closed.', findings: [{ code: 'handshake-abandoned', severity: 'error', title: 'Handshake abandoned', detail: 'The server closed.', fix: 'Read the server log.', frames: [9] }] } : {}) });
    return renderHtml(buildReport([{ ...factoryCapture(), connections: [server(1, 44301, 'ok'), server(2, 44302, 'failed'), server(3, 44301, 'ok')] }]), FACTORY_META);
  };

  it('labels each server of the host map with its whole address, and its tooltip has no escaped newline', () => {
    const html = twoServers();
    const map = /<svg class="hostmap"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(map).toContain('>127.0.0.1:44301<');
    expect(map).toContain('>127.0.0.1:44302<');
    expect(map).not.toContain('\\x0a');
  });

  it('lists failed connections first and gives the counts once, with the story and fix of each failure on top', () => {
    const html = twoServers();
    expect(html.indexOf('data-id="2"')).toBeLessThan(html.indexOf('data-id="1"'));
    expect(html).not.toMatch(/\d+ ok, \d+ failed/);
    const top = html.slice(0, html.indexOf('<svg class="hostmap"'));
    expect(top).toContain('<p class="why">The server closed.</p>');
    expect(top).toContain('Read the server log.');
  });
});
