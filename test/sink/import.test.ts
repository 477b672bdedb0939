import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { describe, expect, it, vi } from 'vitest';
import type { Issue } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';
import { memoryDeadLetter } from '../../src/sink/dead-letter.js';
import { type ImportOptions, importFindings, importReportOf } from '../../src/sink/import.js';
import { type RequestLimiter, unlimited } from '../../src/sink/limiter.js';
import { assertBalanced } from '../../src/sink/report.js';
import {
  counted,
  FakeSecurityHub,
  failing,
  finding,
  findings,
  gate,
  sdkErrors,
} from '../helpers/fake-security-hub.js';

/** Fast defaults: no pacing, tiny backoff. */
function fast(client: FakeSecurityHub, extra: ImportOptions = {}): ImportOptions {
  return { client, limiter: unlimited(), retryBaseMs: 1, retryCapMs: 5, lingerMs: 5_000, ...extra };
}

describe('importFindings: batching', () => {
  it('sends 250 findings as 100 + 100 + 50 and imports all of them', async () => {
    const hub = new FakeSecurityHub();
    const report = await importFindings(findings(250), fast(hub, { concurrency: 1 }));
    expect(hub.requests.map((r) => r.ids.length)).toEqual([100, 100, 50]);
    expect(report).toMatchObject({
      received: 250,
      imported: 250,
      failed: 0,
      skipped: 0,
      pending: 0,
      requests: 3,
    });
    expect(hub.stored.size).toBe(250);
  });

  it('closes a batch before it would exceed maxBytes, and never sends a request above it', async () => {
    const hub = new FakeSecurityHub();
    const big = (i: number) => finding(`big-${i}`, { Description: 'x'.repeat(900) });
    const items = Array.from({ length: 20 }, (_, i) => big(i));
    const one = Buffer.byteLength(JSON.stringify(items[0]));
    const maxBytes = 14 + 3 * one + 2 + 10; // three findings fit, four do not
    const report = await importFindings(items, fast(hub, { maxBytes, concurrency: 1 }));
    for (const request of hub.requests) {
      expect(Buffer.byteLength(JSON.stringify({ Findings: request.findings }))).toBeLessThanOrEqual(maxBytes);
    }
    expect(hub.requests.map((r) => r.ids.length)).toEqual([3, 3, 3, 3, 3, 3, 2]);
    expect(report.imported).toBe(20);
  });

  it('never sends an empty batch when the input is empty', async () => {
    const hub = new FakeSecurityHub();
    const report = await importFindings([], fast(hub));
    expect(hub.requests).toHaveLength(0);
    expect(report).toMatchObject({ received: 0, imported: 0, requests: 0 });
  });

  it('sends a partial batch after lingerMs when the input stalls', async () => {
    const hub = new FakeSecurityHub();
    const release = gate();
    async function* slow() {
      yield* findings(5);
      await release.promise;
      yield* findings(5, 5);
    }
    const run = importFindings(slow(), fast(hub, { lingerMs: 20 }));
    await vi.waitFor(() => expect(hub.requests).toHaveLength(1));
    expect(hub.requests[0]!.ids).toHaveLength(5);
    release.open();
    const report = await run;
    expect(report.imported).toBe(10);
  });
});

