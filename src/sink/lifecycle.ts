import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { defaultProductArn, SCOPE_PRODUCT_FIELD } from '../asff/build.js';
import type { ConversionStats } from '../pipeline.js';
import { IncrementalState, type StateReport } from '../state/incremental.js';
import { openStateStore, type StateStore } from '../state/store.js';
import type { BatchImportClient } from './client.js';
import { type DeadLetter, memoryDeadLetter, openDeadLetter } from './dead-letter.js';
import { createGetFindingsLimiter, type FetchCounters, type GetFindingsClient } from './get-findings.js';
import { emptyScopeState, fetchScopeState, type ScopeKey, type ScopeState } from './history.js';
import { type ImportOptions, type ImportResult, importFindings, importReportOf } from './import.js';
import { createLimiter, type RequestLimiter } from './limiter.js';
import {
  type HistoryCounters,
  IdDigestSet,
  preserveHistory,
  type ReportedIdSet,
} from './preserve-history.js';
import {
  type ArchiveBlocker,
  type ArchiveFetchStrategy,
  type ArchiveReport,
  archiveBlockers,
  archiveMissing,
  type RunOutcome,
} from './reconcile.js';
import { limiterClusterId } from './redis.js';
import type { ImportReport } from './report.js';

/** A client for both operations the lifecycle uses; `SecurityHubClient` fits. */
export type SecurityHubLikeClient = GetFindingsClient & BatchImportClient;

/** Options of {@link importWithLifecycle}: the import options plus history, archiving and Redis. */
export interface LifecycleOptions extends Omit<ImportOptions, 'client' | 'limiter' | 'redis' | 'deadLetter'> {
  /** The account the findings belong to (filters and the Redis limiter id). */
  accountId: string;
  /** The Region the findings are imported into (client and Redis limiter id). */
  region: string;
  /**
   * After a complete, fully imported run, archive the ACTIVE findings of this product + scope that the
   * run did not report (`--archive-missing`).
   * @defaultValue false
   */
  archiveMissing?: boolean;
  /**
   * Keep CreatedAt/FirstObservedAt of findings that already exist (one scoped GetFindings fetch before
   * the import, at 3 requests/s: about 300 stored findings per second).
   * @defaultValue the value of `archiveMissing` (the fetch is needed there anyway)
   */
  preserveHistory?: boolean;
  /**
   * The scope given by the user (`--scope`). Without it the scope is read from the first finding; a run
   * that reports nothing then has no scope to reconcile and archives nothing.
   */
  scope?: string;
  /** The product ARN of the run's findings. @defaultValue the account's default product ARN */
  productArn?: string;
  /**
   * The conversion's stats when `findings` wraps a `ConversionRun` (e.g. a counting generator): read after
   * the import to know whether the input was complete. Not needed when `findings` is the run itself.
   */
  conversion?: Pick<ConversionStats, 'complete' | 'failed' | 'skipped' | 'issues'>;
  /** For input that is neither a `ConversionRun` nor has `conversion`: set when it was read completely. */
  inputComplete?: boolean;
  /** A client to use instead of creating one (not destroyed at the end). */
  client?: SecurityHubLikeClient;
  /** BatchImportFindings limiter to use instead of creating one (not stopped at the end). */
  limiter?: RequestLimiter;
  /** GetFindings limiter to use instead of creating one (not stopped at the end). */
  getFindingsLimiter?: RequestLimiter;
  /**
   * Share the request budget with other processes through Redis (`--redis`, `ASFF_STREAM_REDIS_URL`):
   * one budget per account + Region + operation.
   */
  redisUrl?: string;
  /** Dead letter (object or file path, truncated) for the import and the archive step. */
  deadLetter?: DeadLetter | string;
  /** The archive time (UpdatedAt of archived findings). @defaultValue `() => new Date()` */
  clock?: () => Date;
  /** How findings to archive are read back (see `archiveMissing`). @defaultValue 'auto' */
  archiveStrategy?: ArchiveFetchStrategy;
  /** Called once the archive step knows its scope, before it reads anything (for a progress line). */
  onReconcile?: (scope: ScopeKey) => void;
  /**
   * The scope's state (`--state`): a file path or `s3://bucket/key`, or a {@link StateStore}. With a usable
   * state, history and archive candidates come from it (no GetFindings read of the scope) and findings
   * Security Hub already has unchanged are not sent (`unchanged`). See docs/lifecycle.md.
   */
  state?: string | StateStore;
  /** S3 endpoint of an `s3://` state (a local S3-compatible server). */
  stateEndpoint?: string;
  /**
   * An unchanged finding is sent again once its last copy is this old; a state older than this is not
   * used (`--refresh-after`). @defaultValue 7 days
   */
  refreshAfterMs?: number;
}

