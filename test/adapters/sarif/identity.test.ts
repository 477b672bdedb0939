import { describe, expect, it } from 'vitest';
import { DuplicateCounter, fingerprintEntries, identityOf } from '../../../adapters/sarif/identity.js';
import { findingId } from '../../../src/asff/id.js';

const primary = { path: 'src/a.js', startLine: 10, startColumn: 4, endLine: 12 };
const base = {
  toolName: 'Tool',
  ruleId: 'r1',
  primary,
  analysisTarget: undefined,
  message: 'eval  used\n',
  hints: [],
};

describe('identityOf', () => {
  it('uses all fingerprints, sorted by key, and no line (mode sarif/fp)', () => {
    const identity = identityOf({ ...base, result: { fingerprints: { 'b/v1': 'B', 'a/v1': 'A' } } });
    expect(identity).toEqual(['sarif/fp', 'Tool', 'r1', 'src/a.js', 'a/v1=A', 'b/v1=B']);
  });

  it('uses GitHub partial fingerprints plus the message, and no line (mode sarif/pfp)', () => {
    const identity = identityOf({
      ...base,
      result: {
        partialFingerprints: { primaryLocationStartColumnFingerprint: '4', primaryLocationLineHash: 'abc:1' },
      },
    });
    expect(identity).toEqual([
      'sarif/pfp',
      'Tool',
      'r1',
      'src/a.js',
      'primaryLocationLineHash=abc:1',
      'primaryLocationStartColumnFingerprint=4',
      'eval used',
    ]);
  });

  it('falls back to location + normalised message, adding other partial fingerprints and hints (mode sarif/loc)', () => {
    const identity = identityOf({
      ...base,
      result: { partialFingerprints: { commitSha: 'c0ffee', email: 'dev@example.com' } },
      hints: ['commit=abc'],
    });
    expect(identity).toEqual([
      'sarif/loc',
      'Tool',
      'r1',
      'src/a.js',
      10,
      4,
      '',
      '',
      'eval used',
      'commitSha=c0ffee',
      'email=dev@example.com',
      'commit=abc',
    ]);
  });

  it('gives distinct Ids to results that differ only in a fingerprint', () => {
    const a = identityOf({ ...base, result: { fingerprints: { 'x/v1': '1' } } });
    const b = identityOf({ ...base, result: { fingerprints: { 'x/v1': '2' } } });
    expect(findingId('scope', 'sarif', a)).not.toBe(findingId('scope', 'sarif', b));
  });

  it('keeps the Id when only the line moves in fingerprint modes, changes it in location mode', () => {
    const moved = { ...primary, startLine: 99 };
    for (const result of [
      { fingerprints: { k: 'v' } },
      { partialFingerprints: { primaryLocationLineHash: 'h:1' } },
    ])
      expect(identityOf({ ...base, result, primary: moved })).toEqual(identityOf({ ...base, result }));
    expect(identityOf({ ...base, result: {}, primary: moved })).not.toEqual(
      identityOf({ ...base, result: {} }),
    );
  });

  it('ignores whitespace-only changes of the message', () => {
    expect(identityOf({ ...base, result: {}, message: 'eval used' })).toEqual(
      identityOf({ ...base, result: {} }),
    );
  });

  it('encodes non-string fingerprint values', () => {
    expect(fingerprintEntries({ n: 3, o: { a: 1 } })).toEqual(['n=3', 'o={"a":1}']);
    expect(fingerprintEntries('nope')).toEqual([]);
  });
});

describe('DuplicateCounter', () => {
  it('counts earlier occurrences of the same identity', () => {
    const counter = new DuplicateCounter();
    expect(counter.seen(['a', 1])).toBe(0);
    expect(counter.seen(['a', 1])).toBe(1);
    expect(counter.seen(['a', '1'])).toBe(0);
    expect(counter.seen(['a', 1])).toBe(2);
    expect(counter.seen(['a', undefined])).toBe(0);
    expect(counter.seen(['a', null])).toBe(0);
    expect(counter.distinct).toBe(4);
  });

  it('stays exact while growing far past its first table', () => {
    const counter = new DuplicateCounter();
    for (let i = 0; i < 20_000; i += 1) expect(counter.seen(['result', i])).toBe(0);
    for (let i = 0; i < 20_000; i += 97) expect(counter.seen(['result', i])).toBe(1);
    expect(counter.distinct).toBe(20_000);
  });
});
