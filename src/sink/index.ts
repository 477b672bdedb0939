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
export { type ImportOptions, type ImportResult, importFindings, importReportOf } from './import.js';
export {
  createLimiter,
  type LimiterClusterOptions,
  type LimiterOptions,
  limiterSettings,
  type RequestLimiter,
} from './limiter.js';
export { assertBalanced, type ImportReport } from './report.js';
export {
  classifyFindingError,
  classifyRequestError,
  type FindingFailureKind,
  type RequestFailureKind,
  retryDelay,
} from './retry.js';
