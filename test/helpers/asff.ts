import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { expect } from 'vitest';
import type { Adapter } from '../../src/adapter.js';
import { describeViolations, validateAsff } from '../../src/asff/validate.js';
import type { ErrorCode } from '../../src/errors.js';
import { type ConversionStats, type ConvertOptions, convert, type InputSource } from '../../src/pipeline.js';
import { CONFORMANCE_CONTEXT, type ConformanceConversion } from '../../src/testing/conformance.js';

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

/** Converts an input with the fixed context of expected outputs (`CONFORMANCE_CONTEXT`) and collects everything. */
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
    ...CONFORMANCE_CONTEXT,
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

/** The adapter `convert` picks for a file without `format` (it converts up to the first finding only). */
export async function detectedFormat(
  path: string,
  options: Partial<ConvertOptions> = {},
): Promise<string | undefined> {
  const run = convert(path, { ...CONFORMANCE_CONTEXT, ...options });
  for await (const _finding of run) break;
  return run.stats.adapter;
}

/** How an input must be refused: the error code, the findings converted before the error, words of its message. */
export type Refusal = readonly [code: ErrorCode, before: number, words: string];

/** Asserts a conversion (as the conformance suite's `inspect` gets it) ended as `refusal` says. */
export function expectRefused(conversion: ConformanceConversion, [code, before, words]: Refusal): void {
  expect(conversion.error?.code).toBe(code);
  expect(conversion.error?.message).toContain(words);
  expect(conversion.findings).toHaveLength(before);
  expect(conversion.stats.complete).toBe(false);
}

/** Asserts every finding is valid ASFF, naming the first broken one. */
export function expectAllValid(findings: readonly AwsSecurityFinding[]): void {
  for (const finding of findings) expect(finding).toBeValidAsff();
}

export type { Adapter };
