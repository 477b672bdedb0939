import { describe, expect, it } from 'vitest';
import { type ImportCommandReport, importSummaryLine } from '../../src/commands/import.js';

function report(extra: Partial<ImportCommandReport>): ImportCommandReport {
  return {
    received: 0,
    imported: 0,
    unchanged: 0,
    failed: 0,
    skipped: 0,
    unknown: 0,
    pending: 0,
    retries: 0,
    throttled: 0,
    requests: 0,
    deadLettered: 0,
    unsent: 0,
    outages: 0,
    outageMs: 1200,
    elapsedMs: 1500,
    findingsPerSecond: 0,
    failures: {},
    issues: {},
    aborted: false,
    dryRun: false,
    deadLetterPath: 'dl.ndjson',
    archived: 0,
    ...extra,
  } as ImportCommandReport;
}

describe('importSummaryLine: where the failed findings are', () => {
  it('dead-lettered findings point to the dead letter', () => {
    expect(
      importSummaryLine(
        report({ received: 3, imported: 1, failed: 2, deadLettered: 2, failures: { InvalidInput: 2 } }),
      ),
    ).toMatch(/^imported 1 of 3 \(2 failed \(InvalidInput 2\) → dl\.ndjson\)/);
  });

  it('findings an access or configuration error left unsent are "not sent", not sent to the dead letter', () => {
    // Before: "1 failed (product-arn-mismatch 1) → dl.ndjson", with nothing in that file.
    const line = importSummaryLine(
      report({ received: 1, failed: 1, unsent: 1, failures: { 'product-arn-mismatch': 1 } }),
    );
    expect(line).toMatch(/^imported 0 of 1 \(1 failed \(product-arn-mismatch 1\), not sent\)/);
    expect(line).not.toContain('dl.ndjson');
  });

  it('both: how many of each', () => {
    expect(
      importSummaryLine(
        report({
          received: 9,
          imported: 4,
          failed: 5,
          deadLettered: 2,
          unsent: 3,
          failures: { InvalidInput: 2, AccessDeniedException: 3 },
        }),
      ),
    ).toMatch(/\(5 failed \(InvalidInput 2, AccessDeniedException 3\): 2 → dl\.ndjson, 3 not sent\)/);
  });
});
