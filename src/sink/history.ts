import type { AwsSecurityFinding, AwsSecurityFindingFilters } from '@aws-sdk/client-securityhub';
import { SCOPE_PRODUCT_FIELD } from '../asff/build.js';
import { MAX_PRODUCT_FIELD_VALUE_LENGTH } from '../asff/limits.js';
import { SOURCE_TOOL_PRODUCT_FIELD } from '../asff/source-tool.js';
import { truncateText } from '../asff/text.js';
import {
  type FetchCounters,
  type FetchRetryOptions,
  fetchCounters,
  type GetFindingsClient,
  pageFindings,
} from './get-findings.js';
import type { RequestLimiter } from './limiter.js';

/**
 * Which findings one kind of run owns: one product, one scope value, one source tool, optionally one account.
 * A state or cache of a run should be keyed by all of these (`scopeKeyId`).
 */
export interface ScopeKey {
  /** The findings' `ProductArn`. */
  productArn: string;
  /** The scope, as the pipeline stores it in `ProductFields['asff-stream/scope']`. */
  scope: string;
  /**
   * The source tool (`sourceToolOf`: `trivy`, `sarif/Semgrep`), as stored in
   * `ProductFields['asff-stream/source-tool']`. Absent only for findings that do not carry one (made outside the
   * pipeline, or by asff-stream before source tools): then the key covers the whole scope.
   */
  sourceTool?: string;
  /** The findings' `AwsAccountId`; when given, it is filtered on and checked too. */
  accountId?: string;
}

/** What is kept of one existing finding: four short strings, nothing else. */
export interface StoredHistory {
  readonly createdAt: string;
  readonly firstObservedAt: string | undefined;
  readonly updatedAt: string;
  readonly recordState: 'ACTIVE' | 'ARCHIVED';
}

/**
 * The findings Security Hub holds for one scope, ACTIVE and ARCHIVED, as Id → {@link StoredHistory}.
 * Memory per finding is the Id string plus one small object: timestamps are shared between findings that
 * have the same value (every finding of one run has the same CreatedAt), and the RecordState values are
 * constants. Measured on Node 20: about 180 bytes per finding with 68-character Ids (docs/lifecycle.md).
 */
export interface ScopeState extends ScopeKey {
  readonly findings: ReadonlyMap<string, StoredHistory>;
  /** Findings with RecordState ACTIVE. */
  readonly active: number;
  /** Findings returned by GetFindings that were not of this scope, product or account (ignored). */
  readonly foreign: number;
  /** The GetFindings requests this fetch made. */
  readonly fetch: FetchCounters;
}

/** Options of {@link fetchScopeState}. */
export interface FetchScopeStateOptions extends ScopeKey, FetchRetryOptions {
  client: GetFindingsClient;
  /** Paces GetFindings: `createGetFindingsLimiter()` (3 req/s, burst 6). */
  limiter: RequestLimiter;
  signal?: AbortSignal;
  /**
   * Also filter on RecordState ACTIVE (for a fetch that needs only the findings that can be archived).
   * @defaultValue false (ARCHIVED findings keep their history when they come back)
   */
  activeOnly?: boolean;
}

/** The scope value as stored in ProductFields (trimmed, and cut to the ProductFields value limit like `toAsff`). */
export function storedScopeValue(scope: string): string {
  return truncateText(scope.trim(), MAX_PRODUCT_FIELD_VALUE_LENGTH);
}

/**
 * The GetFindings filters of one scope: ProductArn EQUALS, `ProductFields['asff-stream/scope']` EQUALS,
 * `ProductFields['asff-stream/source-tool']` EQUALS when the key has a source tool (map filters on different keys
 * are ANDed), and AwsAccountId EQUALS when known. Findings of other scopes, source tools, products or accounts
 * never match.
 */
export function scopeFilters(
  key: ScopeKey,
  extra: AwsSecurityFindingFilters = {},
): AwsSecurityFindingFilters {
  const productFields = [
    { Key: SCOPE_PRODUCT_FIELD, Value: storedScopeValue(key.scope), Comparison: 'EQUALS' as const },
  ];
  if (key.sourceTool !== undefined)
    productFields.push({ Key: SOURCE_TOOL_PRODUCT_FIELD, Value: key.sourceTool, Comparison: 'EQUALS' });
  return {
    ProductArn: [{ Value: key.productArn, Comparison: 'EQUALS' }],
    ProductFields: productFields,
    ...(key.accountId !== undefined
      ? { AwsAccountId: [{ Value: key.accountId, Comparison: 'EQUALS' }] }
      : {}),
    ...extra,
  };
}

