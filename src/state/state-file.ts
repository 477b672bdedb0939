import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { ConverterError } from '../errors.js';
import { inScope, type ScopeKey } from '../sink/history.js';
import { fileLines, STATE_FORMAT, STATE_VERSION, type StateHeader, sameKey, writeLines } from './format.js';
import {
  IncrementalState,
  loadSection,
  type OpenStateOptions,
  RETENTION_MS,
  type StateFallback,
  type StateKeyReport,
  type StateReport,
  stateKeyOf,
} from './incremental.js';
import { describeKey, type StateSection, splitState } from './sections.js';
import type { StateStore } from './store.js';
import { StateTable } from './table.js';

/** Conditional writes tried before a save gives up (each lost race re-reads and merges). */
const MAX_SAVE_ATTEMPTS = 8;

/** What the stored file gave: its sections, or why none of it can be used. */
type Base = { sections: StateSection[] } | { fallback: StateFallback; reason: string };

/**
 * The state of a run (`--state`): one file (or S3 object) holding a section per key (product + scope + source
 * tool), so that every key of a multi-run input has its state in the one location the user gave. The file is
 * fetched once, when the first key is opened, and split into a local file per section; each key the run
 * covers is opened as an {@link IncrementalState} (its table in memory, at most 64 bytes per entry); sections of
 * keys the run does not cover stay on disk and are written back as they were. {@link save} writes every section
 * with one conditional write, re-reading and merging when another run wrote in between.
 */
export class StateFile {
  readonly report: StateReport;
  private readonly store: StateStore;
  private readonly options: Omit<OpenStateOptions, 'needsScope'>;
  private readonly workDir: string;
  private readonly states: IncrementalState[] = [];
  private last: IncrementalState | undefined;
  private loading: Promise<Base> | undefined;
  private version: string | undefined;
  /** Sections of the latest readable copy of the stored file (the base, or what a lost write re-read). */
  private sections: StateSection[] = [];
  private fetches = 0;

  private constructor(store: StateStore, options: Omit<OpenStateOptions, 'needsScope'>, workDir: string) {
    this.store = store;
    this.options = options;
    this.workDir = workDir;
    this.report = {
      location: store.location,
      used: false,
      loaded: 0,
      saved: false,
      entries: 0,
      conflicts: 0,
    };
  }

  /** A run's state in `store` (nothing is read before the first key is opened). */
  static async create(store: StateStore, options: Omit<OpenStateOptions, 'needsScope'>): Promise<StateFile> {
    return new StateFile(store, options, await mkdtemp(join(tmpdir(), 'asff-stream-state-')));
  }

  /** The keys opened so far. */
  get keys(): readonly IncrementalState[] {
    return this.states;
  }

  /**
   * The state of `scopeKey`, opened once. Never throws for a state that cannot be used: the key's report says
   * why (`fallback`) and it starts empty; the caller then reads the scope from Security Hub
   * ({@link IncrementalState.seed}) as a run without a state does.
   */
  async open(
    scopeKey: ScopeKey & { sourceTool?: string },
    accountId: string,
    options: Pick<OpenStateOptions, 'needsScope'> = {},
  ): Promise<IncrementalState> {
    const key = stateKeyOf(scopeKey, accountId);
    const known = this.states.find((state) => sameKey(state.key, key));
    if (known !== undefined) return known;
    this.loading ??= this.load();
    const base = await this.loading;
    const again = this.states.find((state) => sameKey(state.key, key));
    if (again !== undefined) return again;
    const report: StateKeyReport = {
      scope: key.scope,
      ...(key.sourceTool !== undefined ? { sourceTool: key.sourceTool } : {}),
      used: false,
      loaded: 0,
      entries: 0,
    };
    const make = (table: StateTable, sources: string[], complete: boolean) => {
      const state = new IncrementalState({
        file: this,
        key,
        scopeKey,
        workPrefix: join(this.workDir, `key-${this.states.length}-`),
        table,
        sources,
        complete,
        report,
        now: this.options.now,
        ...(this.options.refreshAfterMs !== undefined ? { refreshAfterMs: this.options.refreshAfterMs } : {}),
      });
      this.states.push(state);
      this.summarize();
      return state;
    };
    const fallback = (reason: StateFallback, text: string) => {
      report.fallback = reason;
      report.fallbackReason = text;
      return make(new StateTable(), [], false);
    };
    if ('fallback' in base) return fallback(base.fallback, base.reason);
    const section = base.sections.find((s) => sameKey(s.header.key, key));
    if (section === undefined) {
      const held = base.sections.map((s) => describeKey(s.header.key));
      const listed =
        held.length > 3 ? `${held.slice(0, 3).join('; ')} and ${held.length - 3} more` : held.join('; ');
      return fallback('other-scope', `the state is for ${listed}, this run is ${describeKey(key)}`);
    }
    const loaded = await loadSection(section, { ...this.options, ...options });
    if ('fallback' in loaded) return fallback(loaded.fallback, loaded.reason);
    report.used = true;
    report.loaded = loaded.table.size;
    return make(loaded.table, [section.path], true);
  }

