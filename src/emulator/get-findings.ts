import { createHash } from 'node:crypto';
import type { AwsSecurityFinding, GetFindingsResponse } from '@aws-sdk/client-securityhub';
import { isJsonObject, type JsonObject, type OperationContext } from './context.js';
import { compileFilters, FILTER_FIELDS, valuesAt } from './filters.js';
import { ServiceError } from './service-error.js';
import type { StoredFinding } from './store.js';

const DEFAULT_MAX_RESULTS = 100;

type SortKey = string | number | null;

interface SortSpec {
  path: string;
  kind: 'string' | 'number' | 'date';
  descending: boolean;
}

/** Where the previous page ended: the sort keys and creation number of its last finding. */
interface PageToken {
  v: 1;
  /** Hash of Filters + SortCriteria, so a token is only used with the query that made it. */
  q: string;
  keys: SortKey[];
  seq: number;
}

/**
 * GetFindings over the caller's hub. Order: SortCriteria, then creation order. By default the NextToken names
 * the last finding returned (its sort keys and creation number) rather than an offset, so findings created or
 * deleted while a client pages never shift a page: no finding is returned twice or skipped, except one
 * whose sort field itself changes in between. With `getFindingsTokens: 'offset'` it is a position instead
 * (see {@link offsetPage}).
 */
export function getFindings(ctx: OperationContext, body: JsonObject): GetFindingsResponse {
  const maxResults = readMaxResults(body.MaxResults);
  const matches = compileFilters(body.Filters, ctx.now);
  const sort = readSortCriteria(body.SortCriteria);
  const query = createHash('sha256')
    .update(JSON.stringify([body.Filters ?? null, body.SortCriteria ?? null]))
    .digest('base64url')
    .slice(0, 16);
  if (ctx.getFindingsTokens === 'offset')
    return offsetPage(ctx, matches, sort, query, body.NextToken, maxResults);
  const after = readToken(body.NextToken, query);

  const remaining =
    sort.length === 0
      ? pageInCreationOrder(ctx, matches, after?.seq ?? 0, maxResults + 1)
      : sortedAfter(ctx, matches, sort, after);
  const page = remaining.slice(0, maxResults);
  // Not copied: the server serializes the answer synchronously, before any other request can change it.
  const response: GetFindingsResponse = { Findings: page.map((k) => k.stored.finding) };
  const last = page.at(-1);
  if (remaining.length > maxResults && last !== undefined) {
    const token: PageToken = { v: 1, q: query, keys: last.keys, seq: last.seq };
    response.NextToken = Buffer.from(JSON.stringify(token)).toString('base64url');
  }
  return response;
}

/**
 * `getFindingsTokens: 'offset'`: the token is the position of the next page in the result list as it is when
 * the next request arrives. A finding that stops matching in between (archived while the client pages on
 * RecordState ACTIVE) moves every later finding one place forward: the next page skips one.
 */
function offsetPage(
  ctx: OperationContext,
  matches: (finding: AwsSecurityFinding) => boolean,
  sort: readonly SortSpec[],
  query: string,
  nextToken: unknown,
  maxResults: number,
): GetFindingsResponse {
  const offset = readOffsetToken(nextToken, query);
  const all =
    sort.length === 0
      ? pageInCreationOrder(ctx, matches, 0, Number.POSITIVE_INFINITY)
      : sortedAfter(ctx, matches, sort, undefined);
  const page = all.slice(offset, offset + maxResults);
  const response: GetFindingsResponse = { Findings: page.map((k) => k.stored.finding) };
  if (offset + maxResults < all.length) {
    const token: OffsetToken = { v: 2, q: query, offset: offset + maxResults };
    response.NextToken = Buffer.from(JSON.stringify(token)).toString('base64url');
  }
  return response;
}

/** An offset-style NextToken: the position of the next page. */
interface OffsetToken {
  v: 2;
  q: string;
  offset: number;
}

function readOffsetToken(value: unknown, query: string): number {
  if (value === undefined || value === '') return 0;
  const token = decodeToken(value);
  if (
    token.v !== 2 ||
    typeof token.offset !== 'number' ||
    !Number.isInteger(token.offset) ||
    token.offset < 0
  )
    throw new ServiceError('InvalidInputException', 'Invalid NextToken');
  checkQuery(token, query);
  return token.offset;
}