/** One string naming a key (product, account, scope, source tool): equal keys, equal strings. */
export function scopeKeyId(key: ScopeKey): string {
  return JSON.stringify([
    key.productArn,
    key.accountId ?? null,
    storedScopeValue(key.scope),
    key.sourceTool ?? null,
  ]);
}

/** The key a finding made by the pipeline belongs to (its ProductArn, scope and source tool fields). */
export function scopeKeyOfFinding(finding: AwsSecurityFinding, fallback: ScopeKey): ScopeKey {
  const sourceTool = finding.ProductFields?.[SOURCE_TOOL_PRODUCT_FIELD];
  const key: ScopeKey = {
    productArn: finding.ProductArn ?? fallback.productArn,
    scope: finding.ProductFields?.[SCOPE_PRODUCT_FIELD] ?? fallback.scope,
  };
  if (sourceTool !== undefined) key.sourceTool = sourceTool;
  else if (fallback.sourceTool !== undefined) key.sourceTool = fallback.sourceTool;
  if (fallback.accountId !== undefined) key.accountId = fallback.accountId;
  return key;
}

/**
 * True when the finding belongs to the scope: the defensive check applied to every finding read back,
 * whatever the filter said.
 */
export function inScope(finding: AwsSecurityFinding, key: ScopeKey): boolean {
  return (
    finding.ProductArn === key.productArn &&
    finding.ProductFields?.[SCOPE_PRODUCT_FIELD] === storedScopeValue(key.scope) &&
    (key.sourceTool === undefined || finding.ProductFields?.[SOURCE_TOOL_PRODUCT_FIELD] === key.sourceTool) &&
    (key.accountId === undefined || finding.AwsAccountId === key.accountId)
  );
}

/**
 * Reads every finding of one product + scope from Security Hub (GetFindings, 100 per page, NextToken
 * pagination, paced by `limiter`) and keeps only what history preservation and archiving need:
 * CreatedAt, FirstObservedAt, UpdatedAt and RecordState per Id. No RecordState filter by default, so
 * ARCHIVED findings that come back keep their CreatedAt too.
 */
export async function fetchScopeState(options: FetchScopeStateOptions): Promise<ScopeState> {
  const key = keyOf(options);
  const counters = fetchCounters();
  const findings = new Map<string, StoredHistory>();
  const shared = new Map<string, string>();
  const intern = (value: string): string => {
    const known = shared.get(value);
    if (known !== undefined) return known;
    // Bounded: a scope's findings share a handful of run timestamps; past that, stop sharing.
    if (shared.size < 10_000) shared.set(value, value);
    return value;
  };
  let active = 0;
  let foreign = 0;
  for await (const page of pageFindings({
    ...options,
    filters: scopeFilters(key, options.activeOnly === true ? ACTIVE_FILTER : {}),
    counters,
  })) {
    for (const finding of page) {
      if (typeof finding.Id !== 'string' || !inScope(finding, key)) {
        foreign += 1;
        continue;
      }
      const createdAt = finding.CreatedAt ?? finding.UpdatedAt;
      const updatedAt = finding.UpdatedAt ?? finding.CreatedAt;
      if (createdAt === undefined || updatedAt === undefined) {
        foreign += 1;
        continue;
      }
      const recordState = finding.RecordState === 'ARCHIVED' ? 'ARCHIVED' : 'ACTIVE';
      const previous = findings.get(finding.Id);
      if (previous?.recordState === 'ACTIVE') active -= 1;
      if (recordState === 'ACTIVE') active += 1;
      findings.set(finding.Id, {
        createdAt: intern(createdAt),
        firstObservedAt: finding.FirstObservedAt === undefined ? undefined : intern(finding.FirstObservedAt),
        updatedAt: intern(updatedAt),
        recordState,
      });
    }
  }
  return { ...key, findings, active, foreign, fetch: counters };
}

/** The RecordState filter of an ACTIVE-only fetch. */
export const ACTIVE_FILTER: AwsSecurityFindingFilters = {
  RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
};

/** An empty state for a scope that has no findings yet (or when the fetch is skipped). */
export function emptyScopeState(key: ScopeKey): ScopeState {
  return { ...key, findings: new Map(), active: 0, foreign: 0, fetch: fetchCounters() };
}

/** Just the key of an object that extends {@link ScopeKey} (a state, options). */
export function keyOf(value: ScopeKey): ScopeKey {
  const key: ScopeKey = { productArn: value.productArn, scope: value.scope };
  if (value.sourceTool !== undefined) key.sourceTool = value.sourceTool;
  if (value.accountId !== undefined) key.accountId = value.accountId;
  return key;
}