/** What the history step did. */
export interface HistoryReport extends HistoryCounters {
  /** Findings of the scope in Security Hub before the run (ACTIVE and ARCHIVED). */
  known: number;
  /** GetFindings requests of the fetch. */
  fetch: FetchCounters;
}

/** The import report plus the lifecycle steps. `received = imported + failed + skipped` is the main import's. */
export interface LifecycleReport extends ImportReport {
  /** Findings archived because this run no longer reports them (0 without `archiveMissing`). */
  archived: number;
  /** Present when the scope's history was fetched. */
  history?: HistoryReport;
  /** Present when `archiveMissing` was asked for. */
  archive?: ArchiveReport;
  /** Present with a state (`state`). */
  state?: StateReport;
}

/** The report plus the dead-lettered entries when no dead letter was given. */
export type LifecycleResult = LifecycleReport & { deadLetterEntries?: ImportResult['deadLetterEntries'] };

const reportsOfErrors = new WeakMap<object, LifecycleReport>();

/** Batch linger with a state (see the import call). The input's end still sends the last batch at once. */
const STATE_LINGER_MS = 5_000;

/** The lifecycle report of a run that ended with this error, or `undefined`. */
export function lifecycleReportOf(error: unknown): LifecycleReport | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const own = reportsOfErrors.get(error);
  if (own !== undefined) return own;
  const report = importReportOf(error);
  return report === undefined ? undefined : { ...report, archived: 0 };
}

/** Findings not brought to their target state: failed imports plus failed archive imports (exit code 3 when > 0). */
export function lifecycleFailed(report: LifecycleReport): number {
  return report.failed + (report.archive?.failed ?? 0);
}

/**
 * One line for stderr saying which scope was reconciled and what happened, or why nothing was archived.
 */
export function reconcileSummary(archive: ArchiveReport): string {
  const where = `scope "${archive.scope}"`;
  if (archive.blocked.length > 0)
    return `archive-missing: nothing archived in ${where}: ${archive.blocked.map((b) => b.message).join('; ')}`;
  const failed = archive.failed > 0 ? `, ${archive.failed} failed (see the dead letter)` : '';
  return `archive-missing: ${where}: archived ${archive.archived} finding(s) no longer reported${failed}`;
}

/** One line for stderr on the state: used or why not, saved or why not. */
export function stateSummary(state: StateReport): string {
  const read = state.used
    ? `${state.loaded} entries read from ${state.location}`
    : `not used (${state.fallback}: ${state.fallbackReason})`;
  const written = state.saved
    ? `saved ${state.entries} entries${state.conflicts > 0 ? ` after merging ${state.conflicts} concurrent write(s)` : ''}`
    : `NOT saved: ${state.error ?? 'the run stopped before it could be saved'}`;
  return `state: ${read}; ${written}`;
}

/**
 * Imports a run with its lifecycle: with `preserveHistory` (default: on with `archiveMissing`), the
 * scope's findings are read from Security Hub when the first finding arrives and existing findings keep
 * their CreatedAt/FirstObservedAt (UpdatedAt always moves forward); with `archiveMissing`, the ACTIVE
 * findings of this scope that the run did not report are archived afterwards, unless anything went wrong
 * ({@link archiveBlockers}). With `redisUrl`, both request budgets are shared across processes.
 *
 * Rejects like `importFindings`; the report of such a run is available through {@link lifecycleReportOf}.
 */
