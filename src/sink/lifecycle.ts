import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { defaultProductArn } from '../asff/build.js';
import { IdHashSet } from '../asff/id-hash-set.js';
import { sourceToolOf } from '../asff/source-tool.js';
import { attachedReport, attachReport, ConverterError, isConverterError } from '../errors.js';
import type { ConversionStats } from '../pipeline.js';
import type { IncrementalState, StateReport } from '../state/incremental.js';
import { StateFile } from '../state/state-file.js';
import { openStateStore, type StateStore } from '../state/store.js';
import { type BatchImportClient, createSecurityHubClient, regionOfClient } from './client.js';
import { type DeadLetter, memoryDeadLetter, openDeadLetter } from './dead-letter.js';
import { createGetFindingsLimiter, type FetchCounters, type GetFindingsClient } from './get-findings.js';
import {
  emptyScopeState,
  fetchScopeState,
  type ScopeKey,
  type ScopeState,
  type StoredHistory,
  scopeKeyId,
  scopeKeyOfFinding,
} from './history.js';
import { type ImportOptions, type ImportResult, importFindings, importReportOf } from './import.js';
import { createLimiter, type RequestLimiter } from './limiter.js';
import { PRODUCT_ARN_MISMATCH, ProductArnGuard } from './preflight.js';
import { type HistoryCounters, preserveHistory, type ReportedIdSet } from './preserve-history.js';
import {
  type ArchiveBlocker,
  type ArchiveFetchStrategy,
  type ArchiveReport,
  archiveBlockers,
  archiveMissing,
  type RunOutcome,
} from './reconcile.js';
import { limiterClusterId } from './redis.js';
import { assertBalanced, type ImportReport } from './report.js';
import { accessHint, classifyRequestError, errorCodeOf } from './retry.js';

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
  conversion?: Pick<ConversionStats, 'complete' | 'failed' | 'skipped' | 'issues'> &
    Partial<Pick<ConversionStats, 'adapter' | 'sources'>>;
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
   * Security Hub already has unchanged are not sent (`unchanged`). One location holds a section per key
   * (product + scope + source tool): every key of a multi-run input uses it. See docs/lifecycle.md.
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
  /**
   * Present when `archiveMissing` was asked for: one key's report, or the sum over the keys (product + scope +
   * source tool) the run covered, with their source tools listed.
   */
  archive?: ArchiveReport;
  /** Each key's archive report, when the run covered more than one (a multi-run SARIF log). */
  archives?: ArchiveReport[];
  /** Present with a state (`state`). */
  state?: StateReport;
}

/** The report plus the dead-lettered entries when no dead letter was given. */
export type LifecycleResult = LifecycleReport & { deadLetterEntries?: ImportResult['deadLetterEntries'] };

/** Batch linger with a state (see the import call). The input's end still sends the last batch at once. */
const STATE_LINGER_MS = 5_000;

/**
 * The lifecycle report of a run that ended with this error (`error.report`, typed), or `undefined`. Internal: users
 * read `error.report`.
 */
export function lifecycleReportOf(error: unknown): LifecycleReport | undefined {
  return attachedReport(error) as LifecycleReport | undefined;
}

/** Findings not brought to their target state: failed imports plus failed archive imports (exit code 3 when > 0). */
export function lifecycleFailed(report: LifecycleReport): number {
  return report.failed + (report.archive?.failed ?? 0);
}

/**
 * One line for stderr saying which scope was reconciled and what happened, or why nothing was archived.
 */
export function reconcileSummary(archive: ArchiveReport): string {
  const where = `scope "${archive.scope}"${archive.sourceTool !== undefined ? ` (${archive.sourceTool})` : ''}`;
  if (archive.blocked.length > 0)
    return `archive-missing: nothing archived in ${where}: ${archive.blocked.map((b) => b.message).join('; ')}`;
  const failed = archive.failed > 0 ? `, ${archive.failed} failed (see the dead letter)` : '';
  return `archive-missing: ${where}: archived ${archive.archived} finding(s) no longer reported${failed}`;
}

