/** Core verdict facts that the scenario tables do not reach. */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import { connectionFacts, judgeStatus } from '../../src/analysis/judge.js';
import { at, tls12 } from './connection-factory.js';

/** A connection whose capture began after the hellos: only its end is visible. */
function midSession(alert: Connection['alerts'][number]): Connection {
  const base = tls12({ noTcpHandshake: true, close: { how: 'fin', by: 'client' } });
  return { ...base, handshakes: [], alerts: [alert], history: '' };
}

describe('judgeStatus', () => {
  it('a capture that starts after the handshake is incomplete, not failed, when it ends with an encrypted alert', () => {
    const c = midSession({ from: 'client', level: null, description: null, encrypted: true, length: 26, frame: 3, time: at(3) });
    expect(judgeStatus(connectionFacts(c))).toBe('incomplete');
  });

  it('a cleartext fatal alert still means failed when the hellos were not captured', () => {
    const c = midSession({ from: 'server', level: 2, description: 40, encrypted: false, length: 2, frame: 3, time: at(3) });
    expect(judgeStatus(connectionFacts(c))).toBe('failed');
  });

  it('a complete TLS 1.2 handshake is ok', () => {
    expect(judgeStatus(connectionFacts(tls12()))).toBe('ok');
  });
});
