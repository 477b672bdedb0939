import { afterEach, describe, expect, it } from 'vitest';
import { importExitCode } from '../../src/commands/import-exit.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { callerAccountId } from '../../src/sink/account.js';
import { type ImportOptions, importFindings, importReportOf } from '../../src/sink/import.js';
import { ACCOUNT, finding, hubClient, REGION } from '../emulator/helpers.js';

const CREDENTIALS = { accessKeyId: 'AKIDSINKTEST', secretAccessKey: 'fake-secret' };
const isImport = (record: { operation: string }) => record.operation === 'BatchImportFindings';

let hub: RunningEmulator | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

/**
 * The real SDK client, created by the sink, pointed at the emulator. `endpoint` is Security Hub's only, so the
 * account is given (the sink would otherwise ask STS at its own endpoint).
 */
function viaEmulator(emulator: RunningEmulator, extra: ImportOptions = {}): ImportOptions {
  return { endpoint: emulator.url, region: REGION, credentials: CREDENTIALS, accountId: ACCOUNT, ...extra };
}

function manyFindings(count: number, prefix = 'f') {
  return Array.from({ length: count }, (_, i) => finding(`${prefix}-${String(i).padStart(5, '0')}`));
}

async function* streamed<T>(items: T[]) {
  yield* items;
}

