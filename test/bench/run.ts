/**
 * `npm run bench`: builds its own captures from real handshakes, then times in one run
 *   (a) Node reading the file in 1 MiB chunks (the floor for any Node tool),
 *   (b) Node walking every pcap record header (the floor for a pcap reader),
 *   (c) the full analysis on one thread, `node bin/tlsautopsy --format ndjson --jobs 1 FILE > /dev/null`,
 *   (d) the same file split across worker threads by flow hash (`--jobs N`, N = the cores),
 *   (f) the text report (the default format) of the same file, one thread,
 * and, when installed, tshark (handshake fields only) and ssldump; then the output floor: the time
 * JSON.stringify and UTF-8 encoding take on the analysis' own NDJSON alone. Every command runs in a
 * child process so its wall time and peak RSS are measured the same way.
 *
 * Flags: --large (add the ~1 GiB input), --size-mib N (the small input's size, default 200),
 * --runs N (best of N, default 2), --fresh (rebuild inputs), --out DIR (default bench-out),
 * --jobs N (also time `--jobs N` over copies of the small input), --split N (threads for row (d),
 * one file split by flow hash; default the cores, 1 leaves the row out), --no-tools (skip tshark/ssldump),
 * --bulk-mib N (the bulk input's size, default 200, 0 leaves it out: a few TLS connections carrying
 * full-size application-data records, timed against (a) and (b) only), --profile (write a CPU
 * profile of the analysis of each input into DIR and print its garbage-collector share and top entries),
 * --stages (time the pipeline cut after each stage on the small input, in fresh processes, and
 * print each stage's own cost per connection; see stages.ts).
 *
 * After the first input's table, the start-up and warm-up: bare node, the program's own start-up
 * (`--version`), and the analysis of the input's first 2 MiB (a capture of a few hundred
 * handshakes, the size of a typical incident capture), whose cost per handshake, against the
 * whole input's, shows what a run pays before V8 has optimized the code it runs; and that
 * analysis again without the code cache (src/cli/code-cache.ts), as a first run pays it. Every
 * other row is a best of several runs, so it starts from the cache the first one left.
 *
 * Speed is reported, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync, linkSync, rmSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBulkTemplate, buildTemplates, writeBenchInput, writeBulkInput } from './make-input.js';
import type { BenchInput } from './make-input.js';
import { formatProfileSummary, summarizeProfile } from './profile-summary.js';
import { STAGES } from './stages.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MiB = 1024 * 1024;
/** Bump when the generator changes, so cached inputs are rebuilt. */
const INPUT_VERSION = 2;

const { values } = parseArgs({
  options: {
    large: { type: 'boolean', default: false },
    'size-mib': { type: 'string', default: '200' },
    'large-mib': { type: 'string', default: '1024' },
    'bulk-mib': { type: 'string', default: '200' },
    runs: { type: 'string', default: '2' },
    fresh: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-out' },
    jobs: { type: 'string' },
    split: { type: 'string' },
    'no-tools': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    stages: { type: 'boolean', default: false },
  },
});

const outDir = resolve(ROOT, values.out);
const runs = Math.max(1, Number(values.runs));
mkdirSync(outDir, { recursive: true });

/** (a): read the file with one reused 1 MiB buffer, as the capture reader does. */
const READ_SCRIPT = `
const fs = require('node:fs');
const fd = fs.openSync(process.argv[1], 'r');
const buf = new Uint8Array(1 << 20);
let total = 0, n;
while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) total += n;
process.stdout.write(String(total));
`;

/** (b): read in 1 MiB chunks and walk every classic pcap record header (carrying headers across chunks). */
const WALK_SCRIPT = `
const fs = require('node:fs');
const fd = fs.openSync(process.argv[1], 'r');
const buf = new Uint8Array(1 << 20);
const view = new DataView(buf.buffer);
const hdr = new Uint8Array(16);
const hview = new DataView(hdr.buffer);
let skip = 24, fill = 0, packets = 0, bytes = 0, n;
while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
  let i = 0;
  while (i < n) {
    if (skip > 0) { const s = Math.min(skip, n - i); skip -= s; i += s; continue; }
    if (fill > 0 || n - i < 16) {
      const t = Math.min(16 - fill, n - i);
      hdr.set(buf.subarray(i, i + t), fill); fill += t; i += t;
      if (fill < 16) continue;
      fill = 0; skip = hview.getUint32(8, true); packets++; bytes += hview.getUint32(12, true);
      continue;
    }
    skip = view.getUint32(i + 8, true); bytes += view.getUint32(i + 12, true); packets++; i += 16;
  }
}
process.stdout.write(String(packets));
`;

