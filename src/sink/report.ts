/**
 * What an import did. Every finding the sink received ends in exactly one of `imported`, `unchanged`,
 * `failed`, `skipped` or `unknown`; while the run is going, the rest are `pending`. The sink checks
 * `received = imported + unchanged + failed + skipped + unknown` at the end and throws if it does not hold (a bug).
 */
export interface ImportReport {
  /** Findings pulled from the input, plus findings rejected before sending through the dead letter's `write`. */
  received: number;
  /** Findings Security Hub accepted (a finding sent again because its Id came twice counts each time). */
  imported: number;
  /**
   * Findings not sent because Security Hub already has them as they are (`--state`: same fingerprint,
   * sent within `--refresh-after`). 0 without a state.
   */
  unchanged: number;
  /** Findings not imported: `deadLettered + unsent`. */
  failed: number;
  /** Findings deliberately not sent: an older copy replaced in its batch by a later finding with the same Id. */
  skipped: number;
  /**
   * Findings whose request was still in flight when an aborted run's grace period ended: Security Hub may
   * or may not have stored them. They are in the dead letter (code `aborted`, "may have been imported"),
   * but are neither `imported` nor `failed`; importing them again is harmless (Ids are stable).
   */
  unknown: number;
  /** Findings still on their way (0 in the final report). */
  pending: number;
  /** Findings put back for another attempt (a finding retried three times counts three). */
  retries: number;
  /** Requests answered with throttling (429); these are retried and never count as failures. */
  throttled: number;
  /** BatchImportFindings requests sent, every attempt included. */
  requests: number;
  /** Failed findings written to the dead letter (permanent errors, exhausted retries, rejections, abort). */
  deadLettered: number;
  /**
   * Failed findings that were received but never sent because the run stopped on an access or
   * configuration error. They are not in the dead letter: nothing is wrong with them; run again once fixed.
   */
  unsent: number;
  /** Times the circuit opened: Security Hub stopped answering (connection failures or 5xx in a row). */
  outages: number;
  /** Milliseconds the circuit was open (no new input read, only probes sent). */
  outageMs: number;
  /** Milliseconds from the start of the run. */
  elapsedMs: number;
  /** `imported` per second of `elapsedMs`. */
  findingsPerSecond: number;
  /** Failed findings by error code (dead-letter codes, plus the access error's code for unsent ones). */
  failures: Record<string, number>;
  /** Issues by code, e.g. `duplicate-id`. */
  issues: Record<string, number>;
  /** True when the run was stopped by its abort signal. */
  aborted: boolean;
  /** True for a dry run: nothing was sent; `imported` counts what would have been sent. */
  dryRun: boolean;
  /** The dead-letter file, when one was written to. */
  deadLetterPath?: string;
}

/** Mutable counters behind the report; `snapshot()` gives a copy. */
export class ReportTally {
  received = 0;
  imported = 0;
  unchanged = 0;
  skipped = 0;
  retries = 0;
  throttled = 0;
  requests = 0;
  deadLettered = 0;
  unsent = 0;
  unknown = 0;
  outages = 0;
  outageMs = 0;
  aborted = false;
  readonly failures: Record<string, number> = {};
  readonly issues: Record<string, number> = {};
  readonly dryRun: boolean;
  readonly deadLetterPath: string | undefined;
  private readonly now: () => number;
  private readonly startedAt: number;

  constructor(now: () => number, dryRun: boolean, deadLetterPath: string | undefined) {
    this.now = now;
    this.dryRun = dryRun;
    this.deadLetterPath = deadLetterPath;
    this.startedAt = now();
  }

  get failed(): number {
    return this.deadLettered + this.unsent;
  }

  /** Findings received and not settled yet (in flight, waiting, in the batch being filled). */
  get pending(): number {
    return this.received - this.imported - this.unchanged - this.failed - this.skipped - this.unknown;
  }

  /** Counts a failed finding under `code`. */
  fail(code: string, kind: 'dead-lettered' | 'unsent'): void {
    if (kind === 'dead-lettered') this.deadLettered += 1;
    else this.unsent += 1;
    this.failures[code] = (this.failures[code] ?? 0) + 1;
  }

  /** Counts an issue under `code`. */
  issue(code: string): void {
    this.issues[code] = (this.issues[code] ?? 0) + 1;
  }

  /** A copy of the counters as they are now. */
  snapshot(): ImportReport {
    const elapsedMs = Math.max(0, this.now() - this.startedAt);
    const failed = this.failed;
    return {
      received: this.received,
      imported: this.imported,
      unchanged: this.unchanged,
      failed,
      skipped: this.skipped,
      unknown: this.unknown,
      pending: this.pending,
      retries: this.retries,
      throttled: this.throttled,
      requests: this.requests,
      deadLettered: this.deadLettered,
      unsent: this.unsent,
      outages: this.outages,
      outageMs: Math.round(this.outageMs),
      elapsedMs,
      findingsPerSecond: elapsedMs > 0 ? Math.round((this.imported * 100_000) / elapsedMs) / 100 : 0,
      failures: { ...this.failures },
      issues: { ...this.issues },
      aborted: this.aborted,
      dryRun: this.dryRun,
      ...(this.deadLetterPath !== undefined ? { deadLetterPath: this.deadLetterPath } : {}),
    };
  }
}

/**
 * Throws when a final report does not account for every finding. A failure here is a bug in the sink,
 * never a property of the input, so it is a plain `Error`.
 */
export function assertBalanced(report: ImportReport): void {
  const accounted = report.imported + report.unchanged + report.failed + report.skipped + report.unknown;
  const failuresTotal = Object.values(report.failures).reduce((sum, n) => sum + n, 0);
  const problems: string[] = [];
  if (report.received !== accounted)
    problems.push(
      `received ${report.received} ≠ imported ${report.imported} + unchanged ${report.unchanged} + failed ${report.failed} + skipped ${report.skipped} + unknown ${report.unknown}`,
    );
  if (report.failed !== report.deadLettered + report.unsent)
    problems.push(`failed ${report.failed} ≠ deadLettered ${report.deadLettered} + unsent ${report.unsent}`);
  if (failuresTotal !== report.failed)
    problems.push(`failures add up to ${failuresTotal}, not ${report.failed}`);
  if (problems.length > 0) throw new Error(`import report does not balance: ${problems.join('; ')}`);
}