/**
 * Imports a run with its lifecycle: with `preserveHistory` (default: on with `archiveMissing`), the
 * scope's findings are read from Security Hub when the first finding arrives and existing findings keep
 * their CreatedAt/FirstObservedAt (UpdatedAt always moves forward); with `archiveMissing`, the ACTIVE
 * findings of this scope that the run did not report are archived afterwards, unless anything went wrong
 * (`ArchiveReport.blocked` says what; docs/lifecycle.md lists the reasons). With `redisUrl`, both request
 * budgets are shared across processes.
 *
 * Rejects like `importFindings`; the report of such a run is on the error, as `error.report` (a `LifecycleReport`,
 * also when the run failed in its import).
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
  let stateFile: StateFile | undefined;
  try {
    if (!lifecycle) {
      const result = await importFindings(findings, {
        ...importOptions,
        region,
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

    // One state per key (product + scope + source tool) the run's findings belong to, fetched when the key's
    // first finding arrives (docs/lifecycle.md, "Source tool").
    const fetched: ScopeState[] = [];
    const fallbackKey: ScopeKey = {
      productArn: productArn ?? defaultProductArn(accountId, region),
      scope: explicitScope ?? '',
      accountId,
    };
    // A key's history read starts when its first finding is in hand; if it fails, that finding is held here
    // and accounted by `accountHeld` (it never reached the sink).
    let held: HeldFinding | undefined;
    let loading: Promise<unknown> | undefined;
    // The Region the client sends to (a client of your own may differ from `region`), as the sink checks it.
    const productArns = new ProductArnGuard({ accountId, region: (await regionOfClient(client)) ?? region });
    const signal = importOptions.signal;
    const store =
      stateOption === undefined
        ? undefined
        : typeof stateOption === 'string'
          ? await openStateStore(stateOption, {
              region,
              ...(stateEndpoint !== undefined ? { s3Endpoint: stateEndpoint } : {}),
              ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
            })
          : stateOption;
    if (store !== undefined)
      stateFile = await StateFile.create(store, {
        now: startedAt,
        ...(refreshAfterMs !== undefined ? { refreshAfterMs } : {}),
      });
    const states = stateFile;
    /** Opens the state of a key (each key its section of the one state file). */
    const openState = (key: ScopeKey): Promise<IncrementalState | undefined> =>
      states === undefined
        ? Promise.resolve(undefined)
        : states.open(key, accountId, { needsScope: fetchState });
    const stateOfKey = (key: ScopeKey) => states?.get(key, accountId);
    const reported = states !== undefined ? stateReportedIds(states) : undefined;
    const preserved = preserveHistory(
      findings,
      async (first) => {
        // Before the key's state is read: a product ARN of another Region or account would spend the reads too.
        const mismatch = productArns.check(first);
        if (mismatch !== undefined) {
          held = { finding: first, error: mismatch, code: PRODUCT_ARN_MISMATCH };
          throw mismatch;
        }
        const key = scopeKeyOfFinding(first, fallbackKey);
        // No scope (findings not made by the pipeline, no --scope): nothing to read, nothing to archive.
        if (key.scope.trim() === '') return emptyScopeState(key);
        const opened = await openState(key);
        const usable = opened?.used === true ? opened : undefined;
        if (usable !== undefined) {
          // History from the state's table; its `size` (entries loaded) is what the history report counts.
          const fromState = withLookup({ ...emptyScopeState(key), active: usable.active }, usable.history());
          fetched.push(fromState);
          return applyHistory ? fromState : emptyScopeState(key);
        }
        if (!fetchState) {
          const empty = emptyScopeState(key);
          fetched.push(empty);
          return empty;
        }
        const load = fetch(key);
        loading = load.catch(() => {});
        let loaded: ScopeState;
        try {
          loaded = await load;
          if (signal?.aborted === true) throw new ConverterError('E_ABORTED', HISTORY_INTERRUPTED);
        } catch (error) {
          held = { finding: first, error: historyReadError(error, wantArchive) };
          throw held.error;
        }
        await opened?.seed(loaded);
        fetched.push(loaded);
        return applyHistory ? loaded : emptyScopeState(key);
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
        ...(states !== undefined
          ? {
              isUnchanged: (finding: AwsSecurityFinding) =>
                states.stateOf(finding)?.isUnchanged(finding) === true,
              onImported: (finding: AwsSecurityFinding) => states.stateOf(finding)?.confirm(finding),
            }
          : {}),
        accountId,
        region,
        client: hubClient,
        limiter: importLimiter,
        deadLetter,
      });
    } catch (error) {
      await loading;
      const partial = importReportOf(error);
      if (partial !== undefined)
        report = {
          ...(await accountHeld(partial, held, deadLetter)),
          archived: 0,
          ...historyOf(fetched, preserved.counters),
        };
      throw error;
    }
    await loading;
    const { deadLetterEntries: _entries, ...importReport } = await accountHeld(result, held, deadLetter);
    report = { ...importReport, archived: 0, ...historyOf(fetched, preserved.counters) };
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
    const conversionStats = outcome.conversion as LifecycleOptions['conversion'];
    const keys = archiveKeys(fetched, conversionStats, fallbackKey);
    if (keys.length === 0) {
      // Nothing was reported: the scope is only known if the user gave it.
      const scope = explicitScope ?? '';
      const key: ScopeKey = { ...fallbackKey, scope };
      const adapter = conversionStats?.adapter;
      if (adapter !== undefined) key.sourceTool = sourceToolOf(adapter);
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
      keys.push(key);
    }
    const archives: ArchiveReport[] = [];
    for (const key of keys) {
      onReconcile?.(key);
      if (!('findings' in key)) {
        // A key with no state yet (a source declared without findings) is read only when archiving may go on:
        // after Ctrl-C or a failure the read itself would fail, and the blockers say why nothing was archived.
        const blocked = archiveBlockers(outcome);
        if (blocked.length > 0) {
          archives.push(blockedReport(key, blocked));
          break;
        }
      }
      let archiveState: ScopeState;
      if ('findings' in key) archiveState = key as ScopeState;
      else {
        // Nothing was reported for this key: its section of the state may still know its findings.
        const opened = await openState(key);
        if (opened?.used === true) archiveState = { ...emptyScopeState(key), active: opened.active };
        else {
          archiveState = await fetch(key);
          await opened?.seed(archiveState);
        }
      }
      const state = stateOfKey(archiveState);
      if (state?.used === true && archiveBlockers(outcome).length === 0) {
        // Candidates from the state: only their Ids are read back (by Id), never the whole scope.
        archiveState = { ...archiveState, findings: await state.candidates(), active: state.active };
      }
      archives.push(
        await archiveMissing({
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
            ...(states !== undefined
              ? { onImported: (finding: AwsSecurityFinding) => states.stateOf(finding)?.confirm(finding) }
              : {}),
          },
          deadLetter,
          ...(clock !== undefined ? { now: clock } : {}),
          ...(importOptions.signal !== undefined ? { signal: importOptions.signal } : {}),
          ...(archiveStrategy !== undefined ? { strategy: archiveStrategy } : {}),
          ...(state !== undefined ? { onGone: (id: string) => state.markGone(id) } : {}),
        }),
      );
      if (archives.at(-1)!.blocked.length > 0) break;
    }
    report.archive = combineArchiveReports(archives);
    if (archives.length > 1) report.archives = archives;
    report.archived = report.archive.archived;
    return withEntries(report, deadLetterOption, deadLetter);
  } catch (error) {
    // Without a report of its own (the dry run's import failed), the import's one, as a lifecycle report.
    const imported = report === undefined ? importReportOf(error) : undefined;
    const attached = report ?? (imported === undefined ? undefined : { ...imported, archived: 0 });
    if (attached !== undefined) attachReport(error, attached);
    throw error;
  } finally {
    // Whatever happened, what Security Hub confirmed is saved (a failed save leaves the previous state).
    const state = stateFile;
    if (state !== undefined && state.keys.length > 0) {
      await state.save((clock ?? (() => new Date()))()).catch((error: unknown) => {
        state.report.error = error instanceof Error ? error.message : String(error);
      });
      if (report !== undefined) report.state = state.report;
    }
    await state?.dispose();
    destroyClient?.();
    for (const stop of stops) await stop().catch(() => {});
    if (ownsDeadLetter) await deadLetter.close().catch(() => {});
  }
}

