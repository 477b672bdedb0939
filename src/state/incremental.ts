import { createWriteStream, type WriteStream } from 'node:fs';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { ConverterError } from '../errors.js';
import { inScope, type ScopeKey, type ScopeState, type StoredHistory } from '../sink/history.js';
import type { ReportedIdSet } from '../sink/preserve-history.js';
import { findingFingerprint } from './fingerprint.js';
import { decodeEntry, encodeEntry, fileLines, type StateKey, writeLines } from './format.js';
import type { StateSection } from './sections.js';
import type { StateFile } from './state-file.js';
import { FLAG, idDigest, type StateEntry, StateTable } from './table.js';

/** Security Hub deletes findings not updated for 90 days: their entries are dropped when the state is saved. */
export const RETENTION_MS = 90 * 24 * 3600 * 1000;
/** Default of `--refresh-after`: an unchanged finding is sent again once its last copy is this old. */
export const DEFAULT_REFRESH_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Why a state was not used (the run then reads the scope from Security Hub, as without a state). */
export type StateFallback = 'missing' | 'unreadable' | 'other-scope' | 'stale' | 'incomplete';

/** What the state did for one key (product + scope + source tool) of a run. */
export interface StateKeyReport {
  /** The key's scope (`ProductFields['asff-stream/scope']`). */
  scope: string;
  /** The key's source tool (`trivy`, `sarif/Semgrep`); absent for findings without one (the whole scope). */
  sourceTool?: string;
  /** True when history, archive candidates and unchanged findings of this key came from the state. */
  used: boolean;
  /** Why it was not used. */
  fallback?: StateFallback;
  /** One line on the fallback, for a human. */
  fallbackReason?: string;
  /** Entries of this key loaded. */
  loaded: number;
  /** Entries of this key written. */
  entries: number;
}

/** What the state did in a run (the report's `state`). */
export interface StateReport {
  /** `--state` as given. */
  location: string;
  /**
   * True when history, archive candidates and unchanged findings came from the state, for every key of the run
   * (see `keys` when there are several).
   */
  used: boolean;
  /** Why it was not used (for the first key that did not use it). */
  fallback?: StateFallback;
  /** One line on the fallback, for a human. */
  fallbackReason?: string;
  /** Entries loaded (all keys of the run). */
  loaded: number;
  /** True once the new state was written. */
  saved: boolean;
  /** Entries written for the run's keys. */
  entries: number;
  /** Conditional writes lost to another run (each one re-read and merged). */
  conflicts: number;
  /** Why the state was not saved. */
  error?: string;
  /** Each key's part, when the run covered more than one key (a multi-run SARIF log). */
  keys?: StateKeyReport[];
  /** Sections of other keys (not in this run) that the file holds and that were written back as they were. */
  kept?: number;
}

/** The state key of a lifecycle scope (the scope value as stored in ProductFields). */
export function stateKeyOf(key: ScopeKey & { sourceTool?: string }, accountId: string): StateKey {
  return {
    accountId: key.accountId ?? accountId,
    productArn: key.productArn,
    scope: key.scope,
    ...(key.sourceTool !== undefined ? { sourceTool: key.sourceTool } : {}),
  };
}

/** Options of {@link StateFile.open}. */
export interface OpenStateOptions {
  /** The run's start time. */
  now: Date;
  /** `--refresh-after` in ms. @defaultValue {@link DEFAULT_REFRESH_AFTER_MS} */
  refreshAfterMs?: number;
  /**
   * The run needs the whole scope (history, archive candidates): a state that is not `complete` is then
   * not used. @defaultValue false
   */
  needsScope?: boolean;
}

/** What {@link IncrementalState} starts from (made by {@link StateFile}). */
export interface IncrementalStateInit {
  file: StateFile;
  key: StateKey;
  scopeKey: ScopeKey;
  /** Prefix of this key's local files (its seed and spool), in the file's working directory. */
  workPrefix: string;
  table: StateTable;
  /** Files of entry lines holding the Ids of the table's entries (the key's section of the stored state). */
  sources: string[];
  complete: boolean;
  report: StateKeyReport;
  now: Date;
  refreshAfterMs?: number;
}

/**
 * The state of one key (product + scope + source tool) during a run: what Security Hub confirmed for each of
 * its findings, in a {@link StateTable} (no Id strings in memory: the Ids stay in the local copy of the
 * key's section and in a spool file of the Ids this run added). Gives the history of a finding, decides which
 * findings are unchanged, records what Security Hub confirms and finds the archive candidates. Its
 * {@link StateFile} reads and saves the file that holds every key's section.
 */
