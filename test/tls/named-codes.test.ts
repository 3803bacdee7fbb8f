/** Named wire codes resolve to the registry rows they are named after. */
import { describe, expect, it } from 'vitest';
import { ALERT, HANDSHAKE_TYPE } from '../../src/tls/registry/named-codes.js';
import { alertName, handshakeTypeName } from '../../src/tls/registry/names.js';

describe('named codes', () => {
  it('every handshake type name gives back its code', () => {
    for (const [name, code] of Object.entries(HANDSHAKE_TYPE)) expect(handshakeTypeName(code)).toBe(name);
    expect(HANDSHAKE_TYPE.client_hello).toBe(1);
    expect(HANDSHAKE_TYPE.certificate_request).toBe(13);
  });

  it('every alert name gives back its code', () => {
    for (const [name, code] of Object.entries(ALERT)) expect(alertName(code)).toBe(name);
    expect(ALERT.handshake_failure).toBe(40);
    expect(ALERT.certificate_required).toBe(116);
  });
});
