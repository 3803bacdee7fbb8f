/**
 * A capture file cut inside the server's reply (as `head -c N` does) names the cut as the reason
 * the handshake looks unfinished, never a silent server.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';
import { buildReport, captureReport } from '../../src/report/model.js';
import { renderText } from '../../src/report/text.js';
import { buildScenario } from '../fixtures/scenarios.js';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

const PCAP_HEADER = 24;
const RECORD_HEADER = 16;

/** Byte offset in a classic pcap file where each packet record starts. */
function recordOffsets(file: Uint8Array): number[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const littleEndian = view.getUint32(0, true) === 0xa1b2c3d4 || view.getUint32(0, true) === 0xa1b23c4d;
  const out: number[] = [];
  for (let at = PCAP_HEADER; at + RECORD_HEADER <= file.length; at += RECORD_HEADER + view.getUint32(at + 8, littleEndian)) out.push(at);
  return out;
}

/** The TLS 1.2 mutual-TLS fixture capture, and the packet number of the server's first reply (its ServerHello flight). */
async function fixture(): Promise<{ file: Uint8Array; serverFrame: number; serverStart: number }> {
  const scenario = await buildScenario('tls12-mtls-ok');
  const index = scenario.frames.findIndex((f) => f.meta.dir === 's2c' && f.meta.payloadLength > 0);
  const start = recordOffsets(scenario.captureBytes)[index];
  if (index < 0 || start === undefined) throw new Error('the fixture has no server reply');
  return { file: scenario.captureBytes, serverFrame: index + 1, serverStart: start };
}

async function judged(bytes: Uint8Array) {
  const analysis = await analyzeCapture(once(bytes));
  const context = captureContext(analysis.connections);
  const connection = analysis.connections[0];
  if (connection === undefined) throw new Error('no connection');
  return { analysis, connection, verdict: judgeConnection(connection, context) };
}

describe('a capture file cut inside the server reply', () => {
  it('names the cut, with its packet and byte, and never says the server did not answer', async () => {
    const { file, serverFrame, serverStart } = await fixture();
    const cutAt = serverStart + RECORD_HEADER + 200;
    const { analysis, connection, verdict } = await judged(file.subarray(0, cutAt));
    expect(analysis.anomalies.map((a) => a.code)).toContain('capture.truncated_file');
    expect(connection.captureCut).toEqual({ frame: serverFrame, byte: cutAt, gzip: false });
    expect(verdict.status).toBe('incomplete');
    const codes = verdict.findings.map((f) => f.code);
    expect(codes).toContain('capture-file-cut');
    expect(codes).not.toContain('server-silent-after-client-hello');
    expect(codes).not.toContain('capture-ended-mid-handshake');
    const cut = verdict.findings.find((f) => f.code === 'capture-file-cut');
    expect(cut?.detail).toContain(`inside packet ${serverFrame}`);
    expect(cut?.detail).toContain("waiting for the server's ServerHello");
    expect(cut?.fix).toContain(`cut at byte ${cutAt.toLocaleString('en-US')}`);
    // The headline of the connection is the cut.
    expect(verdict.summary).toMatch(new RegExp(`^The capture file ends inside packet ${serverFrame}\\b`));
    const text = renderText(buildReport([captureReport('cut.pcap', analysis)]), { color: false, verbose: true, width: 120 });
    expect(text).toContain('Capture file cut during the handshake');
    expect(text).not.toMatch(/did not answer/i);
    for (const f of verdict.findings) expect(`${f.title} ${f.detail}`).not.toMatch(/did not answer/i);
  });

  it('a file that ends whole before the reply (no cut) still reports the silent server', async () => {
    const { file, serverStart } = await fixture();
    const { analysis, verdict } = await judged(file.subarray(0, serverStart));
    expect(analysis.anomalies.map((a) => a.code)).not.toContain('capture.truncated_file');
    expect(verdict.findings.map((f) => f.code)).toContain('server-silent-after-client-hello');
  });
});
