import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AwsSecurityFinding, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { createGetFindingsLimiter } from '../../src/sink/get-findings.js';
import {
  importWithLifecycle,
  type LifecycleOptions,
  type LifecycleReport,
  lifecycleReportOf,
} from '../../src/sink/lifecycle.js';
import { type RequestLimiter, unlimited } from '../../src/sink/limiter.js';
import { ACCOUNT, finding, SCOPE } from '../state/helpers.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T10:00:00.000Z');

let hub: RunningEmulator;
let client: SecurityHubClient;
let fastGet: RequestLimiter;
let dir: string;
let statePath: string;

beforeAll(async () => {
  hub = await startEmulator({ throttling: false });
  client = new SecurityHubClient({
    endpoint: hub.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSTATELIB', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  fastGet = await createGetFindingsLimiter({ rate: 1000, burst: 1000 });
  dir = mkdtempSync(join(tmpdir(), 'asff-lifecycle-state-'));
});
afterAll(async () => {
  client.destroy();
  await fastGet.stop();
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  hub.reset();
  statePath = join(dir, `state-${Math.random().toString(36).slice(2)}.ndjson`);
});

/** Imports `findings` as a run at `at` with the test's state. */
function importAt(
  at: string,
  findings: AwsSecurityFinding[] | AsyncIterable<AwsSecurityFinding>,
  extra: Partial<LifecycleOptions> = {},
) {
  return importWithLifecycle(findings, {
    accountId: ACCOUNT,
    region: 'us-east-1',
    client,
    limiter: unlimited(),
    getFindingsLimiter: fastGet,
    inputComplete: true,
    state: statePath,
    clock: () => new Date(at),
    ...extra,
  });
}

/** A run with archiving at `day` days after T0 of findings `ns` (`titles` change their content). */
function run(
  day: number,
  ns: number[],
  extra: Partial<LifecycleOptions> = {},
  titles: Record<number, string> = {},
) {
  const at = new Date(T0 + day * DAY).toISOString();
  const findings = ns.map((n) => finding(n, { at, ...(titles[n] ? { title: titles[n] } : {}) }));
  return importAt(at, findings, { archiveMissing: true, ...extra });
}

const getFindings = () => hub.stats().byOperation.GetFindings ?? 0;

describe('importWithLifecycle with a state (library, real SDK, emulator)', () => {
  it('returns the state outcome in the report also without a dead letter, and skips unchanged findings', async () => {
    const first = await run(0, [1, 2, 3]);
    expect(first).toMatchObject({
      imported: 3,
      unchanged: 0,
      state: { fallback: 'missing', saved: true, entries: 3 },
    });
    expect(first.deadLetterEntries).toEqual([]);

    const reads = getFindings();
    const second = await run(1, [1, 2, 3]);
    expect(second).toMatchObject({
      received: 3,
      imported: 0,
      unchanged: 3,
      state: { used: true, loaded: 3, saved: true },
      history: { known: 3 },
    });
    expect(getFindings()).toBe(reads);
  });

  it('re-sends unchanged findings whose last copy is older than refreshAfterMs, keeping CreatedAt', async () => {
    await run(0, [1, 2]);
    // Day 1: unchanged, not sent; the state is written again (its copies still date from day 0).
    expect(await run(1, [1, 2])).toMatchObject({ imported: 0, unchanged: 2 });
    // Day 3, window 2.5 days: the state (day 1) is fresh enough to use, the copies (day 0) are not.
    const refreshed = await run(3, [1, 2], { refreshAfterMs: 2.5 * DAY });
    expect(refreshed).toMatchObject({ imported: 2, unchanged: 0, state: { used: true } });
    // Day 4: they were just refreshed.
    expect(await run(4, [1, 2], { refreshAfterMs: 2.5 * DAY })).toMatchObject({ imported: 0, unchanged: 2 });
    const stored = hub.findings().find((f) => f.Id === finding(1).Id);
    expect(stored?.CreatedAt).toBe(new Date(T0).toISOString());
    expect(stored?.UpdatedAt).toBe(new Date(T0 + 3 * DAY).toISOString());
  });

  it('sends a finding the scanner now marks resolved (RecordState ARCHIVED) once, then counts it unchanged', async () => {
    await run(0, [1, 2]);
    const resolve = (day: number) => {
      const at = new Date(T0 + day * DAY).toISOString();
      return importAt(at, [finding(1, { at }), { ...finding(2, { at }), RecordState: 'ARCHIVED' }]);
    };
    expect(await resolve(1)).toMatchObject({ imported: 1, unchanged: 1 });
    expect(hub.findings().find((f) => f.Id === finding(2).Id)?.RecordState).toBe('ARCHIVED');
    expect(await resolve(2)).toMatchObject({ imported: 0, unchanged: 2 });
  });

  it('archives from the state: only the gone finding is read back, by Id', async () => {
    await run(0, [1, 2, 3, 4]);
    const reads = getFindings();
    const report = await run(1, [1, 2, 4], {}, { 4: 'changed' });
    expect(report).toMatchObject({
      imported: 1,
      unchanged: 2,
      archived: 1,
      archive: { candidates: 1, strategy: 'by-id' },
      state: { used: true, entries: 4 },
    });
    expect(getFindings() - reads).toBe(1);
    expect(hub.findings().find((f) => f.Id === finding(3).Id)?.RecordState).toBe('ARCHIVED');
    expect(SCOPE).toBe('payments-api');
  });

  it('does not archive from a state that never saw the whole scope: it reads the scope instead', async () => {
    // Findings 1 and 2 were imported without the state; then a run with the state (no archiving, so no read
    // of the scope) sends 3: the state knows only 3.
    await importAt(new Date(T0).toISOString(), [finding(1), finding(2)], { state: undefined });
    expect(await run(1, [3], { archiveMissing: false })).toMatchObject({
      imported: 1,
      state: { fallback: 'missing', saved: true, entries: 1 },
    });
    // Archiving now must know 1 and 2: the incomplete state is not used, the scope is read, 1 and 2 archived.
    const reads = getFindings();
    const report = await run(2, [3]);
    expect(report).toMatchObject({
      archived: 2,
      state: { used: false, fallback: 'incomplete', saved: true, entries: 3 },
    });
    expect(getFindings()).toBeGreaterThan(reads);
    expect(hub.findings().find((f) => f.Id === finding(1).Id)?.RecordState).toBe('ARCHIVED');
    // The state written after that read is complete: the next run uses it.
    expect(await run(3, [3])).toMatchObject({ unchanged: 1, state: { used: true, loaded: 3 } });
  });

  it('a candidate found no longer ACTIVE is recorded, so it is not read back on every run', async () => {
    await run(0, [1, 2]);
    // Finding 2 is archived behind the state's back (another tool, or a run without this state).
    const at = new Date(T0 + DAY).toISOString();
    await importAt(at, [{ ...finding(2, { at }), RecordState: 'ARCHIVED' }], { state: undefined });
    const reads = getFindings();
    expect(await run(2, [1])).toMatchObject({ archived: 0, archive: { candidates: 1, gone: 1 } });
    expect(getFindings() - reads).toBe(1);
    // Recorded as gone: no candidate, no read.
    expect(await run(3, [1])).toMatchObject({ archive: { candidates: 0 }, state: { used: true } });
    expect(getFindings() - reads).toBe(1);
    // It comes back: it is sent (re-activated) with its first CreatedAt.
    expect(await run(4, [1, 2])).toMatchObject({ imported: 1, unchanged: 1 });
    const back = hub.findings().find((f) => f.Id === finding(2).Id);
    expect(back).toMatchObject({ RecordState: 'ACTIVE', CreatedAt: new Date(T0).toISOString() });
  });
});

describe('importWithLifecycle with a state: several keys in one run (library, real SDK, emulator)', () => {
  const OTHER = 'billing-api';
  const at = (day: number) => new Date(T0 + day * DAY).toISOString();
  /** The report of a streamed run at day 0 with the test's state, also of one that threw. */
  const reportOf = (findings: AsyncIterable<AwsSecurityFinding>, extra: Partial<LifecycleOptions>) =>
    importAt(at(0), findings, { lingerMs: 20, ...extra }).catch((error: unknown) => lifecycleReportOf(error));
  /** Findings `ns` of the test scope, then `ns` of the other scope: two keys in one run. */
  const twoKeys = (day: number, ns: number[]) => [
    ...ns.map((n) => finding(n, { at: at(day) })),
    ...ns.map((n) => finding(n, { at: at(day), scope: OTHER })),
  ];

  it('reads a state file written by the previous version (format 1, one key) and writes it as sections', async () => {
    await run(0, [1, 2, 3]);
    // The same entries, as the previous version wrote them: a version-1 header without `sections`.
    const [header, ...entries] = readFileSync(statePath, 'utf8').trim().split('\n');
    const { sections: _sections, ...legacy } = JSON.parse(header ?? '{}') as Record<string, unknown>;
    writeFileSync(statePath, `${[JSON.stringify({ ...legacy, version: 1 }), ...entries].join('\n')}\n`);
    const reads = getFindings();
    const again = await run(1, [1, 2, 3]);
    expect(again).toMatchObject({ imported: 0, unchanged: 3, state: { used: true, loaded: 3, saved: true } });
    expect(getFindings()).toBe(reads);
    expect(JSON.parse(readFileSync(statePath, 'utf8').split('\n')[0] ?? '{}')).toMatchObject({
      version: 2,
      sections: 1,
    });
  });

  it('keeps the sections of keys a run does not cover, and each key uses its own', async () => {
    await run(0, [1, 2]);
    // Another key into the same state: the first key's section is kept, not replaced.
    const other = await importAt(
      at(0),
      [1, 2, 3].map((n) => finding(n, { at: at(0), scope: OTHER })),
      { archiveMissing: true },
    );
    expect(other).toMatchObject({
      imported: 3,
      state: { fallback: 'other-scope', saved: true, entries: 3, kept: 1 },
    });
    const reads = getFindings();
    expect(await run(1, [1, 2])).toMatchObject({ unchanged: 2, state: { used: true, loaded: 2, kept: 1 } });
    const both = await importAt(at(1), twoKeys(1, [1, 2]), { archiveMissing: true });
    expect(both).toMatchObject({
      received: 4,
      imported: 0,
      unchanged: 4,
      archived: 1,
      state: { used: true, loaded: 5, entries: 5 },
    });
    expect(both.state?.keys?.map((k) => `${k.scope} ${k.loaded}`)).toEqual([`${SCOPE} 2`, `${OTHER} 3`]);
    expect(both.state?.kept).toBeUndefined();
    // Only the other key's gone finding 3 was read back (by Id): no read of either scope.
    expect(getFindings() - reads).toBe(1);
    expect(hub.findings().find((f) => f.Id === finding(3, { scope: OTHER }).Id)?.RecordState).toBe(
      'ARCHIVED',
    );
    // The keys' findings interleaved: each finding still goes to its key's section.
    const [s1, s2, o1, o2] = twoKeys(2, [1, 2]) as [
      AwsSecurityFinding,
      AwsSecurityFinding,
      AwsSecurityFinding,
      AwsSecurityFinding,
    ];
    const interleaved = await importAt(at(2), [o1, s1, o2, s2], { archiveMissing: true });
    expect(interleaved).toMatchObject({
      imported: 0,
      unchanged: 4,
      archived: 0,
      state: { used: true, entries: 5 },
    });
    expect(getFindings() - reads).toBe(1);
  });

  it('Ctrl-C in the second key: balanced report, both keys saved with what was confirmed, the rerun sends the rest', async () => {
    const controller = new AbortController();
    const ns = Array.from({ length: 40 }, (_, i) => i);
    async function* interrupted() {
      for (const f of ns.map((n) => finding(n, { at: at(0) }))) yield f;
      // The first key is in Security Hub; the second key is cut after 25 of its findings.
      await vi.waitFor(() => expect(hub.findings().length).toBeGreaterThanOrEqual(40), { timeout: 10_000 });
      for (const n of ns) {
        if (n === 25) {
          controller.abort();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        yield finding(n, { at: at(0), scope: OTHER });
      }
    }
    const report = await reportOf(interrupted(), { signal: controller.signal });
    expect(report?.aborted).toBe(true);
    const r = report as LifecycleReport;
    expect(r.received).toBe(r.imported + r.unchanged + r.failed + r.skipped + r.unknown);
    expect(r.imported).toBeGreaterThanOrEqual(40);
    expect(r.imported).toBeLessThan(80);
    expect(r.state).toMatchObject({ saved: true, entries: r.imported });
    expect(r.state?.keys).toHaveLength(2);

    const rerun = await importAt(at(0), [
      ...ns.map((n) => finding(n, { at: at(0) })),
      ...ns.map((n) => finding(n, { at: at(0), scope: OTHER })),
    ]);
    expect(rerun).toMatchObject({
      received: 80,
      unchanged: r.imported,
      imported: 80 - r.imported,
      failed: 0,
    });
  });

  it('an outage in the second key: balanced report, the first key saved, the rerun sends only the second key', async () => {
    const ns = Array.from({ length: 20 }, (_, i) => i);
    async function* outage() {
      for (const n of ns) yield finding(n, { at: at(0) });
      await vi.waitFor(() => expect(hub.findings().length).toBeGreaterThanOrEqual(20), { timeout: 10_000 });
      hub.setFaults({ serverErrorRate: 1 });
      for (const n of ns) yield finding(n, { at: at(0), scope: OTHER });
    }
    const report = await reportOf(outage(), { outageBudgetMs: 500, retryBaseMs: 10, retryCapMs: 50 }).finally(
      () => hub.setFaults({}),
    );
    const r = report as LifecycleReport;
    expect(r).toMatchObject({ received: 40, imported: 20, failed: 20 });
    expect(r.received).toBe(r.imported + r.unchanged + r.failed + r.skipped + r.unknown);
    expect(r.state).toMatchObject({ saved: true, entries: 20 });
    expect(r.state?.keys?.map((k) => `${k.scope} ${k.entries}`)).toEqual([`${SCOPE} 20`, `${OTHER} 0`]);

    const rerun = await importAt(at(0), [
      ...ns.map((n) => finding(n, { at: at(0) })),
      ...ns.map((n) => finding(n, { at: at(0), scope: OTHER })),
    ]);
    expect(rerun).toMatchObject({ received: 40, unchanged: 20, imported: 20, failed: 0 });
  });
});