describe('importFindings: duplicate Ids', () => {
  it('replaces an earlier copy still in the open batch with the later one and counts it skipped', async () => {
    const hub = new FakeSecurityHub();
    const issues: Issue[] = [];
    const items = [finding('a', { Title: 'first' }), finding('b'), finding('a', { Title: 'second' })];
    const report = await importFindings(items, fast(hub, { onIssue: (issue) => issues.push(issue) }));
    expect(hub.requests).toHaveLength(1);
    expect(hub.requests[0]!.ids).toEqual(['a', 'b']);
    expect(hub.stored.get('a')!.Title).toBe('second');
    expect(report).toMatchObject({
      received: 3,
      imported: 2,
      skipped: 1,
      failed: 0,
      issues: { 'duplicate-id': 1 },
    });
    expect(issues).toEqual([expect.objectContaining({ code: 'duplicate-id', recordIndex: 2 })]);
  });

  it('sends an Id again when its earlier copy already left in another batch', async () => {
    const hub = new FakeSecurityHub();
    const items = [finding('a', { Title: 'first' }), finding('b'), finding('a', { Title: 'second' })];
    const report = await importFindings(items, fast(hub, { maxCount: 2, concurrency: 1 }));
    expect(hub.requests.map((r) => r.ids)).toEqual([['a', 'b'], ['a']]);
    for (const request of hub.requests) expect(new Set(request.ids).size).toBe(request.ids.length);
    expect(report).toMatchObject({ received: 3, imported: 3, skipped: 0, issues: { 'duplicate-id': 1 } });
  });

  it('keeps the later copy when a retried older copy meets it in a batch', async () => {
    // Request 0 fails 'a' (v1) transiently; by then 'a' (v2) is in the open batch: v2 must win.
    const hub = new FakeSecurityHub((request) =>
      request.index === 0 ? failing(request, ['a'], 'InternalFailure') : undefined,
    );
    const items = [finding('a', { Title: 'v1' }), finding('b'), finding('a', { Title: 'v2' }), finding('c')];
    const report = await importFindings(items, fast(hub, { maxCount: 2, concurrency: 1 }));
    expect(hub.stored.get('a')!.Title).toBe('v2');
    const sentA = hub.requests.flatMap((r) => r.findings.filter((f) => f.Id === 'a').map((f) => f.Title));
    expect(sentA).toEqual(['v1', 'v2']);
    expect(report).toMatchObject({ received: 4, imported: 3, skipped: 1, failed: 0 });
  });
});

describe('importFindings: per-finding failures', () => {
  it('re-queues transient FailedFindings into the next full batch instead of a small retry request', async () => {
    const hub = new FakeSecurityHub((request) =>
      request.index === 0 ? failing(request, ['f-3', 'f-7'], 'InternalFailure') : undefined,
    );
    const report = await importFindings(findings(200), fast(hub, { concurrency: 1 }));
    expect(hub.requests.map((r) => r.ids.length)).toEqual([100, 100, 2]);
    expect(hub.requests[1]!.ids.slice(0, 2)).toEqual(['f-3', 'f-7']);
    expect(report).toMatchObject({ received: 200, imported: 200, failed: 0, retries: 2 });
  });

  it('dead-letters permanent FailedFindings at once with their code, message and attempts', async () => {
    const hub = new FakeSecurityHub((request) =>
      request.index === 0
        ? failing(request, ['f-1'], 'InvalidInput', 'data.Title should NOT be longer')
        : undefined,
    );
    const deadLetter = memoryDeadLetter();
    const report = await importFindings(findings(10), fast(hub, { deadLetter }));
    expect(hub.requests).toHaveLength(1);
    expect(deadLetter.entries).toEqual([
      {
        finding: finding('f-1'),
        errorCode: 'InvalidInput',
        errorMessage: 'data.Title should NOT be longer',
        attempts: 1,
      },
    ]);
    expect(report).toMatchObject({ imported: 9, failed: 1, deadLettered: 1, failures: { InvalidInput: 1 } });
  });

  it('retries an unknown code maxRetries times, then dead-letters it', async () => {
    const hub = new FakeSecurityHub((request) => failing(request, ['f-0'], 'MysteryError'));
    const result = await importFindings(findings(1), fast(hub, { maxRetries: 3 }));
    expect(hub.requests).toHaveLength(4);
    expect(result.deadLetterEntries).toEqual([
      expect.objectContaining({
        errorCode: 'MysteryError',
        attempts: 4,
        errorMessage: expect.stringMatching(/gave up after 4 attempts/),
      }),
    ]);
    expect(result).toMatchObject({ received: 1, imported: 0, failed: 1, retries: 3 });
  });

  it('dead-letters a finding over 240 KB and one without an Id before sending', async () => {
    const hub = new FakeSecurityHub();
    const huge = finding('huge', { Description: 'x'.repeat(250_000) });
    const noId = { ...finding('x'), Id: undefined } as unknown as AwsSecurityFinding;
    const result = await importFindings([finding('ok'), huge, noId], fast(hub));
    expect(hub.requests.flatMap((r) => r.ids)).toEqual(['ok']);
    expect(result.deadLetterEntries!.map((e) => [e.errorCode, e.attempts])).toEqual([
      ['finding-too-large', 0],
      ['invalid-finding', 0],
    ]);
    expect(result).toMatchObject({ received: 3, imported: 1, failed: 2 });
  });
});

