/**
 * The command: analyze every input, filter, render, decide the exit code.
 * All I/O goes through `CliIo` so tests can run it in-process.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { analyzeCapture } from '../analyze.js';
import { buildReport, captureReport, failedCaptureReport, TOOL } from '../report/model.js';
import type { CaptureReport, ConnectionReport, Report } from '../report/model.js';
import { renderJson, renderNdjson } from '../report/json.js';
import { renderText } from '../report/text.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import type { ReportMeta } from '../report/markdown.js';
import { TlsAutopsyError } from '../util/errors.js';
import { HELP, parseCliArgs } from './args.js';
import type { CliOptions, OutputFormat } from './args.js';
import { expandInputs } from './inputs.js';

export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly stdoutIsTty: boolean;
  /** Terminal width when stdout is a terminal (wrapping of the text report). */
  readonly columns?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const EXIT_OK = 0;
export const EXIT_FAIL_ON = 1;
export const EXIT_USAGE = 2;

function formatFromExtension(path: string): OutputFormat | null {
  switch (extname(path).toLowerCase()) {
    case '.json':
      return 'json';
    case '.ndjson':
    case '.jsonl':
      return 'ndjson';
    case '.md':
    case '.markdown':
      return 'markdown';
    case '.html':
    case '.htm':
      return 'html';
    case '.txt':
      return 'text';
    default:
      return null;
  }
}

function keep(c: ConnectionReport, o: CliOptions): boolean {
  if (o.only === 'failed' && c.status !== 'failed') return false;
  if (o.only === 'mtls' && c.mtls.certificateRequested !== true) return false;
  if (o.hosts.length > 0 && !o.hosts.includes(c.client.ip) && !o.hosts.includes(c.server.ip)) return false;
  if (o.ports.length > 0 && !o.ports.includes(c.server.port)) return false;
  if (o.snis.length > 0 && (c.sni === null || !o.snis.includes(c.sni.toLowerCase()))) return false;
  return true;
}

/** Does a connection match a --fail-on term (a finding code, a severity, or a status)? */
function matchesFailOn(c: ConnectionReport, term: string): boolean {
  if (term === 'failed' || term === 'incomplete') return c.status === term;
  if (term === 'error' || term === 'warning' || term === 'info') {
    const rank = { error: 0, warning: 1, info: 2 } as const;
    return c.findings.some((f) => rank[f.severity] <= rank[term]);
  }
  return c.findings.some((f) => f.code === term);
}

/** POSIX-shell quoting of one argument, only when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** SHA-256 of a file, streamed (a second pass over the capture); null when it cannot be read. */
async function fileSha256(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    const stream = createReadStream(path);
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', () => resolve(null));
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** What the Markdown and HTML reports print so a ticket can be reproduced. */
async function reportMeta(argv: readonly string[], files: readonly { readonly path: string }[]): Promise<ReportMeta> {
  // No prototype: a capture may be named `__proto__`.
  const captureSha256 = Object.create(null) as Record<string, string>;
  for (const f of files) {
    if (f.path === '-') captureSha256['(stdin)'] = '(stdin)';
    else captureSha256[f.path] = (await fileSha256(f.path)) ?? '(unreadable)';
  }
  return { commandLine: ['tlsautopsy', ...argv].map(shellQuote).join(' '), captureSha256 };
}

function render(report: Report, format: OutputFormat, o: CliOptions, color: boolean, width: number | undefined, meta: ReportMeta | null): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'ndjson':
      return renderNdjson(report);
    case 'markdown':
      return renderMarkdown(report, meta ?? { commandLine: 'tlsautopsy', captureSha256: {} });
    case 'html':
      return renderHtml(report, meta ?? { commandLine: 'tlsautopsy', captureSha256: {} });
    default:
      return renderText(report, width === undefined ? { color, verbose: o.verbose } : { color, verbose: o.verbose, width });
  }
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let o: CliOptions;
  try {
    o = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof TlsAutopsyError) {
      io.stderr(`tlsautopsy: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (o.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (o.version) {
    io.stdout(`${TOOL.name} ${TOOL.version}\n`);
    return EXIT_OK;
  }

  const files = await expandInputs(o.inputs);
  if (files.length === 0) {
    io.stderr('tlsautopsy: No capture files were found in the given directories; name pcap or pcapng files directly.\n');
    return EXIT_USAGE;
  }
  const captures: CaptureReport[] = [];
  let unreadable = 0;
  for (const f of files) {
    try {
      const analysis = await analyzeCapture(f.path === '-' ? io.stdin : f.path);
      const cap = captureReport(f.path === '-' ? '(stdin)' : f.path, analysis, { expiryDays: o.expiryDays });
      captures.push({ ...cap, connections: cap.connections.filter((c) => keep(c, o)) });
    } catch (err) {
      unreadable++;
      const message = err instanceof TlsAutopsyError ? err.message : errorSentence(f.path, err);
      captures.push(failedCaptureReport(f.path === '-' ? '(stdin)' : f.path, message));
      io.stderr(`tlsautopsy: ${f.path}: ${message}\n`);
    }
  }
  const report = buildReport(captures);
  const format = o.format ?? (o.output !== null ? formatFromExtension(o.output) : null) ?? 'text';
  const color = o.output === null && io.stdoutIsTty && o.color !== false && io.env['NO_COLOR'] === undefined ? true : o.color === true;
  let text: string;
  try {
    const meta = format === 'markdown' || format === 'html' ? await reportMeta(argv, files) : null;
    text = render(report, format, o, color, io.stdoutIsTty && o.output === null ? io.columns : undefined, meta);
  } catch (err) {
    if (err instanceof TlsAutopsyError) {
      io.stderr(`tlsautopsy: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (o.output !== null) await writeFile(o.output, text);
  else if (!o.quiet) io.stdout(text);

  if (unreadable > 0 && unreadable === files.length) return EXIT_USAGE;
  if (o.failOn.length > 0) {
    const hit = report.captures.some((cap) => cap.connections.some((c) => o.failOn.some((t) => matchesFailOn(c, t))));
    if (hit) return EXIT_FAIL_ON;
  }
  return unreadable > 0 ? EXIT_USAGE : EXIT_OK;
}

function errorSentence(path: string, err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `There is no file '${path}'; check the path.`;
  if (code === 'EACCES' || code === 'EPERM') return `The file '${path}' cannot be read (permission denied); run with access to it.`;
  if (code === 'EISDIR') return `'${path}' is a directory with no capture files in it.`;
  const message = err instanceof Error ? err.message : String(err);
  return `The file could not be analyzed (${message}); please report this with the capture if you can share it.`;
}
