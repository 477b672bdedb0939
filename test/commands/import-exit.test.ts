import { describe, expect, it } from 'vitest';
import { importExitCode } from '../../src/commands/import-exit.js';
import { formatImportProgress } from '../../src/commands/import-progress.js';
import { ConverterError } from '../../src/errors.js';
import { type ImportReport, ReportTally } from '../../src/sink/report.js';

function report(overrides: Partial<ImportReport> = {}): ImportReport {
  return { ...new ReportTally(() => 0, false, undefined).snapshot(), ...overrides };
}

describe('importExitCode', () => {
  it.each<[string, ImportReport | undefined, unknown, number]>([
    ['all imported', report({ received: 5, imported: 5 }), undefined, 0],
    ['nothing to import', report(), undefined, 0],
    ['duplicates skipped only', report({ received: 2, imported: 1, skipped: 1 }), undefined, 0],
    ['some failed', report({ received: 5, imported: 4, failed: 1 }), undefined, 3],
    ['aborted', report({ aborted: true, failed: 2 }), undefined, 130],
    ['aborted wins over an error', report({ aborted: true }), new ConverterError('E_AWS_ACCESS', 'x'), 130],
    ['E_ABORTED', undefined, new ConverterError('E_ABORTED', 'x'), 130],
    ['access denied', report({ failed: 3, unsent: 3 }), new ConverterError('E_AWS_ACCESS', 'x'), 4],
    ['bad input after some imported', report({ imported: 2 }), new ConverterError('E_PARSE', 'x'), 2],
    ['dead letter not writable', undefined, new ConverterError('E_IO', 'x'), 2],
    ['usage', undefined, new ConverterError('E_CONFIG', 'x'), 2],
    ['a bug', report(), new TypeError('x'), 70],
    ['no report and no error', undefined, undefined, 70],
  ])('%s → %i', (_, r, error, code) => {
    expect(importExitCode(r, error)).toBe(code);
  });
});

describe('formatImportProgress', () => {
  it('shows what moved, with thousands separators', () => {
    expect(
      formatImportProgress(
        report({ received: 12_345, imported: 12_000, failed: 3, retries: 40, findingsPerSecond: 987.4 }),
      ),
    ).toBe('read 12,345 · imported 12,000 · failed 3 · retries 40 · 987 findings/s');
  });

  it('marks dry runs and aborts', () => {
    expect(formatImportProgress(report({ dryRun: true, aborted: true }))).toBe(
      'read 0 · imported 0 · 0 findings/s · dry run · aborting',
    );
  });
});