export async function importWithLifecycle(
  findings: AsyncIterable<AwsSecurityFinding> | Iterable<AwsSecurityFinding>,
  options: LifecycleOptions,
): Promise<LifecycleResult> {
  const {
    accountId,
    region,
    archiveMissing: wantArchive = false,
    scope: explicitScope,
    productArn,
    inputComplete,
    conversion,
    redisUrl,
    clock,
    archiveStrategy,
    onReconcile,
    state: stateOption,
    stateEndpoint,
    refreshAfterMs,
    client: givenClient,
    limiter: givenLimiter,
    getFindingsLimiter: givenGetLimiter,
    deadLetter: deadLetterOption,
    ...importOptions
  } = options;
  const lifecycle = importOptions.dryRun !== true;
  const fetchState = lifecycle && (wantArchive || options.preserveHistory === true);
  // With a state, history costs nothing: on unless asked off.
  const applyHistory = options.preserveHistory ?? (wantArchive || stateOption !== undefined);
  const startedAt = (clock ?? (() => new Date()))();

  const ownsDeadLetter = typeof deadLetterOption === 'string';
  const deadLetter =
    deadLetterOption === undefined
      ? memoryDeadLetter()
      : typeof deadLetterOption === 'string'
        ? await openDeadLetter(deadLetterOption)
        : deadLetterOption;
  let client: SecurityHubLikeClient | undefined = givenClient;
  let destroyClient: (() => void) | undefined;
  let limiter = givenLimiter;
  let getLimiter = givenGetLimiter;
  const stops: (() => Promise<void>)[] = [];
  let report: LifecycleReport | undefined;
  let incremental: IncrementalState | undefined;
  try {
    if (!lifecycle) {
      const result = await importFindings(findings, {
        ...importOptions,
        ...(client !== undefined ? { client } : {}),
        ...(limiter !== undefined ? { limiter } : {}),
        deadLetter,
      });
      report = { ...result, archived: 0 };
      return withEntries(report, deadLetterOption, deadLetter);
    }
    if (client === undefined) {
      const created = await createClient(options);
      client = created;
      destroyClient = () => created.destroy();
    }
    if (limiter === undefined) {
      const created = await createLimiter({
        ...(importOptions.rate !== undefined ? { rate: importOptions.rate } : {}),
        ...(importOptions.burst !== undefined ? { burst: importOptions.burst } : {}),
        ...(importOptions.concurrency !== undefined ? { concurrency: importOptions.concurrency } : {}),
        ...(redisUrl !== undefined
          ? { redis: { url: redisUrl, id: limiterClusterId(accountId, region, 'BatchImportFindings') } }
          : {}),
      });
      limiter = created;
      stops.push(() => created.stop());
    }
    if (fetchState && getLimiter === undefined) {
      const created = await createGetFindingsLimiter(
        redisUrl !== undefined
          ? { redis: { url: redisUrl, id: limiterClusterId(accountId, region, 'GetFindings') } }
          : {},
      );
      getLimiter = created;
      stops.push(() => created.stop());
    }
    const hubClient = client;
    const importLimiter = limiter;
    const fetchLimiter = getLimiter;
    const retry = {
      ...(importOptions.maxRetries !== undefined ? { maxRetries: importOptions.maxRetries } : {}),
      ...(importOptions.maxThrottles !== undefined ? { maxThrottles: importOptions.maxThrottles } : {}),
      ...(importOptions.retryBaseMs !== undefined ? { retryBaseMs: importOptions.retryBaseMs } : {}),
      ...(importOptions.retryCapMs !== undefined ? { retryCapMs: importOptions.retryCapMs } : {}),
    };
    const fetch = (key: ScopeKey): Promise<ScopeState> =>
      fetchScopeState({
        ...key,
        ...retry,
        client: hubClient,
        limiter: fetchLimiter as RequestLimiter,
        ...(importOptions.signal !== undefined ? { signal: importOptions.signal } : {}),
      });

    const store =
      lifecycle && stateOption !== undefined
        ? typeof stateOption === 'string'
          ? await openStateStore(stateOption, {
              region,
              ...(stateEndpoint !== undefined ? { s3Endpoint: stateEndpoint } : {}),
              ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
            })
          : stateOption
        : undefined;
    let state: ScopeState | undefined;
    /** Loads the scope's state (or, when it cannot be used and a read is asked for, reads the scope). */
    const loadScope = async (key: ScopeKey): Promise<void> => {
      if (store === undefined) {
        state = fetchState ? await fetch(key) : emptyScopeState(key);
        return;
      }
      incremental = await IncrementalState.open(store, key, accountId, {
        now: startedAt,
        needsScope: fetchState,
        ...(refreshAfterMs !== undefined ? { refreshAfterMs } : {}),
      });
      if (incremental.used) {
        state = { ...emptyScopeState(key), active: incremental.active };
        return;
      }
      if (!fetchState) {
        // No read: the state will hold what this run sends, not the whole scope (it stays incomplete).
        state = emptyScopeState(key);
        return;
      }
      state = await fetch(key);
      await incremental.seed(state);
    };
    const reported = store !== undefined ? stateReportedIds(() => incremental) : undefined;
    const preserved = preserveHistory(
      findings,
      async (first) => {
        const key = scopeKeyOf(first, { accountId, region, productArn, scope: explicitScope });
        // No scope (findings not made by the pipeline, no --scope): nothing to read, nothing to archive.
        if (key.scope.trim() === '') return emptyScopeState(key);
        await loadScope(key);
        if (!applyHistory) return emptyScopeState(key);
        return incremental !== undefined
          ? { ...key, findings: incremental.history() }
          : (state as ScopeState);
      },
      reported,
    );

    let result: ImportResult;
    try {
      result = await importFindings(preserved, {
        // With a state most findings are unchanged and not sent, so a batch fills slowly: let it wait
        // longer for the changed ones (measured: 1 % changed of 100k took 23 part-filled requests at 1 s).
        ...(store !== undefined ? { lingerMs: STATE_LINGER_MS } : {}),
        ...importOptions,
        client: hubClient,
        limiter: importLimiter,
        deadLetter,
        ...(store !== undefined
          ? {
              isUnchanged: (finding: AwsSecurityFinding) => incremental?.isUnchanged(finding) === true,
              onImported: (finding: AwsSecurityFinding) => incremental?.confirm(finding),
            }
          : {}),
      });
    } catch (error) {
      const partial = importReportOf(error);
      if (partial !== undefined)
        report = { ...partial, archived: 0, ...historyOf(state, preserved.counters, incremental) };
      throw error;
    }
    const { deadLetterEntries: _entries, ...importReport } = result;
    report = { ...importReport, archived: 0, ...historyOf(state, preserved.counters, incremental) };
    if (!wantArchive) return withEntries(report, deadLetterOption, deadLetter);

    const outcome: RunOutcome = {
      ...(conversion !== undefined
        ? { conversion }
        : isConversionRun(findings)
          ? { conversion: findings.stats }
          : {}),
      ...(inputComplete !== undefined ? { inputComplete } : {}),
      import: importReport,
      aborted: importOptions.signal?.aborted === true,
      foreign: preserved.counters.foreign,
    };
    let archiveState = state;
    if (archiveState === undefined) {
      // Nothing was reported: the scope is only known if the user gave it.
      const scope = explicitScope ?? '';
      const key: ScopeKey = {
        productArn: productArn ?? defaultProductArn(accountId, region),
        scope,
        accountId,
      };
      // Without a scope nothing can be "another scope": only scope-unknown is worth saying then.
      const blocked = archiveBlockers(scope.trim() === '' ? { ...outcome, foreign: 0 } : outcome);
      if (scope.trim() === '')
        blocked.push({
          code: 'scope-unknown',
          message:
            'the run reported no findings, so its scope could not be read from the input; pass --scope to archive',
        });
      if (blocked.length > 0) {
        report.archive = blockedReport(key, blocked);
        return withEntries(report, deadLetterOption, deadLetter);
      }
      onReconcile?.(key);
      await loadScope(key);
      archiveState = state as ScopeState;
    } else {
      onReconcile?.(archiveState);
    }
    if (incremental !== undefined && archiveBlockers(outcome).length === 0) {
      // Candidates from the state: only their Ids are read back (by Id), never the whole scope.
      const candidates = await incremental.candidates();
      archiveState = { ...archiveState, findings: candidates, active: incremental.active };
    }
    report.archive = await archiveMissing({
      ...retry,
      client: hubClient,
      state: archiveState,
      reported: preserved.reported,
      outcome,
      getFindingsLimiter: fetchLimiter as RequestLimiter,
      // No progress callback: the archive import's counters would restart the run's progress line.
      importOptions: {
        ...withoutProgress(importOptions),
        limiter: importLimiter,
        ...(incremental !== undefined
          ? { onImported: (finding: AwsSecurityFinding) => incremental?.confirm(finding) }
          : {}),
      },
      deadLetter,
      ...(clock !== undefined ? { now: clock } : {}),
      ...(importOptions.signal !== undefined ? { signal: importOptions.signal } : {}),
      ...(archiveStrategy !== undefined ? { strategy: archiveStrategy } : {}),
      ...(incremental !== undefined ? { onGone: (id: string) => incremental?.markGone(id) } : {}),
    });
    report.archived = report.archive.archived;
    return withEntries(report, deadLetterOption, deadLetter);
  } catch (error) {
    if (report !== undefined && typeof error === 'object' && error !== null)
      reportsOfErrors.set(error, report);
    throw error;
  } finally {
    // Whatever happened, what Security Hub confirmed is saved (a failed save leaves the previous state).
    if (incremental !== undefined) {
      await incremental.save((clock ?? (() => new Date()))()).catch((error: unknown) => {
        if (incremental !== undefined)
          incremental.report.error = error instanceof Error ? error.message : String(error);
      });
      await incremental.dispose();
      if (report !== undefined) report.state = incremental.report;
    }
    destroyClient?.();
    for (const stop of stops) await stop().catch(() => {});
    if (ownsDeadLetter) await deadLetter.close().catch(() => {});
  }
}