describe('importFindings: whole-request failures', () => {
  it.each([
    ['LimitExceededException (429)', sdkErrors.limitExceeded],
    ['TooManyRequestsException (429)', sdkErrors.tooManyRequests],
  ])(
    'retries after %s, counts it as throttled, never as failed, and drains the limiter',
    async (_, error) => {
      const hub = new FakeSecurityHub((request) => (request.index === 0 ? error() : undefined));
      const drain = vi.fn(async () => {});
      const limiter: RequestLimiter = { ...unlimited(), drain };
      const report = await importFindings(findings(50), fast(hub, { limiter }));
      expect(hub.requests.map((r) => r.ids.length)).toEqual([50, 50]);
      expect(drain).toHaveBeenCalledTimes(1);
      expect(report).toMatchObject({ imported: 50, failed: 0, throttled: 1, requests: 2, failures: {} });
    },
  );

  it.each([
    ['InternalException (500)', sdkErrors.internal],
    ['ServiceUnavailable (503)', sdkErrors.serviceUnavailable],
    ['ECONNRESET', sdkErrors.connectionReset],
    ['TimeoutError', sdkErrors.timeout],
  ])('retries after %s with backoff', async (_, error) => {
    const hub = new FakeSecurityHub((request) => (request.index === 1 ? error() : undefined));
    const report = await importFindings(findings(150), fast(hub, { concurrency: 1 }));
    expect(report).toMatchObject({ imported: 150, failed: 0, throttled: 0, retries: 50 });
    expect(hub.stored.size).toBe(150);
  });

  it('dead-letters the findings in hand with code outage once the outage budget runs out', async () => {
    const hub = new FakeSecurityHub((request) => (request.index === 0 ? undefined : sdkErrors.internal()));
    const { state, input } = counted(findings(5_000));
    const result = await importFindings(
      input,
      fast(hub, { maxCount: 2, concurrency: 1, maxRetries: 2, outageBudgetMs: 100 }),
    );
    expect(result.imported).toBe(2);
    expect(result.deadLetterEntries!.length).toBe(result.failed);
    expect(result.deadLetterEntries!.every((e) => e.errorCode === 'outage')).toBe(true);
    expect(result.deadLetterEntries![0]!.errorMessage).toMatch(
      /did not answer for 100 ms.*InternalException/,
    );
    expect(result).toMatchObject({ failures: { outage: result.failed }, outages: 1 });
    // Nothing more was read once the circuit opened: the findings in hand are the batch in flight + one.
    expect(state.pulled).toBeLessThanOrEqual(2 + 2 * 2);
    assertBalanced(result);
  });

  it('stops with E_AWS_ACCESS when no request has ever worked (wrong endpoint)', async () => {
    const refused = () =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const hub = new FakeSecurityHub(() => refused());
    const deadLetter = memoryDeadLetter();
    const run = importFindings(
      findings(30),
      fast(hub, { maxCount: 10, concurrency: 1, maxRetries: 1, deadLetter }),
    );
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConverterError);
    expect(error).toMatchObject({ code: 'E_AWS_ACCESS', message: expect.stringMatching(/--endpoint-url/) });
    expect(deadLetter.entries).toHaveLength(0);
    const report = importReportOf(error)!;
    expect(report.imported).toBe(0);
    expect(report.unsent).toBe(report.received);
    expect(report.failures).toEqual({ ECONNREFUSED: report.received });
  });

  it('stops on AccessDeniedException with a hint, dead-letters nothing and stops reading input', async () => {
    const hub = new FakeSecurityHub((request) =>
      request.index === 1 ? sdkErrors.accessDenied() : undefined,
    );
    const deadLetter = memoryDeadLetter();
    const { state, input } = counted(findings(5_000));
    const error = await importFindings(input, fast(hub, { concurrency: 1, deadLetter })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'E_AWS_ACCESS',
      message: expect.stringMatching(/Grant securityhub:BatchImportFindings/),
    });
    expect((error as Error).message).not.toMatch(/AKIA/);
    expect(deadLetter.entries).toHaveLength(0);
    const report = importReportOf(error)!;
    expect(state.pulled).toBeLessThanOrEqual(300);
    expect(report).toMatchObject({
      imported: 100,
      deadLettered: 0,
      failures: { AccessDeniedException: report.unsent },
    });
    expect(report.received).toBe(state.pulled);
    assertBalanced(report);
  });

  it('bisects a batch rejected with InvalidInputException down to the bad finding', async () => {
    const hub = new FakeSecurityHub((request) =>
      request.ids.includes('f-5') ? sdkErrors.invalidInput() : undefined,
    );
    const result = await importFindings(findings(8), fast(hub, { concurrency: 1 }));
    // Depth-first, one request at a time while a whole rejection is unexplained.
    expect(hub.requests.map((r) => r.ids.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
    expect(result.deadLetterEntries).toEqual([
      expect.objectContaining({ finding: finding('f-5'), errorCode: 'InvalidInputException' }),
    ]);
    expect(result).toMatchObject({ imported: 7, failed: 1 });
  });
});

