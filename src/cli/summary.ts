import { writeFileSync } from 'node:fs';
import type { SeverityLabel } from '../adapter.js';
import { ConverterError } from '../errors.js';
import type { ConversionStats } from '../pipeline.js';
import { SEVERITY_LABELS } from '../severity.js';
import { diagnostic } from './output.js';

/** The JSON summary `convert --summary FILE` writes. */
export interface ConvertSummary {
  adapter: string | undefined;
  scope: string | undefined;
  complete: boolean;
  received: number;
  emitted: number;
  failed: number;
  skipped: number;
  issues: Record<string, number>;
  bySeverity: Record<SeverityLabel, number>;
}

/** Builds the summary object from conversion stats. */
export function summaryOf(stats: ConversionStats): ConvertSummary {
  return {
    adapter: stats.adapter,
    scope: stats.scope,
    complete: stats.complete,
    received: stats.received,
    emitted: stats.emitted,
    failed: stats.failed,
    skipped: stats.skipped,
    issues: stats.issues,
    bySeverity: stats.bySeverity,
  };
}

/** Writes the summary JSON to a file; a file that cannot be written is `E_IO` naming it, not an internal error. */
export function writeSummary(path: string, summary: unknown): void {
  try {
    writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConverterError('E_IO', `cannot write the summary to ${path} (${reason})`, { cause: error });
  }
}

/** `CRITICAL 1, HIGH 3, LOW 2`: the non-zero counts, highest severity first. */
export function formatBySeverity(bySeverity: Readonly<Record<SeverityLabel, number>>): string {
  return [...SEVERITY_LABELS]
    .reverse()
    .filter((label) => bySeverity[label] > 0)
    .map((label) => `${label} ${bySeverity[label]}`)
    .join(', ');
}

/** One human line: `sarif: 12 findings (CRITICAL 1, HIGH 3, …), 2 skipped, 0 failed, scope "repo"`. */
export function summaryLine(stats: ConversionStats, verb = 'converted'): string {
  const bySeverity = formatBySeverity(stats.bySeverity);
  const parts = [
    `${stats.adapter ?? 'input'}: ${verb} ${stats.emitted} finding${stats.emitted === 1 ? '' : 's'}${bySeverity ? ` (${bySeverity})` : ''}`,
    `${stats.skipped} skipped`,
    `${stats.failed} failed`,
  ];
  if (stats.scope !== undefined) parts.push(`scope "${stats.scope}"`);
  if (!stats.complete) parts.push('INPUT INCOMPLETE');
  return parts.join(', ');
}

/** Tracks the first message of each issue code, to print one warning line per code at the end. */
export class IssueLog {
  private readonly first = new Map<string, string>();

  record(code: string, message: string, where?: string): void {
    if (!this.first.has(code)) this.first.set(code, where ? `${where}: ${message}` : message);
  }

  /** Prints `warning: <code> ×N (first: …)` for every code seen. */
  print(counts: Readonly<Record<string, number>>): void {
    for (const [code, message] of this.first) {
      const n = counts[code] ?? 1;
      diagnostic(`warning: ${code}${n > 1 ? ` ×${n}` : ''} (${n > 1 ? 'first: ' : ''}${message})`);
    }
  }
}
