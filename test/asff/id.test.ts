import { describe, expect, it } from 'vitest';
import { findingId, generatorId, sanitizeIdPart } from '../../src/asff/id.js';

describe('findingId', () => {
  it('is deterministic', () => {
    expect(findingId('scope', 'trivy', ['a', 1, null])).toBe(findingId('scope', 'trivy', ['a', 1, null]));
  });

  it('has the documented shape and stays within 512 characters', () => {
    const id = findingId('my repo@main', 'sarif', ['x']);
    expect(id).toMatch(/^my-repo@main\/sarif\/[A-Za-z0-9_-]{32}$/);
    expect(findingId('s'.repeat(2000), 'sarif', ['x']).length).toBeLessThanOrEqual(512);
  });

  it.each([
    [['a,b'], ['a', 'b']],
    [
      ['ab', 'c'],
      ['a', 'bc'],
    ],
    [[1], ['1']],
    [[null], [undefined]],
    [[''], []],
    [
      ['CVE-1', 'pkg-a', '1.0'],
      ['CVE-1', 'pkg-b', '1.0'],
    ],
  ])('separates %j from %j', (left, right) => {
    expect(findingId('s', 'a', left)).not.toBe(findingId('s', 'a', right));
  });

  it('separates scopes that sanitise to the same text', () => {
    expect(findingId('a b', 'x', ['1'])).not.toBe(findingId('a/b', 'x', ['1']));
  });

  it('never collides over 100,000 distinct identity tuples', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 100_000; i++)
      ids.add(findingId('s', 'trivy', [`CVE-2026-${i % 1000}`, `pkg-${Math.floor(i / 1000)}`]));
    expect(ids.size).toBe(100_000);
  });
});

describe('generatorId and sanitizeIdPart', () => {
  it('prefixes the adapter and bounds the length', () => {
    expect(generatorId('csv', 'Plugin 123')).toBe('csv/Plugin 123');
    expect(generatorId('csv', '  ')).toBe('csv/unknown-rule');
    expect(generatorId('csv', 'r'.repeat(600))).toHaveLength(512);
  });

  it('replaces unsafe characters', () => {
    expect(sanitizeIdPart('github.com/org/repo main')).toBe('github.com-org-repo-main');
    expect(sanitizeIdPart('///')).toBe('default');
  });
});
