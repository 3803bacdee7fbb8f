import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alertName,
  cipherSuiteInfo,
  cipherSuiteName,
  extensionName,
  groupName,
  handshakeTypeName,
  isGrease,
  signatureSchemeName,
  versionName,
  versionShortName,
} from '../../src/tls/registry/names.js';

const dataDir = resolve(process.cwd(), '../shared/registries');
const haveData = existsSync(dataDir);
if (!haveData) console.log(`skipping registry row checks: ${dataDir} not found`);

function csvRows(file: string): [number, string][] {
  return readFileSync(resolve(dataDir, file), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim().length > 0)
    .map((l) => {
      const i = l.indexOf(',');
      return [Number(l.slice(0, i)), l.slice(i + 1).trim()];
    });
}

describe.skipIf(!haveData)('every registry data row resolves', () => {
  it('cipher suites, with their columns', () => {
    const lines = readFileSync(resolve(dataDir, 'ciphersuites.txt'), 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
    expect(lines.length).toBeGreaterThan(300);
    for (const line of lines) {
      const f = line.split(':');
      const code = parseInt(f[0] as string, 16);
      expect(cipherSuiteName(code)).toBe(f[1]);
      const info = cipherSuiteInfo(code);
      expect(info?.kx).toBe(f[2]);
      expect(info?.cipher).toBe(f[4]);
      expect(info?.mode).toBe(f[5]);
      expect(info?.keyBits).toBe(Number(f[6]));
      expect(info?.export).toBe(f[12] === '1');
    }
  });

  const pairs: [string, (n: number) => string, boolean][] = [
    ['alerts.csv', alertName, false],
    ['extensions.csv', extensionName, true],
    ['supported-groups.csv', groupName, true],
    ['handshake-types.csv', handshakeTypeName, false],
    ['signature-schemes.csv', signatureSchemeName, true],
    ['versions.csv', versionShortName, false],
  ];
  for (const [file, fn, greasable] of pairs) {
    it(file, () => {
      const rows = csvRows(file);
      expect(rows.length).toBeGreaterThan(5);
      const seen = new Set<number>();
      for (const [value, name] of rows) {
        const first = !seen.has(value);
        seen.add(value);
        if (greasable && isGrease(value)) expect(fn(value)).toMatch(/^GREASE\(0x[0-9a-f]{4}\)$/);
        else if (first) expect(fn(value)).toBe(name);
      }
    });
  }
});

describe('names', () => {
  it('GREASE: exactly the 16 RFC 8701 values', () => {
    const all: number[] = [];
    for (let n = 0; n <= 0xffff; n++) if (isGrease(n)) all.push(n);
    expect(all).toEqual(Array.from({ length: 16 }, (_, i) => i * 0x1010 + 0x0a0a));
    expect(isGrease(0x0a1a)).toBe(false);
    expect(cipherSuiteName(0x2a2a)).toBe('GREASE(0x2a2a)');
    expect(extensionName(0xfafa)).toBe('GREASE(0xfafa)');
    expect(versionName(0x7a7a)).toBe('GREASE(0x7a7a)');
  });

  it('renders unknown codes', () => {
    expect(cipherSuiteName(0xabcd)).toBe('unknown(0xabcd)');
    expect(extensionName(0x1234)).toBe('unknown(0x1234)');
    expect(groupName(0x0999)).toBe('unknown(0x0999)');
    expect(alertName(109)).toBe('unknown(109)');
    expect(alertName(255)).toBe('unknown(255)');
    expect(handshakeTypeName(99)).toBe('unknown(99)');
    expect(signatureSchemeName(0x0909)).toBe('unknown(0x0909)');
    expect(versionName(0x1234)).toBe('unknown(0x1234)');
  });

  it('names well-known codes', () => {
    expect(cipherSuiteName(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0x00ff)).toBe('TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
    expect(cipherSuiteName(0x010080)).toBe('SSL2_RC4_128_WITH_MD5');
    expect(cipherSuiteInfo(0x000a)).toMatchObject({ cipher: '3DES', mode: 'CBC', kx: 'RSA' });
    expect(cipherSuiteInfo(0x0017)).toMatchObject({ auth: 'NULL', export: true, cipher: 'RC4' });
    expect(alertName(116)).toBe('certificate_required');
    expect(extensionName(0x0015)).toBe('padding');
    expect(groupName(0x11ec)).toBe('X25519MLKEM768');
    expect(handshakeTypeName(13)).toBe('certificate_request');
  });

  it('signature schemes, including TLS 1.2 hash/signature pairs', () => {
    expect(signatureSchemeName(0x0401)).toBe('rsa_pkcs1_sha256');
    expect(signatureSchemeName(0x0804)).toBe('rsa_pss_rsae_sha256');
    expect(signatureSchemeName(0x0303)).toBe('sha224_ecdsa');
    expect(signatureSchemeName(0x0402)).toBe('sha256_dsa');
    expect(signatureSchemeName(0x0101)).toBe('md5_rsa');
  });

  it('versions', () => {
    expect(versionName(0x0002)).toBe('SSL 2.0');
    expect(versionName(0x0300)).toBe('SSL 3.0');
    expect(versionName(0x0301)).toBe('TLS 1.0');
    expect(versionName(0x0304)).toBe('TLS 1.3');
    expect(versionName(0x7f1c)).toBe('TLS 1.3 draft 28');
    expect(versionName(0x7f10)).toBe('TLS 1.3 draft 16');
    expect(versionName(0xfefd)).toBe('DTLS 1.2');
    expect(versionName(0xfefc)).toBe('DTLS 1.3');
    expect(versionShortName(0x7f13)).toBe('TLSv13-draft19');
    expect(versionShortName(0x0303)).toBe('TLSv12');
  });
});
