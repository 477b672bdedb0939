import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { IdHashSet } from '../asff/id-hash-set.js';
import { ASFF_FORMAT } from '../asff/read-findings.js';
import { describeViolations, validateAsff } from '../asff/validate.js';
import type { ConversionStats } from '../pipeline.js';
import type { BatchImportClient } from './client.js';
import { type DeadLetter, memoryDeadLetter } from './dead-letter.js';
import {
  type FetchCounters,
  type FetchRetryOptions,
  fetchCounters,
  type GetFindingsClient,
  pageFindings,
} from './get-findings.js';
import { ACTIVE_FILTER, inScope, keyOf, type ScopeState, scopeFilters } from './history.js';
import { type ImportOptions, type ImportResult, importFindings } from './import.js';
import type { RequestLimiter } from './limiter.js';
import { type ReportedIds, strictlyAfter } from './preserve-history.js';
import type { ImportReport } from './report.js';

/** Why a run must not archive anything. */
export interface ArchiveBlocker {
  /** Which fact of the run blocks archiving; any one blocker means nothing is archived. */
  code:
    | 'input-error'
    | 'input-incomplete'
    | 'input-unknown'
    | 'conversion-failed'
    | 'records-skipped'
    | 'import-failed'
    | 'aborted'
    | 'mixed-scopes'
    | 'scope-unknown'
    | 'asff-input';
  /** One line for a person: what happened in the run that makes archiving unsafe (e.g. how many failed). */
  message: string;
}

/** What happened in the run before reconciling: the facts {@link archiveBlockers} judges. */
export interface RunOutcome {
  /** The conversion's stats (`ConversionRun.stats`). */
  conversion?: Pick<ConversionStats, 'complete' | 'failed' | 'skipped' | 'issues'> &
    Partial<Pick<ConversionStats, 'adapter'>>;
  /** For input that is not a `ConversionRun`: the caller vouches that it was read completely. */
  inputComplete?: boolean;
  /** The import's report. */
  import?: Pick<ImportReport, 'failed' | 'aborted' | 'failures'>;
  /** The input's own error, when the run ended with one. */
  inputError?: unknown;
  /** True when the run was interrupted. */
  aborted?: boolean;
  /** Findings of the run that belonged to another scope or product than the one reconciled. */
  foreign?: number;
}

/**
 * Skip codes that are deliberate filters, not unreadable input: they do not block archiving. A repeated Id
 * (`repeated-id`, `repeated-id-merged`) was sent with its first copy, so it does not stand for a missing finding.
 */
export const DELIBERATE_SKIP_CODES = [
  'below-min-severity',
  'resolved-skipped',
  'repeated-id',
  'repeated-id-merged',
] as const;

/**
 * Every reason the run must not archive: partial or broken input, records skipped as unreadable, any
 * finding not imported, an abort, findings of other scopes. Empty = archiving is safe, because the run
 * saw the whole input and Security Hub has every finding it reported.
 */
export function archiveBlockers(outcome: RunOutcome): ArchiveBlocker[] {
  const blockers: ArchiveBlocker[] = [];
  const { conversion } = outcome;
  if (outcome.inputError !== undefined)
    blockers.push({ code: 'input-error', message: 'the input ended with an error' });
  if (conversion !== undefined && !conversion.complete && outcome.inputError === undefined)
    blockers.push({ code: 'input-incomplete', message: 'the input was not read to its end' });
  if (conversion === undefined && outcome.inputComplete !== true)
    blockers.push({
      code: 'input-unknown',
      message: 'the input is not a conversion run, and inputComplete was not set',
    });
  if (conversion !== undefined && conversion.failed > 0)
    blockers.push({
      code: 'conversion-failed',
      message: `${conversion.failed} finding(s) could not be converted`,
    });
  if (conversion !== undefined) {
    const deliberate = DELIBERATE_SKIP_CODES.reduce((sum, code) => sum + (conversion.issues[code] ?? 0), 0);
    const unreadable = conversion.skipped - deliberate;
    if (unreadable > 0)
      blockers.push({
        code: 'records-skipped',
        message: `${unreadable} record(s) were skipped as unreadable, so the findings they stand for may still exist`,
      });
  }
  if (outcome.import !== undefined && outcome.import.failed > 0)
    blockers.push({
      code: 'import-failed',
      message: `${outcome.import.failed} finding(s) were not imported`,
    });
  if (outcome.aborted === true || outcome.import?.aborted === true)
    blockers.push({ code: 'aborted', message: 'the run was interrupted' });
  if (conversion?.adapter === ASFF_FORMAT)
    blockers.push({
      code: 'asff-input',
      message:
        "the input is ASFF (e.g. a dead-letter replay), not a scanner's full report, so it cannot tell which findings are gone",
    });
  if ((outcome.foreign ?? 0) > 0)
    blockers.push({
      code: 'mixed-scopes',
      message: `${outcome.foreign} finding(s) belonged to another scope or product than the one reconciled`,
    });
  return blockers;
}