  /** The opened state whose key `finding` belongs to (by ProductArn, scope, source tool and account). */
  stateOf(finding: AwsSecurityFinding): IncrementalState | undefined {
    const last = this.last;
    if (last !== undefined && inScope(finding, last.scopeKey)) return last;
    const found = this.states.find((state) => inScope(finding, state.scopeKey));
    if (found !== undefined) this.last = found;
    return found;
  }

  /** The opened state of `scopeKey`, if any. */
  get(scopeKey: ScopeKey, accountId: string): IncrementalState | undefined {
    const key = stateKeyOf(scopeKey, accountId);
    return this.states.find((state) => sameKey(state.key, key));
  }

  /**
   * Writes the state: for each opened key, every confirmed entry whose last copy is younger than Security
   * Hub's 90-day retention; then the other keys' sections as they were (a section not written for 90 days is
   * dropped: Security Hub has deleted its findings). One conditional write; when another run wrote in between,
   * its file is read, each opened key merged with its section there (an entry missing here is added; one
   * present in both keeps the copy sent last), the other keys' sections taken from it, and the write tried
   * again. Throws (`E_IO`, `E_AWS_ACCESS`) when the state cannot be written; the stored state is then the
   * previous one.
   */
  async save(now: Date): Promise<void> {
    if (this.states.length === 0) return;
    this.loading ??= this.load();
    await this.loading;
    for (const state of this.states) await state.closeSpool();
    const cutoff = now.getTime() - RETENTION_MS;
    for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      const out = join(this.workDir, `out-${attempt}.ndjson`);
      const { entries, kept } = await this.compose(out, now, cutoff);
      const result = await this.store.put(out, this.version);
      if (result.ok) {
        this.version = result.version;
        this.report.saved = true;
        this.states.forEach((state, i) => {
          state.keyReport.entries = entries[i] ?? 0;
        });
        if (kept > 0) this.report.kept = kept;
        this.summarize();
        return;
      }
      this.report.conflicts += 1;
      const remote = join(this.workDir, `remote-${attempt}.ndjson`);
      this.version = await this.store.fetch(remote);
      if (this.version === undefined) continue;
      const split = await splitState(remote, this.workDir, `remote-${attempt}`);
      // Another kind of file (or garbage) replaced ours: nothing to keep from it.
      if ('unreadable' in split) continue;
      for (const state of this.states) {
        const section = split.sections.find((s) => sameKey(s.header.key, state.key));
        if (section !== undefined) await state.merge(section);
      }
      this.sections = split.sections;
    }
    throw new ConverterError(
      'E_IO',
      `the state ${this.store.location} was changed by other runs ${MAX_SAVE_ATTEMPTS} times while this run saved it`,
    );
  }

  /** Removes the local copies. */
  async dispose(): Promise<void> {
    for (const state of this.states) await state.closeSpool().catch(() => {});
    await rm(this.workDir, { recursive: true, force: true }).catch(() => {});
  }

  private async load(): Promise<Base> {
    const path = join(this.workDir, `fetched-${this.fetches++}.ndjson`);
    try {
      this.version = await this.store.fetch(path);
    } catch (error) {
      return { fallback: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
    }
    if (this.version === undefined)
      return { fallback: 'missing', reason: `no state at ${this.store.location} yet` };
    const split = await splitState(path, this.workDir, 'base');
    if ('unreadable' in split) return { fallback: 'unreadable', reason: split.unreadable };
    this.sections = split.sections;
    return split;
  }

  /** Writes the file to `out`: a section per opened key, then the kept sections of other keys. */
  private async compose(
    out: string,
    now: Date,
    cutoff: number,
  ): Promise<{ entries: number[]; kept: number }> {
    const expected = this.states.map((state) => state.countEntries(cutoff));
    const others = this.sections.filter(
      (section) =>
        !this.states.some((state) => sameKey(state.key, section.header.key)) &&
        now.getTime() - Date.parse(section.header.writtenAt) <= RETENTION_MS,
    );
    const revision = randomBytes(12).toString('hex');
    const sections = this.states.length + others.length;
    const headerLine = (header: Omit<StateHeader, 'format' | 'version' | 'revision' | 'sections'>) =>
      `${JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION, ...header, revision, sections } satisfies StateHeader)}\n`;
    const states = this.states;
    const written = states.map(() => 0);
    async function* lines(): AsyncGenerator<string> {
      for (const [i, state] of states.entries()) {
        yield headerLine({
          key: state.key,
          writtenAt: now.toISOString(),
          entries: expected[i] ?? 0,
          complete: state.isComplete,
        });
        for await (const line of state.entryLines(cutoff)) {
          written[i] = (written[i] ?? 0) + 1;
          yield line;
        }
      }
      for (const section of others) {
        const { key, writtenAt, entries, complete } = section.header;
        yield headerLine({ key, writtenAt, entries, complete });
        for await (const line of fileLines(section.path)) yield `${line}\n`;
      }
    }
    try {
      await writeLines(out, lines());
    } finally {
      for (const state of states) state.endSave();
    }
    states.forEach((state, i) => {
      if (written[i] !== expected[i])
        throw new Error(
          `state save: ${expected[i]} entries to write for ${describeKey(state.key)}, but ${written[i]} Ids were found (a bug)`,
        );
    });
    return { entries: written, kept: others.length };
  }

  /** The run's report from its keys' reports. */
  private summarize(): void {
    const keys = this.states.map((state) => state.keyReport);
    const report = this.report;
    report.used = keys.length > 0 && keys.every((key) => key.used);
    const notUsed = keys.find((key) => !key.used);
    if (notUsed?.fallback !== undefined) {
      report.fallback = notUsed.fallback;
      report.fallbackReason =
        keys.length > 1 ? `${describeScope(notUsed)}: ${notUsed.fallbackReason}` : notUsed.fallbackReason;
    } else {
      delete report.fallback;
      delete report.fallbackReason;
    }
    report.loaded = keys.reduce((sum, key) => sum + key.loaded, 0);
    report.entries = keys.reduce((sum, key) => sum + key.entries, 0);
    if (keys.length > 1) report.keys = keys;
  }
}

/** A key of the report for messages: its scope and source tool. */
function describeScope(key: StateKeyReport): string {
  return `scope "${key.scope}"${key.sourceTool !== undefined ? ` (${key.sourceTool})` : ''}`;
}

/** Opens the state of one key in `store` (a run of one key; {@link StateFile} for several). */
export async function openKeyState(
  store: StateStore,
  scopeKey: ScopeKey & { sourceTool?: string },
  accountId: string,
  options: OpenStateOptions,
): Promise<IncrementalState> {
  const { needsScope, ...fileOptions } = options;
  const file = await StateFile.create(store, fileOptions);
  return file.open(scopeKey, accountId, needsScope !== undefined ? { needsScope } : {});
}
