/**
 * Loading trust stores: a PEM bundle, one DER certificate, a directory of PEM/DER files
 * (as OpenSSL's `-CApath` or `/etc/ssl/certs`), PKCS#12, or Java JKS/JCEKS — sniffed from
 * the first bytes, not the file name. Each failure is one `TlsAutopsyError` sentence.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { TlsAutopsyError } from '../../util/errors.js';
import { certificateFacts } from '../certificate-summary.js';
import { looksLikeJks, readJks } from './jks.js';
import { looksLikePem, readCertificateFile } from './pem.js';
import { looksLikePkcs12, readPkcs12 } from './pkcs12.js';
import type { RawStore, RawStoreEntry, StoreLimits } from './raw-store.js';
import type { LoadedTrustStore, TrustCertificate, TrustPurpose, TrustSetup } from './types.js';
import { rememberLast } from '../../util/remember-last.js';

/** Options of the loaders. */
export interface TrustLoadOptions extends StoreLimits {
  /** Password of PKCS#12 and JKS stores; null or absent: none (empty-password stores still open). */
  readonly password?: string | null;
  /** Bytes read per store file at most (default 64 MiB). */
  readonly maxFileBytes?: number;
  /** Files read per directory at most (default 10,000). */
  readonly maxDirectoryFiles?: number;
}

/** Default of `maxFileBytes`: the largest real trust bundles are a few hundred KB. */
export const DEFAULT_MAX_TRUST_FILE_BYTES = 64 * 1024 * 1024;
/** Default of `maxDirectoryFiles`. */
export const DEFAULT_MAX_DIRECTORY_FILES = 10_000;

function summarize(entry: RawStoreEntry, source: string): TrustCertificate | null {
  const facts = certificateFacts(entry.der);
  if (facts.summary.parseError !== null) return null;
  return { der: entry.der, summary: facts.summary, notBeforeMs: facts.notBeforeMs, notAfterMs: facts.notAfterMs, source, label: entry.label };
}

function finish(path: string, raw: RawStore): LoadedTrustStore {
  const anchors: TrustCertificate[] = [];
  const intermediates: TrustCertificate[] = [];
  const seen = new Set<string>();
  let unparsable = 0;
  for (const entry of raw.entries) {
    const cert = summarize(entry, path);
    if (cert === null) {
      unparsable++;
      continue;
    }
    if (seen.has(cert.summary.sha256)) continue;
    seen.add(cert.summary.sha256);
    (entry.role === 'anchor' ? anchors : intermediates).push(cert);
  }
  const notes = [...raw.notes];
  if (unparsable > 0) notes.push(`${unparsable} entr${unparsable === 1 ? 'y' : 'ies'} of '${path}' did not parse as X.509 and ${unparsable === 1 ? 'was' : 'were'} skipped.`);
  if (anchors.length === 0) throw new TlsAutopsyError('usage', `The trust store '${path}' holds no certificate to trust; name a file with CA certificates.`);
  return { path, format: raw.format, anchors, intermediates, integrity: raw.integrity, notes };
}

/**
 * Reads a trust store from its bytes (format sniffed). Throws `TlsAutopsyError` (code `usage`)
 * with one sentence when it is not a store, the password is wrong, or it holds no certificate.
 */
export function readTrustStore(bytes: Uint8Array, path: string, options: TrustLoadOptions = {}): LoadedTrustStore {
  const password = options.password ?? null;
  if (looksLikeJks(bytes)) return finish(path, readJks(bytes, path, password, options));
  if (looksLikePem(bytes)) {
    const pem = readCertificateFile(bytes);
    const notes: string[] = [];
    if (pem.badBlocks > 0) notes.push(`${pem.badBlocks} certificate block${pem.badBlocks === 1 ? '' : 's'} of '${path}' did not decode and ${pem.badBlocks === 1 ? 'was' : 'were'} skipped.`);
    return finish(path, { format: 'pem', entries: pem.certificates.map((der) => ({ der, label: null, role: 'anchor' })), integrity: 'none', notes });
  }
  if (looksLikePkcs12(bytes)) return finish(path, readPkcs12(bytes, path, password, options));
  const der = readCertificateFile(bytes);
  if (der.format === 'der') return finish(path, { format: 'der', entries: der.certificates.map((d) => ({ der: d, label: null, role: 'anchor' })), integrity: 'none', notes: [] });
  throw new TlsAutopsyError('usage', `'${path}' is not a trust store tlsautopsy can read: expected PEM or DER certificates, PKCS#12 (.p12, .pfx) or a Java key store (JKS, JCEKS).`);
}

