import { isConverterError } from '../errors.js';
import type { ImportReport } from '../sink/report.js';

/** Exit codes of `asff-stream import` (design.md, "Import sink rules"; 130 = 128 + SIGINT). */
export const IMPORT_EXIT_CODES = {
  /** Every finding received was imported (or skipped as a superseded duplicate). */
  ok: 0,
  /** A crash: an error that is not a `ConverterError` (a bug). Node's own code for an uncaught error. */
  crash: 1,
  /** Bad input or usage: unreadable, corrupt or unsafe input, a bad flag, an output file that cannot be written. */
  badInput: 2,
  /** Some findings were not imported: see the dead letter. */
  someFailed: 3,
  /** AWS access or configuration: no credentials, access denied, Security Hub not enabled, endpoint unreachable. */
  awsAccess: 4,
  /** Interrupted (Ctrl-C / SIGTERM). */
  aborted: 130,
} as const;

/** One of {@link IMPORT_EXIT_CODES}. */
export type ImportExitCode = (typeof IMPORT_EXIT_CODES)[keyof typeof IMPORT_EXIT_CODES];

/**
 * The exit code of an import run, from its report and/or the error it ended with. The most specific cause
 * wins: an abort (130) over an access problem (4) over bad input (2) over failed findings (3).
 * Pass `report` alone for a run that resolved, `error` (and the report from `importReportOf`, if any) for
 * one that threw.
 */
export function importExitCode(report: ImportReport | undefined, error?: unknown): ImportExitCode {
  if (report?.aborted === true) return IMPORT_EXIT_CODES.aborted;
  if (error !== undefined && error !== null) {
    if (!isConverterError(error)) return IMPORT_EXIT_CODES.crash;
    switch (error.code) {
      case 'E_ABORTED':
        return IMPORT_EXIT_CODES.aborted;
      case 'E_AWS_ACCESS':
        return IMPORT_EXIT_CODES.awsAccess;
      default:
        return IMPORT_EXIT_CODES.badInput;
    }
  }
  if (report === undefined) return IMPORT_EXIT_CODES.crash;
  return report.failed > 0 ? IMPORT_EXIT_CODES.someFailed : IMPORT_EXIT_CODES.ok;
}
