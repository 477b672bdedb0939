import { createHash } from 'node:crypto';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { inScope, type ScopeKey, type StoredHistory } from './history.js';

/** What history needs of a scope: its key and a lookup of its stored findings by Id. */
export type HistorySource = ScopeKey & { readonly findings: { get(id: string): StoredHistory | undefined } };

/** Loads the scope state when the first finding shows which scope and product the run is about. */
export type ScopeStateLoader = (first: AwsSecurityFinding) => Promise<HistorySource>;

/** The Ids a run reported, kept as 12-byte digests (the Ids themselves can be 512 characters). */
export interface ReportedIds {
  has(id: string): boolean;
  readonly size: number;
}

/** A {@link ReportedIds} that the run adds to. */
export interface ReportedIdSet extends ReportedIds {
  add(id: string): void;
}

/** What {@link preserveHistory} did. */
export interface HistoryCounters {
  /** Findings that went through. */
  seen: number;
  /** Findings that already existed: their CreatedAt/FirstObservedAt were taken from Security Hub. */
  preserved: number;
  /** Existing findings whose UpdatedAt had to be moved past the stored one (same millisecond, clock skew). */
  bumped: number;
  /** Findings stored as ARCHIVED that this run reports again: they are sent ACTIVE. */
  reactivated: number;
  /** Findings of another scope, product or account than the state's: passed on unchanged. */
  foreign: number;
}

/** The findings with history applied; iterate once. */
export interface PreservedRun extends AsyncIterable<AwsSecurityFinding> {
  /** Every Id this run sent on (grows while iterating). */
  readonly reported: ReportedIds;
  readonly counters: HistoryCounters;
  /** The state in use; for a lazy loader, `undefined` until the first finding arrived. */
  readonly state: HistorySource | undefined;
}

/** A set of Id digests: 12 bytes of SHA-1 per Id, about 60 bytes per entry in a V8 Set. */
export class IdDigestSet implements ReportedIdSet {
  private readonly digests = new Set<string>();

  add(id: string): void {
    this.digests.add(digest(id));
  }

  has(id: string): boolean {
    return this.digests.has(digest(id));
  }

  get size(): number {
    return this.digests.size;
  }
}

function digest(id: string): string {
  return createHash('sha1').update(id).digest().toString('latin1', 0, 12);
}

/**
 * `candidate` if it is strictly later than `previous`, else `previous` + 1 ms. Security Hub ignores an
 * update whose UpdatedAt is equal to or earlier than the stored one (asff-facts §3), so a re-import in
 * the same millisecond as the last run, or from a machine whose clock is behind, would be silently
 * dropped. Compared as instants; `Date.parse` truncates sub-millisecond digits, so "+ 1 ms of the
 * truncated value" is still strictly later. An unparseable timestamp leaves `candidate` as it is.
 */
export function strictlyAfter(candidate: string | undefined, previous: string): string | undefined {
  const before = Date.parse(previous);
  if (!Number.isFinite(before)) return candidate;
  const after = candidate === undefined ? Number.NaN : Date.parse(candidate);
  if (Number.isFinite(after) && after > before) return candidate;
  return new Date(before + 1).toISOString();
}

/**
 * The finding with the history of its stored copy: CreatedAt and FirstObservedAt as stored, UpdatedAt
 * strictly after the stored UpdatedAt (see {@link strictlyAfter}), LastObservedAt as this run says, and
 * RecordState ACTIVE when it was archived and the run did not say otherwise.
 */
export function withHistory(finding: AwsSecurityFinding, stored: StoredHistory): AwsSecurityFinding {
  const updatedAt = strictlyAfter(finding.UpdatedAt, stored.updatedAt);
  return {
    ...finding,
    CreatedAt: stored.createdAt,
    ...(stored.firstObservedAt !== undefined ? { FirstObservedAt: stored.firstObservedAt } : {}),
    ...(updatedAt !== undefined ? { UpdatedAt: updatedAt } : {}),
    ...(finding.RecordState === undefined && stored.recordState === 'ARCHIVED'
      ? { RecordState: 'ACTIVE' as const }
      : {}),
  };
}

/**
 * Applies Security Hub's stored history to a run's findings as they stream by: a finding that already
 * exists (same Id in `state`) keeps its CreatedAt and FirstObservedAt, and gets an UpdatedAt strictly
 * later than the stored one; new findings pass unchanged (CreatedAt = UpdatedAt = the run's time, as
 * Security Hub wants on creation). Records every Id it passes on, for `archiveMissing`.
 *
 * `state` may be a loader, called once with the first finding (whose ProductFields and ProductArn name
 * the scope): the pipeline's default scope is only known from the input. `reported` records the Ids
 * (default: a new {@link IdDigestSet}; a run with a state file records them in the state's table).
 */
export function preserveHistory(
  findings: AsyncIterable<AwsSecurityFinding> | Iterable<AwsSecurityFinding>,
  state: HistorySource | ScopeStateLoader,
  reported: ReportedIdSet = new IdDigestSet(),
): PreservedRun {
  const counters: HistoryCounters = { seen: 0, preserved: 0, bumped: 0, reactivated: 0, foreign: 0 };
  let current = typeof state === 'function' ? undefined : state;
  const loader = typeof state === 'function' ? state : undefined;

  async function* generate(): AsyncGenerator<AwsSecurityFinding> {
    for await (const finding of findings) {
      counters.seen += 1;
      // The loader first: a state-backed `reported` exists only once the scope's state is loaded.
      if (current === undefined && loader !== undefined) current = await loader(finding);
      if (typeof finding.Id === 'string') reported.add(finding.Id);
      if (current === undefined || typeof finding.Id !== 'string') {
        yield finding;
        continue;
      }
      if (!inScope(finding, current)) {
        counters.foreign += 1;
        yield finding;
        continue;
      }
      const stored = current.findings.get(finding.Id);
      if (stored === undefined) {
        yield finding;
        continue;
      }
      const updated = withHistory(finding, stored);
      counters.preserved += 1;
      if (updated.UpdatedAt !== finding.UpdatedAt) counters.bumped += 1;
      if (stored.recordState === 'ARCHIVED' && updated.RecordState !== 'ARCHIVED') counters.reactivated += 1;
      yield updated;
    }
  }

  return {
    reported,
    counters,
    get state() {
      return current;
    },
    [Symbol.asyncIterator]: () => generate()[Symbol.asyncIterator](),
  };
}
