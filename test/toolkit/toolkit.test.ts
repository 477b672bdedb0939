import { describe, expect, it } from 'vitest';
import { isConverterError } from '../../src/errors.js';
import { jsonRecords, lines } from '../../src/toolkit/index.js';
import { chunksOf, collect } from '../helpers/chunks.js';

const encoder = new TextEncoder();

async function failure(iterable: AsyncIterable<unknown>): Promise<unknown> {
  try {
    await collect(iterable);
  } catch (error) {
    return error;
  }
  throw new Error('expected the input to be refused');
}

const REPORT = JSON.stringify(
  {
    ArtifactName: 'shop:1.0',
    Results: [
      { Target: 'debian', Vulnerabilities: [{ id: 'CVE-1' }, { id: 'CVE-2', title: 'ünïcode ✓' }] },
      { Class: 'lang-pkgs', Vulnerabilities: [{ id: 'CVE-3' }] },
      { Target: 'app.jar', Vulnerabilities: null },
    ],
  },
  null,
  2,
);

describe('jsonRecords', () => {
  it.each([1, 3, 64, 100_000])(
    'yields the records with their context, in chunks of %i bytes',
    async (size) => {
      const records = await collect(
        jsonRecords(chunksOf(REPORT, size), {
          records: ['Results', '*', 'Vulnerabilities', '*'],
          context: { artifact: ['ArtifactName'], target: ['Results', '*', 'Target'] },
        }),
      );
      expect(records.map((r) => [r.value, r.path, r.context])).toEqual([
        [{ id: 'CVE-1' }, ['Results', 0, 'Vulnerabilities', 0], { artifact: 'shop:1.0', target: 'debian' }],
        [
          { id: 'CVE-2', title: 'ünïcode ✓' },
          ['Results', 0, 'Vulnerabilities', 1],
          { artifact: 'shop:1.0', target: 'debian' },
        ],
        // The second result has no Target: the first result's is forgotten when that result ends.
        [{ id: 'CVE-3' }, ['Results', 1, 'Vulnerabilities', 0], { artifact: 'shop:1.0' }],
      ]);
      expect(records[0]?.line).toBe(REPORT.split('\n').findIndex((l) => l.includes('"CVE-1"')));
      // Each record's index among the records, as xmlElements and csvRows give theirs (an issue's recordIndex).
      expect(records.map((r) => r.index)).toEqual([0, 1, 2]);
    },
  );

  it('refuses a pattern that is not a path array (a JavaScript adapter would get no record and no error)', async () => {
    const records = 'matches' as unknown as string[];
    await expect(collect(jsonRecords(chunksOf('{"matches": [1]}', 4), { records }))).rejects.toThrow(
      "jsonRecords: records must be a path array, e.g. ['matches', '*']",
    );
    const context = { image: 'source' as unknown as string[] };
    await expect(
      collect(jsonRecords(chunksOf('{"matches": [1]}', 4), { records: ['matches', '*'], context })),
    ).rejects.toThrow('jsonRecords: image must be a path array');
    // The root as the one record is a pattern too.
    expect(await collect(jsonRecords(chunksOf('{"a": 1}', 4), { records: [] }))).toHaveLength(1);
  });

  it('refuses broken JSON with its line', async () => {
    const error = await failure(jsonRecords(chunksOf('{"a": [1, 2,, 3]}', 4), { records: ['a', '*'] }));
    expect(isConverterError(error) && error.code).toBe('E_PARSE');
    expect(isConverterError(error) && error.line).toBe(1);
  });

  it('refuses a truncated document and a record over maxValueBytes', async () => {
    const truncated = await failure(
      jsonRecords(chunksOf('{"a": [{"x": 1}, {"x"', 5), { records: ['a', '*'] }),
    );
    expect(isConverterError(truncated) && truncated.code).toBe('E_TRUNCATED');
    const big = await failure(
      jsonRecords(chunksOf(`{"a": [{"x": "${'y'.repeat(500)}"}]}`, 64), {
        records: ['a', '*'],
        maxValueBytes: 100,
      }),
    );
    expect(isConverterError(big) && big.code).toBe('E_UNSAFE');
  });

  it('refuses a document without the paths in mustContain (another tool’s JSON), in any chunking', async () => {
    const grype = {
      records: ['matches', '*'],
      mustContain: [['matches'], ['descriptor', 'name']],
      adapter: 'grype',
    };
    for (const size of [1, 7, 4096]) {
      const error = await failure(jsonRecords(chunksOf(REPORT, size), grype));
      expect(isConverterError(error) && error.code).toBe('E_FORMAT');
      expect(isConverterError(error) && error.adapter).toBe('grype');
      expect(String(error)).toContain('this JSON has no "matches", no "descriptor.name"');
      // A document with them and no record is an empty scan, not an error.
      const empty = '{"matches": [], "descriptor": {"name": "grype", "version": "0.80"}}';
      expect(await collect(jsonRecords(chunksOf(empty, size), grype))).toEqual([]);
      const one = '{"descriptor": {"name": "grype"}, "matches": [{"id": "CVE-1"}]}';
      expect((await collect(jsonRecords(chunksOf(one, size), grype))).map((r) => r.value)).toEqual([
        { id: 'CVE-1' },
      ]);
    }
    const halfway = await failure(
      jsonRecords(chunksOf('{"matches": [1]}', 3), {
        records: ['matches', '*'],
        mustContain: [['descriptor']],
      }),
    );
    expect(String(halfway)).toContain('this JSON has no "descriptor"');
  });
});

describe('lines', () => {
  const TEXT = 'first\r\nsecond ✓ ünï\n\nfourth\r\nlast without ending';

  it.each([1, 2, 5, 1000])('splits LF and CRLF lines the same in chunks of %i bytes', async (size) => {
    const result = await collect(lines(chunksOf(TEXT, size)));
    expect(result).toEqual(TEXT.split(/\r?\n/).map((text, i) => ({ text, line: i + 1 })));
  });

  it('gives no extra empty line after a final line ending', async () => {
    expect(await collect(lines(chunksOf('a\nb\n', 1)))).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 2 },
    ]);
  });

  it('refuses a line longer than maxLineBytes, naming it, before reading it all', async () => {
    const error = await failure(lines(chunksOf(`ok\n${'x'.repeat(5000)}\n`, 100), { maxLineBytes: 1000 }));
    expect(isConverterError(error) && [error.code, error.line]).toEqual(['E_UNSAFE', 2]);
  });

  it('does not keep views of chunks the caller reuses', async () => {
    const buffer = new Uint8Array(8);
    async function* reused(): AsyncGenerator<Uint8Array> {
      for (const piece of ['ab', 'cd\nef', 'gh\n']) {
        buffer.fill(0);
        const bytes = encoder.encode(piece);
        buffer.set(bytes);
        yield buffer.subarray(0, bytes.length);
      }
    }
    expect((await collect(lines(reused()))).map((l) => l.text)).toEqual(['abcd', 'efgh']);
  });
});
