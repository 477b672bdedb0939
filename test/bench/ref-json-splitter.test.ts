import { describe, expect, it } from 'vitest';
import { generateBuffer } from '../../bench/generate.mjs';
import { splitJsonArrays } from '../../bench/lib/ref-json-splitter.mjs';
import { chunksOf } from '../helpers/chunks.js';

async function collect(buffer: Buffer, size: number, path: string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const element of splitJsonArrays(chunksOf(buffer, size), path)) out.push(element);
  return out;
}

// The reference numbers in bench/RESULTS.md are only meaningful if the reference splitter is right.
describe('bench reference JSON splitter', () => {
  it('cuts exactly the elements JSON.parse sees, at every small chunk size, including split escapes and UTF-8', async () => {
    const doc = Buffer.from(
      '{"a":{"runs":[{"results":[0]}]},"runs":[{"x":"]}\\"\\\\","results":[1, "s,\\"]", true ,{"k":[1,{"y":"}"}]}, null ,[3], "é😀\\u00e9"]},{"results":[]},{"results":[ 42 ]}],"tail":"runs"}',
    );
    const expected = [1, 's,"]', true, { k: [1, { y: '}' }] }, null, [3], 'é😀é', 42];
    for (let size = 1; size <= 16; size++)
      expect(await collect(doc, size, ['runs', '*', 'results'])).toEqual(expected);
    expect(await collect(doc, doc.length, ['runs', '*', 'results'])).toEqual(expected);
  });

  it.each([
    ['sarif', 'codeql', ['runs', '*', 'results']],
    ['sarif', 'semgrep', ['runs', '*', 'results']],
    ['trivy', undefined, ['Results', '*', 'Vulnerabilities']],
  ])('agrees with JSON.parse on generated %s %s input at odd chunk sizes', async (format, variant, path) => {
    // The heavy text mix: multi-byte characters in nearly every record, split by the odd chunk sizes.
    const { buffer } = generateBuffer(format, {
      sizeBytes: 150_000,
      seed: 9,
      variant,
      text: 'multibyte-heavy',
    });
    const whole = JSON.parse(buffer.toString('utf8'));
    const expected =
      format === 'sarif'
        ? whole.runs.flatMap((r: { results: unknown[] }) => r.results)
        : whole.Results.flatMap((r: { Vulnerabilities: unknown[] }) => r.Vulnerabilities);
    for (const size of [1, 7, 4093, 65_536]) expect(await collect(buffer, size, path)).toEqual(expected);
  });
});
