/**
 * One run of the pipeline cut after a given stage, in this process, timed from the first byte
 * read to the last connection handled: `node --import tsx test/bench/stages.ts FILE STAGE`
 * prints `{"stage","ms","connections"}`. The bench (`--stages`) runs every stage in a fresh
 * process and subtracts each from the next, so each stage's own cost per connection shows
 * without a profiler's overhead or its sampling noise.
 *
 * Stages, each including those before it: read (the capture reader, packets dropped), decode
 * (link/IP/TCP), flow (flow table and reassembly, data dropped), tls (record layer and handshake
 * decoding, events dropped), build (connection records), judge (verdicts), line (the compact
 * NDJSON line, encoded as the CLI writes it).
 */
import { readCapture } from '../../src/capture/index.js';
import { PacketDecoder } from '../../src/decode/index.js';
import type { TcpSegment } from '../../src/decode/types.js';
import { FlowTable } from '../../src/flow/index.js';
import type { ConnectionHandler } from '../../src/flow/types.js';
import { TlsConnectionTracker } from '../../src/tls/session/tracker.js';
import { ConnectionPipeline } from '../../src/pipeline.js';
import { contextWith, judgeConnection } from '../../src/analysis/verdict.js';
import { compactConnectionOf } from '../../src/report/compact.js';
import { ndjsonLine } from '../../src/report/json.js';

export const STAGES = ['read', 'decode', 'flow', 'tls', 'build', 'judge', 'line'] as const;
type StageName = (typeof STAGES)[number];

/** Runs the pipeline up to `stage` over `file`; milliseconds and connections ended. */
async function runStage(file: string, stage: StageName): Promise<{ ms: number; connections: number }> {
  const decoder = new PacketDecoder({});
  let connections = 0;
  let bytes = 0;
  const counted: ConnectionHandler = { onData() {}, onGap() {}, onTcpEvent() {}, onEnd: () => void connections++ };
  const context = contextWith(new Set(), {});
  let addSegment: ((segment: TcpSegment) => void) | null = null;
  let finish = (): void => {};
  if (stage === 'flow') {
    const flows = new FlowTable(() => counted, {});
    addSegment = (s) => flows.addSegment(s);
    finish = () => flows.finish();
  } else if (stage === 'tls') {
    const flows = new FlowTable((info, control) => new TlsConnectionTracker(info, control, { event() {} }, () => void connections++, {}), {});
    addSegment = (s) => flows.addSegment(s);
    finish = () => flows.finish();
  } else if (stage === 'build' || stage === 'judge' || stage === 'line') {
    const pipeline = new ConnectionPipeline(
      {},
      {
        onAnomaly() {},
        onConnection(c) {
          connections++;
          if (stage === 'build') return;
          const verdict = judgeConnection(c, context);
          if (stage === 'line') bytes += Buffer.byteLength(ndjsonLine(file, compactConnectionOf(c, verdict)));
        },
      },
    );
    addSegment = (s) => pipeline.addSegment(s);
    finish = () => pipeline.finish();
  }
  const t0 = process.hrtime.bigint();
  await readCapture(
    file,
    (packet) => {
      if (stage === 'read') return;
      const outcome = decoder.decode(packet);
      if (outcome.kind === 'tcp' && addSegment !== null) addSegment(outcome.segment);
    },
    {},
  );
  finish();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  // Read so the line stage's work cannot be dropped as unused.
  if (bytes < 0) throw new Error('unreachable');
  return { ms, connections };
}

if (process.argv[1] === import.meta.filename) {
  const [file, stage] = process.argv.slice(2);
  const known = STAGES.find((s) => s === stage);
  if (file === undefined || known === undefined) {
    process.stderr.write(`usage: node --import tsx test/bench/stages.ts FILE ${STAGES.join('|')}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify({ stage: known, ...(await runStage(file, known)) })}\n`);
}
