/** Command-line arguments → options, with one-sentence usage errors. */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

/** The option table `parseArgs` takes. */
export type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>;
import { TlsAutopsyError } from '../util/errors.js';
import { DEFAULT_MAX_REPORT_CONNECTIONS } from '../report/listing.js';
import { parseLimit } from './limits.js';
import { failOnTermError } from './fail-on-terms.js';
import { closestTerm } from './closest-term.js';
import type { LimitName, Limits } from './limits.js';
import type { NdjsonDetail } from '../report/json.js';

export type OutputFormat = 'text' | 'json' | 'ndjson' | 'markdown' | 'html';
type OnlyFilter = 'all' | 'failed' | 'mtls';

export interface CliOptions {
  readonly inputs: readonly string[];
  readonly format: OutputFormat | null;
  readonly output: string | null;
  /** --detail: how much of each connection an NDJSON line carries; null when not given (compact). */
  readonly detail: NdjsonDetail | null;
  readonly only: OnlyFilter;
  readonly hosts: readonly string[];
  readonly ports: readonly number[];
  readonly snis: readonly string[];
  readonly failOn: readonly string[];
  readonly expiryDays: number;
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly color: boolean | null;
  readonly jobs: number | null;
  /** Connections the whole-report formats list one by one (the rest are counted); NDJSON lists all. */
  readonly maxReportConnections: number;
  /** --limit NAME=VALUE (repeatable): limits of the analysis other than their defaults. */
  readonly limits: Limits;
  /** NSS key log files (--keylog, repeatable) for decrypting TLS 1.3 handshakes and encrypted alerts. */
  readonly keylogs: readonly string[];
  /** Java SSL debug logs (--java-log, repeatable) of either side, matched to the connections. */
  readonly javaLogs: readonly string[];
  /** Trust stores (--trust, repeatable) to verify certificate chains against. */
  readonly trust: readonly string[];
  /** --trust-password; null when not given (the command then reads TLSAUTOPSY_TRUST_PASSWORD). */
  readonly trustPassword: string | null;
  /** --trust-for: whose certificates the stores verify (default client: they are the server's stores). */
  readonly trustFor: 'client' | 'server';
  /** Identity key stores (--identity, repeatable): which entry Java would send, and why none did. */
  readonly identity: readonly string[];
  /** --identity-password; null when not given (the command then reads TLSAUTOPSY_IDENTITY_PASSWORD). */
  readonly identityPassword: string | null;
  /** --identity-key-password: the key entries' password where it differs from the store's (JKS, JCEKS); null: the store password. */
  readonly identityKeyPassword: string | null;
  /** --identity-for: whose key store it is (default client). */
  readonly identityFor: 'client' | 'server';
  /** --alias: the key entry the side is configured to use; null when not given. */
  readonly alias: string | null;
  readonly help: boolean;
  readonly version: boolean;
}