/** Fields Security Hub fills in itself; BatchImportFindings must not (Region) or need not get them back. */
export const SERVER_FIELDS = ['ProcessedAt', 'Region', 'WorkflowState'] as const;
/** Customer-owned fields: ignored by BatchImportFindings on existing findings, never sent (asff-facts §3). */
export const CUSTOMER_FIELDS = ['Workflow', 'Note', 'UserDefinedFields', 'VerificationState'] as const;
/**
 * Top-level copies of FindingProviderFields members: the top-level value may be a customer's
 * BatchUpdateFindings change; the provider's value is in FindingProviderFields, which is sent.
 */
const MIRRORED_FIELDS = ['Severity', 'Types', 'Confidence', 'Criticality', 'RelatedFindings'] as const;
const DEFAULT_PRODUCT_ARN = /:product\/\d{12}\/default$/;

/**
 * A stored finding, ready to be re-imported as ARCHIVED: RecordState ARCHIVED, UpdatedAt `now` (or
 * 1 ms after the stored UpdatedAt if that is later), everything else as stored, minus what the provider
 * does not own: server fields (ProcessedAt, Region, WorkflowState; ProductName/CompanyName of non-default
 * products), the reserved `aws/…` ProductFields, customer fields (Workflow, Note, UserDefinedFields,
 * VerificationState) and top-level copies of FindingProviderFields members.
 */
export function toArchived(stored: AwsSecurityFinding, now: Date): AwsSecurityFinding {
  const copy: Record<string, unknown> = { ...stored };
  for (const field of [...SERVER_FIELDS, ...CUSTOMER_FIELDS]) delete copy[field];
  if (typeof stored.ProductArn !== 'string' || !DEFAULT_PRODUCT_ARN.test(stored.ProductArn)) {
    delete copy.ProductName;
    delete copy.CompanyName;
  }
  const fpf = stored.FindingProviderFields as Record<string, unknown> | undefined;
  for (const field of MIRRORED_FIELDS) if (fpf?.[field] !== undefined) delete copy[field];
  if (stored.ProductFields !== undefined) {
    const kept = Object.entries(stored.ProductFields).filter(([key]) => !key.startsWith('aws/'));
    if (kept.length > 0) copy.ProductFields = Object.fromEntries(kept);
    else delete copy.ProductFields;
  }
  const nowIso = now.toISOString();
  copy.UpdatedAt =
    typeof stored.UpdatedAt === 'string' ? (strictlyAfter(nowIso, stored.UpdatedAt) ?? nowIso) : nowIso;
  copy.RecordState = 'ARCHIVED';
  return copy as unknown as AwsSecurityFinding;
}

/** How the findings to archive are read back. */
export type ArchiveFetchStrategy = 'auto' | 'by-id' | 'page';

