/**
 * `tlsautopsy check-keystore FILE`: every entry of a Java identity or trust store (PKCS#12, JKS,
 * JCEKS) with what to renew or fix before it breaks a handshake — the "monitor the certificates
 * and renew them before they expire" duty of two-way SSL, without a capture.
 * Exit codes: 0 no problem, 1 problems found, 2 usage error or an unreadable store.
 */
import { parseArgs } from 'node:util';
import { sanitizeText } from '../report/sanitize.js';
import { parseArgsErrorText } from './args.js';
import { atOption, exitOnUserError, subcommandUsage } from './user-error.js';
import type { ParseArgsOptions } from './args.js';
import { parseLimit } from './limits.js';
import { checkStore, loadIdentityStore } from '../x509/identity/index.js';
import type { IdentityStore, StoreCheck, StoreRole } from '../x509/identity/index.js';

const CHECK_KEYSTORE_HELP = `Usage: tlsautopsy check-keystore [options] <store>

Lists every entry of a key store or trust store (PKCS#12 .p12/.pfx, Java JKS, JCEKS), in
the order Java lists them, with what to renew or fix: expired or expiring certificates,
incomplete or misordered chains, a private key that is not the certificate's or that the
key password does not open, weak keys, SHA-1 signatures, a missing clientAuth/serverAuth.

Options:
  --password <pw>        store password (or TLSAUTOPSY_KEYSTORE_PASSWORD)
  --key-password <pw>    password of the private keys, when it differs (JKS)
  --role <role>          client, server or trust (default: trust for a store without
                         private keys; otherwise an entry is faulted only when it may
                         serve neither as client nor as server)
  --expiry-days <n>      report certificates expiring within n days (default 30)
  --at <time>            judge validity at this ISO-8601 time (default: now)
  --format <f>           text (default) or json
  --limit <name=n>       maxTrustFileBytes, maxTrustStoreEntries, maxTrustKdfIterations
                         or maxKeyChecks (see the README's Limits section)
  -h, --help             this help

Exit codes: 0 no problem found, 1 problems found, 2 usage error or unreadable store.
`;