/** The first finding of a run whose history read failed: pulled from the input, never given to the sink. */
interface HeldFinding {
  finding: AwsSecurityFinding;
  error: unknown;
  /** The failure code it counts under (default: the error's own code). */
  code?: string;
}

const HISTORY_INTERRUPTED = "interrupted while reading the scope's findings from Security Hub";

/**
 * The error a failed history read stops the run with: access errors name the IAM action and the flag that
 * needs it (one line), an interruption stays `E_ABORTED`; anything else as it was.
 */
function historyReadError(error: unknown, archive: boolean): unknown {
  if (!isConverterError(error) || error.code !== 'E_AWS_ACCESS') return error;
  const cause = error.cause;
  if (cause === undefined || classifyRequestError(cause) !== 'access') return error;
  // Not a missing permission (no hub, bad credentials): the sink's hint for that error says the fix.
  if (!/^AccessDenied/.test(errorCodeOf(cause)))
    return new ConverterError('E_AWS_ACCESS', `${accessHint(cause)} Nothing was imported.`, { cause });
  const flag = archive ? '--archive-missing' : '--preserve-history';
  const what = archive
    ? 'to know which findings to archive'
    : 'to keep the CreatedAt of findings that already exist';
  return new ConverterError(
    'E_AWS_ACCESS',
    `${errorCodeOf(cause)}: ${flag} reads this scope's findings first (${what}) and needs securityhub:GetFindings, which these credentials lack: grant securityhub:GetFindings, or run without ${flag}. Nothing was imported.`,
    { cause },
  );
}

