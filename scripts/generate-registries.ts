/**
 * Generates `src/tls/registry/*.ts` from the IANA registry data in `../shared/registries/`.
 *
 * Run with `npm run registries`. The generated files are committed so that builds and CI
 * do not need `../shared`; rerun this script when the data changes.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..');
const dataDir = resolve(projectRoot, '../shared/registries');
const outDir = join(projectRoot, 'src/tls/registry');

const HEADER =
  '// generated from the IANA registry data by scripts/generate-registries.ts — do not edit\n' +
  '// source: ../shared/registries/ (see its README.md for provenance)\n\n';

function readLines(name: string): string[] {
  return readFileSync(join(dataDir, name), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/** Parses a `value,name` CSV with a header row; values may be decimal or 0x-hex. */
function readCsv(name: string): [number, string][] {
  const lines = readLines(name);
  const rows: [number, string][] = [];
  for (const line of lines.slice(1)) {
    const comma = line.indexOf(',');
    if (comma < 0) throw new Error(`${name}: no comma in ${JSON.stringify(line)}`);
    const value = Number(line.slice(0, comma));
    const label = line.slice(comma + 1).trim();
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name}: bad value in ${JSON.stringify(line)}`);
    rows.push([value, label]);
  }
  return rows;
}

function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

function writePairs(file: string, constName: string, doc: string, rows: [number, string][], radix: 16 | 10): void {
  const body = rows.map(([v, n]) => `  [${radix === 16 ? hex4(v) : String(v)}, ${JSON.stringify(n)}],`).join('\n');
  const text = `${HEADER}/** ${doc} */\nexport const ${constName}: readonly (readonly [number, string])[] = [\n${body}\n];\n`;
  writeFileSync(join(outDir, file), text);
}

function generateCipherSuites(): void {
  // hex:name:kx:auth:cipher:mode:keybits:mac:macbits:prf:prfbits:rfc:export:minversion:maxversion
  const lines = readLines('ciphersuites.txt');
  const rows = lines.map((line) => {
    const f = line.split(':');
    if (f.length !== 15) throw new Error(`ciphersuites.txt: expected 15 fields in ${JSON.stringify(line)}`);
    const [hex, name, kx, auth, cipher, mode, keyBits, mac, macBits, prf, , rfc, exp, minV, maxV] = f as [
      string, string, string, string, string, string, string, string, string, string, string, string, string, string, string,
    ];
    const code = parseInt(hex, 16);
    if (!Number.isInteger(code)) throw new Error(`ciphersuites.txt: bad code ${hex}`);
    return (
      `  { code: ${hex4(code)}, name: ${JSON.stringify(name)}, kx: ${JSON.stringify(kx)}, auth: ${JSON.stringify(auth)}, ` +
      `cipher: ${JSON.stringify(cipher)}, mode: ${JSON.stringify(mode)}, keyBits: ${Number(keyBits)}, mac: ${JSON.stringify(mac)}, ` +
      `macBits: ${Number(macBits)}, prf: ${JSON.stringify(prf)}, export: ${exp === '1'}, ` +
      `minVersion: ${hex4(parseInt(minV, 16))}, maxVersion: ${hex4(parseInt(maxV, 16))}, rfc: ${JSON.stringify(rfc)} },`
    );
  });
  const text =
    HEADER +
    `/** One row of the TLS Cipher Suites registry with the properties hygiene rules need. */
export interface CipherSuiteRow {
  readonly code: number;
  /** IANA name, e.g. \`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\`. */
  readonly name: string;
  /** Key exchange: RSA, DH, DHE, ECDH, ECDHE, PSK, SRP, KRB5, ECCPWD, TLS13 (negotiated separately), NULL. */
  readonly kx: string;
  /** Authentication: RSA, DSS, ECDSA, PSK, SRP(+RSA/+DSS), KRB5, ECCPWD, TLS13, NULL (anonymous). */
  readonly auth: string;
  /** Bulk cipher: AES, CHACHA20_POLY1305, 3DES, DES, RC4, RC2, IDEA, SEED, CAMELLIA, ARIA, SM4, AEGIS, NULL. */
  readonly cipher: string;
  /** Mode: CBC, GCM, CCM, or empty for stream ciphers, ChaCha20-Poly1305 and NULL. */
  readonly mode: string;
  /** Effective key bits (40 for EXPORT suites). */
  readonly keyBits: number;
  /** MAC: HMAC-MD5, HMAC-SHA1, HMAC-SHA256, HMAC-SHA384, AEAD, NULL. */
  readonly mac: string;
  readonly macBits: number;
  /** PRF hash: DEFAULT (the version's own), SHA256, SHA384, SHA512, SM3, NULL. */
  readonly prf: string;
  /** An EXPORT-grade suite. */
  readonly export: boolean;
  /** Lowest and highest protocol versions the suite is defined for (0 for signalling values). */
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly rfc: string;
}

/** The TLS Cipher Suites registry. */
export const CIPHER_SUITE_ROWS: readonly CipherSuiteRow[] = [
${rows.join('\n')}
];
`;
  writeFileSync(join(outDir, 'cipher-suites.ts'), text);
}

function main(): void {
  if (!existsSync(dataDir)) {
    console.error(`registry data not found at ${dataDir}; nothing generated`);
    process.exitCode = 1;
    return;
  }
  generateCipherSuites();
  writePairs('alerts.ts', 'ALERT_ROWS', 'TLS Alerts (AlertDescription): value, name.', readCsv('alerts.csv'), 10);
  writePairs('extensions.ts', 'EXTENSION_ROWS', 'TLS ExtensionType Values: value, name.', readCsv('extensions.csv'), 16);
  writePairs('groups.ts', 'GROUP_ROWS', 'TLS Supported Groups: value, name.', readCsv('supported-groups.csv'), 16);
  writePairs('handshake-types.ts', 'HANDSHAKE_TYPE_ROWS', 'TLS HandshakeType: value, name.', readCsv('handshake-types.csv'), 10);
  writePairs('versions.ts', 'VERSION_ROWS', 'Protocol version codes: value, Zeek-style short name (TLSv12).', readCsv('versions.csv'), 16);
  writePairs(
    'signature-schemes.ts',
    'SIGNATURE_SCHEME_ROWS',
    'TLS SignatureScheme: value, name.',
    readCsv('signature-schemes.csv'),
    16,
  );
  console.log(`registries written to ${outDir}`);
}

main();
