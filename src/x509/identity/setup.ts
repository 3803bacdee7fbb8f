/**
 * The identity stores of a run (`--identity`, repeatable): loaded once per thread, with the
 * `--alias` checked against them. What the command line asks for is plain data, so a worker
 * thread can be given it as is.
 */
import { basename } from 'node:path';
import { TlsAutopsyError } from '../../util/errors.js';
import { rememberLast } from '../../util/remember-last.js';
import { loadIdentityStore } from './read.js';
import type { IdentityReadOptions } from './read.js';
import type { IdentityEntry, IdentityStore } from './types.js';

/** Whose key store it is: the client's (`javax.net.ssl.keyStore` of a Java client, default) or the server's. */
export type IdentitySide = 'client' | 'server';

/** The identity stores the analysis weighs each connection against. */
export interface IdentitySetup {
  readonly stores: readonly IdentityStore[];
  readonly side: IdentitySide;
  /** `--alias`: the key entry the side is configured to use (WebLogic's identity alias), found in a store; null when none was named. */
  readonly alias: string | null;
}

/** What the command line says about identity stores. */
export interface IdentityRequestOptions {
  readonly paths: readonly string[];
  readonly side: IdentitySide;
  readonly alias: string | null;
  readonly password: string | null;
  /** The key password where it differs from the store password (JKS, JCEKS); null: the store password. */
  readonly keyPassword: string | null;
  /** Limits of the readers (absent ones: their defaults). */
  readonly limits?: Pick<IdentityReadOptions, 'maxFileBytes' | 'maxEntries' | 'maxIterations' | 'maxKeyChecks'>;
}

/** Java lower-cases the aliases of every store type it writes, and finds an alias whatever its case. */
function sameAlias(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The entry `alias` names in the stores, first store first. */
export function aliasEntry(setup: Pick<IdentitySetup, 'stores'>, alias: string): { readonly store: IdentityStore; readonly entry: IdentityEntry } | null {
  for (const store of setup.stores) {
    const entry = store.entries.find((e) => sameAlias(e.alias, alias));
    if (entry !== undefined) return { store, entry };
  }
  return null;
}

function aliasList(stores: readonly IdentityStore[]): string {
  const all = stores.flatMap((s) => s.entries.filter((e) => e.kind === 'private-key').map((e) => `'${e.alias}'`));
  if (all.length === 0) return 'it holds no key entry';
  return `its key entries are ${all.slice(0, 10).join(', ')}${all.length > 10 ? ` and ${all.length - 10} more` : ''}`;
}

/**
 * Checks `--alias` against the loaded stores: an alias no store holds, or one that is not a key
 * entry, is a usage error (one sentence). A key its password does not open is kept, with a note:
 * that may be the very fault being looked for.
 */
function checkAlias(stores: readonly IdentityStore[], alias: string): { readonly alias: string; readonly notes: readonly string[] } {
  const names = stores.map((s) => `'${basename(s.path)}'`).join(' or ');
  const found = aliasEntry({ stores }, alias);
  if (found === null) throw new TlsAutopsyError('usage', `There is no alias '${alias}' in ${names} (${aliasList(stores)}); give one of them with --alias.`);
  const { store, entry } = found;
  if (entry.kind !== 'private-key') {
    const what = entry.kind === 'trusted-certificate' ? 'a trusted certificate' : 'a secret key';
    throw new TlsAutopsyError('usage', `The alias '${entry.alias}' in '${basename(store.path)}' is ${what}, not a key entry, so Java cannot authenticate with it; give the alias of a private key with --alias.`);
  }
  const notes: string[] = [];
  if (entry.keyOpens === false) notes.push(`The key password does not open the key of alias '${entry.alias}' in '${basename(store.path)}': Java fails with "Cannot recover key"; give its password with --identity-key-password, or give the key the store's password (keytool -keypasswd).`);
  if (entry.certificates.length === 0) notes.push(`The alias '${entry.alias}' in '${basename(store.path)}' holds a key without its certificate chain; import the certificate under the same alias.`);
  return { alias: entry.alias, notes };
}

/** The setup and the remarks worth telling once (store notes, an alias whose key does not open). */
export interface LoadedIdentitySetup {
  readonly setup: IdentitySetup;
  readonly notes: readonly string[];
}

/** Loads every store; errors are one-sentence `TlsAutopsyError`s (wrong password, damaged file, missing file, unknown alias). */
export async function loadIdentitySetup(request: IdentityRequestOptions): Promise<LoadedIdentitySetup> {
  const stores: IdentityStore[] = [];
  for (const path of request.paths) {
    stores.push(await loadIdentityStore(path, { ...request.limits, password: request.password, ...(request.keyPassword !== null ? { keyPassword: request.keyPassword } : {}) }));
  }
  const notes = stores.flatMap((s) => s.notes);
  if (request.alias === null) return { setup: { stores, side: request.side, alias: null }, notes };
  const checked = checkAlias(stores, request.alias);
  return { setup: { stores, side: request.side, alias: checked.alias }, notes: [...notes, ...checked.notes] };
}

/** Loads the stores of a request once per thread (every capture of a run shares them). */
export const loadIdentitySetupCached: (request: IdentityRequestOptions) => Promise<LoadedIdentitySetup> = rememberLast(loadIdentitySetup);