/**
 * The report with the held finding accounted: after an interruption it is dead-lettered (code `aborted`,
 * so replaying the dead letter sends it), after an access error it counts as failed and unsent under the
 * error's code, like every finding an access error leaves unsent. `received = imported + failed + skipped`
 * holds again, and the conversion's count (which saw that finding) matches.
 */
async function accountHeld<T extends ImportReport>(
  report: T,
  held: HeldFinding | undefined,
  deadLetter: DeadLetter,
): Promise<T> {
  if (held === undefined) return report;
  const interrupted = isConverterError(held.error) && held.error.code === 'E_ABORTED';
  const code = interrupted
    ? 'aborted'
    : (held.code ??
      errorCodeOf(isConverterError(held.error) ? (held.error.cause ?? held.error) : held.error));
  if (interrupted) {
    deadLetter.write(
      held.finding,
      'aborted',
      `${HISTORY_INTERRUPTED}, before this finding was sent (importing it again is safe)`,
    );
    await deadLetter.flush();
  }
  const adjusted: T = {
    ...report,
    received: report.received + 1,
    failed: report.failed + 1,
    failures: { ...report.failures, [code]: (report.failures[code] ?? 0) + 1 },
    ...(interrupted
      ? { deadLettered: report.deadLettered + 1, aborted: true }
      : { unsent: report.unsent + 1 }),
  };
  assertBalanced(adjusted);
  return adjusted;
}

/**
 * A `ReportedIdSet` that records each finding's Id into the state of its key (a flag of the key's table), and
 * the Ids of findings of no opened key (no scope, past the key limit) in an {@link IdHashSet}.
 */
function stateReportedIds(file: StateFile): ReportedIdSet {
  const outside = new IdHashSet();
  const sets = new Map<IncrementalState, ReportedIdSet>();
  const setOf = (state: IncrementalState): ReportedIdSet => {
    let set = sets.get(state);
    if (set === undefined) {
      set = state.reported();
      sets.set(state, set);
    }
    return set;
  };
  return {
    add: (id, finding) => {
      const state = finding !== undefined ? file.stateOf(finding) : undefined;
      if (state !== undefined) setOf(state).add(id);
      else outside.add(id);
    },
    has: (id) => outside.has(id) || file.keys.some((state) => setOf(state).has(id)),
    get size() {
      let size = outside.size;
      for (const state of file.keys) size += setOf(state).size;
      return size;
    },
  };
}

/** A scope state whose history lookups go to a state file's table (no Map of the scope in memory). */
function withLookup(
  state: ScopeState,
  lookup: { get(id: string): StoredHistory | undefined; readonly size: number },
): ScopeState {
  return { ...state, findings: lookup as unknown as ReadonlyMap<string, StoredHistory> };
}

