/**
 * `tlsautopsy check-cert --trust STORE CERT.pem`: verifies a certificate file (PEM with its
 * chain, or DER) against trust stores the way the capture analysis does, without a capture —
 * "is my client certificate signed by something WebLogic trusts?".
 * Exit codes: 0 trusted, 1 untrusted, 2 usage error or an unreadable file or store.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TlsAutopsyError } from '../util/errors.js';
import { parseArgsErrorText } from './args.js';
import { atOption, exitOnUserError, subcommandUsage } from './user-error.js';
import type { ParseArgsOptions } from './args.js';
import { describeTrustStore, loadTrustSetup, readCertificateFile, verifyChain } from '../x509/trust/index.js';
import type { TrustPurpose, TrustResult } from '../x509/trust/index.js';

const CHECK_CERT_HELP = `Usage: tlsautopsy check-cert --trust <store> [options] <cert.pem> [chain.pem...]

Verifies a certificate (PEM, with its chain after it, or DER) against trust stores, offline:
signatures, validity, CA constraints, extended key usage and, for servers, the name.

Options:
  --trust <file|dir>     trust store: PEM bundle, DER, directory, PKCS#12 (.p12/.pfx),
                         Java JKS/JCEKS (repeatable)
  --trust-password <pw>  store password (or TLSAUTOPSY_TRUST_PASSWORD)
  --trust-for <who>      client (default: the store verifies client certificates) or server
  --name <host>          server name to match (with --trust-for server)
  --at <time>            check validity at this ISO-8601 time (default: now)
  --format <f>           text (default) or json
  -h, --help             this help

Exit codes: 0 trusted, 1 not trusted, 2 usage error or unreadable file.
`;

/** Where check-cert writes. */
export interface CheckCertIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const CHECK_CERT_OPTIONS = {
  trust: { type: 'string', multiple: true },
  'trust-password': { type: 'string' },
  'trust-for': { type: 'string' },
  name: { type: 'string' },
  at: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsOptions;

const usage = subcommandUsage('check-cert');

function renderResult(file: string, result: TrustResult): string {
  const lines = [`${file}: ${result.verdict}${result.reason !== null ? ` (${result.reason})` : ''}`];
  if (result.path.length > 0) lines.push(`  path:   ${result.path.join('\n          → ')}`);
  if (result.anchor !== null) lines.push(`  anchor: ${result.anchor}${result.anchorSource !== null ? ` (${result.anchorSource})` : ''}`);
  lines.push(`  ${result.detail}`);
  for (const p of result.problems.slice(1)) lines.push(`  also: ${p.detail}`);
  return `${lines.join('\n')}\n`;
}

/** Runs `check-cert` with the arguments after the word; returns the exit code. */
export async function runCheckCert(argv: readonly string[], io: CheckCertIo): Promise<number> {
  return exitOnUserError(io, async () => {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        allowPositionals: true,
        strict: true,
        options: CHECK_CERT_OPTIONS,
      });
    } catch (err) {
      throw usage(parseArgsErrorText(err, CHECK_CERT_OPTIONS));
    }
    const v = parsed.values;
    if (v.help === true) {
      io.stdout(CHECK_CERT_HELP);
      return 0;
    }
    const purpose = v['trust-for'] ?? 'client';
    if (purpose !== 'client' && purpose !== 'server') throw usage(`--trust-for takes client or server, not '${purpose}'.`);
    const format = v.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw usage(`check-cert writes text or json, not '${format}'.`);
    const stores = v.trust ?? [];
    if (stores.length === 0) throw usage('Name a trust store with --trust.');
    const [certFile, ...chainFiles] = parsed.positionals;
    if (certFile === undefined) throw usage('Name the certificate file to check.');
    const at = atOption(v.at, usage);

    const password = v['trust-password'] ?? io.env['TLSAUTOPSY_TRUST_PASSWORD'] ?? null;
    const setup = await loadTrustSetup(stores, purpose as TrustPurpose, { password });
    for (const s of setup.stores) {
      io.stderr(`tlsautopsy: trust store ${describeTrustStore(s)}\n`);
      for (const note of s.notes) io.stderr(`tlsautopsy: ${note}\n`);
    }
    const chain: Uint8Array[] = [];
    for (const f of [certFile, ...chainFiles]) {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(f);
      } catch (err) {
        const code = (err as { code?: unknown } | null)?.code;
        throw new TlsAutopsyError('io', code === 'ENOENT' ? `There is no certificate file '${f}'; check the path.` : `The certificate file '${f}' cannot be read.`, { cause: err });
      }
      const contents = readCertificateFile(bytes);
      if (contents.certificates.length === 0) throw new TlsAutopsyError('usage', `'${f}' holds no PEM or DER certificate.`);
      chain.push(...contents.certificates);
    }
    // Without a capture the time checked is now, or the one given with --at.
    const atName = v.at === undefined ? 'now,' : 'the time given with --at,';
    const result = verifyChain(chain, setup.stores, { purpose: purpose as TrustPurpose, at, atName, hostname: v.name ?? null });
    io.stdout(format === 'json' ? `${JSON.stringify({ file: certFile, purpose, at: at.toISOString(), ...result }, null, 2)}\n` : renderResult(certFile, result));
    return result.verdict === 'trusted' ? 0 : result.verdict === 'untrusted' ? 1 : 2;
  });
}