export class IncrementalState {
  /** This key's part of the report. */
  readonly keyReport: StateKeyReport;
  readonly key: StateKey;
  /** The lifecycle key the state is for. */
  readonly scopeKey: ScopeKey;
  private readonly file: StateFile;
  private readonly table: StateTable;
  /** Local files holding the Ids of the table's entries (first occurrence of a digest wins). */
  private readonly sources: string[];
  private spool: WriteStream | undefined;
  private spoolError: unknown;
  private readonly fingerprints = new WeakMap<AwsSecurityFinding, string>();
  /** The entries cover the whole scope (see `StateHeader.complete`). */
  private complete: boolean;
  private readonly nowMs: number;
  private readonly refreshAfterMs: number;
  private readonly workPrefix: string;

  constructor(init: IncrementalStateInit) {
    this.file = init.file;
    this.key = init.key;
    this.scopeKey = init.scopeKey;
    this.workPrefix = init.workPrefix;
    this.table = init.table;
    this.sources = init.sources;
    this.keyReport = init.report;
    this.complete = init.complete;
    this.nowMs = init.now.getTime();
    this.refreshAfterMs = init.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS;
  }

  /** The report of the whole state (every key of the run). */
  get report(): StateReport {
    return this.file.report;
  }

  /** True when history, candidates and unchanged findings of this key come from the state. */
  get used(): boolean {
    return this.keyReport.used;
  }

  /** True when the entries cover every finding Security Hub has for the key (written to the section header). */
  get isComplete(): boolean {
    return this.complete;
  }

  /** Findings of the scope known to be ACTIVE. */
  get active(): number {
    let active = 0;
    for (let entry = 0; entry < this.table.size; entry++) {
      const flags = this.table.flagsOf(entry);
      if ((flags & FLAG.confirmed) !== 0 && (flags & FLAG.archived) === 0) active += 1;
    }
    return active;
  }

  /** Entries in memory. */
  get size(): number {
    return this.table.size;
  }

  /** Bytes of the in-memory table (docs/lifecycle.md: per-entry memory). */
  get byteLength(): number {
    return this.table.byteLength;
  }

  /** Saves the whole state file (every key of the run): {@link StateFile.save}. */
  save(now: Date): Promise<void> {
    return this.file.save(now);
  }

  /** Removes the local copies of the whole state file: {@link StateFile.dispose}. */
  dispose(): Promise<void> {
    return this.file.dispose();
  }

  /**
   * Fills an unused state from the scope as read from Security Hub (the fallback): the findings' Ids go
   * to a local file and their history to the table, with no fingerprint, so each of them is sent once
   * and its fingerprint recorded.
   */
  async seed(state: ScopeState): Promise<void> {
    const path = `${this.workPrefix}seed.ndjson`;
    await writeLines(path, seedLines(this.table, state));
    this.sources.push(path);
    this.complete = true;
  }

  /** History lookups for `preserveHistory` (confirmed entries only). */
  history(): { get(id: string): StoredHistory | undefined; readonly size: number } {
    return {
      size: this.keyReport.loaded,
      get: (id) => {
        const entry = this.table.find(idDigest(id));
        if (entry < 0 || (this.table.flagsOf(entry) & FLAG.confirmed) === 0) return undefined;
        const value = this.table.get(entry);
        return {
          createdAt: isoTime(value.createdAt),
          firstObservedAt: Number.isNaN(value.firstObservedAt) ? undefined : isoTime(value.firstObservedAt),
          updatedAt: isoTime(value.lastSent),
          recordState: value.archived ? 'ARCHIVED' : 'ACTIVE',
        };
      },
    };
  }

  /** The run's reported Ids of this key, kept as a flag of the table's entries (no second per-Id structure). */
  reported(): ReportedIdSet {
    const table = this.table;
    const counter = { size: 0 };
    return {
      add(id) {
        const entry = table.findOrAdd(idDigest(id));
        if ((table.flagsOf(entry) & FLAG.reported) !== 0) return;
        table.setFlags(entry, FLAG.reported);
        counter.size += 1;
      },
      has(id) {
        const entry = table.find(idDigest(id));
        return entry >= 0 && (table.flagsOf(entry) & FLAG.reported) !== 0;
      },
      get size() {
        return counter.size;
      },
    };
  }