async function readBounded(path: string, max: number): Promise<Uint8Array> {
  const info = await stat(path);
  if (info.size > max) throw new TlsAutopsyError('usage', `The trust store '${path}' is ${info.size} bytes, more than the limit of ${max}; name the CA certificates alone, or raise the limit with --limit maxTrustFileBytes=N.`);
  return readFile(path);
}

function ioError(path: string, err: unknown): TlsAutopsyError {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return new TlsAutopsyError('io', `There is no trust store '${path}'; check the path.`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new TlsAutopsyError('io', `The trust store '${path}' cannot be read (permission denied).`, { cause: err });
  return new TlsAutopsyError('io', `The trust store '${path}' cannot be read (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
}

async function loadDirectory(path: string, options: TrustLoadOptions): Promise<LoadedTrustStore> {
  const max = options.maxDirectoryFiles ?? DEFAULT_MAX_DIRECTORY_FILES;
  const names = (await readdir(path)).sort();
  const entries: RawStoreEntry[] = [];
  let skipped = 0;
  for (const name of names.slice(0, max)) {
    const file = join(path, name);
    try {
      const info = await stat(file);
      if (!info.isFile() || info.size > (options.maxFileBytes ?? DEFAULT_MAX_TRUST_FILE_BYTES)) continue;
      const bytes = await readFile(file);
      const contents = readCertificateFile(bytes);
      for (const der of contents.certificates) entries.push({ der, label: name, role: 'anchor' });
      if (contents.certificates.length === 0 && !looksLikePem(bytes)) skipped++;
    } catch {
      skipped++;
    }
  }
  const notes: string[] = [];
  if (names.length > max) notes.push(`Only the first ${max} files of '${path}' were read (--limit maxTrustDirectoryFiles=N reads more).`);
  if (skipped > 0) notes.push(`${skipped} file${skipped === 1 ? '' : 's'} in '${path}' ${skipped === 1 ? 'is' : 'are'} not a PEM or DER certificate and ${skipped === 1 ? 'was' : 'were'} skipped.`);
  return finish(path, { format: 'directory', entries, integrity: 'none', notes });
}

/** Loads one trust store from a file or directory. */
export async function loadTrustStore(path: string, options: TrustLoadOptions = {}): Promise<LoadedTrustStore> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    throw ioError(path, err);
  }
  if (isDirectory) return loadDirectory(path, options);
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(path, options.maxFileBytes ?? DEFAULT_MAX_TRUST_FILE_BYTES);
  } catch (err) {
    throw err instanceof TlsAutopsyError ? err : ioError(path, err);
  }
  return readTrustStore(bytes, path, options);
}

/** Loads every store for one purpose. */
export async function loadTrustSetup(paths: readonly string[], purpose: TrustPurpose, options: TrustLoadOptions = {}): Promise<TrustSetup> {
  const stores: LoadedTrustStore[] = [];
  for (const p of paths) stores.push(await loadTrustStore(p, options));
  return { stores, purpose };
}

const FORMAT_NAMES: Record<LoadedTrustStore['format'], string> = {
  pem: 'PEM',
  der: 'DER',
  directory: 'directory',
  pkcs12: 'PKCS#12',
  jks: 'JKS',
  jceks: 'JCEKS',
};

/** "truststore.jks (JKS, integrity verified): 3 trust anchors, 1 intermediate" — what was loaded from one store. */
export function describeTrustStore(store: LoadedTrustStore): string {
  const n = store.anchors.length;
  const i = store.intermediates.length;
  const integrity = store.integrity === 'verified' ? ', integrity verified' : store.integrity === 'not-checked' ? ', integrity not checked' : '';
  return `${store.path} (${FORMAT_NAMES[store.format]}${integrity}): ${n} trust anchor${n === 1 ? '' : 's'}${i > 0 ? `, ${i} intermediate${i === 1 ? '' : 's'}` : ''}`;
}

/** The store names as a finding says them: "truststore.jks", "a.pem or b.jks". */
export function storeNames(stores: readonly LoadedTrustStore[]): string {
  const names = stores.map((s) => basename(s.path));
  if (names.length <= 1) return names[0] ?? 'the trust store';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** What the command line says about trust material: plain data a worker thread can be given. */
export interface TrustRequest {
  readonly paths: readonly string[];
  readonly purpose: TrustPurpose;
  readonly password: string | null;
  /** Limits of the loaders (absent ones: their defaults). */
  readonly limits?: Pick<TrustLoadOptions, 'maxFileBytes' | 'maxDirectoryFiles' | 'maxEntries' | 'maxIterations'>;
}

/** Loads the stores of a request once per thread (every capture of a run shares them). */
export const loadTrustSetupCached: (request: TrustRequest) => Promise<TrustSetup> = rememberLast((request: TrustRequest) =>
  loadTrustSetup(request.paths, request.purpose, { ...request.limits, password: request.password }),
);
