/**
 * `asff-stream/testing`: the conformance suite the built-in adapters pass, for your own adapter.
 *
 * @example
 * ```ts
 * // test/my-adapter.test.ts (vitest)
 * import { testAdapter } from 'asff-stream/testing';
 * import myAdapter from '../src/my-adapter.js';
 * testAdapter(myAdapter, { fixtures: 'fixtures/my-format', invalid: 'fixtures/my-format', secrets: ['hunter2'] });
 * ```
 *
 * @packageDocumentation
 */
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../adapter.js';
import { type ConformanceOptions, conformanceCases, matchWritableFile } from './conformance.js';

export type { ConformanceCase, ConformanceConversion, ConformanceOptions } from './conformance.js';
export {
  CONFORMANCE_CONTEXT,
  ConformanceError,
  conformanceCases,
  EXPECTED_SUFFIX,
  REORDERED_INFIX,
} from './conformance.js';

/**
 * Registers the conformance suite for `adapter` with vitest: one `describe` block named after the adapter, one test
 * per check. Expected `.asff.ndjson` files are compared with `toMatchFileSnapshot`, so `vitest -u` writes them
 * (review the diff). With another runner, register {@link conformanceCases} yourself.
 */
export function testAdapter(adapter: Adapter, options: ConformanceOptions): void {
  const cases = conformanceCases(adapter, {
    matchExpected: (actual, expectedPath) =>
      matchWritableFile(expectedPath, () => expect(actual).toMatchFileSnapshot(expectedPath)),
    ...options,
  });
  describe(`${adapter.name} adapter conformance`, () => {
    for (const check of cases) it(check.name, check.run, 60_000);
  });
}