  /**
   * True when the finding need not be sent: its fingerprint is the one Security Hub confirmed last, its
   * RecordState is the same, and that copy was sent within the refresh window. Remembers the fingerprint
   * of a finding that will be sent, for {@link confirm}.
   */
  isUnchanged(finding: AwsSecurityFinding): boolean {
    if (typeof finding.Id !== 'string' || !inScope(finding, this.scopeKey)) return false;
    const fingerprint = findingFingerprint(finding);
    const entry = this.table.find(idDigest(finding.Id));
    const flags = entry < 0 ? 0 : this.table.flagsOf(entry);
    const unchanged =
      (flags & FLAG.confirmed) !== 0 &&
      this.table.sameFingerprint(entry, fingerprint) &&
      ((flags & FLAG.archived) !== 0) === (finding.RecordState === 'ARCHIVED') &&
      this.nowMs - this.table.lastSent(entry) < this.refreshAfterMs;
    if (!unchanged) this.fingerprints.set(finding, fingerprint);
    return unchanged;
  }

  /**
   * Records a finding Security Hub accepted (the sink's `onImported`): its fingerprint, timestamps and
   * RecordState. A copy with an earlier UpdatedAt than the one recorded does not replace it, as in
   * Security Hub. Findings of other keys are ignored.
   */
  confirm(finding: AwsSecurityFinding): void {
    if (typeof finding.Id !== 'string' || !inScope(finding, this.scopeKey)) return;
    const updatedAt = Date.parse(finding.UpdatedAt ?? '');
    const createdAt = Date.parse(finding.CreatedAt ?? '');
    if (!Number.isFinite(updatedAt) || !Number.isFinite(createdAt)) return;
    const entry = this.table.findOrAdd(idDigest(finding.Id));
    const flags = this.table.flagsOf(entry);
    if ((flags & FLAG.confirmed) !== 0 && this.table.lastSent(entry) > updatedAt) return;
    const value: StateEntry = {
      fingerprint: this.fingerprints.get(finding) ?? findingFingerprint(finding),
      createdAt,
      firstObservedAt: Date.parse(finding.FirstObservedAt ?? ''),
      lastSent: updatedAt,
      archived: finding.RecordState === 'ARCHIVED',
    };
    this.table.set(entry, value);
    this.table.setFlags(entry, FLAG.confirmed);
    if ((flags & FLAG.idStored) === 0) {
      this.spoolWrite(`${encodeEntry(finding.Id, value)}\n`);
      this.table.setFlags(entry, FLAG.idStored);
    }
  }

  /**
   * Records that Security Hub no longer has this finding ACTIVE (an archive candidate read back and not
   * found ACTIVE): it is kept as ARCHIVED, so it is no candidate any more, and keeps its history if it
   * comes back.
   */
  markGone(id: string): void {
    const entry = this.table.find(idDigest(id));
    if (entry >= 0 && (this.table.flagsOf(entry) & FLAG.confirmed) !== 0)
      this.table.setFlags(entry, FLAG.archived);
  }

  /**
   * The archive candidates: confirmed ACTIVE entries the run did not report, with their Ids read back
   * from the local files (one streaming pass). Memory grows with the candidates, not the scope.
   */
  async candidates(): Promise<Map<string, StoredHistory>> {
    const wanted = (entry: number) => {
      const flags = this.table.flagsOf(entry);
      return (flags & FLAG.confirmed) !== 0 && (flags & FLAG.archived) === 0 && (flags & FLAG.reported) === 0;
    };
    const found = new Map<string, StoredHistory>();
    const history = this.history();
    for (const source of this.sources) {
      for await (const line of fileLines(source)) {
        const decoded = decodeEntry(line);
        if (decoded === undefined || found.has(decoded.id)) continue;
        const entry = this.table.find(idDigest(decoded.id));
        if (entry >= 0 && wanted(entry)) found.set(decoded.id, history.get(decoded.id) as StoredHistory);
      }
    }
    return found;
  }

  /**
   * Adds another run's section of this key (read after a lost conditional write): an entry missing here is
   * added, one present in both keeps the copy sent last.
   */
  async merge(section: StateSection): Promise<void> {
    // A complete picture plus more confirmed entries is still complete.
    if (section.header.complete) this.complete = true;
    for await (const line of fileLines(section.path)) {
      const decoded = decodeEntry(line);
      if (decoded === undefined) continue;
      const entry = this.table.findOrAdd(idDigest(decoded.id));
      const flags = this.table.flagsOf(entry);
      if ((flags & FLAG.confirmed) === 0 || decoded.entry.lastSent > this.table.lastSent(entry)) {
        this.table.set(entry, decoded.entry);
        this.table.setFlags(entry, FLAG.confirmed | FLAG.idStored);
      }
    }
    // Merged entries take their Ids from the remote copy.
    this.sources.push(section.path);
  }

