/**
 * The emulated alias orders and choices held to OpenJDK 17 itself: java-captures/keystores/key-manager-order/
 * holds stores written by test/fixtures/java/KeyManagerOrder.java (the expired carol under five
 * aliases, the valid alice under eleven, in PKCS12, JKS and JCEKS) and order.json, what Java
 * reported for them: KeyStore.aliases(), and for SunX509 and PKIX the listed and chosen aliases
 * for an EC key issued under CN=Corp Root CA.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashMapOrder } from '../../src/x509/identity/java-collections.js';
import { evaluateIdentity, readIdentityStore } from '../../src/x509/identity/index.js';
import type { IdentityRequest } from '../../src/x509/identity/index.js';
import { JAVA_CAPTURES_DIR } from '../fixtures/java/make-java-captures.js';

interface KeyManagerReport {
  readonly clientAliases: readonly string[];
  readonly chosen: string | null;
}
interface StoreReport {
  readonly aliases: readonly string[];
  readonly SunX509: KeyManagerReport;
  readonly PKIX: KeyManagerReport;
}
interface OrderReport {
  readonly javaVersion: string;
  readonly timeMs: number;
  readonly stores: Readonly<Record<string, StoreReport | { readonly opensWithKeyPassword: boolean; readonly opensWithStorePassword: boolean }>>;
}

const DIR = join(JAVA_CAPTURES_DIR, 'keystores', 'key-manager-order');
const report = JSON.parse(readFileSync(join(DIR, 'order.json'), 'utf8')) as OrderReport;
/** What chooseClientAlias(["EC"], [Corp Root CA]) amounts to: an EC key and that CA. */
const REQUEST: IdentityRequest = { tls13: false, certificateTypes: [64], signatureAlgorithms: [0x0403], certificateAuthorities: ['CN=Corp Root CA, O=Example Corp, C=US'] };

describe(`key manager order as Java ${report.javaVersion} reported it`, () => {
  for (const file of ['order.pkcs12', 'order.jks', 'order.jceks']) {
    it(file, () => {
      const java = report.stores[file] as StoreReport;
      const store = readIdentityStore(readFileSync(join(DIR, file)), file, { password: 'changeit' });
      // KeyStore.aliases(): file order for PKCS12 (lower case), Hashtable order for JKS and JCEKS.
      expect(store.entries.map((e) => e.alias)).toEqual(java.aliases);
      expect(store.entries.every((e) => e.keyOpens === true)).toBe(true);
      // SunX509 lists every alias (all qualify) in its HashMap order.
      expect(hashMapOrder(store.entries.map((e) => e.alias), String)).toEqual(java.SunX509.clientAliases);
      const e = evaluateIdentity(store, REQUEST, report.timeMs);
      expect(e.keyManagers.SunX509.alias).toBe(java.SunX509.chosen);
      expect(e.keyManagers.PKIX.alias).toBe(java.PKIX.chosen);
      // The chosen PKIX alias is a valid one although expired aliases come before it.
      expect(e.entries.find((x) => x.alias === java.PKIX.chosen)?.reasons).toEqual([]);
      expect(e.entries.filter((x) => x.reasons.includes('expired'))).toHaveLength(5);
    });
  }

  it('a JCEKS key with its own password opens with it and not with the store password', () => {
    const java = report.stores['keypass.jceks'] as { opensWithKeyPassword: boolean; opensWithStorePassword: boolean };
    const bytes = readFileSync(join(DIR, 'keypass.jceks'));
    expect(readIdentityStore(bytes, 'keypass.jceks', { password: 'changeit' }).entries.map((x) => x.keyOpens)).toEqual([java.opensWithStorePassword]);
    expect(readIdentityStore(bytes, 'keypass.jceks', { password: 'changeit', keyPassword: 'keypass1' }).entries.map((x) => x.keyOpens)).toEqual([java.opensWithKeyPassword]);
  });

  it('checks at most maxKeyChecks keys per store and says so', () => {
    for (const file of ['order.jceks', 'order.pkcs12']) {
      const store = readIdentityStore(readFileSync(join(DIR, file)), file, { password: 'changeit', maxKeyChecks: 2 });
      expect(store.entries.filter((e) => e.keyOpens === true)).toHaveLength(2);
      expect(store.entries.filter((e) => e.keyOpens === null)).toHaveLength(14);
      expect(store.notes).toContain(`Whether the key password opens 14 private keys of '${file}' was not checked (a protection tlsautopsy does not read, or more keys than the 2 it checks per store: --limit maxKeyChecks=N checks more).`);
    }
  });
});