function decodeToken(value: unknown): JsonObject {
  const invalid = new ServiceError('InvalidInputException', 'Invalid NextToken');
  if (typeof value !== 'string') throw invalid;
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!isJsonObject(token)) throw invalid;
  return token;
}

function checkQuery(token: JsonObject, query: string): void {
  if (token.q !== query) {
    throw new ServiceError(
      'InvalidInputException',
      'NextToken does not belong to these Filters and SortCriteria',
    );
  }
}

interface Keyed {
  stored: StoredFinding;
  keys: SortKey[];
  seq: number;
}

/** Without SortCriteria a hub's Map is already in creation order: stop after `limit` matches. */
function pageInCreationOrder(
  ctx: OperationContext,
  matches: (finding: AwsSecurityFinding) => boolean,
  afterSeq: number,
  limit: number,
): Keyed[] {
  const out: Keyed[] = [];
  for (const stored of ctx.store.hub(ctx.accountId, ctx.region).values()) {
    if (stored.seq <= afterSeq || !matches(stored.finding)) continue;
    out.push({ stored, keys: [], seq: stored.seq });
    if (out.length >= limit) break;
  }
  return out;
}

function sortedAfter(
  ctx: OperationContext,
  matches: (finding: AwsSecurityFinding) => boolean,
  sort: readonly SortSpec[],
  after: { keys: SortKey[]; seq: number } | undefined,
): Keyed[] {
  const compare = (a: { keys: SortKey[]; seq: number }, b: { keys: SortKey[]; seq: number }): number => {
    for (let i = 0; i < sort.length; i++) {
      const order = compareKeys(a.keys[i] ?? null, b.keys[i] ?? null);
      if (order !== 0) return sort[i]?.descending === true ? -order : order;
    }
    return a.seq - b.seq;
  };
  const out: Keyed[] = [];
  for (const stored of ctx.store.hub(ctx.accountId, ctx.region).values()) {
    if (!matches(stored.finding)) continue;
    const keyed = { stored, keys: sort.map((spec) => sortKey(stored.finding, spec)), seq: stored.seq };
    if (after === undefined || compare(keyed, after) > 0) out.push(keyed);
  }
  return out.sort(compare);
}

function readMaxResults(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_RESULTS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
    throw new ServiceError('InvalidInputException', 'MaxResults must be a number between 1 and 100');
  }
  return value;
}

/** Sort fields: a filter attribute name (`SeverityLabel`) or a top-level finding field (`UpdatedAt`). */
function readSortCriteria(value: unknown): SortSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ServiceError('InvalidInputException', 'SortCriteria must be a list');
  return value.map((item): SortSpec => {
    if (!isJsonObject(item) || typeof item.Field !== 'string') {
      throw new ServiceError('InvalidInputException', 'Each SortCriteria item needs a Field');
    }
    const order = item.SortOrder ?? 'asc';
    if (order !== 'asc' && order !== 'desc') {
      throw new ServiceError('InvalidInputException', `SortOrder must be asc or desc, not ${String(order)}`);
    }
    const field = FILTER_FIELDS[item.Field];
    if (field === undefined || field.kind === 'map' || field.kind === 'boolean') {
      throw new ServiceError('InvalidInputException', `Cannot sort by ${item.Field}`);
    }
    return { path: field.path, kind: field.kind, descending: order === 'desc' };
  });
}

function sortKey(finding: AwsSecurityFinding, spec: SortSpec): SortKey {
  const value = valuesAt(finding, spec.path)[0];
  if (spec.kind === 'date') {
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    return Number.isNaN(ms) ? null : ms;
  }
  if (spec.kind === 'number') return typeof value === 'number' ? value : null;
  return typeof value === 'string' ? value : null;
}

/** Missing values sort last in ascending order. */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function readToken(value: unknown, query: string): { keys: SortKey[]; seq: number } | undefined {
  if (value === undefined || value === '') return undefined;
  const token = decodeToken(value);
  if (token.v !== 1 || typeof token.seq !== 'number' || !Array.isArray(token.keys)) {
    throw new ServiceError('InvalidInputException', 'Invalid NextToken');
  }
  checkQuery(token, query);
  return { keys: token.keys as SortKey[], seq: token.seq };
}
