import type { RateLimit } from './types.js';

/** Default quotas from the Security Hub documentation (asff-facts §1.2). */
export const DEFAULT_RATES = {
  BatchImportFindings: { ratePerSecond: 10, burst: 30 },
  GetFindings: { ratePerSecond: 3, burst: 6 },
  BatchUpdateFindings: { ratePerSecond: 10, burst: 30 },
} as const satisfies Record<string, RateLimit>;