/**
 * The output floor: the analysis' NDJSON is read back and, in batches, parsed (not timed), then
 * serialized with JSON.stringify and encoded to UTF-8 (timed): the cost of producing the output
 * alone, whatever the analysis does before it. Prints the timed seconds and the output bytes.
 */
const SERIALIZE_SCRIPT = `
const fs = require('node:fs');
const fd = fs.openSync(process.argv[1], 'r');
const buf = Buffer.alloc(16 << 20);
const utf8 = new (require('node:string_decoder').StringDecoder)('utf8');
const enc = new TextEncoder();
let seconds = 0, bytes = 0, carry = '', n;
const serialize = (lines) => {
  const objects = lines.filter((l) => l.length > 0).map((l) => JSON.parse(l));
  const t0 = process.hrtime.bigint();
  let out = '';
  for (const o of objects) out += JSON.stringify(o) + '\\n';
  enc.encode(out);
  seconds += Number(process.hrtime.bigint() - t0) / 1e9;
};
while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
  bytes += n;
  const lines = (carry + utf8.write(buf.subarray(0, n))).split('\\n');
  carry = lines.pop();
  serialize(lines);
}
serialize([carry]);
process.stdout.write(JSON.stringify({ seconds, bytes }));
`;

interface OutputFloor {
  readonly seconds: number;
  readonly bytes: number;
}

/** Writes the analysis' NDJSON once to a file and times serializing it alone (best of the runs). */
function outputFloor(cli: string, input: BenchInput): OutputFloor | null {
  const ndjson = join(outDir, 'output-floor.ndjson');
  const made = spawnSync(process.execPath, [cli, '--format', 'ndjson', '--jobs', '1', '-o', ndjson, input.path], { stdio: 'ignore', cwd: ROOT });
  if (made.status !== 0) return null;
  let best: OutputFloor | null = null;
  for (let r = 0; r < runs; r++) {
    const res = spawnSync(process.execPath, ['--max-old-space-size=4096', '-e', SERIALIZE_SCRIPT, ndjson], { encoding: 'utf8', maxBuffer: MiB });
    if (res.status !== 0) break;
    const cur = JSON.parse(res.stdout) as OutputFloor;
    if (best === null || cur.seconds < best.seconds) best = cur;
  }
  rmSync(ndjson, { force: true });
  return best;
}

interface Measured {
  readonly seconds: number;
  readonly maxRssMiB: number | null;
  readonly status: number | null;
}

const haveTime = existsSync('/usr/bin/time');
/** Fallback when /usr/bin/time is missing: node children report their own peak RSS. */
const rssPreload = join(outDir, 'report-max-rss.mjs');
writeFileSync(rssPreload, "process.on('exit', () => process.stderr.write(`\\nmaxrss-kib:${process.resourceUsage().maxRSS}\\n`));\n");

/** Runs a command once with stdout to /dev/null; wall time and peak RSS. */
function measureOnce(cmd: string, args: readonly string[], isNode: boolean, env: NodeJS.ProcessEnv): Measured {
  const argv = haveTime ? ['-v', cmd, ...args] : [...(isNode ? ['--import', rssPreload] : []), ...args];
  const exe = haveTime ? '/usr/bin/time' : cmd;
  const t0 = process.hrtime.bigint();
  const res = spawnSync(exe, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * MiB, cwd: ROOT, env });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const err = res.stderr?.toString('utf8') ?? '';
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err) ?? /maxrss-kib:(\d+)/.exec(err);
  const status = res.status;
  if (status !== 0) process.stderr.write(`  (${cmd} exited ${String(status)}: ${err.split('\n').slice(-6).join(' | ')})\n`);
  return { seconds, maxRssMiB: m?.[1] !== undefined ? Number(m[1]) / 1024 : null, status };
}

function faster(best: Measured | null, cur: Measured): Measured {
  return best === null || cur.seconds < best.seconds ? cur : best;
}

/** The best of `runs` runs of a command. */
function measure(cmd: string, args: readonly string[], isNode: boolean, env: NodeJS.ProcessEnv = process.env): Measured {
  let best: Measured | null = null;
  for (let r = 0; r < runs; r++) best = faster(best, measureOnce(cmd, args, isNode, env));
  return best as Measured;
}

