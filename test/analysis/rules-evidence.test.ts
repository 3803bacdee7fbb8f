import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { frames } from '../../src/analysis/rules/evidence.js';
import { codes, finding, judge, patch, tls12 } from './connection-factory.js';

describe('missing evidence', () => {
  it('snap length cut: says -s 0', () => {
    const v = judge(tls12({ stopAfter: 'server-flight', gap: { after: 'server-flight', from: 'server', length: 1200, reason: 'snap-length' }, close: { how: 'open', by: null } }));
    const f = finding(v, 'snap-length-truncated');
    expect(f.detail).toContain('1200 bytes');
    expect(f.fix).toContain('-s 0');
    expect(f.severity).toBe('warning');
  });

  it('bytes not captured during the handshake: suggests the other side', () => {
    const v = judge(tls12({ stopAfter: 'server-flight', gap: { after: 'server-hello', from: 'server', length: 1460, reason: 'not-captured' }, close: { how: 'open', by: null } }));
    const f = finding(v, 'capture-gap');
    expect(f.detail).toContain('1460 bytes from the server');
    expect(f.fix).toContain('other side');
    expect(f.frames).toEqual([6]);
  });

  it('a gap after completion is not reported', () => {
    const c = tls12();
    const late = patch(c, { gaps: [{ from: 'server', length: 100, reason: 'not-captured', frame: c.lastFrame }] });
    expect(codes(judge(late))).toEqual([]);
  });

  it('capture started after the handshake', () => {
    const c = tls12({ noTcpHandshake: true });
    const mid = patch(c, { handshakes: [] });
    expect(codes(judge(mid))).toEqual(['handshake-not-captured']);
  });

  it('capture ended mid-handshake', () => {
    const v = judge(tls12({ stopAfter: 'server-flight', certificateRequest: null, close: { how: 'open', by: null } }));
    expect(v.status).toBe('incomplete');
    expect(codes(v)).toEqual(['capture-ended-mid-handshake']);
  });
});

describe('frames', () => {
  it('are the given frames without nulls and repeats, in ascending order', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }).map((f) => (f === 3 ? null : f))), (list) => {
        const expected = [...new Set(list.filter((f): f is number => f !== null && f !== undefined))].sort((a, b) => a - b);
        expect(frames(...list)).toEqual(expected);
      }),
    );
  });
});
