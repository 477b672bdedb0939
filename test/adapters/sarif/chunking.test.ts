import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConverterError } from '../../../src/errors.js';
import { type ChunkSizes, chunksOf, randomSizes } from '../../helpers/chunks.js';
import { corpusFile, HAS_CORPUS } from '../../helpers/corpus.js';
import { encode, parseWith } from './helpers.js';

async function outcome(bytes: Uint8Array, sizes?: ChunkSizes) {
  const { findings, issues, error, tempFilesLeft } = await parseWith(chunksOf(bytes, sizes));
  const failure = error as ConverterError | undefined;
  return {
    findings,
    issues,
    tempFilesLeft,
    error: failure && {
      code: failure.code,
      message: failure.message,
      byte: failure.byte,
      line: failure.line,
    },
  };
}

const fixtures = readdirSync('fixtures/sarif')
  .filter((name) => !name.endsWith('.ndjson'))
  .sort();

describe('the same input in any chunking gives identical findings, issues and errors', () => {
  // 1, 7 and 4096-byte chunks of every fixture: the conformance suite in fixtures.test.ts. Here: sizes that vary.
  it.each(fixtures)('%s: one chunk = random chunks, and no temp file left', async (name) => {
    const bytes = readFileSync(`fixtures/sarif/${name}`);
    const whole = await outcome(bytes);
    expect(await outcome(bytes, randomSizes(name.length, 97))).toEqual(whole);
    expect(whole.tempFilesLeft).toEqual([]);
  });

  it('multi-byte UTF-8 split across chunks', async () => {
    const log = {
      version: '2.1.0',
      runs: [
        {
          results: [
            {
              ruleId: 'règle/é',
              message: { text: 'Überprüfung fehlgeschlagen: 漢字 😀 — “quotes”' },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: 'src/ñandú/数据.py' },
                    region: { startLine: 2 },
                  },
                },
              ],
            },
          ],
          tool: {
            driver: {
              name: 'Outil✓',
              rules: [{ id: 'règle', shortDescription: { text: 'Règle à accents 🚀' } }],
            },
          },
        },
      ],
    };
    const bytes = encode(log);
    const whole = await outcome(bytes);
    expect(whole.findings[0]).toMatchObject({
      title: 'Règle à accents 🚀 at src/ñandú/数据.py:2',
      description: 'Überprüfung fehlgeschlagen: 漢字 😀 — “quotes”',
      ruleId: 'Outil✓/règle/é',
      resources: [{ Id: 'src/ñandú/数据.py' }],
    });
    for (const sizes of [[1], [2], [3], [5, 1, 2], randomSizes(7, 13)])
      expect(await outcome(bytes, sizes)).toEqual(whole);
  });
});

describe.skipIf(!HAS_CORPUS)('corpus files in random chunks', () => {
  it.each([
    ['vulnerable-express__codeql.sarif', 11],
    ['aws-fluxcd-terragrunt-stacks__semgrep-results.sarif', 23],
    ['defectdojo__issue_10191.json', 5],
    ['trivy-sarif-demo__results.sarif', 3],
  ])('%s', async (name, seed) => {
    const bytes = readFileSync(corpusFile('sarif', name));
    const whole = await outcome(bytes);
    expect(await outcome(bytes, randomSizes(seed, 4096))).toEqual(whole);
    expect(await outcome(bytes, randomSizes(seed + 1, 17))).toEqual(whole);
  });
});
