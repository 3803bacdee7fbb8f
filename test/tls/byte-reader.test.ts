import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteReader } from '../../src/util/byte-reader.js';
import { latin1 } from '../../src/tls/extensions/read-lists.js';

describe('ByteReader', () => {
  it('reads big-endian integers and reports short input', () => {
    const r = new ByteReader(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(r.u8()).toBe(1);
    expect(r.u16()).toBe(0x0203);
    expect(r.u24()).toBe(0x040506);
    expect(r.u32()).toBe(0x0708090a);
    expect(r.empty()).toBe(true);
    expect(r.u8()).toBeUndefined();
  });

  it('reads u32 values above 2^31 as unsigned', () => {
    expect(new ByteReader(Uint8Array.from([0xff, 0xff, 0xff, 0xfe])).u32()).toBe(0xfffffffe);
  });

  it('vec16 gives a bounded sub-reader and leaves the cursor unmoved on a lying length', () => {
    const r = new ByteReader(Uint8Array.from([0, 2, 0xaa, 0xbb, 0xcc]));
    const v = r.vec16();
    expect(v?.remaining).toBe(2);
    expect(v?.u16()).toBe(0xaabb);
    expect(r.remaining).toBe(1);
    const lying = new ByteReader(Uint8Array.from([0, 9, 1]));
    expect(lying.vec16()).toBeUndefined();
    expect(lying.remaining).toBe(3);
  });

  it('never reads past its end, whatever the calls', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.constantFrom('u8', 'u16', 'u24', 'u32', 'vec8', 'vec16', 'vec24', 'skip'), { maxLength: 40 }),
        (bytes, ops) => {
          const r = new ByteReader(bytes);
          let consumed = 0;
          for (const op of ops) {
            const before = r.remaining;
            if (op === 'skip') r.skip(3);
            else r[op]();
            consumed += before - r.remaining;
            expect(r.remaining).toBeGreaterThanOrEqual(0);
          }
          expect(consumed + r.remaining).toBe(bytes.length);
        },
      ),
    );
  });
});

describe('latin1', () => {
  it('maps every byte to one character, at any length (chunked past 1024 bytes)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 1000, maxLength: 3000 })), (bytes) => {
        expect(latin1(bytes)).toBe(Buffer.from(bytes).toString('latin1'));
      }),
      { numRuns: 200 },
    );
  });
});
