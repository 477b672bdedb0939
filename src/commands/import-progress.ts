import type { ImportReport } from '../sink/report.js';

/**
 * The one-line progress the CLI redraws on a TTY, e.g.
 * `read 12,345 · imported 12,000 · failed 3 · retries 40 · throttled 2 · 987 findings/s`.
 */
export function formatImportProgress(report: ImportReport): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const parts = [`read ${n(report.received)}`, `imported ${n(report.imported)}`];
  if (report.failed > 0) parts.push(`failed ${n(report.failed)}`);
  if (report.skipped > 0) parts.push(`skipped ${n(report.skipped)}`);
  if (report.retries > 0) parts.push(`retries ${n(report.retries)}`);
  if (report.throttled > 0) parts.push(`throttled ${n(report.throttled)}`);
  parts.push(`${n(Math.round(report.findingsPerSecond))} findings/s`);
  if (report.dryRun) parts.push('dry run');
  if (report.aborted) parts.push('aborting');
  return parts.join(' · ');
}
