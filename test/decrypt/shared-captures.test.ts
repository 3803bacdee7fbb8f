/**
 * The ../shared/captures files that come with key logs (MANIFEST.json `keylog`) decrypt, and
 * their alerts read as the manifest lists them (tshark with the key log). Skipped with a
 * printed reason when ../shared is absent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analyze.js';
import { captureContext, judgeConnection } from '../../src/analysis/verdict.js';
import { parseKeyLog } from '../../src/decrypt/keylog.js';
import { alertName } from '../../src/tls/registry/names.js';
import { CAPTURES_DIR, CAPTURES_SKIP_REASON, HAVE_CAPTURES, loadManifest, parseEndpoint } from '../conformance/manifest.js';

if (!HAVE_CAPTURES) console.log(`decrypt/shared-captures: skipped — ${CAPTURES_SKIP_REASON}.`);

const normalize = (s: string): string => s.toLowerCase().replace(/[\s_-]/g, '');

describe.skipIf(!HAVE_CAPTURES)('shared captures with key logs', () => {
  const withKeys = HAVE_CAPTURES ? loadManifest().filter((c) => c.keylog !== null) : [];

  it('there are captures with key logs to check', () => {
    expect(withKeys.length).toBeGreaterThanOrEqual(2);
  });

  for (const cap of withKeys) {
    it(cap.id, async () => {
      const keyLog = parseKeyLog(readFileSync(join(CAPTURES_DIR, cap.keylog ?? ''), 'utf8'), cap.keylog ?? '');
      expect(keyLog.issues).toEqual([]);
      const analysis = await analyzeCapture(join(CAPTURES_DIR, cap.file), { keyLog });
      const context = captureContext(analysis.connections);
      for (const e of cap.connections) {
        const client = parseEndpoint(e.expected.client);
        const c = analysis.connections.find((x) => x.client.ip === client.ip && x.client.port === client.port && x.tls === true);
        expect(c, e.expected.client).toBeDefined();
        if (c === undefined) continue;
        expect(c.decryption).toEqual({ status: 'decrypted' });
        const alerts = c.alerts.map((a) => ({ sender: a.from, level: a.level === 1 ? 'warning' : 'fatal', description: normalize(alertName(a.description ?? -1)) }));
        expect(alerts).toEqual(e.expected.alerts.map((a) => ({ sender: a.sender, level: a.level?.toLowerCase(), description: normalize(a.description ?? '') })));
        expect(c.alerts.every((a) => a.decrypted === true)).toBe(true);
        expect(judgeConnection(c, context).status === 'ok').toBe(e.expected.handshake_completed);
        // Both Finished messages were decrypted.
        expect(c.timeline.filter((t) => t.label === 'Finished (decrypted)').map((t) => t.from).sort()).toEqual(['client', 'server']);
      }
    });
  }
});
