import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { IdHashSet } from '../asff/id-hash-set.js';
import { MAX_RUN_SOURCES } from '../scope.js';
import { inScope, type ScopeState, type StoredHistory, scopeKeyId } from './history.js';

/** Loads the state of the key (product, scope, source tool) that a finding shows, when its first finding arrives. */
export type ScopeStateLoader = (first: AwsSecurityFinding) => Promise<ScopeState>;

/** The Ids a run reported, kept as 12-byte hashes ({@link IdHashSet}; the Ids themselves can be 512 characters). */
export interface ReportedIds {
  has(id: string): boolean;
  readonly size: number;
}

/** A {@link ReportedIds} that the run adds to. */
export interface ReportedIdSet extends ReportedIds {
  /** Adds the Id of `finding` (given so that a set kept per key can tell the finding's key). */
  add(id: string, finding?: AwsSecurityFinding): void;
}

/** What history preservation did (`preserveHistory`). */
export interface HistoryCounters {
  /** Findings that went through. */
  seen: number;
  /** Findings that already existed: their CreatedAt/FirstObservedAt were taken from Security Hub. */
  preserved: number;
  /** Existing findings whose UpdatedAt had to be moved past the stored one (same millisecond, clock skew). */
  bumped: number;
  /** Findings stored as ARCHIVED that this run reports again: they are sent ACTIVE. */
  reactivated: number;
  /** Findings of no loaded state (another scope, product or account; past the state limit): passed on unchanged. */
  foreign: number;
}

/** The findings with history applied; iterate once. */
export interface PreservedRun extends AsyncIterable<AwsSecurityFinding> {
  /** Every Id this run sent on (grows while iterating). */
  readonly reported: ReportedIds;
  readonly counters: HistoryCounters;
  /** The first state in use; for a lazy loader, `undefined` until the first finding arrived. */
  readonly state: ScopeState | undefined;
  /**
   * Every state in use: one per key (product + scope + source tool) the run's findings belong to, loaded when the
   * key's first finding arrives; at most {@link MAX_RUN_SOURCES} (findings of further keys count as `foreign`).
   */
  readonly states: readonly ScopeState[];
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
 * `state` may be a loader, called with the first finding of each key (its ProductArn and the scope and
 * source-tool ProductFields name it): the pipeline's default scope is only known from the input, and a multi-run
 * SARIF log covers one key per run. `reported` records the Ids (default: a new {@link IdHashSet}; a run with
 * a state file records them in the state's table).
 */
export function preserveHistory(
  findings: AsyncIterable<AwsSecurityFinding> | Iterable<AwsSecurityFinding>,
  state: ScopeState | ScopeStateLoader,
  reported: ReportedIdSet = new IdHashSet(),
): PreservedRun {
  const counters: HistoryCounters = { seen: 0, preserved: 0, bumped: 0, reactivated: 0, foreign: 0 };
  const states: ScopeState[] = typeof state === 'function' ? [] : [state];
  const loader = typeof state === 'function' ? state : undefined;

  /** The state `finding` belongs to: the last one used, a loaded one, or a new one from the loader. */
  let last: ScopeState | undefined;
  async function stateOf(finding: AwsSecurityFinding): Promise<ScopeState | undefined> {
    if (last !== undefined && inScope(finding, last)) return last;
    let found = states.find((s) => inScope(finding, s));
    if (found === undefined && loader !== undefined && states.length < MAX_RUN_SOURCES) {
      const loaded = await loader(finding);
      const id = scopeKeyId(loaded);
      if (!states.some((s) => scopeKeyId(s) === id)) states.push(loaded);
      if (inScope(finding, loaded)) found = loaded;
    }
    if (found !== undefined) last = found;
    return found;
  }

  async function* generate(): AsyncGenerator<AwsSecurityFinding> {
    for await (const finding of findings) {
      counters.seen += 1;
      if (typeof finding.Id !== 'string') {
        yield finding;
        continue;
      }
      // The state first: a state file's `reported` records into its table once it is loaded.
      const current = await stateOf(finding);
      reported.add(finding.Id, finding);
      if (current === undefined) {
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
    states,
    get state() {
      return states[0];
    },
    [Symbol.asyncIterator]: () => generate()[Symbol.asyncIterator](),
  };
}
