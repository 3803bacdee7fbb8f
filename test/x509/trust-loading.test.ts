/**
 * Loading trust material from files and folders: duplicates, PEM blocks that do not decode,
 * entries that are no certificate, the size and count limits, read errors, and the lines that
 * describe what was loaded.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { describeTrustStore, loadTrustSetupCached, loadTrustStore, readTrustStore, storeNames } from '../../src/x509/trust/index.js';
import type { LoadedTrustStore } from '../../src/x509/trust/index.js';
import { makeCert, type TestCert } from './trust-pki.js';

const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-trust-load-'));
let root: TestCert;
let other: TestCert;

beforeAll(async () => {
  root = await makeCert({ subject: 'CN=Load Root, O=Corp', ca: true });
  other = await makeCert({ subject: 'CN=Load Other Root, O=Corp', ca: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pemText = (s: string): Uint8Array => new TextEncoder().encode(s);
// A certificate block whose base64 is not a DER SEQUENCE.
const BAD_BLOCK = '-----BEGIN CERTIFICATE-----\nAgEF\n-----END CERTIFICATE-----\n';
// A SEQUENCE that is not a certificate: it decodes as DER but not as X.509.
const NOT_X509_BLOCK = '-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n';

async function refusal(p: Promise<unknown>): Promise<TlsAutopsyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TlsAutopsyError) return e;
    throw e;
  }
  throw new Error('expected a TlsAutopsyError');
}

describe('PEM bundles', () => {
  it('a certificate listed twice is one anchor', () => {
    const s = readTrustStore(pemText(`${root.pem}\n${root.pem}\n${other.pem}`), 'dup.pem');
    expect(s.anchors.map((a) => a.summary.subject)).toEqual(['CN=Load Root, O=Corp', 'CN=Load Other Root, O=Corp']);
    expect(s.notes).toEqual([]);
  });

  it('blocks that do not decode and entries that are not X.509 are skipped, each with a note', () => {
    const one = readTrustStore(pemText(`${root.pem}\n${BAD_BLOCK}`), 'one-bad.pem');
    expect(one.notes).toEqual(["1 certificate block of 'one-bad.pem' did not decode and was skipped."]);
    const two = readTrustStore(pemText(`${BAD_BLOCK}${root.pem}\n${BAD_BLOCK}${NOT_X509_BLOCK}${NOT_X509_BLOCK}`), 'two-bad.pem');
    expect(two.notes).toEqual([
      "2 certificate blocks of 'two-bad.pem' did not decode and were skipped.",
      "2 entries of 'two-bad.pem' did not parse as X.509 and were skipped.",
    ]);
    expect(two.anchors).toHaveLength(1);
    const single = readTrustStore(pemText(`${root.pem}\n${NOT_X509_BLOCK}`), 'x.pem');
    expect(single.notes).toEqual(["1 entry of 'x.pem' did not parse as X.509 and was skipped."]);
  });

  it('a bundle with only bad blocks holds nothing to trust', () => {
    expect(() => readTrustStore(pemText(BAD_BLOCK), 'empty.pem')).toThrow("The trust store 'empty.pem' holds no certificate to trust; name a file with CA certificates.");
  });
});

describe('files and folders', () => {
  it('a file over maxFileBytes is refused, naming the limit', async () => {
    const p = join(dir, 'big.pem');
    writeFileSync(p, root.pem);
    const e = await refusal(loadTrustStore(p, { maxFileBytes: 10 }));
    expect(e.message).toBe(`The trust store '${p}' is ${root.pem.length} bytes, more than the limit of 10; name the CA certificates alone, or raise the limit with --limit maxTrustFileBytes=N.`);
  });

  it('a path through a file is a read error in one sentence, not a crash', async () => {
    const p = join(dir, 'plain.pem');
    writeFileSync(p, root.pem);
    const e = await refusal(loadTrustStore(join(p, 'inside.pem')));
    expect(e.code).toBe('io');
    expect(e.message).toMatch(new RegExp(`^The trust store '${join(p, 'inside.pem').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' cannot be read \\(ENOTDIR`));
  });

  it('a folder: files beyond maxDirectoryFiles are left with a note; sub-folders and big files are passed over', async () => {
    const d = join(dir, 'certs');
    mkdirSync(d);
    writeFileSync(join(d, 'a.pem'), root.pem);
    writeFileSync(join(d, 'b.der'), other.der);
    writeFileSync(join(d, 'c.txt'), 'not a certificate');
    mkdirSync(join(d, 'd-sub'));
    writeFileSync(join(d, 'e.pem'), root.pem);
    const s = await loadTrustStore(d, { maxDirectoryFiles: 4 });
    expect(s.format).toBe('directory');
    expect(s.anchors.map((a) => a.label)).toEqual(['a.pem', 'b.der']);
    expect(s.notes).toEqual([`Only the first 4 files of '${d}' were read (--limit maxTrustDirectoryFiles=N reads more).`, `1 file in '${d}' is not a PEM or DER certificate and was skipped.`]);
    writeFileSync(join(d, 'f.bin'), Uint8Array.of(1, 2, 3));
    const all = await loadTrustStore(d, { maxFileBytes: 5_000 });
    expect(all.notes).toEqual([`2 files in '${d}' are not a PEM or DER certificate and were skipped.`]);
  });
});

describe('what was loaded, in words', () => {
  const store = (over: Partial<LoadedTrustStore>): LoadedTrustStore => ({ ...readTrustStore(pemText(root.pem), '/etc/trust/a.pem'), ...over });

  it('says the format, the integrity, and counts anchors and intermediates', () => {
    const one = store({});
    expect(describeTrustStore(one)).toBe('/etc/trust/a.pem (PEM): 1 trust anchor');
    const [a] = one.anchors;
    if (a === undefined) throw new Error('no anchor');
    expect(describeTrustStore(store({ format: 'pkcs12', integrity: 'verified', anchors: [a, a], intermediates: [a] }))).toBe('/etc/trust/a.pem (PKCS#12, integrity verified): 2 trust anchors, 1 intermediate');
    expect(describeTrustStore(store({ format: 'jceks', integrity: 'not-checked', intermediates: [a, a] }))).toBe('/etc/trust/a.pem (JCEKS, integrity not checked): 1 trust anchor, 2 intermediates');
  });

  it('names one store, several, or none', () => {
    expect(storeNames([])).toBe('the trust store');
    expect(storeNames([store({})])).toBe('a.pem');
    expect(storeNames([store({}), store({ path: '/x/b.jks' }), store({ path: 'c.p12' })])).toBe('a.pem, b.jks or c.p12');
  });
});

describe('trust set-ups shared by the captures of a run', () => {
  it('a set-up that failed to load is tried again by the next caller', async () => {
    const p = join(dir, 'later.pem');
    const request = { paths: [p], purpose: 'client' as const, password: null };
    const first = await refusal(loadTrustSetupCached(request));
    expect(first.message).toBe(`There is no trust store '${p}'; check the path.`);
    writeFileSync(p, root.pem);
    const setup = await loadTrustSetupCached(request);
    expect(setup.stores[0]?.anchors.map((a) => a.summary.subject)).toEqual(['CN=Load Root, O=Corp']);
    expect(await loadTrustSetupCached(request)).toBe(setup);
  });
});
