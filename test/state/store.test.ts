import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncrementalState } from '../../src/state/incremental.js';
import { s3StateStore } from '../../src/state/s3-store.js';
import { openKeyState, StateFile } from '../../src/state/state-file.js';
import { fileStateStore, type StateStore } from '../../src/state/store.js';
import { ROOT } from '../helpers/cli.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { finding, SCOPE, SCOPE_KEY, writeStateFile } from './helpers.js';

let dir: string;
let s3: TestS3;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'asff-state-store-'));
  s3 = await startS3();
});
afterAll(async () => {
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
});

function s3Store(key: string): StateStore {
  return s3StateStore(`s3://${s3.bucket}/${key}`, {
    region: 'us-east-1',
    s3Endpoint: s3.url,
    credentials: s3.credentials,
  });
}

const open = (store: StateStore, now = new Date()) =>
  openKeyState(store, SCOPE_KEY, SCOPE_KEY.accountId, { now });

/** Confirms findings `from`..`to` - 1 (of `scope`) as imported now, as the sink's onImported would. */
function confirmRange(state: IncrementalState, from: number, to: number, scope = SCOPE): void {
  const at = new Date().toISOString();
  for (let n = from; n < to; n++) state.confirm(finding(n, { at, scope }));
}

const OTHER_KEY = { ...SCOPE_KEY, scope: 'billing-api' };

describe.each([
  ['file', () => fileStateStore(join(dir, `state-${Math.random().toString(36).slice(2)}.ndjson`))],
  ['s3 (s3rver on loopback)', () => s3Store(`team/state-${Math.random().toString(36).slice(2)}.ndjson`)],
])('%s store', (_name, makeStore) => {
  it('refuses a write whose expected version is not the stored one', async () => {
    const store = makeStore();
    const local = join(dir, 'local.ndjson');
    await writeStateFile(local, 3);
    expect(await store.fetch(join(dir, 'missing-copy'))).toBeUndefined();
    const first = await store.put(local, undefined);
    expect(first.ok).toBe(true);
    // "Only if there is none" fails now that there is one.
    expect((await store.put(local, undefined)).ok).toBe(false);
    expect((await store.put(local, 'some-other-version')).ok).toBe(false);
    const version = first.ok ? first.version : '';
    const copy = join(dir, 'copy.ndjson');
    expect(await store.fetch(copy)).toBe(version);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(local, 'utf8'));
    await writeStateFile(local, 5);
    expect((await store.put(local, version)).ok).toBe(true);
  });

  it('round-trips a run: unchanged findings, archive candidates, what was confirmed', async () => {
    const store = makeStore();
    const first = await open(store);
    expect(first.report).toMatchObject({ used: false, fallback: 'missing' });
    confirmRange(first, 0, 10);
    await first.save(new Date());
    await first.dispose();
    expect(first.report).toMatchObject({ saved: true, entries: 10, conflicts: 0 });

    const second = await open(store);
    expect(second.report).toMatchObject({ used: true, loaded: 10 });
    const reported = second.reported();
    for (let n = 0; n < 9; n++) reported.add(finding(n).Id as string);
    expect(second.isUnchanged(finding(3))).toBe(true);
    expect(second.isUnchanged(finding(4, { title: 'changed' }))).toBe(false);
    expect(second.isUnchanged({ ...finding(5), RecordState: 'ARCHIVED' })).toBe(false);
    expect(second.history().get(finding(3).Id as string)).toMatchObject({ recordState: 'ACTIVE' });
    const candidates = await second.candidates();
    expect([...candidates.keys()]).toEqual([finding(9).Id]);
    await second.dispose();
  });

  it("two runs writing one state at once keep both runs' entries (conflict: re-read, merge, retry)", async () => {
    const store = makeStore();
    const seed = await open(store);
    confirmRange(seed, 0, 5);
    await seed.save(new Date());
    await seed.dispose();

    const a = await open(store);
    const b = await open(store);
    confirmRange(a, 5, 200);
    confirmRange(b, 200, 400);
    // Both loaded the same version; both write at the same time: one of them loses the race and merges.
    await Promise.all([a.save(new Date()), b.save(new Date())]);
    expect(a.report.conflicts + b.report.conflicts).toBeGreaterThanOrEqual(1);
    await a.dispose();
    await b.dispose();

    const after = await open(store);
    expect(after.report).toMatchObject({ used: true, loaded: 400 });
    for (const n of [0, 4, 5, 199, 200, 399]) expect(after.isUnchanged(finding(n))).toBe(true);
    await after.dispose();
  });

  it('two runs of different keys writing one state at once keep both keys, each in its section', async () => {
    const store = makeStore();
    const now = new Date();
    const a = await StateFile.create(store, { now });
    const b = await StateFile.create(store, { now });
    const aKey = await a.open(SCOPE_KEY, SCOPE_KEY.accountId);
    const bKey = await b.open(OTHER_KEY, OTHER_KEY.accountId);
    confirmRange(aKey, 0, 100);
    confirmRange(bKey, 0, 150, OTHER_KEY.scope);
    await Promise.all([a.save(now), b.save(now)]);
    expect(a.report.conflicts + b.report.conflicts).toBeGreaterThanOrEqual(1);
    await a.dispose();
    await b.dispose();

    // One run of both keys reads both sections.
    const both = await StateFile.create(store, { now: new Date() });
    const first = await both.open(SCOPE_KEY, SCOPE_KEY.accountId);
    const second = await both.open(OTHER_KEY, OTHER_KEY.accountId);
    expect(both.report).toMatchObject({ used: true, loaded: 250 });
    expect(first.isUnchanged(finding(99))).toBe(true);
    expect(second.isUnchanged(finding(149, { scope: OTHER_KEY.scope }))).toBe(true);
    // A finding routes to its key's state.
    expect(both.stateOf(finding(3, { scope: OTHER_KEY.scope }))).toBe(second);
    expect(both.stateOf(finding(3))).toBe(first);
    await both.dispose();
  });
});

