import { readFile } from 'node:fs/promises';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { expect } from 'vitest';
import type { Adapter } from '../../src/adapter.js';
import { describeViolations, validateAsff } from '../../src/asff/validate.js';
import { type ConversionStats, type ConvertOptions, convert, type InputSource } from '../../src/pipeline.js';

/** The fixed context every expected-output fixture is generated with. */
export const FIXTURE_CONTEXT = {
  accountId: '123456789012',
  region: 'us-east-1',
  scope: 'fixture',
  now: () => new Date('2026-01-01T00:00:00.000Z'),
} as const satisfies Partial<ConvertOptions>;

interface AsffMatchers<R = unknown> {
  /** Passes when `validateAsff` finds no violation. */
  toBeValidAsff(): R;
}

declare module 'vitest' {
  interface Assertion<T> extends AsffMatchers<T> {}
  interface AsymmetricMatchersContaining extends AsffMatchers {}
}

expect.extend({
  toBeValidAsff(received: unknown) {
    const violations = validateAsff(received);
    return {
      pass: violations.length === 0,
      message: () =>
        violations.length === 0
          ? 'expected the finding NOT to be valid ASFF'
          : `expected valid ASFF, got: ${describeViolations(violations)}`,
    };
  },
});

/** Converts an input with the fixed test context and collects everything. */
export async function convertAll(
  input: InputSource,
  options: Partial<ConvertOptions> = {},
): Promise<{
  findings: AwsSecurityFinding[];
  stats: ConversionStats;
  issues: { code: string; message: string }[];
}> {
  const issues: { code: string; message: string }[] = [];
  const run = convert(input, {
    ...FIXTURE_CONTEXT,
    ...options,
    onIssue: (issue) => {
      issues.push({ code: issue.code, message: issue.message });
      options.onIssue?.(issue);
    },
  });
  const findings: AwsSecurityFinding[] = [];
  for await (const finding of run) findings.push(finding);
  return { findings, stats: run.stats, issues };
}

/** Converts a fixture file with the fixed test context and returns NDJSON text, one finding per line. */
export async function fixtureNdjson(path: string, options: Partial<ConvertOptions> = {}): Promise<string> {
  const { findings } = await convertAll(path, options);
  return findings.map((f) => `${JSON.stringify(f)}\n`).join('');
}

/** Feeds a file to an adapter-level parse in chunks of `size` bytes (tests chunk-boundary handling). */
export async function* chunked(path: string, size: number | (() => number)): AsyncGenerator<Uint8Array> {
  const bytes = await readFile(path);
  let offset = 0;
  while (offset < bytes.length) {
    const n = typeof size === 'number' ? size : Math.max(1, size());
    yield bytes.subarray(offset, offset + n);
    offset += n;
  }
}

/** Asserts every finding is valid ASFF, naming the first broken one. */
export function expectAllValid(findings: readonly AwsSecurityFinding[]): void {
  for (const finding of findings) expect(finding).toBeValidAsff();
}

export type { Adapter };
