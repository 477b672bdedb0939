import { describe, expect, it } from 'vitest';
import { findingFingerprint } from '../../src/state/fingerprint.js';
import { FLAG, idDigest, StateTable } from '../../src/state/table.js';
import { finding } from './helpers.js';

const entry = (n: number) => ({
  fingerprint: n.toString(16).padStart(16, 'a'),
  createdAt: 1_700_000_000_000 + n,
  firstObservedAt: n % 2 === 0 ? Number.NaN : 1_600_000_000_000 + n,
  lastSent: 1_800_000_000_000 + n,
  archived: n % 3 === 0,
});

describe('StateTable', () => {
  it('finds every entry it holds after growing from empty, and nothing else', () => {
    const table = new StateTable();
    for (let n = 0; n < 50_000; n++) table.set(table.findOrAdd(idDigest(`id-${n}`)), entry(n));
    expect(table.size).toBe(50_000);
    for (const n of [0, 1, 777, 49_999]) {
      const at = table.find(idDigest(`id-${n}`));
      expect(table.get(at)).toEqual(entry(n));
      expect(table.sameFingerprint(at, entry(n).fingerprint)).toBe(true);
    }
    expect(table.find(idDigest('id-50000'))).toBe(-1);
    // findOrAdd of a known digest does not add.
    table.findOrAdd(idDigest('id-5'));
    expect(table.size).toBe(50_000);
  });

  it('keeps flags per entry and clears them on all at once', () => {
    const table = new StateTable(4);
    const a = table.findOrAdd(idDigest('a'));
    const b = table.findOrAdd(idDigest('b'));
    table.setFlags(a, FLAG.reported | FLAG.confirmed);
    table.setFlags(b, FLAG.reported);
    table.clearAll(FLAG.reported);
    expect(table.flagsOf(a)).toBe(FLAG.confirmed);
    expect(table.flagsOf(b)).toBe(0);
  });

  it('an unknown fingerprint never counts as the same', () => {
    const table = new StateTable();
    const at = table.findOrAdd(idDigest('x'));
    table.set(at, { ...entry(1), fingerprint: '' });
    expect(table.get(at).fingerprint).toBe('');
    expect(table.sameFingerprint(at, '0000000000000000')).toBe(false);
  });

  it.each([
    ['sized from a state header', 100_000, 100_000],
    ['grown from empty', 0, 100_000],
    ['grown from empty, just past a growth step', 0, 98_305],
  ])('takes at most 64 bytes per entry (%s)', (_case, expected, count) => {
    const table = new StateTable(expected);
    for (let n = 0; n < count; n++) table.findOrAdd(idDigest(`scope/tool/${n}`));
    const perEntry = table.byteLength / table.size;
    expect(perEntry).toBeLessThanOrEqual(64);
    // Sanity: the table holds at least the 45 bytes of an entry's values.
    expect(perEntry).toBeGreaterThanOrEqual(45);
  });
});

describe('findingFingerprint', () => {
  it('ignores the run timestamps and customer fields, and sees any provider content', () => {
    const base = finding(1);
    const later = {
      ...finding(1, { at: '2027-01-01T00:00:00.000Z' }),
      LastObservedAt: '2027-01-01T00:00:00.000Z',
      FirstObservedAt: '2026-01-01T00:00:00.000Z',
      Workflow: { Status: 'NOTIFIED' as const },
      Note: { Text: 'x', UpdatedBy: 'me', UpdatedAt: '2027-01-01T00:00:00.000Z' },
    };
    expect(findingFingerprint(later)).toBe(findingFingerprint(base));
    expect(findingFingerprint({ ...base, Title: 'other' })).not.toBe(findingFingerprint(base));
    expect(findingFingerprint({ ...base, RecordState: 'ARCHIVED' })).not.toBe(findingFingerprint(base));
    expect(findingFingerprint({ ...base, Resources: [{ Type: 'Other', Id: 'r1', Region: 'x' }] })).not.toBe(
      findingFingerprint(base),
    );
    expect(findingFingerprint(base)).toMatch(/^[0-9a-f]{16}$/);
  });
});
