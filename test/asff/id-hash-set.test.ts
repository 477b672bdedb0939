import { describe, expect, it } from 'vitest';
import { ID_HASH_BYTES, IdHashSet, idHash } from '../../src/asff/id-hash-set.js';

describe('IdHashSet', () => {
  it('tells long Ids apart that share a long prefix', () => {
    const set = new IdHashSet();
    const prefix = 'x'.repeat(500);
    expect(set.add(`${prefix}1`)).toBe(true);
    expect(set.has(`${prefix}1`)).toBe(true);
    expect(set.has(`${prefix}2`)).toBe(false);
  });

  it('says whether an Id was new, and counts distinct Ids only', () => {
    const set = new IdHashSet();
    expect(set.add('a')).toBe(true);
    expect(set.add('a')).toBe(false);
    expect(set.add('b')).toBe(true);
    expect(set.size).toBe(2);
  });

  it('keeps every Id through many doublings, and stays within 34 bytes per Id', () => {
    const set = new IdHashSet();
    const n = 100_000;
    for (let i = 0; i < n; i++) expect(set.add(`scope/sarif/finding-${i}`)).toBe(true);
    expect(set.size).toBe(n);
    for (let i = 0; i < n; i++) {
      if (!set.has(`scope/sarif/finding-${i}`)) throw new Error(`lost finding-${i}`);
    }
    let falsePositives = 0;
    for (let i = n; i < 2 * n; i++) if (set.has(`scope/sarif/finding-${i}`)) falsePositives++;
    expect(falsePositives).toBe(0);
    expect(set.bytes / n).toBeLessThanOrEqual(34);
    expect(set.bytes / n).toBeGreaterThanOrEqual(17);
  });

  it('hashes an Id to 12 bytes, the same every time', () => {
    expect(idHash('a/b/c')).toHaveLength(ID_HASH_BYTES);
    expect(idHash('a/b/c').equals(idHash('a/b/c'))).toBe(true);
    expect(idHash('a/b/c').equals(idHash('a/b/d'))).toBe(false);
  });
});