/** Where check-keystore writes. */
interface CheckKeystoreIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const CHECK_KEYSTORE_OPTIONS = {
  password: { type: 'string' },
  'key-password': { type: 'string' },
  role: { type: 'string' },
  'expiry-days': { type: 'string' },
  at: { type: 'string' },
  format: { type: 'string' },
  limit: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsOptions;

/** The `--limit` names that bound reading one store, and the reader option each sets. */
const STORE_LIMITS = {
  maxTrustFileBytes: 'maxFileBytes',
  maxTrustStoreEntries: 'maxEntries',
  maxTrustKdfIterations: 'maxIterations',
  maxKeyChecks: 'maxKeyChecks',
} as const;

type StoreLimitName = keyof typeof STORE_LIMITS;
type StoreReadLimits = Partial<Record<(typeof STORE_LIMITS)[StoreLimitName], number>>;

const FORMAT_NAMES: Record<IdentityStore['format'], string> = { pkcs12: 'PKCS#12', jks: 'JKS', jceks: 'JCEKS' };
const KIND_NAMES: Record<StoreCheck['entries'][number]['kind'], string> = { 'private-key': 'private key', 'trusted-certificate': 'trusted certificate', 'secret-key': 'secret key' };
const ROLE_NAMES: Record<StoreCheck['role'], string> = {
  client: 'a client identity store',
  server: 'a server identity store',
  trust: 'a trust store',
  identity: 'an identity store (no --role: client or server)',
};

const usage = subcommandUsage('check-keystore');

function isStoreLimit(name: string): name is StoreLimitName {
  return Object.hasOwn(STORE_LIMITS, name);
}

function storeLimits(texts: readonly string[]): StoreReadLimits {
  const out: StoreReadLimits = {};
  for (const text of texts) {
    const parsed = parseLimit(text);
    if ('error' in parsed) throw usage(parsed.error);
    if (!isStoreLimit(parsed.name)) throw usage(`--limit ${parsed.name} does not bound reading a key store; check-keystore takes ${Object.keys(STORE_LIMITS).join(', ')}.`);
    out[STORE_LIMITS[parsed.name]] = parsed.value;
  }
  return out;
}

function renderText(store: IdentityStore, check: StoreCheck, at: Date, atNamed: boolean, expiryDays: number): string {
  const integrity = store.integrity === 'verified' ? 'integrity verified' : store.integrity === 'not-checked' ? 'integrity not checked' : 'no integrity check';
  const n = check.entries.length;
  const lines = [
    `${sanitizeText(store.path)} (${FORMAT_NAMES[store.format]}, ${integrity}): ${n} entr${n === 1 ? 'y' : 'ies'}, checked as ${ROLE_NAMES[check.role]} at ${atNamed ? at.toISOString() : `now (${at.toISOString()})`}, expiry warning at ${expiryDays} days`,
  ];
  for (const e of check.entries) {
    const key = e.keyAlgorithm === null ? '' : ` (${e.keyAlgorithm}${e.keySize === null ? '' : ` ${e.keySize}`})`;
    const cert = e.subject === null ? 'no certificate' : `${sanitizeText(e.subject)}${key}, until ${e.notAfter?.slice(0, 10) ?? 'unknown'}`;
    lines.push('', `${sanitizeText(e.alias)}: ${KIND_NAMES[e.kind]}, ${cert}`);
    if (e.problems.length === 0) lines.push('  no problem');
    for (const p of e.problems) lines.push(`  ${p.code}: ${sanitizeText(p.detail)}`);
  }
  const withProblems = check.entries.filter((e) => e.problems.length > 0).length;
  lines.push('', check.problems === 0 ? 'No problem found.' : `${check.problems} problem${check.problems === 1 ? '' : 's'} in ${withProblems} of ${n} entr${n === 1 ? 'y' : 'ies'}.`);
  return `${lines.join('\n')}\n`;
}

/** Runs `check-keystore` with the arguments after the word; returns the exit code. */
export async function runCheckKeystore(argv: readonly string[], io: CheckKeystoreIo): Promise<number> {
  return exitOnUserError(io, async () => {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: CHECK_KEYSTORE_OPTIONS });
    } catch (err) {
      throw usage(parseArgsErrorText(err, CHECK_KEYSTORE_OPTIONS));
    }
    const v = parsed.values;
    if (v.help === true) {
      io.stdout(CHECK_KEYSTORE_HELP);
      return 0;
    }
    const format = v.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw usage(`check-keystore writes text or json, not '${format}'.`);
    const role = v.role ?? null;
    if (role !== null && role !== 'client' && role !== 'server' && role !== 'trust') throw usage(`--role takes client, server or trust, not '${role}'.`);
    const expiryDays = v['expiry-days'] === undefined ? 30 : Number(v['expiry-days']);
    if (!Number.isFinite(expiryDays) || expiryDays < 0) throw usage(`--expiry-days takes a number of days, not '${v['expiry-days']}'.`);
    const at = atOption(v.at, usage);
    const [file, ...extra] = parsed.positionals;
    if (file === undefined) throw usage('Name the key store or trust store to check.');
    if (extra.length > 0) throw usage(`Name one store at a time, not ${parsed.positionals.length}.`);
    const limits = storeLimits(v.limit ?? []);

    const password = v.password ?? io.env['TLSAUTOPSY_KEYSTORE_PASSWORD'] ?? null;
    const store = await loadIdentityStore(file, { ...limits, password, ...(v['key-password'] !== undefined ? { keyPassword: v['key-password'] } : {}) });
    for (const note of store.notes) io.stderr(`tlsautopsy: ${sanitizeText(note)}\n`);
    const atName = v.at === undefined ? 'now' : `the time given with --at (${at.toISOString()})`;
    const check = checkStore(store, { atMs: at.getTime(), atName, expiryDays, role: role as StoreRole | null });
    if (format === 'json') {
      const doc = { file, format: store.format, integrity: store.integrity, role: check.role, at: at.toISOString(), expiryDays, entries: check.entries, problems: check.problems, notes: store.notes };
      io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      io.stdout(renderText(store, check, at, v.at !== undefined, expiryDays));
    }
    return check.problems === 0 ? 0 : 1;
  });
}