/** A `ReportedIdSet` that records into the run's state once it is loaded (before: an {@link IdDigestSet}). */
function stateReportedIds(current: () => IncrementalState | undefined): ReportedIdSet {
  const beforeState = new IdDigestSet();
  let inState: ReportedIdSet | undefined;
  const target = (): ReportedIdSet => {
    const loaded = current();
    if (loaded !== undefined) inState ??= loaded.reported();
    return inState ?? beforeState;
  };
  return {
    add: (id) => target().add(id),
    has: (id) => target().has(id),
    get size() {
      return target().size;
    },
  };
}

function withoutProgress<T extends { onProgress?: unknown }>(options: T): Omit<T, 'onProgress'> {
  const { onProgress: _progress, ...rest } = options;
  return rest;
}

function historyOf(
  state: ScopeState | undefined,
  counters: HistoryCounters,
  incremental: IncrementalState | undefined,
): { history?: HistoryReport } {
  if (state === undefined) return {};
  const known = incremental?.used === true ? incremental.report.loaded : state.findings.size;
  return { history: { ...counters, known, fetch: state.fetch } };
}

function blockedReport(key: ScopeKey, blocked: ArchiveBlocker[]): ArchiveReport {
  return {
    scope: key.scope,
    productArn: key.productArn,
    blocked,
    candidates: 0,
    archived: 0,
    failed: 0,
    gone: 0,
    fetch: { requests: 0, throttled: 0, retries: 0 },
  };
}