/** One line for stderr on the state: used or why not, saved or why not. */
export function stateSummary(state: StateReport): string {
  const keys = state.keys ?? [];
  const used = keys.filter((key) => key.used).length;
  const why = `(${state.fallback}: ${state.fallbackReason})`;
  const read =
    keys.length <= 1
      ? state.used
        ? `${state.loaded} entries read from ${state.location}`
        : `not used ${why}`
      : used === keys.length
        ? `${state.loaded} entries of ${keys.length} keys read from ${state.location}`
        : used === 0
          ? `not used for any of its ${keys.length} keys ${why}`
          : `${state.loaded} entries of ${used} of ${keys.length} keys read from ${state.location}, not used for ${keys.length - used} ${why}`;
  const kept = state.kept !== undefined ? `, kept ${state.kept} other key(s) as they were` : '';
  const written = state.saved
    ? `saved ${state.entries} entries${kept}${state.conflicts > 0 ? ` after merging ${state.conflicts} concurrent write(s)` : ''}`
    : `NOT saved: ${state.error ?? 'the run stopped before it could be saved'}`;
  return `state: ${read}; ${written}`;
}

function withoutProgress<T extends { onProgress?: unknown }>(options: T): Omit<T, 'onProgress'> {
  const { onProgress: _progress, ...rest } = options;
  return rest;
}

function historyOf(states: readonly ScopeState[], counters: HistoryCounters): { history?: HistoryReport } {
  if (states.length === 0) return {};
  const fetch = sumFetch(states.map((state) => state.fetch));
  const known = states.reduce((sum, state) => sum + state.findings.size, 0);
  return { history: { ...counters, known, fetch } };
}

function sumFetch(counters: readonly FetchCounters[]): FetchCounters {
  const sum = { requests: 0, throttled: 0, retries: 0 };
  for (const c of counters) {
    sum.requests += c.requests;
    sum.throttled += c.throttled;
    sum.retries += c.retries;
  }
  return sum;
}

/**
 * The keys to reconcile: those whose state was fetched for the run's findings, then the sources the conversion
 * declared without findings (a SARIF run with no results), when their scope identifies the source.
 */
function archiveKeys(
  fetched: readonly ScopeState[],
  conversion: LifecycleOptions['conversion'],
  fallback: ScopeKey,
): (ScopeState | ScopeKey)[] {
  const keys: (ScopeState | ScopeKey)[] = [...fetched];
  const ids = new Set(fetched.map(scopeKeyId));
  for (const source of conversion?.sources ?? []) {
    if (!source.identified) continue;
    const key: ScopeKey = { ...fallback, scope: source.scope, sourceTool: source.sourceTool };
    if (ids.has(scopeKeyId(key))) continue;
    ids.add(scopeKeyId(key));
    keys.push(key);
  }
  return keys;
}

/** One report for the archive steps of several keys: counts summed, scopes and source tools listed. */
function combineArchiveReports(reports: readonly ArchiveReport[]): ArchiveReport {
  if (reports.length === 1) return reports[0]!;
  const first = reports[0]!;
  const scopes = [...new Set(reports.map((r) => r.scope))];
  const tools = [...new Set(reports.map((r) => r.sourceTool).filter((t) => t !== undefined))];
  const combined: ArchiveReport = {
    // reconcileSummary quotes the scope: several read `scope "a", "b"`.
    scope: scopes.join('", "'),
    productArn: first.productArn,
    blocked: first.blocked,
    candidates: 0,
    archived: 0,
    failed: 0,
    gone: 0,
    fetch: sumFetch(reports.map((r) => r.fetch)),
  };
  if (tools.length > 0) combined.sourceTool = tools.join(', ');
  for (const r of reports) {
    combined.candidates += r.candidates;
    combined.archived += r.archived;
    combined.failed += r.failed;
    combined.gone += r.gone;
  }
  return combined;
}

function blockedReport(key: ScopeKey, blocked: ArchiveBlocker[]): ArchiveReport {
  return {
    scope: key.scope,
    ...(key.sourceTool !== undefined ? { sourceTool: key.sourceTool } : {}),
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

function isConversionRun(
  input: unknown,
): input is { stats: Pick<ConversionStats, 'complete' | 'failed' | 'skipped' | 'issues'> } {
  if (typeof input !== 'object' || input === null || !('stats' in input)) return false;
  const stats = (input as { stats: unknown }).stats;
  return typeof stats === 'object' && stats !== null && 'complete' in stats;
}

async function createClient(options: LifecycleOptions): Promise<SecurityHubLikeClient & { destroy(): void }> {
  // maxAttempts 1: every attempt goes through our limiters, which pace and count it (see client.ts).
  return createSecurityHubClient(options);
}
