import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { ConverterError } from '../errors.js';
import { inScope, type ScopeKey, type ScopeState, type StoredHistory } from '../sink/history.js';
import type { ReportedIdSet } from '../sink/preserve-history.js';
import { findingFingerprint } from './fingerprint.js';
import {
  decodeEntry,
  decodeHeader,
  encodeEntry,
  fileLines,
  STATE_FORMAT,
  STATE_VERSION,
  type StateHeader,
  type StateKey,
  sameKey,
} from './format.js';
import type { StateStore } from './store.js';
import { FLAG, idDigest, type StateEntry, StateTable } from './table.js';

/** Security Hub deletes findings not updated for 90 days: their entries are dropped when the state is saved. */
export const RETENTION_MS = 90 * 24 * 3600 * 1000;
/** Default of `--refresh-after`: an unchanged finding is sent again once its last copy is this old. */
export const DEFAULT_REFRESH_AFTER_MS = 7 * 24 * 3600 * 1000;
/** Conditional writes tried before a save gives up (each lost race re-reads and merges). */
const MAX_SAVE_ATTEMPTS = 8;

/** Why a state was not used (the run then reads the scope from Security Hub, as without a state). */
export type StateFallback = 'missing' | 'unreadable' | 'other-scope' | 'stale' | 'incomplete';

/** What the state did in a run (the report's `state`). */
export interface StateReport {
  /** `--state` as given. */
  location: string;
  /** True when history, archive candidates and unchanged findings came from the state. */
  used: boolean;
  /** Why it was not used. */
  fallback?: StateFallback;
  /** One line on the fallback, for a human. */
  fallbackReason?: string;
  /** Entries loaded. */
  loaded: number;
  /** True once the new state was written. */
  saved: boolean;
  /** Entries written. */
  entries: number;
  /** Conditional writes lost to another run (each one re-read and merged). */
  conflicts: number;
  /** Why the state was not saved. */
  error?: string;
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

/** Options of {@link IncrementalState.open}. */
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

/**
 * The state of one scope during a run: what Security Hub confirmed for each of its findings, in a
 * {@link StateTable} (no Id strings in memory: the Ids stay in the local copy of the state and in a spool
 * file of the Ids this run added). Gives the history of a finding, decides which findings are unchanged,
 * records what Security Hub confirms, finds the archive candidates, and saves with a conditional write,
 * merging another run's entries when it lost the race.
 */
export class IncrementalState {
  readonly report: StateReport;
  private readonly table: StateTable;
  /** Local files holding the Ids of the table's entries (first occurrence of a digest wins). */
  private readonly sources: string[];
  private version: string | undefined;
  private spool: WriteStream | undefined;
  private spoolError: unknown;
  private readonly fingerprints = new WeakMap<AwsSecurityFinding, string>();
  /** The entries cover the whole scope (see `StateHeader.complete`). */
  private complete: boolean;
  private readonly nowMs: number;
  private readonly refreshAfterMs: number;

  private readonly store: StateStore;
  readonly key: StateKey;
  /** The lifecycle key the state is for. */
  readonly scopeKey: ScopeKey;
  private readonly workDir: string;

  private constructor(
    store: StateStore,
    key: StateKey,
    scopeKey: ScopeKey,
    workDir: string,
    init: {
      table: StateTable;
      sources: string[];
      version: string | undefined;
      report: StateReport;
      complete: boolean;
    },
    options: OpenStateOptions,
  ) {
    this.store = store;
    this.key = key;
    this.scopeKey = scopeKey;
    this.workDir = workDir;
    this.table = init.table;
    this.sources = init.sources;
    this.version = init.version;
    this.report = init.report;
    this.complete = init.complete;
    this.nowMs = options.now.getTime();
    this.refreshAfterMs = options.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS;
  }

