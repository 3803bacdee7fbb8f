/**
 * `--alias` checked against the loaded stores (loadIdentitySetup), on JKS and JCEKS stores
 * written at test time: the sentence for an alias no store holds (a store without key entries,
 * a long list cut after ten), an alias that names a secret key, a key without its chain, and the
 * alias found whatever its case.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TlsAutopsyError } from '../../src/util/errors.js';
import { loadIdentitySetup } from '../../src/x509/identity/index.js';
import type { IdentityRequestOptions } from '../../src/x509/identity/index.js';
import { JCEKS_MAGIC } from '../../src/x509/trust/index.js';
import { trustedEntries, writeJks } from './jks-writer.js';
import { makeCert } from './trust-pki.js';

const dir = mkdtempSync(join(tmpdir(), 'tlsautopsy-setup-'));
let der: Uint8Array;

beforeAll(async () => {
  der = (await makeCert({ subject: 'CN=setup', ca: true })).der;
});

function storeFile(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function request(paths: readonly string[], alias: string | null): IdentityRequestOptions {
  return { paths, side: 'client', alias, password: 'pw', keyPassword: null };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TlsAutopsyError) return err.message;
    throw err;
  }
  throw new Error('expected a TlsAutopsyError');
}

describe('--alias against the stores', () => {
  it('an alias missing from a store without key entries says it holds none', async () => {
    const trust = storeFile('trust.jks', writeJks(trustedEntries(['root'], der), 'pw'));
    expect(await refusal(loadIdentitySetup(request([trust], 'alice')))).toBe("There is no alias 'alice' in 'trust.jks' (it holds no key entry); give one of them with --alias.");
  });

  it('names ten key entries of the stores and counts the rest', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => ({ kind: 'key' as const, alias: `k${i}`, chain: [der] }));
    const a = storeFile('a.jks', writeJks(keys.slice(0, 7), 'pw'));
    const b = storeFile('b.jks', writeJks(keys.slice(7), 'pw'));
    const { setup } = await loadIdentitySetup(request([a, b], null));
    const listed = setup.stores.flatMap((s) => s.entries.map((e) => `'${e.alias}'`));
    expect(listed).toHaveLength(12);
    expect(await refusal(loadIdentitySetup(request([a, b], 'k99')))).toBe(`There is no alias 'k99' in 'a.jks' or 'b.jks' (its key entries are ${listed.slice(0, 10).join(', ')} and 2 more); give one of them with --alias.`);
  });

  it('an alias naming a secret key (JCEKS) is not a key entry', async () => {
    const jceks = storeFile('secret.jceks', writeJks([{ kind: 'secret', alias: 'hmac' }], 'pw', { magic: JCEKS_MAGIC }));
    expect(await refusal(loadIdentitySetup(request([jceks], 'hmac')))).toBe("The alias 'hmac' in 'secret.jceks' is a secret key, not a key entry, so Java cannot authenticate with it; give the alias of a private key with --alias.");
  });

  it('a key without its chain is kept with a note, under the alias as the store spells it', async () => {
    const bare = storeFile('bare.jks', writeJks([{ kind: 'key', alias: 'bare', chain: [] }], 'pw'));
    const loaded = await loadIdentitySetup({ ...request([bare], 'BARE'), keyPassword: 'pw' });
    expect(loaded.setup.alias).toBe('bare');
    expect(loaded.notes).toContain("The alias 'bare' in 'bare.jks' holds a key without its certificate chain; import the certificate under the same alias.");
  });
});
