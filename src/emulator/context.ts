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
  /** False when the caller's hub is not enabled (reached only with `disabledHubAnswer: 'failed-findings'`). */
  hubEnabled: boolean;
  /** GetFindings NextToken style (`EmulatorOptions.getFindingsTokens`). */
  getFindingsTokens: 'cursor' | 'offset';
}

export { isJsonObject, type JsonObject } from '../internal/json-object.js';