describe('importFindings: backpressure', () => {
  it('reads no more than the batches in flight plus the one being filled', async () => {
    const held = gate();
    const hub = new FakeSecurityHub(async () => {
      await held.promise;
      return undefined;
    });
    const { state, input } = counted(findings(1_000));
    const run = importFindings(input, fast(hub, { concurrency: 2, maxCount: 10 }));
    await vi.waitFor(() => expect(hub.requests).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.pulled).toBeLessThanOrEqual(3 * 10 + 1);
    held.open();
    const report = await run;
    expect(report.imported).toBe(1_000);
  });
});

describe('importFindings: abort', () => {
  it('stops reading, finishes what is in flight within the grace period and reports aborted', async () => {
    const controller = new AbortController();
    const hub = new FakeSecurityHub(async (request) => {
      if (request.index === 1) controller.abort();
      return undefined;
    });
    const { state, input } = counted(findings(10_000));
    const report = await importFindings(input, fast(hub, { concurrency: 1, signal: controller.signal }));
    expect(report.aborted).toBe(true);
    expect(state.pulled).toBeLessThan(400);
    expect(report).toMatchObject({ failed: 0, imported: report.received });
  });

  it('dead-letters requests that cannot finish within the grace period with code aborted', async () => {
    const controller = new AbortController();
    const never = gate();
    const hub = new FakeSecurityHub(async (request) => {
      if (request.index === 0) return undefined;
      controller.abort();
      await never.promise;
      return undefined;
    });
    const result = await importFindings(
      findings(300),
      fast(hub, { concurrency: 2, signal: controller.signal, abortGraceMs: 30 }),
    );
    expect(result.aborted).toBe(true);
    expect(result.imported).toBe(100);
    // The request in flight at the end of the grace period: Security Hub may have stored it.
    expect(result.unknown).toBe(100);
    expect(result.failed).toBe(result.received - 200);
    expect(result.deadLetterEntries!.every((e) => e.errorCode === 'aborted')).toBe(true);
    const inFlight = result.deadLetterEntries!.filter((e) =>
      /may or may not have been imported/.test(e.errorMessage),
    );
    expect(inFlight).toHaveLength(100);
    expect(result.deadLetterEntries).toHaveLength(result.failed + result.unknown);
    assertBalanced(result);
  });

  it('returns an empty aborted report when the signal is already aborted', async () => {
    const hub = new FakeSecurityHub();
    const report = await importFindings(findings(10), fast(hub, { signal: AbortSignal.abort() }));
    expect(report).toMatchObject({ aborted: true, received: 0, requests: 0 });
  });
});