/** Options of {@link archiveMissing}. */
export interface ArchiveMissingOptions extends FetchRetryOptions {
  /** A Security Hub client (GetFindings and BatchImportFindings), e.g. `SecurityHubClient` with `maxAttempts: 1`. */
  client: GetFindingsClient & BatchImportClient;
  /** The scope's findings as they were before this run's import ({@link fetchScopeState}). */
  state: ScopeState;
  /** The Ids this run reported ({@link preserveHistory}'s `reported`). */
  reported: ReportedIds;
  /** What happened in the run; nothing is archived when {@link archiveBlockers} finds a reason. */
  outcome: RunOutcome;
  /** Paces GetFindings (3 req/s, burst 6): `createGetFindingsLimiter()`. */
  getFindingsLimiter: RequestLimiter;
  /**
   * Options of the archive import (limiter, rate, concurrency, retry budget…); `client`, `signal` and
   * `deadLetter` are taken from here.
   */
  importOptions?: Omit<ImportOptions, 'client' | 'signal' | 'deadLetter' | 'dryRun'>;
  /** Where archive findings that fail go; default: in memory (returned in the report). */
  deadLetter?: DeadLetter;
  /** The time of the archive (its UpdatedAt). @defaultValue `() => new Date()` */
  now?: () => Date;
  /**
   * Called with each candidate that was read back and found no longer ACTIVE, or not there at all (`gone`):
   * a state file records it, so that it stops being a candidate.
   */
  onGone?: (id: string) => void;
  signal?: AbortSignal;
  /**
   * `by-id` reads the candidates back 20 Ids per GetFindings request (each request stands alone, so
   * archiving cannot shift it); `page` pages through all the scope's findings 100 at a time (ACTIVE and
   * ARCHIVED: a list that archiving does not change, so neither cursor- nor offset-style NextTokens skip
   * any); `auto` picks whichever needs fewer requests.
   * @defaultValue 'auto'
   */
  strategy?: ArchiveFetchStrategy;
}

/** What the archive step (option `archiveMissing`) did. */
export interface ArchiveReport {
  /** The scope reconciled (`ProductFields['asff-stream/scope']`); only its findings were candidates. */
  scope: string;
  /** The source tool whose findings were reconciled (absent: the whole scope, for findings without one). */
  sourceTool?: string;
  /** The product whose findings were reconciled (the account's default custom-integration product unless given). */
  productArn: string;
  /** Reasons nothing was archived (empty when the step ran). */
  blocked: ArchiveBlocker[];
  /** ACTIVE findings of the scope (before the run) that this run did not report. */
  candidates: number;
  /** Findings re-imported with RecordState ARCHIVED. */
  archived: number;
  /** Findings that should have been archived but were not (see the dead letter); the next run tries again. */
  failed: number;
  /** Candidates that were no longer ACTIVE (or no longer there) when read back: nothing to do. */
  gone: number;
  /** How the candidates were read back. */
  strategy?: 'by-id' | 'page';
  /** GetFindings requests of this step. */
  fetch: FetchCounters;
  /** The archive import's report. */
  import?: ImportReport;
  /** Failed archive findings, when no dead letter was given. */
  deadLetterEntries?: ImportResult['deadLetterEntries'];
}

/** GetFindings accepts at most 20 values per filter attribute (asff-facts §0). */
const IDS_PER_REQUEST = 20;
const PAGE_SIZE = 100;

/**
 * Archives the findings this run no longer reports: the ACTIVE findings of this product + scope (from
 * `state`) whose Id the run did not report are read back from Security Hub and re-imported through the
 * sink with RecordState ARCHIVED and a fresh UpdatedAt ({@link toArchived}). Does nothing when
 * {@link archiveBlockers} finds a reason (partial input, parse errors, any failed finding, an abort).
 * Only findings of the state's scope and product are ever touched: the GetFindings filter says so, and
 * every finding read back is checked again ({@link inScope}).
 */
