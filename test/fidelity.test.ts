import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without type declarations
import { lookAlikeKey, measureCorpus, toTsv, totals } from '../scripts/fidelity.mjs';
import { CORPUS_ROOT, CORPUS_SKIP_REASON, HAS_CORPUS } from './helpers/corpus.js';

const EXPECTED = new URL('./fidelity.expected.tsv', import.meta.url);

describe('look-alike key', () => {
  const base = { Title: 'Netstat Portscanner (SSH)', Resources: [{ Type: 'Other', Id: '10.0.0.1' }] };

  it('is equal for findings with the same title and resources, whatever else differs', () => {
    expect(lookAlikeKey({ ...base, Description: 'a' })).toBe(lookAlikeKey({ ...base, Description: 'b' }));
  });

  it('tells findings apart by title, by resource id and by resource type', () => {
    const key = lookAlikeKey(base);
    expect(lookAlikeKey({ ...base, Title: 'Netstat Portscanner (SSH) on 22/tcp' })).not.toBe(key);
    expect(lookAlikeKey({ ...base, Resources: [{ Type: 'Other', Id: '10.0.0.2' }] })).not.toBe(key);
    expect(lookAlikeKey({ ...base, Resources: [{ Type: 'AwsEc2Instance', Id: '10.0.0.1' }] })).not.toBe(key);
  });
});

describe.skipIf(!HAS_CORPUS)('fidelity over the real-file corpus (npm run fidelity)', () => {
  it('has the per-file look-alike counts of test/fidelity.expected.tsv', async () => {
    const rows = await measureCorpus(CORPUS_ROOT);
    expect(toTsv(rows)).toBe(readFileSync(EXPECTED, 'utf8'));
    const { active, lookAlikes } = totals(rows);
    expect(lookAlikes).toBeLessThanOrEqual(active);
  }, 60_000);
});

if (!HAS_CORPUS) console.warn(CORPUS_SKIP_REASON);