describe('s3 store faults', () => {
  it('retries a write answered 503 SlowDown, and reports one that keeps failing', async () => {
    const store = s3Store(`faults/state-${Math.random().toString(36).slice(2)}.ndjson`);
    const local = join(dir, 'fault-local.ndjson');
    await writeStateFile(local, 2);
    s3.failNextPuts = 2;
    const failedBefore = s3.puts.failed;
    expect((await store.put(local, undefined)).ok).toBe(true);
    expect(s3.puts.failed - failedBefore).toBe(2);
    s3.failNextPuts = 100;
    await expect(store.put(local, 'any')).rejects.toThrow(/cannot write the state s3:\/\/.*: SlowDown/);
    s3.failNextPuts = 0;
  });
});

describe('file store crash safety', () => {
  it('a writer killed mid-write leaves the previous state loadable, and the next save takes over its lock', async () => {
    const target = join(dir, 'crash.ndjson');
    const prepared = join(dir, 'prepared.ndjson');
    await writeStateFile(target, 1_000);
    // Large enough that copying and syncing it takes a while.
    await writeStateFile(prepared, 200_000, { first: 1_000_000 });
    let killedMidWrite = 0;
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, [
        join(ROOT, 'test/state/crash-writer.mjs'),
        target,
        prepared,
        join(ROOT, 'dist'),
      ]);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Kill it as soon as a temporary file shows that a write is under way (the later rounds: a bit later).
      await new Promise<void>((resolve) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const writing = readdirSync(dir).some(
            (name) => name.startsWith('crash.ndjson.') && name.endsWith('.tmp'),
          );
          if ((writing && Date.now() - started > round * 40) || Date.now() - started > 20_000) {
            clearInterval(poll);
            child.kill('SIGKILL');
            resolve();
          }
        }, 1);
      });
      await exited;
      const leftovers = readdirSync(dir).filter(
        (name) => name.startsWith('crash.ndjson.') && name.endsWith('.tmp'),
      );
      if (leftovers.length > 0) killedMidWrite += 1;
      for (const name of leftovers) rmSync(join(dir, name));

      const state = await open(fileStateStore(target));
      expect(state.report.used, state.report.fallbackReason).toBe(true);
      expect([1_000, 200_000]).toContain(state.report.loaded);
      // A lock left by the killed writer does not block the next save.
      confirmRange(state, 0, 3);
      await state.save(new Date());
      await state.dispose();
      expect(state.report.saved).toBe(true);
      expect(existsSync(`${target}.lock`)).toBe(false);
      // Back to the small state for the next round.
      await writeStateFile(target, 1_000);
    }
    expect(killedMidWrite).toBeGreaterThan(0);
  });

  it('a state of several keys cut short at a section boundary is not used (the headers count the sections)', async () => {
    const path = join(dir, 'cut-sections.ndjson');
    const store = fileStateStore(path);
    const file = await StateFile.create(store, { now: new Date() });
    confirmRange(await file.open(SCOPE_KEY, SCOPE_KEY.accountId), 0, 5);
    confirmRange(await file.open(OTHER_KEY, OTHER_KEY.accountId), 0, 5, OTHER_KEY.scope);
    await file.save(new Date());
    await file.dispose();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(12);
    writeFileSync(path, `${lines.slice(0, 6).join('\n')}\n`);
    const state = await open(fileStateStore(path));
    expect(state.report).toMatchObject({ used: false, fallback: 'unreadable' });
    expect(state.report.fallbackReason).toMatch(/holds 1 key sections, its header says 2/);
    await state.dispose();
  });

  it("drops another key's section once it has not been written for 90 days (Security Hub deleted its findings)", async () => {
    const path = join(dir, 'old-section.ndjson');
    const store = fileStateStore(path);
    const day = 86_400_000;
    const then = new Date(Date.now() - 91 * day);
    const old = await StateFile.create(store, { now: then });
    confirmRange(await old.open(OTHER_KEY, OTHER_KEY.accountId), 0, 5, OTHER_KEY.scope);
    await old.save(then);
    await old.dispose();
    const recent = await StateFile.create(store, { now: new Date(Date.now() - 89 * day) });
    confirmRange(await recent.open(SCOPE_KEY, SCOPE_KEY.accountId), 0, 3);
    await recent.save(new Date(Date.now() - 89 * day));
    await recent.dispose();
    expect(recent.report).toMatchObject({ saved: true, entries: 3, kept: 1 });
    const now = await StateFile.create(store, { now: new Date() });
    await now.open(SCOPE_KEY, SCOPE_KEY.accountId);
    await now.save(new Date());
    await now.dispose();
    expect(now.report.kept).toBeUndefined();
    expect(readFileSync(path, 'utf8')).not.toContain(OTHER_KEY.scope);
  });

  it('loads a state of many read chunks whole (5,000 entries, about 0.5 MB)', async () => {
    const path = join(dir, 'many-chunks.ndjson');
    await writeStateFile(path, 5_000);
    const state = await open(fileStateStore(path));
    expect(state.report, state.report.fallbackReason).toMatchObject({ used: true, loaded: 5_000 });
    expect(state.history().get(finding(4_999).Id as string)).toMatchObject({ recordState: 'ACTIVE' });
    await state.dispose();
  });

  it('a state cut short is not used (the header counts its entries)', async () => {
    const path = join(dir, 'cut.ndjson');
    await writeStateFile(path, 100);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, Math.floor(text.length * 0.6)).replace(/\n[^\n]*$/, '\n'));
    const state = await open(fileStateStore(path));
    expect(state.report).toMatchObject({ used: false, fallback: 'unreadable' });
    expect(state.report.fallbackReason).toMatch(/its header says 100/);
    await state.dispose();
  });
});