/** Two short node commands run in turn `count` times, the best of each: a difference of a few ms survives the machine's drift. */
function measureAlternating(a: readonly string[], b: readonly string[], bEnv: NodeJS.ProcessEnv, count: number): [Measured, Measured] {
  let bestA: Measured | null = null;
  let bestB: Measured | null = null;
  for (let r = 0; r < count; r++) {
    bestA = faster(bestA, measureOnce(process.execPath, a, true, process.env));
    bestB = faster(bestB, measureOnce(process.execPath, b, true, bEnv));
  }
  return [bestA as Measured, bestB as Measured];
}

function which(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

async function ensureInput(name: string, mib: number, write: (path: string, bytes: number) => Promise<BenchInput>): Promise<BenchInput> {
  const path = join(outDir, `${name}.pcap`);
  const meta = `${path}.json`;
  if (!values.fresh && existsSync(path) && existsSync(meta)) {
    const cached = JSON.parse(readFileSync(meta, 'utf8')) as BenchInput & { version: number; targetMiB: number };
    if (cached.version === INPUT_VERSION && cached.targetMiB === mib && statSync(path).size === cached.bytes) return cached;
  }
  process.stdout.write(`building ${path} (~${mib} MiB)…\n`);
  const input = await write(path, mib * MiB);
  writeFileSync(meta, JSON.stringify({ ...input, version: INPUT_VERSION, targetMiB: mib }, null, 2));
  return input;
}

/** Whether a measured ratio meets a bound it must not exceed, judged before rounding. */
const atMost = (value: number, bound: number): string => (value <= bound ? 'met' : 'not met');

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Row {
  readonly what: string;
  readonly m: Measured;
}

/** `walkTarget`: the goal as a multiple of the header walk (the bulk input); `toolTarget`: as a speed against ssldump (the handshake-dense input). */
function table(input: BenchInput, rows: readonly Row[], analysisRow: string, floor: OutputFloor | null, walkTarget: number | null, toolTarget: number | null): void {
  const mib = input.bytes / MiB;
  const analysis = rows.find((r) => r.what === analysisRow)?.m;
  const read = rows[0]?.m;
  const walk = rows[1]?.m;
  process.stdout.write(
    `\n${input.path}: ${fmt(mib, 1)} MiB, ${fmt(input.packets)} packets, ${fmt(input.connections)} connections, ${fmt(input.handshakes)} TLS handshakes, ${fmt(input.nonTlsConnections)} plaintext TCP\n`,
  );
  process.stdout.write(`${'command'.padEnd(44)} ${'seconds'.padStart(8)} ${'MiB/s'.padStart(8)} ${'hs/s'.padStart(9)} ${'peak RSS'.padStart(10)} ${'× analysis'.padStart(11)}\n`);
  for (const r of rows) {
    const rss = r.m.maxRssMiB === null ? '?' : `${fmt(r.m.maxRssMiB)} MiB`;
    const ratio = analysis === undefined ? '' : `${fmt(r.m.seconds / analysis.seconds, 2)}`;
    process.stdout.write(
      `${r.what.padEnd(44)} ${fmt(r.m.seconds, 2).padStart(8)} ${fmt(mib / r.m.seconds).padStart(8)} ${fmt(input.handshakes / r.m.seconds).padStart(9)} ${rss.padStart(10)} ${ratio.padStart(11)}\n`,
    );
  }
  if (analysis !== undefined && read !== undefined && walk !== undefined) {
    process.stdout.write(
      `analysis takes ${fmt(analysis.seconds / read.seconds, 1)}× the 1 MiB read and ${fmt(analysis.seconds / walk.seconds, 2)}× the record-header walk${walkTarget === null ? '' : ` (target ≤ ${walkTarget}×: ${atMost(analysis.seconds / walk.seconds, walkTarget)})`}\n`,
    );
    if (floor !== null) {
      process.stdout.write(
        `the output alone: ${fmt(floor.bytes / MiB)} MiB of NDJSON (${fmt((100 * floor.bytes) / input.bytes)}% of the input); JSON.stringify and UTF-8 encoding of it take ${fmt(floor.seconds, 2)} s, ${fmt(floor.seconds / walk.seconds, 1)}× the record-header walk and ${fmt((100 * floor.seconds) / analysis.seconds)}% of the analysis — a floor for any analysis that writes this output\n`,
      );
    }
    const piped = rows.find((r) => r.what.startsWith('(e)'))?.m;
    if (piped !== undefined) {
      process.stdout.write(`from a pipe: ${fmt(analysis.seconds / piped.seconds, 2)}× the speed of reading the file, peak ${piped.maxRssMiB === null ? '?' : fmt(piped.maxRssMiB)} MiB against ${analysis.maxRssMiB === null ? '?' : fmt(analysis.maxRssMiB)} MiB\n`);
    }
    const text = rows.find((r) => r.what === TEXT_ROW)?.m;
    if (text !== undefined) process.stdout.write(`the text report takes ${fmt(text.seconds / analysis.seconds, 2)}× the NDJSON analysis (target ≤ ${TEXT_TARGET}×: ${atMost(text.seconds / analysis.seconds, TEXT_TARGET)}), peak ${text.maxRssMiB === null ? '?' : fmt(text.maxRssMiB)} MiB\n`);
    const split = rows.find((r) => r.what.startsWith('(d)'))?.m;
    if (split !== undefined) {
      process.stdout.write(`one file split on ${splitThreads} threads: ${fmt(analysis.seconds / split.seconds, 2)}× the single-thread speed, ${fmt(split.seconds / walk.seconds, 1)}× the record-header walk\n`);
    }
    for (const r of rows) {
      if (r.what.startsWith('tshark') || r.what.startsWith('ssldump')) {
        const target = toolTarget !== null && r.what.startsWith('ssldump') ? ` (target ≥ ${toolTarget}×: ${atMost(toolTarget, r.m.seconds / analysis.seconds)})` : '';
        process.stdout.write(`analysis is ${fmt(r.m.seconds / analysis.seconds, 2)}× as fast as ${r.what.replace(/[, ].*/, '')}${target}\n`);
      }
    }
  }
}

/** Bytes of the input the warm-up row analyzes: a capture of a few hundred handshakes. */
const HEAD_BYTES = 2 * MiB;

/**
 * The input's first packets, up to `HEAD_BYTES`, as a pcap of their own that ends on a packet
 * boundary (a cut packet would be reported as a cut capture). Classic pcap, little-endian: what
 * the bench writes.
 */
function writeHead(input: BenchInput): { path: string; bytes: number } {
  const path = join(outDir, 'bench-head.pcap');
  const buf = new Uint8Array(HEAD_BYTES);
  const fd = openSync(input.path, 'r');
  const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
  closeSync(fd);
  const view = new DataView(buf.buffer);
  let end = 24;
  while (end + 16 <= n && end + 16 + view.getUint32(end + 8, true) <= n) end += 16 + view.getUint32(end + 8, true);
  writeFileSync(path, buf.subarray(0, end));
  return { path, bytes: end };
}

/** Runs of each short start-up command at least (they take a quarter of a second). */
const STARTUP_RUNS = 9;

/** Start-up and warm-up: what a small capture pays, against the per-handshake cost of the whole input. */
function startupTable(cli: string, input: BenchInput, analysis: Measured): void {
  const head = writeHead(input);
  // A handshake: a connection whose line lists the versions a ClientHello offered.
  const lines = spawnSync(process.execPath, [cli, '--format', 'ndjson', '--jobs', '1', head.path], { encoding: 'utf8', maxBuffer: 256 * MiB, cwd: ROOT }).stdout.split('\n');
  const handshakes = lines.filter((l) => l !== '' && ((JSON.parse(l) as { versions?: { offered?: unknown[] } }).versions?.offered?.length ?? 0) > 0).length;
  const bare = measure(process.execPath, ['-e', '0'], true);
  const version = measure(process.execPath, [cli, '--version'], true);
  // A first run, or one with the cache turned off, compiles the program from its source.
  const headArgs = [cli, '--format', 'ndjson', '--jobs', '1', head.path];
  const [small, uncached] = measureAlternating(headArgs, headArgs, { ...process.env, TLSAUTOPSY_CODE_CACHE: 'off' }, Math.max(runs, STARTUP_RUNS));
  const ms = (m: Measured): string => `${fmt(m.seconds * 1000)} ms`;
  const perHandshake = (seconds: number, count: number): string => `${fmt((seconds * 1e6) / count)} µs`;
  process.stdout.write(
    `\nstart-up: bare node ${ms(bare)}; tlsautopsy --version ${ms(version)} (${fmt((version.seconds - bare.seconds) * 1000)} ms loading the program)\n` +
      `the first ${fmt(head.bytes / MiB, 1)} MiB alone (${fmt(handshakes)} TLS handshakes): ${ms(small)}, ${perHandshake(small.seconds - version.seconds, handshakes)} per handshake past the start-up, ` +
      `against ${perHandshake(analysis.seconds - version.seconds, input.handshakes)} over the whole input: the difference is what runs before V8 has optimized the code (a run's first thousands of handshakes)\n` +
      `the same without the code cache (a first run, or TLSAUTOPSY_CODE_CACHE=off; the two alternated, best of ${fmt(Math.max(runs, STARTUP_RUNS))} each): ${ms(uncached)} against ${ms(small)}\n`,
  );
  rmSync(head.path, { force: true });
}

/** The single-threaded analysis every ratio is taken against. */
const ANALYSIS_ROW = '(c) tlsautopsy --format ndjson --jobs 1';
/** The text report (the default format) of the same input, against the NDJSON analysis: target ≤ 1.5×. */
const TEXT_ROW = '(f) tlsautopsy (text report) --jobs 1';
const TEXT_TARGET = 1.5;
/** Threads for the split row (d): --split N, default the cores. */
const splitThreads = Math.max(1, Number(values.split ?? cpus().length));

/**
 * Each stage's own cost: the pipeline cut after it, best of `runs` fresh processes, minus the
 * pipeline cut after the stage before it. In process, so start-up and the CLI's writing are out.
 */
function stageTable(input: BenchInput): void {
  const script = join(ROOT, 'test', 'bench', 'stages.ts');
  const best = new Map<string, number>();
  for (const stage of STAGES) {
    for (let r = 0; r < runs; r++) {
      const res = spawnSync(process.execPath, ['--import', 'tsx', script, input.path, stage], { encoding: 'utf8', cwd: ROOT });
      const ms = res.status === 0 ? (JSON.parse(res.stdout) as { ms: number }).ms : Number.NaN;
      if (!(ms >= (best.get(stage) ?? Infinity))) best.set(stage, ms);
    }
  }
  const total = best.get(STAGES[STAGES.length - 1] ?? 'line') ?? Number.NaN;
  process.stdout.write(`\nstages on ${input.path} (in process, best of ${runs}; each stage's own cost = the pipeline cut after it − cut before it)\n`);
  process.stdout.write(`${'stage'.padEnd(8)} ${'cut here, ms'.padStart(13)} ${'own ms'.padStart(8)} ${'µs/connection'.padStart(14)} ${'share'.padStart(6)}\n`);
  let before = 0;
  for (const stage of STAGES) {
    const ms = best.get(stage) ?? Number.NaN;
    const own = ms - before;
    before = ms;
    process.stdout.write(`${stage.padEnd(8)} ${fmt(ms).padStart(13)} ${fmt(own).padStart(8)} ${fmt((own * 1000) / input.connections, 1).padStart(14)} ${`${fmt((100 * own) / total)}%`.padStart(6)}\n`);
  }
}

async function main(): Promise<void> {
  let cached: Awaited<ReturnType<typeof buildTemplates>> | undefined;
  const templates = async (): Promise<Awaited<ReturnType<typeof buildTemplates>>> => (cached ??= await buildTemplates());
  const mixed = async (path: string, bytes: number): Promise<BenchInput> => writeBenchInput(path, bytes, await templates());
  const inputs: BenchInput[] = [await ensureInput('bench-small', Number(values['size-mib']), mixed)];
  if (values.large) inputs.push(await ensureInput('bench-large', Number(values['large-mib']), mixed));
  const bulkMib = Number(values['bulk-mib']);
  const bulk = bulkMib > 0 ? await ensureInput('bench-bulk', bulkMib, async (path, bytes) => writeBulkInput(path, bytes, await buildBulkTemplate())) : null;

  const cli = join(ROOT, 'bin', 'tlsautopsy');
  const tshark = values['no-tools'] ? null : which('tshark');
  const ssldump = values['no-tools'] ? null : which('ssldump');
  process.stdout.write(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), best of ${runs} run(s), peak RSS via ${haveTime ? '/usr/bin/time -v' : 'process.resourceUsage()'}\n`);

  for (const input of inputs) {
    const rows: Row[] = [
      { what: '(a) read in 1 MiB chunks', m: measure(process.execPath, ['-e', READ_SCRIPT, input.path], true) },
      { what: '(b) walk every pcap record header', m: measure(process.execPath, ['-e', WALK_SCRIPT, input.path], true) },
      { what: ANALYSIS_ROW, m: measure(process.execPath, [cli, '--format', 'ndjson', '--jobs', '1', input.path], true) },
    ];
    if (splitThreads > 1) {
      rows.push({ what: `(d) the same, --jobs ${splitThreads} (one file split)`, m: measure(process.execPath, [cli, '--format', 'ndjson', '--jobs', String(splitThreads), input.path], true) });
    }
    // From a pipe (`cat big.pcap | tlsautopsy -`): the peak is the larger of cat's and the analysis'.
    const preload = haveTime ? '' : ` --import "${rssPreload}"`;
    rows.push({ what: '(e) the same from a pipe: cat file | ... -', m: measure('sh', ['-c', `cat "$0" | "$1"${preload} "$2" --format ndjson --jobs 1 -`, input.path, process.execPath, cli], false) });
    rows.push({ what: TEXT_ROW, m: measure(process.execPath, [cli, '--jobs', '1', input.path], true) });
    if (ssldump !== null) rows.push({ what: 'ssldump -n', m: measure(ssldump, ['-n', '-r', input.path], false) });
    if (tshark !== null && input === inputs[0]) {
      rows.push({
        what: 'tshark, handshake fields only',
        m: measure(tshark, ['-n', '-r', input.path, '-Y', 'tls.handshake.type', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.type', '-e', 'tls.handshake.extensions_server_name'], false),
      });
    }
    table(input, rows, ANALYSIS_ROW, outputFloor(cli, input), null, 2);
    const analysis = rows.find((r) => r.what === ANALYSIS_ROW)?.m;
    if (input === inputs[0] && analysis !== undefined) startupTable(cli, input, analysis);
  }

  if (bulk !== null) {
    // Bulk: the cost per byte of application data, against the floors only (no tools, no output floor: a few lines).
    const rows: Row[] = [
      { what: '(a) read in 1 MiB chunks', m: measure(process.execPath, ['-e', READ_SCRIPT, bulk.path], true) },
      { what: '(b) walk every pcap record header', m: measure(process.execPath, ['-e', WALK_SCRIPT, bulk.path], true) },
      { what: ANALYSIS_ROW, m: measure(process.execPath, [cli, '--format', 'ndjson', '--jobs', '1', bulk.path], true) },
    ];
    table(bulk, rows, ANALYSIS_ROW, null, 2, null);
  }

  if (values.jobs !== undefined) {
    // Many files: copies (hard links) of the small input, analyzed with --jobs 1 and --jobs N.
    const n = Math.max(1, Number(values.jobs));
    const dir = join(outDir, 'many');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const small = inputs[0] as BenchInput;
    const files = Math.max(2, n * 2);
    for (let i = 0; i < files; i++) linkSync(small.path, join(dir, `copy-${i}.pcap`));
    const list = readdirSync(dir).map((f) => join(dir, f));
    const one = measure(process.execPath, [cli, '--format', 'ndjson', '--jobs', '1', ...list], true);
    const many = measure(process.execPath, [cli, '--format', 'ndjson', '--jobs', String(n), ...list], true);
    const mib = (small.bytes * files) / MiB;
    process.stdout.write(
      `\n${files} files of ${fmt(small.bytes / MiB, 1)} MiB: --jobs 1 ${fmt(one.seconds, 2)} s (${fmt(mib / one.seconds)} MiB/s, ${fmt(one.maxRssMiB ?? 0)} MiB), --jobs ${n} ${fmt(many.seconds, 2)} s (${fmt(mib / many.seconds)} MiB/s, ${fmt(many.maxRssMiB ?? 0)} MiB): ${fmt(one.seconds / many.seconds, 2)}× speed-up\n`,
    );
  }

  if (values.stages) stageTable(inputs[0] as BenchInput);

  if (values.profile) {
    for (const input of [inputs[0] as BenchInput, ...(bulk !== null ? [bulk] : [])]) {
      const name = `${input.path.replace(/^.*\//, '').replace(/\.pcap$/, '')}.cpuprofile`;
      rmSync(join(outDir, name), { force: true });
      spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', outDir, '--cpu-prof-name', name, cli, '--format', 'ndjson', '--jobs', '1', input.path], {
        stdio: ['ignore', 'ignore', 'inherit'],
        cwd: ROOT,
      });
      process.stdout.write(`\nCPU profile of ${input.path} written to ${join(outDir, name)} (open in Chrome DevTools or speedscope)\n`);
      if (existsSync(join(outDir, name))) process.stdout.write(formatProfileSummary(summarizeProfile(join(outDir, name), 15)));
    }
  }
}

await main();
