/**
 * Hostile input with a key log: corrupted ciphertext, truncated captures and garbage key logs
 * never throw, and whatever cannot be decrypted is reported, never silently dropped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';
import { KeyLog, parseKeyLog } from '../../src/decrypt/keylog.js';
import { createConnectionDecryptor } from '../../src/decrypt/connection-decryptor.js';
import { scenario } from './scenario-support.js';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

async function analyze(bytes: Uint8Array, keyLog: KeyLog): Promise<void> {
  const a = await analyzeCapture(once(bytes), { keyLog });
  const context = captureContext(a.connections);
  for (const c of a.connections) {
    judgeConnection(c, context);
    // Every connection says what decryption did.
    expect(['decrypted', 'no-secrets', 'failed', 'not-attempted']).toContain(c.decryption?.status);
    if (c.decryption?.status === 'failed') expect(c.decryption.reason).toMatch(/^secrets present but (decryption failed at frame \d+|unusable)/);
  }
}

describe('properties with a key log', () => {
  it('flipped bytes anywhere in the capture (ciphertext included) never throw', async () => {
    for (const name of ['tls13-mtls-ok', 'tls12-mtls-ok'] as const) {
      const s = await scenario(name);
      const keyLog = parseKeyLog(s.keylog);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), async (flips) => {
          const bytes = new Uint8Array(s.captureBytes);
          // Past the file header, so the capture stays readable and the damage reaches TLS.
          for (const [at, x] of flips) {
            const i = 64 + (at % (bytes.length - 64));
            bytes[i] = (bytes[i] as number) ^ x;
          }
          await analyze(bytes, keyLog);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('captures cut anywhere (truncated records) never throw', async () => {
    const s = await scenario('tls13-client-cert-missing');
    const keyLog = parseKeyLog(s.keylog);
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (cut) => {
        // Keep the file's header blocks (an empty file is a usage error, not bad bytes).
        await analyze(s.captureBytes.subarray(0, 200 + (cut % (s.captureBytes.length - 200))), keyLog);
      }),
      { numRuns: 60 },
    );
  });

  it('garbage key logs, and real client randoms with random secrets, never throw', async () => {
    const s = await scenario('tls13-mtls-ok');
    const randoms = [...new Set(s.keylog.split('\n').map((l) => l.split(' ')[1]).filter((r): r is string => r !== undefined))];
    const labels = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'CLIENT_RANDOM', 'CLIENT_EARLY_TRAFFIC_SECRET'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...labels), fc.constantFrom(...randoms), fc.constantFrom(32, 48, 64), fc.uint8Array({ minLength: 64, maxLength: 64 })), { maxLength: 8 }),
        fc.string({ maxLength: 300 }),
        async (lines, junk) => {
          const text = lines.map(([l, r, n, b]) => `${l} ${r} ${Buffer.from(b.subarray(0, l === 'CLIENT_RANDOM' ? 48 : n)).toString('hex')}`).join('\n');
          await analyze(s.captureBytes, parseKeyLog(`${junk}\n${text}`));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the decryptor never throws on random records, in any order of calls', () => {
    const random = new Uint8Array(32).fill(9);
    const keyLog = parseKeyLog(
      [
        `CLIENT_RANDOM ${'09'.repeat(32)} ${'ab'.repeat(48)}`,
        `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${'09'.repeat(32)} ${'01'.repeat(32)}`,
        `SERVER_HANDSHAKE_TRAFFIC_SECRET ${'09'.repeat(32)} ${'02'.repeat(32)}`,
        `CLIENT_TRAFFIC_SECRET_0 ${'09'.repeat(32)} ${'03'.repeat(32)}`,
      ].join('\n'),
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant('open' as const), role: fc.constantFrom('client' as const, 'server' as const), type: fc.constantFrom(21, 22, 23), body: fc.uint8Array({ maxLength: 100 }) }),
      fc.record({ kind: fc.constantFrom('ccs' as const, 'finished' as const, 'update' as const, 'skip' as const), role: fc.constantFrom('client' as const, 'server' as const) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(0x1301, 0x1302, 0x1303, 0xc02f, 0xc013, 0xcca9, 0x0005), fc.boolean(), fc.array(op, { maxLength: 30 }), (suite, tls13, ops) => {
        const made = createConnectionDecryptor(keyLog, {
          clientRandom: random,
          serverRandom: new Uint8Array(32),
          version: tls13 ? 0x0304 : 0x0303,
          tls13,
          cipherSuite: suite,
          encryptThenMac: false,
          earlyDataOffered: true,
          clientRecordsBeforeServerHello: 0,
        });
        if (!made.ok) {
          expect(made.status.reason).toBeDefined();
          return;
        }
        const d = made.decryptor;
        ops.forEach((o, i) => {
          if (o.kind === 'open') d.open(o.role, { contentType: o.type, version: 0x0303, length: o.body.length }, o.body, i + 1);
          else if (o.kind === 'ccs') d.changeCipherSpec(o.role);
          else if (o.kind === 'finished') d.finished(o.role);
          else if (o.kind === 'update') d.keyUpdate(o.role);
          else d.skip(o.role);
          d.wants(o.role, 23, 40);
        });
        expect(['decrypted', 'failed', 'not-attempted']).toContain(d.status().status);
      }),
      { numRuns: 300 },
    );
  });
});