describe('importFindings: report', () => {
  it('counts findings dead-lettered from outside (convert onReject) as received and failed', async () => {
    const hub = new FakeSecurityHub();
    const deadLetter = memoryDeadLetter();
    async function* withRejects() {
      yield finding('a');
      deadLetter.write(finding('rejected'), 'finding-too-large', 'could not be shrunk below 240 KB');
      yield finding('b');
    }
    const report = await importFindings(withRejects(), fast(hub, { deadLetter }));
    expect(report).toMatchObject({
      received: 3,
      imported: 2,
      failed: 1,
      deadLettered: 1,
      failures: { 'finding-too-large': 1 },
    });
  });

  it('imports everything read before an input error, then rethrows it with the report', async () => {
    const hub = new FakeSecurityHub();
    async function* broken() {
      yield* findings(150);
      throw new ConverterError('E_PARSE', 'unexpected token', { line: 9 });
    }
    const error = await importFindings(broken(), fast(hub)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_PARSE' });
    expect(importReportOf(error)).toMatchObject({ received: 150, imported: 150, failed: 0 });
    expect(hub.stored.size).toBe(150);
  });

  it('calls onProgress with snapshots and ends with the final report', async () => {
    const hub = new FakeSecurityHub(async () => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return undefined;
    });
    const snapshots: number[] = [];
    const report = await importFindings(
      findings(500),
      fast(hub, { concurrency: 1, progressIntervalMs: 10, onProgress: (r) => snapshots.push(r.imported) }),
    );
    expect(snapshots.length).toBeGreaterThan(2);
    expect(snapshots.at(-1)).toBe(500);
    expect(snapshots).toEqual([...snapshots].sort((a, b) => a - b));
    expect(report.findingsPerSecond).toBeGreaterThan(0);
  });

  it('writes failures to a dead-letter file given by path and names it in the report', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'asff-import-')), 'failed.ndjson');
    const hub = new FakeSecurityHub((request) => failing(request, ['f-2'], 'InvalidInput', 'bad title'));
    const report = await importFindings(findings(3), fast(hub, { deadLetter: path }));
    expect(report).toMatchObject({ failed: 1, deadLetterPath: path });
    expect(report).not.toHaveProperty('deadLetterEntries');
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { finding: finding('f-2'), errorCode: 'InvalidInput', errorMessage: 'bad title', attempts: 1 },
    ]);
  });

  it('keeps the in-memory dead-letter entries on the report of a run that threw', async () => {
    const hub = new FakeSecurityHub((request) =>
      request.index === 0 ? failing(request, ['f-1'], 'InvalidInput') : sdkErrors.accessDenied(),
    );
    const error = await importFindings(findings(20), fast(hub, { maxCount: 10, concurrency: 1 })).catch(
      (e: unknown) => e,
    );
    const report = importReportOf(error)!;
    expect(report.deadLetterEntries!.map((e) => e.finding.Id)).toEqual(['f-1']);
    expect(report).toMatchObject({ imported: 9, deadLettered: 1, unsent: 10 });
  });

  it('does a dry run without a client: batches and counts, sends nothing', async () => {
    const report = await importFindings(findings(230), { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, received: 230, imported: 230, requests: 3, failed: 0 });
  });
});
