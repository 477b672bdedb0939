import { describe, expect, it } from 'vitest';
import { findingId, findingIdWords } from '../../src/asff/id.js';
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

  it('keys finding Ids by the first 96 bits of their own digest', () => {
    const id = findingId('scope', 'sarif', ['rule', 'src/a.ts', 12]);
    const digest = Buffer.from(id.slice(-32), 'base64url');
    const words = findingIdWords(id);
    expect([...words]).toEqual([
      (digest.readUInt32BE(0) | 1) >>> 0,
      digest.readUInt32BE(4),
      digest.readUInt32BE(8),
    ]);
    const long = findingId('s'.repeat(600), 'sarif', ['x']);
    expect(findingIdWords(long)[1]).toBe(Buffer.from(long.slice(-32), 'base64url').readUInt32BE(4));

    const set = new IdHashSet(findingIdWords);
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(set.add(findingId('scope', 'trivy', [`CVE-${i}`]))).toBe(true);
    expect(set.add(findingId('scope', 'trivy', ['CVE-7']))).toBe(false);
    expect(set.has(findingId('other', 'trivy', ['CVE-7']))).toBe(false);
    expect(set.size).toBe(n);
  });
});