export async function archiveMissing(options: ArchiveMissingOptions): Promise<ArchiveReport> {
  const { state, reported } = options;
  const key = keyOf(state);
  const report: ArchiveReport = {
    scope: state.scope,
    ...(state.sourceTool !== undefined ? { sourceTool: state.sourceTool } : {}),
    productArn: state.productArn,
    blocked: archiveBlockers(options.outcome),
    candidates: 0,
    archived: 0,
    failed: 0,
    gone: 0,
    fetch: fetchCounters(),
  };
  if (report.blocked.length > 0) return report;

  const candidates: string[] = [];
  for (const [id, stored] of state.findings)
    if (stored.recordState === 'ACTIVE' && !reported.has(id)) candidates.push(id);
  report.candidates = candidates.length;
  if (candidates.length === 0) return report;

  // Paging reads the whole scope: everything known before the run plus what the run may have added.
  const strategy = chooseStrategy(
    options.strategy ?? 'auto',
    candidates.length,
    state.findings.size + reported.size,
  );
  report.strategy = strategy;
  const wanted = new Set(candidates);
  const now = (options.now ?? (() => new Date()))();
  const deadLetter = options.deadLetter ?? memoryDeadLetter();
  const sent = new IdHashSet();
  const fetchOptions = {
    client: options.client,
    limiter: options.getFindingsLimiter,
    counters: report.fetch,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.maxThrottles !== undefined ? { maxThrottles: options.maxThrottles } : {}),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    ...(options.retryCapMs !== undefined ? { retryCapMs: options.retryCapMs } : {}),
  };

  async function* pages(): AsyncGenerator<AwsSecurityFinding[]> {
    if (strategy === 'page') {
      // The whole scope, not only its ACTIVE findings: archiving while paging must not change the result
      // list, or offset-style NextTokens would skip one finding for each one archived before them.
      yield* pageFindings({ ...fetchOptions, filters: scopeFilters(key), pageSize: PAGE_SIZE });
      return;
    }
    for (let i = 0; i < candidates.length; i += IDS_PER_REQUEST) {
      const ids = candidates.slice(i, i + IDS_PER_REQUEST);
      const filters = scopeFilters(key, {
        ...ACTIVE_FILTER,
        Id: ids.map((Value) => ({ Value, Comparison: 'EQUALS' as const })),
      });
      yield* pageFindings({ ...fetchOptions, filters, pageSize: IDS_PER_REQUEST });
    }
  }

  async function* archived(): AsyncGenerator<AwsSecurityFinding> {
    for await (const page of pages()) {
      for (const stored of page) {
        const id = stored.Id;
        // Defensive: whatever the filter returned, only this scope's ACTIVE candidates are touched.
        if (typeof id !== 'string' || !wanted.has(id) || reported.has(id) || sent.has(id)) continue;
        if (!inScope(stored, key) || stored.RecordState === 'ARCHIVED') continue;
        sent.add(id);
        const finding = toArchived(stored, now);
        const violations = validateAsff(finding);
        if (violations.length > 0) {
          deadLetter.write(
            finding,
            'archive-invalid',
            `the stored finding cannot be re-imported as ARCHIVED: ${describeViolations(violations)}`,
          );
          continue;
        }
        yield finding;
      }
    }
  }

  const result = await importFindings(archived(), {
    ...options.importOptions,
    client: options.client,
    deadLetter,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  const { deadLetterEntries, ...importReport } = result;
  report.import = importReport;
  report.archived = importReport.imported;
  report.failed = importReport.failed;
  report.gone = report.candidates - sent.size;
  if (options.onGone !== undefined) for (const id of candidates) if (!sent.has(id)) options.onGone(id);
  if (options.deadLetter === undefined && 'entries' in deadLetter)
    report.deadLetterEntries = (deadLetter as ReturnType<typeof memoryDeadLetter>).entries;
  return report;
}

function chooseStrategy(
  requested: ArchiveFetchStrategy,
  candidates: number,
  activeEstimate: number,
): 'by-id' | 'page' {
  if (requested !== 'auto') return requested;
  const byId = Math.ceil(candidates / IDS_PER_REQUEST);
  const paging = Math.max(1, Math.ceil(activeEstimate / PAGE_SIZE));
  return byId <= paging ? 'by-id' : 'page';
}
