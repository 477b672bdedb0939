import { describe, expect, it } from 'vitest';
import { distinct } from '../../src/internal/distinct.js';

describe('distinct', () => {
  it('keeps the first occurrence of each value, in order, for short and long lists alike', () => {
    expect(distinct(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c']);
    const long = Array.from({ length: 100 }, (_, i) => `v${i % 40}`);
    expect(distinct(long)).toEqual(Array.from({ length: 40 }, (_, i) => `v${i}`));
  });

  it('compares like a Set (NaN equals NaN) and reads any iterable', () => {
    expect(distinct([Number.NaN, 1, Number.NaN])).toEqual([Number.NaN, 1]);
    expect(distinct(new Set(['x', 'y']).values())).toEqual(['x', 'y']);
  });

  it('returns a new array even when nothing repeats', () => {
    const input = ['a', 'b'];
    const out = distinct(input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });
});
