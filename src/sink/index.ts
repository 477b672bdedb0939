// State file (issue #18): incremental re-imports.
export {
  DEFAULT_REFRESH_AFTER_MS,
  type StateFallback,
  type StateKeyReport,
  type StateReport,
} from '../state/incremental.js';
export { fileStateStore, openStateStore, type PutResult, type StateStore } from '../state/store.js';
export { callerAccountId } from './account.js';
export { BatchBuilder, type BatchLimits, findingBytes, type QueuedFinding, requestBytes } from './batch.js';
export type { BatchImportClient, ClientOptions } from './client.js';
export {
  type DeadLetter,
  type DeadLetterEntry,
  lazyDeadLetterFile,
  type MemoryDeadLetter,
  memoryDeadLetter,
  openDeadLetter,
} from './dead-letter.js';
// Lifecycle (issue #9): scoped history, archive-missing, Redis-shared budgets.
export {
  createGetFindingsLimiter,
  type FetchCounters,
  type FetchRetryOptions,
  type GetFindingsClient,
  pageFindings,
} from './get-findings.js';
export {
  fetchScopeState,
  type ScopeKey,
  type ScopeState,
  type StoredHistory,
  scopeFilters,
} from './history.js';
export { type ImportOptions, type ImportResult, importFindings, importReportOf } from './import.js';
export {
  type HistoryReport,
  importWithLifecycle,
  type LifecycleOptions,
  type LifecycleReport,
  type LifecycleResult,
  lifecycleFailed,
  lifecycleReportOf,
  reconcileSummary,
  type SecurityHubLikeClient,
} from './lifecycle.js';
export {
  createLimiter,
  type LimiterClusterOptions,
  type LimiterOptions,
  type LimiterSettings,
  limiterSettings,
  type RequestLimiter,
} from './limiter.js';
export {
  type HistoryCounters,
  type PreservedRun,
  preserveHistory,
  type ReportedIds,
  type ScopeStateLoader,
  strictlyAfter,
  withHistory,
} from './preserve-history.js';
export {
  type ArchiveBlocker,
  type ArchiveFetchStrategy,
  type ArchiveMissingOptions,
  type ArchiveReport,
  archiveBlockers,
  archiveMissing,
  type RunOutcome,
  toArchived,
} from './reconcile.js';
export {
  clusterBucket,
  connectRedis,
  type LimitedOperation,
  limiterClusterId,
  REDIS_URL_ENV,
  redactRedisUrl,
  resolveRedisUrl,
} from './redis.js';
export { assertBalanced, type ImportReport } from './report.js';
export {
  classifyFindingError,
  classifyRequestError,
  type FindingFailureKind,
  type RequestFailureKind,
  retryDelay,
} from './retry.js';
