import { describe, expect, it } from 'vitest';
import { rememberLast } from '../../src/util/remember-last.js';

describe('rememberLast', () => {
  it('loads once for the same arguments, again for others, and forgets a failed load', async () => {
    const calls: string[] = [];
    let fail = true;
    const load = rememberLast(async (name: string, limits: { max?: number } = {}) => {
      calls.push(`${name}:${limits.max ?? '-'}`);
      if (name === 'bad' && fail) throw new Error('unreadable');
      return `${name} read`;
    });
    expect(await load('a', { max: 1 })).toBe('a read');
    expect(await load('a', { max: 1 })).toBe('a read');
    expect(calls).toEqual(['a:1']);
    expect(await load('a', { max: 2 })).toBe('a read');
    expect(calls).toEqual(['a:1', 'a:2']);
    await expect(load('bad')).rejects.toThrow('unreadable');
    fail = false;
    expect(await load('bad')).toBe('bad read');
    expect(calls).toEqual(['a:1', 'a:2', 'bad:-', 'bad:-']);
  });
});
