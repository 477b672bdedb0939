/**
 * asff-stream: stream scanner output (SARIF, Trivy JSON, Nessus XML, CSV) into AWS Security Finding Format and
 * import it into AWS Security Hub.
 */
export type {
  Adapter,
  AdapterContext,
  AdapterMeta,
  AdapterOption,
  DetectSample,
  Finding,
  FindingSeverity,
  Issue,
  ScopeHintKind,
  SeverityLabel,
} from './adapter.js';
export { defineAdapter, REPEAT_MERGE_WINDOW } from './adapter.js';
export type { AsffBuildResult, AsffContext } from './asff/build.js';
export {
  ADAPTER_PRODUCT_FIELD,
  defaultProductArn,
  partitionOf,
  SCOPE_PRODUCT_FIELD,
  toAsff,
} from './asff/build.js';
export { findingId, generatorId } from './asff/id.js';
export { ID_HASH_BYTES, IdHashSet, idHash } from './asff/id-hash-set.js';
export * as limits from './asff/limits.js';
export { SOURCE_TOOL_PRODUCT_FIELD, sourceToolOf } from './asff/source-tool.js';
export type { AsffViolation } from './asff/validate.js';
export { describeViolations, validateAsff } from './asff/validate.js';
export { detectAdapter, scoreAdapters } from './detect.js';
export type {
  AccessKeyRule,
  EmulatorOptions,
  EmulatorStats,
  FaultOptions,
  RateLimit,
  RequestRecord,
  RunningEmulator,
  ThrottlingOptions,
} from './emulator/index.js';
export { DEFAULT_RATES, startEmulator } from './emulator/index.js';
export type { ConverterErrorOptions, ErrorCode, InputPosition } from './errors.js';
export { ConverterError, isConverterError } from './errors.js';
export type { IssueCode } from './issue-codes.js';
export { ISSUE_CODES, isIssueCode } from './issue-codes.js';
export type { ConversionRun, ConversionStats, ConvertOptions, InputSource } from './pipeline.js';
export { convert } from './pipeline.js';
export type { AdapterName } from './registry.js';
export { ADAPTER_NAMES, builtinAdapters, getAdapter } from './registry.js';
export {
  findRepository,
  REPOSITORY_ENV,
  type RepositoryIdentity,
  type RepositoryLookup,
  type ResolvedScope,
  repositoryName,
  resolveScope,
  type ScopeInput,
} from './scope.js';
export {
  isAtLeast,
  labelFromCvss,
  labelFromNessusSeverity,
  labelFromSarifLevel,
  normalizeLabel,
  SEVERITY_LABELS,
  SEVERITY_RANK,
  severity,
} from './severity.js';
export type {
  BatchImportClient,
  ClientOptions,
  DeadLetter,
  DeadLetterEntry,
  ImportOptions,
  ImportReport,
  ImportResult,
  LifecycleOptions,
  LifecycleReport,
  LimiterClusterOptions,
  LimiterOptions,
  RequestLimiter,
  StateReport,
  StateStore,
} from './sink/index.js';
export {
  archiveMissing,
  callerAccountId,
  createLimiter,
  fetchScopeState,
  fileStateStore,
  importFindings,
  importReportOf,
  importWithLifecycle,
  lazyDeadLetterFile,
  lifecycleReportOf,
  memoryDeadLetter,
  openDeadLetter,
  openStateStore,
  preserveHistory,
} from './sink/index.js';