function withEntries(
  report: LifecycleReport,
  option: LifecycleOptions['deadLetter'],
  deadLetter: DeadLetter,
): LifecycleResult {
  if (option !== undefined || !('entries' in deadLetter)) return report;
  // The same object: the state's outcome is added to it once the state is saved (in `finally`).
  return Object.assign(report, {
    deadLetterEntries: (deadLetter as ReturnType<typeof memoryDeadLetter>).entries,
  });
}

/** The scope of a run, from its first finding (the pipeline puts the scope in ProductFields). */
function scopeKeyOf(
  first: AwsSecurityFinding,
  context: { accountId: string; region: string; productArn: string | undefined; scope: string | undefined },
): ScopeKey {
  return {
    productArn:
      first.ProductArn ?? context.productArn ?? defaultProductArn(context.accountId, context.region),
    scope: first.ProductFields?.[SCOPE_PRODUCT_FIELD] ?? context.scope ?? '',
    accountId: context.accountId,
  };
}

function isConversionRun(
  input: unknown,
): input is { stats: Pick<ConversionStats, 'complete' | 'failed' | 'skipped' | 'issues'> } {
  if (typeof input !== 'object' || input === null || !('stats' in input)) return false;
  const stats = (input as { stats: unknown }).stats;
  return typeof stats === 'object' && stats !== null && 'complete' in stats;
}

async function createClient(options: LifecycleOptions): Promise<SecurityHubLikeClient & { destroy(): void }> {
  const sdk = await import('@aws-sdk/client-securityhub');
  // maxAttempts 1: every attempt goes through our limiters, which pace and count it (see client.ts).
  return new sdk.SecurityHubClient({
    region: options.region,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    maxAttempts: 1,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 10_000 },
  });
}