  /** Entries {@link entryLines} will write: confirmed ones sent since `cutoff`. */
  countEntries(cutoff: number): number {
    let count = 0;
    for (let entry = 0; entry < this.table.size; entry++) if (this.keeps(entry, cutoff)) count += 1;
    return count;
  }

  /**
   * The key's entry lines for a save: every confirmed entry whose last copy is younger than `cutoff` (Security
   * Hub's 90-day retention), each once, with its Id from the local files. Call {@link endSave} after.
   */
  async *entryLines(cutoff: number): AsyncGenerator<string> {
    await this.closeSpool();
    for (const source of this.sources) {
      for await (const line of fileLines(source)) {
        const decoded = decodeEntry(line);
        if (decoded === undefined) continue;
        const entry = this.table.find(idDigest(decoded.id));
        if (entry < 0 || !this.keeps(entry, cutoff)) continue;
        this.table.setFlags(entry, FLAG.emitted);
        yield `${encodeEntry(decoded.id, this.table.get(entry))}\n`;
      }
    }
  }

  /** Forgets which entries the last {@link entryLines} wrote. */
  endSave(): void {
    this.table.clearAll(FLAG.emitted);
  }

  /** Ends the spool file of the Ids this run added (before its lines are read back). */
  async closeSpool(): Promise<void> {
    const spool = this.spool;
    if (spool !== undefined && !spool.closed) {
      await new Promise<void>((resolve) => spool.end(resolve));
    }
    if (this.spoolError !== undefined)
      throw new ConverterError('E_IO', `cannot write the state's spool file: ${String(this.spoolError)}`);
  }

  private keeps(entry: number, cutoff: number): boolean {
    return (
      (this.table.flagsOf(entry) & (FLAG.confirmed | FLAG.emitted)) === FLAG.confirmed &&
      this.table.lastSent(entry) >= cutoff
    );
  }

  private spoolWrite(line: string): void {
    if (this.spool === undefined) {
      const path = `${this.workPrefix}spool.ndjson`;
      this.spool = createWriteStream(path);
      this.spool.on('error', (error) => {
        this.spoolError ??= error;
      });
      this.sources.push(path);
    }
    this.spool.write(line);
  }
}

/**
 * Loads a section's entries into a new table, or says why the key's state cannot be used (the checks of the
 * header first: too old, or incomplete where the run needs the whole scope).
 */
export async function loadSection(
  section: StateSection,
  options: OpenStateOptions,
): Promise<{ table: StateTable } | { fallback: StateFallback; reason: string }> {
  const { header } = section;
  if (options.needsScope === true && !header.complete)
    return {
      fallback: 'incomplete',
      reason:
        'the state was written by runs that never read the scope, so it may lack findings this run must know',
    };
  const age = options.now.getTime() - Date.parse(header.writtenAt);
  const window = options.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS;
  if (age > window)
    return {
      fallback: 'stale',
      reason: `the state was written ${header.writtenAt}, longer ago than --refresh-after`,
    };
  const table = new StateTable(header.entries);
  let count = 0;
  for await (const line of fileLines(section.path)) {
    const decoded = decodeEntry(line);
    if (decoded === undefined)
      return {
        fallback: 'unreadable',
        reason: `line ${section.line + count + 1} of the state is not an entry`,
      };
    const entry = table.findOrAdd(idDigest(decoded.id));
    table.set(entry, decoded.entry);
    table.setFlags(entry, FLAG.confirmed | FLAG.idStored);
    count += 1;
  }
  return { table };
}

const isoTimes = new Map<number, string>();
/** `new Date(ms).toISOString()`, remembered: a scope's findings share a few run timestamps. */
function isoTime(ms: number): string {
  let iso = isoTimes.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    if (isoTimes.size >= 4096) isoTimes.clear();
    isoTimes.set(ms, iso);
  }
  return iso;
}

function* seedLines(table: StateTable, state: ScopeState): Generator<string> {
  for (const [id, stored] of state.findings) {
    const value: StateEntry = {
      fingerprint: '',
      createdAt: Date.parse(stored.createdAt),
      firstObservedAt: Date.parse(stored.firstObservedAt ?? ''),
      lastSent: Date.parse(stored.updatedAt),
      archived: stored.recordState === 'ARCHIVED',
    };
    if (!Number.isFinite(value.createdAt) || !Number.isFinite(value.lastSent)) continue;
    const entry = table.findOrAdd(idDigest(id));
    table.set(entry, value);
    table.setFlags(entry, FLAG.confirmed | FLAG.idStored);
    yield `${encodeEntry(id, value)}\n`;
  }
}
