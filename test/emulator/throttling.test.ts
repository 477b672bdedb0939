import {
  BatchImportFindingsCommand,
  GetFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { finding, hubClient } from './helpers.js';

let emulator: RunningEmulator;
let client: SecurityHubClient;
let fakeMs = 0;

beforeAll(async () => {
  emulator = await startEmulator({
    clock: () => fakeMs,
    throttling: { import: { ratePerSecond: 1, burst: 3 } },
  });
  client = hubClient(emulator);
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});
beforeEach(() => {
  fakeMs = 0;
  emulator.reset();
});

async function outcome(send: Promise<unknown>): Promise<string> {
  try {
    await send;
    return 'ok';
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return `${e.$metadata?.httpStatusCode} ${e.name}`;
  }
}

const importOne = (id: string) => client.send(new BatchImportFindingsCommand({ Findings: [finding(id)] }));

describe('token buckets', () => {
  it('lets the burst through, then answers 429 LimitExceededException, then refills at the rate', async () => {
    const results: string[] = [];
    for (let i = 0; i < 4; i++) results.push(await outcome(importOne(`a${i}`)));
    expect(results).toEqual(['ok', 'ok', 'ok', '429 LimitExceededException']);
    fakeMs = 1_000;
    expect(await outcome(importOne('b'))).toBe('ok');
    expect(await outcome(importOne('c'))).toBe('429 LimitExceededException');
    expect(emulator.stats().throttled).toBe(2);
    expect(emulator.findings()).toHaveLength(4);
  });

  it('gives the SDK an error it treats as retryable throttling', async () => {
    for (let i = 0; i < 3; i++) await importOne(`a${i}`);
    const retrying = hubClient(emulator, { maxAttempts: 2 });
    const error = await retrying
      .send(new BatchImportFindingsCommand({ Findings: [finding('over')] }))
      .catch((e) => e);
    retrying.destroy();
    expect(error.$metadata).toMatchObject({ httpStatusCode: 429, attempts: 2 });
    expect(error.name).toBe('LimitExceededException');
    expect(
      emulator
        .requests()
        .slice(3)
        .map((r) => r.status),
    ).toEqual([429, 429]);
  });

  it('keeps the documented GetFindings quota (3/s, burst 6) by default', async () => {
    const results: string[] = [];
    for (let i = 0; i < 7; i++) results.push(await outcome(client.send(new GetFindingsCommand({}))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(6);
    expect(results[6]).toBe('429 LimitExceededException');
  });

  it('keeps one bucket per account and Region', async () => {
    for (let i = 0; i < 3; i++) await importOne(`a${i}`);
    const west = hubClient(emulator, { region: 'us-west-2' });
    const westFinding = finding('w', {
      ProductArn: 'arn:aws:securityhub:us-west-2:123456789012:product/123456789012/default',
    });
    const result = await west.send(new BatchImportFindingsCommand({ Findings: [westFinding] }));
    west.destroy();
    expect(result.SuccessCount).toBe(1);
  });
});

describe('throttling storms', () => {
  it('throttles every request inside the window and none after it', async () => {
    emulator.startThrottleStorm(500);
    expect(await outcome(importOne('a'))).toBe('429 LimitExceededException');
    expect(await outcome(client.send(new GetFindingsCommand({})))).toBe('429 LimitExceededException');
    fakeMs = 500;
    expect(await outcome(importOne('b'))).toBe('ok');
    expect(emulator.requests().map((r) => r.fault)).toEqual(['throttle-storm', 'throttle-storm', undefined]);
  });
});

describe('request log', () => {
  it('finds the busiest window of arrivals', async () => {
    for (const at of [0, 100, 200, 1_500, 1_600, 2_000, 2_100, 2_200, 2_300]) {
      fakeMs = at;
      await outcome(importOne(`t${at}`));
    }
    expect(emulator.maxRequestsInAnyWindow(1_000)).toBe(6);
    // Burst 3, then 1 token/s: after 0, 100, 200 the bucket holds 0.2; 1500 finds 1.5, 2000 finds 1.0.
    expect(emulator.requests().map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 200, 429, 429, 429]);
    expect(emulator.maxRequestsInAnyWindow(1_000, (r) => r.status === 200)).toBe(3);
    expect(
      emulator.requests().every((r) => r.operation === 'BatchImportFindings' && r.findingCount === 1),
    ).toBe(true);
    expect(emulator.requests()[0]).toMatchObject({
      accountId: '123456789012',
      region: 'us-east-1',
      status: 200,
    });
  });
});

describe('request log limit', () => {
  it('keeps the newest records but exact totals', async () => {
    const small = await startEmulator({ throttling: false, requestLogLimit: 10 });
    const c = hubClient(small);
    for (let i = 0; i < 25; i++) await c.send(new GetFindingsCommand({}));
    c.destroy();
    await small.stop();
    expect(small.requests().length).toBeLessThanOrEqual(10);
    expect(small.stats()).toMatchObject({
      requests: 25,
      byOperation: { GetFindings: 25 },
      byStatus: { '200': 25 },
    });
  });
});
