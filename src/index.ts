/**
 * asff-stream: stream scanner output (SARIF, Trivy JSON, Nessus XML, CSV) into AWS Security Finding Format and
 * import it into AWS Security Hub.
 *
 * The public API, deliberately small: the adapter contract, convert, toAsff and validateAsff, the import sink and
 * lifecycle, the emulator, and their types. `asff-stream/toolkit` and `asff-stream/testing` are for adapter
 * authors. `api/*.api.md` (API Extractor, one report per entry point) lists everything; a change there is a change
 * of what users can import.
 *
 * @packageDocumentation
 */
export type {
  Adapter,
  AdapterContext,
  AdapterMeta,
  AdapterOption,
  DetectSample,
  Finding,
  FindingSeverity,
  FindingSource,
  Issue,
  ScopeHintKind,
  SeverityLabel,
} from './adapter.js';
export { defineAdapter } from './adapter.js';
export type { AsffBuildResult, AsffContext } from './asff/build.js';
export { ADAPTER_PRODUCT_FIELD, SCOPE_PRODUCT_FIELD, toAsff } from './asff/build.js';
export * as limits from './asff/limits.js';
export { SOURCE_TOOL_PRODUCT_FIELD } from './asff/source-tool.js';
export type { AsffViolation } from './asff/validate.js';
export { describeViolations, validateAsff } from './asff/validate.js';
export type {
  AccessKeyRule,
  EmulatorOperation,
  EmulatorOptions,
  EmulatorStats,
  EmulatorViolation,
  FaultOptions,
  FindingQuery,
  FindingValidator,
  RateLimit,
  RequestRecord,
  RunningEmulator,
  ThrottleStorm,
  ThrottlingOptions,
} from './emulator/index.js';
export { DEFAULT_RATES, startEmulator } from './emulator/index.js';
export type { ConverterErrorOptions, ErrorCode, InputPosition } from './errors.js';
export { ConverterError, isConverterError } from './errors.js';
export type { IssueCode } from './issue-codes.js';
export { ISSUE_CODES, isIssueCode } from './issue-codes.js';
export type { ConversionRun, ConversionStats, ConvertOptions, InputSource, RunSource } from './pipeline.js';
export { convert } from './pipeline.js';
export type { AdapterName } from './registry.js';
export { ADAPTER_NAMES, builtinAdapters, getAdapter } from './registry.js';
export type { RepositoryIdentity } from './scope.js';
export { isAtLeast, labelFromCvss, normalizeLabel, SEVERITY_LABELS } from './severity.js';
export type {
  ArchiveBlocker,
  ArchiveFetchStrategy,
  ArchiveReport,
  BatchImportClient,
  BatchLimits,
  ClientOptions,
  DeadLetter,
  DeadLetterEntry,
  FetchCounters,
  GetFindingsClient,
  HistoryCounters,
  HistoryReport,
  ImportOptions,
  ImportReport,
  ImportResult,
  LifecycleOptions,
  LifecycleReport,
  LifecycleResult,
  LimiterClusterOptions,
  LimiterOptions,
  LimiterSettings,
  MemoryDeadLetter,
  PutResult,
  RequestLimiter,
  ScopeKey,
  SecurityHubLikeClient,
  StateFallback,
  StateKeyReport,
  StateReport,
  StateStore,
} from './sink/index.js';
export {
  callerAccountId,
  createLimiter,
  fileStateStore,
  importFindings,
  importWithLifecycle,
  memoryDeadLetter,
  openDeadLetter,
  openStateStore,
} from './sink/index.js';
export type { StateStoreOptions } from './state/store.js';
