import { describe, expect, it } from 'vitest';
import { assertBalanced, type ImportReport, ReportTally } from '../../src/sink/report.js';

function report(overrides: Partial<ImportReport>): ImportReport {
  const tally = new ReportTally(() => 0, false, undefined);
  return { ...tally.snapshot(), ...overrides };
}

describe('ReportTally', () => {
  it('derives failed, pending and findingsPerSecond from its counters', () => {
    let now = 1_000;
    const tally = new ReportTally(() => now, false, '/tmp/dl.ndjson');
    tally.received = 10;
    tally.imported = 5;
    tally.unchanged = 1;
    tally.skipped = 1;
    tally.fail('InvalidInput', 'dead-lettered');
    tally.fail('AccessDeniedException', 'unsent');
    tally.issue('duplicate-id');
    tally.unknown = 1;
    tally.outages = 1;
    tally.outageMs = 1_234.4;
    now = 3_000;
    expect(tally.snapshot()).toEqual({
      received: 10,
      imported: 5,
      unchanged: 1,
      failed: 2,
      skipped: 1,
      unknown: 1,
      pending: 0,
      retries: 0,
      throttled: 0,
      requests: 0,
      deadLettered: 1,
      unsent: 1,
      outages: 1,
      outageMs: 1_234,
      elapsedMs: 2_000,
      findingsPerSecond: 2.5,
      failures: { InvalidInput: 1, AccessDeniedException: 1 },
      issues: { 'duplicate-id': 1 },
      aborted: false,
      dryRun: false,
      deadLetterPath: '/tmp/dl.ndjson',
    });
  });

  it('gives snapshots that later counting does not change', () => {
    const tally = new ReportTally(() => 0, false, undefined);
    tally.fail('X', 'dead-lettered');
    const first = tally.snapshot();
    tally.fail('X', 'dead-lettered');
    expect(first.failures).toEqual({ X: 1 });
  });
});

describe('assertBalanced', () => {
  it('accepts a report where every finding is accounted for', () => {
    expect(() =>
      assertBalanced(
        report({
          received: 6,
          imported: 3,
          unchanged: 1,
          failed: 1,
          deadLettered: 1,
          skipped: 1,
          failures: { X: 1 },
        }),
      ),
    ).not.toThrow();
  });

  it.each<[string, Partial<ImportReport>, RegExp]>([
    [
      'a finding lost',
      { received: 5, imported: 3, skipped: 1 },
      /received 5 ≠ imported 3 \+ unchanged 0 \+ failed 0 \+ skipped 1/,
    ],
    [
      'an unchanged finding lost',
      { received: 5, imported: 3, unchanged: 1 },
      /received 5 ≠ imported 3 \+ unchanged 1 \+ failed 0 \+ skipped 0/,
    ],
    [
      'failed not split',
      { received: 1, failed: 1, failures: { X: 1 } },
      /failed 1 ≠ deadLettered 0 \+ unsent 0/,
    ],
    [
      'failures miscounted',
      { received: 1, failed: 1, unsent: 1, failures: {} },
      /failures add up to 0, not 1/,
    ],
  ])('throws when %s', (_, overrides, message) => {
    expect(() => assertBalanced(report(overrides))).toThrow(message);
  });
});