export const HELP = `Usage: tlsautopsy [options] <capture|directory|->...

Reads packet captures (pcap, pcapng, optionally gzip-compressed) offline and explains
every TLS handshake in them: who was client and server, versions, cipher, whether a
client certificate was requested and sent, and where and why a handshake failed.

Options:
  --format <f>        text (default), json, ndjson, markdown, html
  -o, --output <file> write the report to a file (format from its extension:
                      .txt, .json, .ndjson, .md, .html; or give --format)
  --detail <d>        NDJSON only: compact (default: one short line per connection with
                      what a pipeline filters on) or full (the whole connection record,
                      as in the JSON report)
  --only <which>      all (default), failed, mtls (connections where a client certificate was requested)
  --host <ip>         only connections with this client or server address (repeatable)
  --port <n>          only connections with this server port (repeatable)
  --sni <name>        only connections with this server name (repeatable)
  --fail-on <list>    exit 1 when a finding matches: a code (client-cert-missing) or a
                      severity (error, warning); comma-separated. Also: failed, incomplete
  --expiry-days <n>   warn about certificates expiring within n days (default 30)
  --keylog <file>     NSS key log (SSLKEYLOGFILE) to decrypt the encrypted part of
                      handshakes: TLS 1.3 client certificates, encrypted alerts
                      (repeatable; a pcapng's embedded key log is always used)
  --java-log <file>   Java SSL debug output of either side (-Djavax.net.debug=ssl:handshake,
                      alone or in a WebLogic log): its handshakes are matched to the
                      connections and what JSSE logged (client certificates, alerts and
                      their reasons) becomes fact where the wire is encrypted (repeatable)
  --trust <file|dir>  trust store to verify certificate chains against, offline: PEM
                      bundle, DER, directory, PKCS#12 (.p12/.pfx), Java JKS/JCEKS (repeatable)
  --trust-password <pw>  password of PKCS#12/JKS stores (or TLSAUTOPSY_TRUST_PASSWORD)
  --trust-for <who>   client (default: the stores are the server's and verify client
                      certificates) or server
  --identity <file>   identity key store (PKCS#12, JKS, JCEKS: javax.net.ssl.keyStore):
                      for each CertificateRequest, which alias Java's SunX509 and PKIX key
                      managers would send, or why no entry qualifies (repeatable)
  --identity-password <pw>  its store password (or TLSAUTOPSY_IDENTITY_PASSWORD)
  --identity-key-password <pw>
                      the key entries' password where it differs from the store's (JKS)
  --identity-for <who>  client (default: the client's key store) or server (the server's:
                      which entry holds the certificate it sent)
  --alias <name>      the key entry the side is configured with (WebLogic's private key
                      alias): checked in the store; with --identity-for server, compared
                      with the certificate the server sent
  -j, --jobs <n>      worker threads (default: the cores / 1.5, so 1, none, on 2 cores):
                      several files are analyzed at once, reports stay in file order; with
                      --format ndjson and an explicit --jobs, one capture is split by
                      connection across them; the output is the same as --jobs 1
  --max-report-connections <n>
                      connections the text, JSON, Markdown and HTML reports list
                      one by one (default 10000; failed ones first); the others are
                      still counted. NDJSON always lists every connection
  --limit <name=n>    change one of the analysis' limits (repeatable), e.g.
                      --limit maxConnections=500000 --limit maxHandshakeMessageBytes=1MiB;
                      the names and defaults are in the README's Limits section
  -v, --verbose       show the ladder and details of every connection, not only failed ones
  -q, --quiet         print nothing; only the exit code speaks (with --fail-on)
  --no-color          no colours (also when NO_COLOR is set)
  -h, --help          this help
  --version           the version

Exit codes:
  0  nothing matched --fail-on (or no --fail-on given)
  1  a --fail-on condition matched
  2  usage error, or an input could not be read

Examples:
  tlsautopsy out.pcap
  tlsautopsy --only failed captures/
  tcpdump -U -i any -w - port 8443 | tlsautopsy -      # Ctrl-C prints the report
  tlsautopsy --format ndjson *.pcapng | jq 'select(.status=="failed") | .findings[0].code'
  tlsautopsy -o report.md hr-connector.pcap      # for an incident ticket
  tlsautopsy -o report.html hr-connector.pcap    # one self-contained page
  tlsautopsy --fail-on client-cert-missing,error --quiet nightly.pcap
  tlsautopsy --trust truststore.jks --trust-password changeit hr.pcap
  tlsautopsy --identity client.p12 --identity-password changeit hr.pcap   # which alias Java sends
  tlsautopsy check-cert --trust truststore.jks client.pem   # no capture (see check-cert --help)
  tlsautopsy check-keystore --password changeit identity.jks   # expiring, broken entries
`;

function usage(message: string): TlsAutopsyError {
  return new TlsAutopsyError('usage', `${message} Run 'tlsautopsy --help' for the options.`);
}

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'ndjson', 'markdown', 'html'];

/** Report file extensions (-o) and the format each one means. */
const OUTPUT_EXTENSIONS: ReadonlyMap<string, OutputFormat> = new Map([
  ['.txt', 'text'],
  ['.json', 'json'],
  ['.ndjson', 'ndjson'],
  ['.jsonl', 'ndjson'],
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.html', 'html'],
  ['.htm', 'html'],
]);

/** The format an -o file's extension names; null for an extension that names none. */
export function formatFromExtension(path: string): OutputFormat | null {
  return OUTPUT_EXTENSIONS.get(extname(path).toLowerCase()) ?? null;
}

const CLI_OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  detail: { type: 'string' },
  only: { type: 'string' },
  host: { type: 'string', multiple: true },
  port: { type: 'string', multiple: true },
  sni: { type: 'string', multiple: true },
  'fail-on': { type: 'string', multiple: true },
  'expiry-days': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
  'max-report-connections': { type: 'string' },
  limit: { type: 'string', multiple: true },
  keylog: { type: 'string', multiple: true },
  'java-log': { type: 'string', multiple: true },
  trust: { type: 'string', multiple: true },
  'trust-password': { type: 'string' },
  'trust-for': { type: 'string' },
  identity: { type: 'string', multiple: true },
  'identity-password': { type: 'string' },
  'identity-key-password': { type: 'string' },
  'identity-for': { type: 'string' },
  alias: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} satisfies ParseArgsOptions;

/**
 * A `parseArgs` error as one sentence. Node's own text for an unknown option goes on about
 * positionals with an unbalanced quote (`as in '-- "-V"`), so it is replaced.
 */