  /**
   * Reads the state of `scopeKey` from the store. Never throws for a state that cannot be used: the
   * result says why (`report.fallback`) and starts empty; the caller then reads the scope from Security
   * Hub ({@link seed}) as a run without a state does.
   */
  static async open(
    store: StateStore,
    scopeKey: ScopeKey & { sourceTool?: string },
    accountId: string,
    options: OpenStateOptions,
  ): Promise<IncrementalState> {
    const key = stateKeyOf(scopeKey, accountId);
    const workDir = await mkdtemp(join(tmpdir(), 'asff-stream-state-'));
    const base = join(workDir, 'base.ndjson');
    const report: StateReport = {
      location: store.location,
      used: false,
      loaded: 0,
      saved: false,
      entries: 0,
      conflicts: 0,
    };
    const make = (table: StateTable, sources: string[], version: string | undefined, complete: boolean) =>
      new IncrementalState(
        store,
        key,
        scopeKey,
        workDir,
        { table, sources, version, report, complete },
        options,
      );
    const fallback = (reason: StateFallback, text: string, version: string | undefined) => {
      report.fallback = reason;
      report.fallbackReason = text;
      return make(new StateTable(), [], version, false);
    };
    let version: string | undefined;
    try {
      version = await store.fetch(base);
    } catch (error) {
      return fallback('unreadable', error instanceof Error ? error.message : String(error), undefined);
    }
    if (version === undefined) return fallback('missing', `no state at ${store.location} yet`, undefined);
    const loaded = await loadTable(base, key, options);
    if ('fallback' in loaded) return fallback(loaded.fallback, loaded.reason, version);
    report.used = true;
    report.loaded = loaded.table.size;
    return make(loaded.table, [base], version, true);
  }

