import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConverterError } from '../../src/errors.js';
import { corpusFiles, HAS_CORPUS } from '../helpers/corpus.js';
import { chunk, plain, referenceEvents, type Selector, splitSync } from './helpers.js';

const FILES = [...corpusFiles('sarif'), ...corpusFiles('trivy')];
/** Descends two levels (runs[i], Results[i]) and captures everything below, like the adapters do. */
const twoLevels: Selector = (path) => (path.length < 2 ? 'descend' : 'value');

function withoutBom(bytes: Buffer): Buffer {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

describe.skipIf(!HAS_CORPUS)('streamJson over the real SARIF and Trivy corpus', () => {
  it.each(FILES.map((file) => [basename(file), file]))(
    '%s: same values as JSON.parse, or the same rejection',
    (_name, file) => {
      const bytes = withoutBom(readFileSync(file));
      const text = bytes.toString('utf8');
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      for (const sizes of [[65536], [1, 7, 13, 64, 509]]) {
        const { events, failure } = splitSync(chunk(bytes, sizes), twoLevels);
        if (valid) {
          expect(failure).toBeUndefined();
          expect(plain(events)).toEqual(referenceEvents(text, twoLevels));
        } else {
          expect(isConverterError(failure)).toBe(true);
          expect(['E_PARSE', 'E_TRUNCATED', 'E_FORMAT']).toContain((failure as { code: string }).code);
        }
      }
    },
  );
});
