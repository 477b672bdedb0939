import type { FaultInjector } from './faults.js';
import type { RequestLog } from './request-log.js';
import type { FindingStore } from './store.js';
import type { FindingValidator } from './types.js';

/** Everything an operation handler needs besides its input. */
export interface OperationContext {
  accountId: string;
  region: string;
  /** Wall-clock time of the request. */
  now: Date;
  store: FindingStore;
  log: RequestLog;
  faults: FaultInjector;
  validate: FindingValidator;
  maxFindingBytes: number;
  enabledProductArns: ReadonlySet<string>;
}

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