export function parseArgsErrorText(err: unknown, options: ParseArgsOptions): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== null) {
    const given = unknown[1] as string;
    const longNames = Object.keys(options).map((name) => `--${name}`);
    // -V is the version elsewhere; here -v is --verbose, so say where the version is.
    const near = given === '-V' && 'version' in options ? '--version' : given.startsWith('--') ? closestTerm(given, longNames) : null;
    return `Unknown option '${given}'${near !== null ? `; did you mean '${near}'?` : '.'}`;
  }
  return `${message.replace(/\.$/, '')}.`;
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: CLI_OPTIONS,
    });
  } catch (err) {
    throw usage(parseArgsErrorText(err, CLI_OPTIONS));
  }
  const v = parsed.values;
  const format = v.format ?? null;
  if (format !== null && !FORMATS.includes(format as OutputFormat)) throw usage(`Unknown format '${format}'; use one of ${FORMATS.join(', ')}.`);
  const output = v.output ?? null;
  // Without --format the extension decides; one that names no format would silently give text.
  if (output !== null && format === null && formatFromExtension(output) === null) {
    throw usage(`Cannot tell the report format from the name '${output}'; end it in ${[...OUTPUT_EXTENSIONS.keys()].join(', ')}, or give --format.`);
  }
  const detail = v.detail ?? null;
  if (detail !== null) {
    if (detail !== 'compact' && detail !== 'full') throw usage(`Unknown --detail value '${detail}'; use compact or full.`);
    // Every other format always holds every field: a --detail there would silently do nothing.
    if ((format ?? (output !== null ? formatFromExtension(output) : null)) !== 'ndjson') throw usage('--detail applies only to NDJSON output; add --format ndjson, or leave --detail out.');
  }
  const only = v.only ?? 'all';
  if (only !== 'all' && only !== 'failed' && only !== 'mtls') throw usage(`Unknown --only value '${only}'; use all, failed or mtls.`);
  const ports = (v.port ?? []).map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw usage(`--port takes a port number from 0 to 65535, not '${p}'.`);
    return n;
  });
  const expiry = v['expiry-days'] === undefined ? 30 : Number(v['expiry-days']);
  if (!Number.isFinite(expiry) || expiry < 0) throw usage(`--expiry-days takes a number of days, not '${v['expiry-days']}'.`);
  const jobs = v.jobs === undefined ? null : Number(v.jobs);
  if (jobs !== null && (!Number.isInteger(jobs) || jobs < 1)) throw usage(`--jobs takes a whole number of at least 1, not '${v.jobs}'.`);
  const maxListed = v['max-report-connections'] === undefined ? DEFAULT_MAX_REPORT_CONNECTIONS : Number(v['max-report-connections']);
  if (!Number.isSafeInteger(maxListed) || maxListed < 0) throw usage(`--max-report-connections takes a whole number of connections, not '${v['max-report-connections']}'.`);
  const limits: Partial<Record<LimitName, number>> = {};
  for (const text of v.limit ?? []) {
    const parsedLimit = parseLimit(text);
    if ('error' in parsedLimit) throw usage(parsedLimit.error);
    limits[parsedLimit.name] = parsedLimit.value;
  }
  const failOn = (v['fail-on'] ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  for (const term of failOn) {
    const error = failOnTermError(term);
    if (error !== null) throw usage(error);
  }
  const trustFor = v['trust-for'] ?? 'client';
  if (trustFor !== 'client' && trustFor !== 'server') throw usage(`--trust-for takes client or server, not '${trustFor}'.`);
  const identityFor = v['identity-for'] ?? 'client';
  if (identityFor !== 'client' && identityFor !== 'server') throw usage(`--identity-for takes client or server, not '${identityFor}'.`);
  const identity = v.identity ?? [];
  if (identity.length === 0) {
    const orphan = (['identity-password', 'identity-key-password', 'identity-for', 'alias'] as const).find((name) => v[name] !== undefined);
    if (orphan !== undefined) throw usage(`--${orphan} applies to an identity key store; give the store with --identity FILE.`);
  }
  if (v.alias !== undefined && v.alias.trim() === '') throw usage('--alias takes the name of a key entry, not an empty string.');
  const help = v.help === true;
  const version = v.version === true;
  if (!help && !version && parsed.positionals.length === 0) throw usage('Name at least one capture file, directory, or - for standard input.');
  return {
    inputs: parsed.positionals,
    format: format as OutputFormat | null,
    output,
    detail,
    only,
    hosts: v.host ?? [],
    ports,
    snis: (v.sni ?? []).map((s) => s.toLowerCase()),
    failOn,
    expiryDays: expiry,
    verbose: v.verbose === true,
    quiet: v.quiet === true,
    color: v['no-color'] === true ? false : v.color === true ? true : null,
    jobs,
    maxReportConnections: maxListed,
    limits,
    keylogs: v.keylog ?? [],
    javaLogs: v['java-log'] ?? [],
    trust: v.trust ?? [],
    trustPassword: v['trust-password'] ?? null,
    trustFor,
    identity,
    identityPassword: v['identity-password'] ?? null,
    identityKeyPassword: v['identity-key-password'] ?? null,
    identityFor,
    alias: v.alias ?? null,
    help,
    version,
  };
}