describe('importFindings against the emulator (real SDK client)', () => {
  it('imports 10,000 findings exactly once through 5 % finding failures, resets, lost responses, 5xx and a throttling storm', async () => {
    let answered = 0;
    const emulator: RunningEmulator = await startEmulator({
      throttling: { import: { ratePerSecond: 200, burst: 200 } },
      faults: {
        seed: 7,
        findingFailureRate: 0.05,
        findingFailureCodes: ['InternalFailure', 'ConcurrentUpdateError', 'ThrottlingException'],
        resetRate: 0.03,
        lostResponseRate: 0.02,
        serverErrorRate: 0.03,
      },
      // A throttling storm in the middle of the run, whenever the run gets there.
      onRequest: () => {
        answered += 1;
        if (answered === 30) emulator.startThrottleStorm(150);
      },
    });
    hub = emulator;
    const result = await importFindings(
      streamed(manyFindings(10_000)),
      viaEmulator(hub, { rate: 200, burst: 200, concurrency: 10, retryBaseMs: 20, retryCapMs: 200 }),
    );
    const stored = hub.findings();
    expect(stored).toHaveLength(10_000);
    expect(new Set(stored.map((f) => f.Id)).size).toBe(10_000);
    expect(result).toMatchObject({ received: 10_000, imported: 10_000, failed: 0, skipped: 0, failures: {} });
    expect(result.deadLetterEntries).toEqual([]);
    const stats = hub.stats();
    // The faults really happened, and each was retried.
    for (const kind of ['reset', 'lost-response', 'server-error', 'throttle-storm'])
      expect(stats.faults[kind], kind).toBeGreaterThan(0);
    expect(Object.values(stats.failedFindings).reduce((a, b) => a + b, 0)).toBeGreaterThan(300);
    expect(result.throttled).toBeGreaterThan(0);
    expect(result.retries).toBeGreaterThan(300);
    // Every attempt went through our limiter: no second holds more than the burst plus one second of rate.
    expect(hub.maxRequestsInAnyWindow(1000, isImport)).toBeLessThanOrEqual(200 + 200);
    expect(importExitCode(result)).toBe(0);
  });

  it('keeps to 10 requests/s with a burst of 30 at the real pace, under 5 % finding failures', async () => {
    hub = await startEmulator({ faults: { seed: 3, findingFailureRate: 0.05 } });
    const result = await importFindings(streamed(manyFindings(5_000)), viaEmulator(hub, { retryBaseMs: 50 }));
    expect(result).toMatchObject({ imported: 5_000, failed: 0 });
    expect(hub.findings()).toHaveLength(5_000);
    // A token bucket of 30 refilled at 10/s admits at most 30 + 10 in any one second; the emulator's own
    // bucket (same quota, same start) agrees: it throttled nothing or next to nothing.
    const busiest = hub.maxRequestsInAnyWindow(1000, isImport);
    expect(busiest).toBeLessThanOrEqual(40);
    expect(result.throttled).toBeLessThanOrEqual(3);
    // Over the whole run, the bucket bound holds: n requests took at least (n - 30) / 10 seconds (less one
    // refill of 5, which lands in one clump).
    const times = hub
      .requests()
      .filter(isImport)
      .map((r) => r.elapsedMs);
    const seconds = (times.at(-1)! - times[0]!) / 1000;
    expect(times.length).toBeGreaterThan(50);
    expect(times.length).toBeLessThanOrEqual(30 + 10 * seconds + 5);
    // Retried findings rode in full batches: only the last two requests are not full.
    expect(hub.requests().filter((r) => isImport(r) && r.findingCount < 100).length).toBeLessThanOrEqual(3);
  });

  it('stops on abort: what was read is imported or dead-lettered as aborted, and the run maps to 130', async () => {
    const controller = new AbortController();
    let answered = 0;
    hub = await startEmulator({
      throttling: false,
      onRequest: () => {
        answered += 1;
        if (answered === 5) controller.abort();
      },
    });
    let pulled = 0;
    async function* counted() {
      for (const item of manyFindings(20_000)) {
        pulled += 1;
        yield item;
      }
    }
    const result = await importFindings(
      counted(),
      viaEmulator(hub, { rate: 200, burst: 200, concurrency: 4, signal: controller.signal }),
    );
    expect(result.aborted).toBe(true);
    expect(pulled).toBeLessThan(2_000);
    expect(result.received).toBe(pulled);
    expect(result.imported + (result.failures.aborted ?? 0)).toBe(result.received);
    expect(hub.findings().length).toBeGreaterThanOrEqual(result.imported);
    expect(importExitCode(result)).toBe(130);
  });

  it('dead-letters permanent failures with their reasons and maps the run to exit code 3', async () => {
    hub = await startEmulator({ throttling: false });
    const items = manyFindings(120);
    items[5] = finding('too-long-title', { Title: 'x'.repeat(300) });
    items[110] = finding('bad-arn', { ProductArn: 'not-an-arn' });
    // Your own SecurityHubClient (with maxAttempts: 1) works as `client`.
    const result = await importFindings(items, {
      client: hubClient(hub, { maxAttempts: 1 }),
      concurrency: 2,
    });
    const entries = result.deadLetterEntries ?? [];
    expect(entries.map((e) => [e.finding.Id, e.errorCode])).toEqual(
      expect.arrayContaining([
        ['too-long-title', 'InvalidInput'],
        ['bad-arn', 'InvalidInputException'],
      ]),
    );
    expect(entries).toHaveLength(2);
    expect(entries.find((e) => e.finding.Id === 'too-long-title')!.errorMessage).toMatch(
      /Title should NOT be longer/,
    );
    expect(result).toMatchObject({ received: 120, imported: 118, failed: 2 });
    expect(hub.findings()).toHaveLength(118);
    expect(importExitCode(result)).toBe(3);
  });

  it('stops on AccessDenied with a hint and exit code 4, dead-lettering nothing', async () => {
    hub = await startEmulator({ accessKeys: { AKIDDENIED: { access: 'deny' } } });
    const error = await importFindings(
      manyFindings(500),
      viaEmulator(hub, { credentials: { accessKeyId: 'AKIDDENIED', secretAccessKey: 'x' } }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'E_AWS_ACCESS',
      message: expect.stringMatching(/^AccessDeniedException: .*Grant/),
    });
    const report = importReportOf(error)!;
    expect(report).toMatchObject({ imported: 0, deadLettered: 0 });
    expect(report.unsent).toBe(report.received);
    // The same report is on the error itself, not printed with it.
    expect((error as { report?: unknown }).report).toBe(report);
    expect(Object.keys(error as object)).not.toContain('report');
    expect(importExitCode(report, error)).toBe(4);
  });

  it('says how to enable Security Hub when it is not enabled (InvalidAccessException)', async () => {
    hub = await startEmulator({ disabledAccounts: [ACCOUNT] });
    const error = await importFindings(manyFindings(10), viaEmulator(hub)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'E_AWS_ACCESS',
      message: expect.stringMatching(/enable-security-hub/),
    });
  });

  it('finds the account of the credentials with STS GetCallerIdentity', async () => {
    hub = await startEmulator({ accessKeys: { AKIDOTHER: '210987654321', AKIDGONE: { access: 'unknown' } } });
    const options = { endpoint: hub.url, region: REGION };
    await expect(callerAccountId({ ...options, credentials: CREDENTIALS })).resolves.toBe(ACCOUNT);
    await expect(
      callerAccountId({ ...options, credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' } }),
    ).resolves.toBe('210987654321');
    await expect(
      callerAccountId({ ...options, credentials: { accessKeyId: 'AKIDGONE', secretAccessKey: 'x' } }),
    ).rejects.toMatchObject({ code: 'E_AWS_ACCESS', message: expect.stringMatching(/InvalidClientTokenId/) });
  });
});