  /** True when history, candidates and unchanged findings come from the state. */
  get used(): boolean {
    return this.report.used;
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

  /**
   * Fills an unused state from the scope as read from Security Hub (the fallback): the findings' Ids go
   * to a local file and their history to the table, with no fingerprint, so each of them is sent once
   * and its fingerprint recorded.
   */
  async seed(state: ScopeState): Promise<void> {
    const path = join(this.workDir, 'seed.ndjson');
    await writeLines(path, seedLines(this.table, state));
    this.sources.push(path);
    this.complete = true;
  }

  /** History lookups for `preserveHistory` (confirmed entries only). */
  history(): { get(id: string): StoredHistory | undefined; readonly size: number } {
    return {
      size: this.report.loaded,
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

  /** The run's reported Ids, kept as a flag of the table's entries (no second per-Id structure). */
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
   * Security Hub. Findings of other scopes are ignored.
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
   * Writes the state: every confirmed entry whose last copy is younger than Security Hub's 90-day
   * retention, with a conditional write. When another run wrote in between, its state is read, merged
   * (an entry missing here is added; one present in both keeps the copy sent last) and the write tried
   * again. Throws (`E_IO`, `E_AWS_ACCESS`) when the state cannot be written; the stored state is then
   * the previous one.
   */
  async save(now: Date): Promise<void> {
    await this.closeSpool();
    const cutoff = now.getTime() - RETENTION_MS;
    for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      const out = join(this.workDir, `out-${attempt}.ndjson`);
      const entries = await this.compose(out, now, cutoff);
      const result = await this.store.put(out, this.version);
      if (result.ok) {
        this.version = result.version;
        this.report.saved = true;
        this.report.entries = entries;
        return;
      }
      this.report.conflicts += 1;
      const remote = join(this.workDir, `remote-${attempt}.ndjson`);
      this.version = await this.store.fetch(remote);
      if (this.version !== undefined) await this.merge(remote);
    }
    throw new ConverterError(
      'E_IO',
      `the state ${this.store.location} was changed by other runs ${MAX_SAVE_ATTEMPTS} times while this run saved it`,
    );
  }

  /** Removes the local copies. */
  async dispose(): Promise<void> {
    await this.closeSpool().catch(() => {});
    await rm(this.workDir, { recursive: true, force: true }).catch(() => {});
  }

  private async merge(remote: string): Promise<void> {
    let header: StateHeader | undefined;
    for await (const line of fileLines(remote)) {
      if (header === undefined) {
        header = decodeHeader(line);
        // Another scope's state (or garbage) replaced ours: nothing to keep from it.
        if (header === undefined || !sameKey(header.key, this.key)) return;
        // A complete picture plus more confirmed entries is still complete.
        if (header.complete) this.complete = true;
        continue;
      }
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
    this.sources.push(remote);
  }

  private async compose(out: string, now: Date, cutoff: number): Promise<number> {
    const keep = (entry: number) =>
      (this.table.flagsOf(entry) & (FLAG.confirmed | FLAG.emitted)) === FLAG.confirmed &&
      this.table.lastSent(entry) >= cutoff;
    let expected = 0;
    for (let entry = 0; entry < this.table.size; entry++) if (keep(entry)) expected += 1;
    const header: StateHeader = {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      key: this.key,
      writtenAt: now.toISOString(),
      entries: expected,
      revision: randomBytes(12).toString('hex'),
      complete: this.complete,
    };
    const table = this.table;
    const sources = this.sources;
    let written = 0;
    async function* lines(): AsyncGenerator<string> {
      yield `${JSON.stringify(header)}\n`;
      for (const source of sources) {
        for await (const line of fileLines(source)) {
          const decoded = decodeEntry(line);
          if (decoded === undefined) continue;
          const entry = table.find(idDigest(decoded.id));
          if (entry < 0 || !keep(entry)) continue;
          table.setFlags(entry, FLAG.emitted);
          written += 1;
          yield `${encodeEntry(decoded.id, table.get(entry))}\n`;
        }
      }
    }
    try {
      await writeLines(out, lines());
    } finally {
      this.table.clearAll(FLAG.emitted);
    }
    if (written !== expected)
      throw new Error(`state save: ${expected} entries to write, but ${written} Ids were found (a bug)`);
    return written;
  }

  private spoolWrite(line: string): void {
    if (this.spool === undefined) {
      const path = join(this.workDir, 'spool.ndjson');
      this.spool = createWriteStream(path);
      this.spool.on('error', (error) => {
        this.spoolError ??= error;
      });
      this.sources.push(path);
    }
    this.spool.write(line);
  }

  private async closeSpool(): Promise<void> {
    const spool = this.spool;
    if (spool !== undefined && !spool.closed) {
      await new Promise<void>((resolve) => spool.end(resolve));
    }
    if (this.spoolError !== undefined)
      throw new ConverterError('E_IO', `cannot write the state's spool file: ${String(this.spoolError)}`);
  }
}

/** Loads a state file's entries, or says why it cannot be used. */
async function loadTable(
  path: string,
  key: StateKey,
  options: OpenStateOptions,
): Promise<{ table: StateTable } | { fallback: StateFallback; reason: string }> {
  let header: StateHeader | undefined;
  let table: StateTable | undefined;
  let count = 0;
  for await (const line of fileLines(path)) {
    if (table === undefined) {
      header = decodeHeader(line);
      if (header === undefined)
        return { fallback: 'unreadable', reason: 'the state file does not start with a state header' };
      if (!sameKey(header.key, key))
        return {
          fallback: 'other-scope',
          reason: `the state is for ${describeKey(header.key)}, this run is ${describeKey(key)}`,
        };
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
      table = new StateTable(header.entries);
      continue;
    }
    const decoded = decodeEntry(line);
    if (decoded === undefined)
      return { fallback: 'unreadable', reason: `line ${count + 2} of the state is not an entry` };
    const entry = table.findOrAdd(idDigest(decoded.id));
    table.set(entry, decoded.entry);
    table.setFlags(entry, FLAG.confirmed | FLAG.idStored);
    count += 1;
  }
  if (table === undefined || header === undefined)
    return { fallback: 'unreadable', reason: 'the state file is empty' };
  if (count !== header.entries)
    return {
      fallback: 'unreadable',
      reason: `the state holds ${count} entries, its header says ${header.entries} (cut short?)`,
    };
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

function describeKey(key: StateKey): string {
  const tool = key.sourceTool !== undefined ? `, source tool "${key.sourceTool}"` : '';
  return `scope "${key.scope}"${tool} of ${key.productArn} in account ${key.accountId}`;
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

/** Writes lines to a file in chunks of about 64 KB, waiting for the disk. */
async function writeLines(path: string, lines: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  let chunk = '';
  const flush = async () => {
    if (!out.write(chunk))
      await Promise.race([new Promise<void>((resolve) => out.once('drain', () => resolve())), failed]);
    chunk = '';
  };
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= 65_536) await flush();
  }
  if (chunk !== '') await flush();
  await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
}
