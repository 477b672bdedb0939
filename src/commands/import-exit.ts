import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import { isConverterError } from '../errors.js';
import type { ImportReport } from '../sink/report.js';

/**
 * The exit code of an import run, from its report and/or the error it ended with (design.md exit codes):
 * 130 aborted, 4 AWS access or configuration (`E_AWS_ACCESS`), 2 bad input or usage (any other
 * `ConverterError`), 70 a bug (any other error), 3 some findings not imported, 0 all imported.
 * The most specific cause wins: an abort over an error over failed findings.
 * Pass `report` alone for a run that resolved; for one that threw, pass the report from `importReportOf`
 * (or `undefined`) and the error.
 */
export function importExitCode(report: ImportReport | undefined, error?: unknown): ExitCode {
  if (report?.aborted === true) return EXIT.INTERRUPTED;
  if (error !== undefined && error !== null) {
    if (!isConverterError(error)) return EXIT.INTERNAL;
    switch (error.code) {
      case 'E_ABORTED':
        return EXIT.INTERRUPTED;
      case 'E_AWS_ACCESS':
        return EXIT.AWS;
      default:
        return EXIT.INPUT;
    }
  }
  if (report === undefined) return EXIT.INTERNAL;
  return report.failed > 0 ? EXIT.PARTIAL : EXIT.OK;
}
