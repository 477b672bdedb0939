import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { findings, hubClient } from './helpers.js';

let emulator: RunningEmulator;
let client: SecurityHubClient;

beforeAll(async () => {
  emulator = await startEmulator({ throttling: false });
  client = hubClient(emulator);
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

/** Sends 20 batches of 5 findings one after the other and describes what came back. */
async function run(faults: FaultOptions): Promise<string[]> {
  emulator.setFaults(faults);
  emulator.reset();
  const outcomes: string[] = [];
  const all = findings(100);
  for (let i = 0; i < all.length; i += 5) {
    try {
      const result = await client.send(new BatchImportFindingsCommand({ Findings: all.slice(i, i + 5) }));
      const failed = (result.FailedFindings ?? []).map((f) => `${f.Id}:${f.ErrorCode}`);
      outcomes.push(`200 ${failed.join(',')}`);
    } catch (error) {
      const e = error as { name: string; code?: string; $metadata?: { httpStatusCode?: number } };
      outcomes.push(`${e.$metadata?.httpStatusCode ?? e.code ?? 'network'} ${e.name}`);
    }
  }
  return outcomes;
}

const FAULTS: FaultOptions = {
  seed: 42,
  serverErrorRate: 0.15,
  resetRate: 0.1,
  lostResponseRate: 0.1,
  findingFailureRate: 0.2,
  findingFailureCodes: ['InternalFailure', 'ConcurrentUpdateError'],
};

describe('fault injection', () => {
  it('is reproducible for a seed and differs for another seed', async () => {
    const first = await run(FAULTS);
    const again = await run(FAULTS);
    const other = await run({ ...FAULTS, seed: 43 });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('injects every kind of fault at roughly the configured rates', async () => {
    const outcomes = await run(FAULTS);
    const stats = emulator.stats();
    expect(outcomes.some((o) => o.startsWith('500 InternalException'))).toBe(true);
    expect(stats.faults['server-error']).toBe(outcomes.filter((o) => o.startsWith('500')).length);
    expect((stats.faults.reset ?? 0) + (stats.faults['lost-response'] ?? 0)).toBe(
      outcomes.filter((o) => !o.startsWith('200') && !o.startsWith('500')).length,
    );
    expect(stats.faults.reset ?? 0).toBeGreaterThan(0);
    expect(stats.faults['lost-response'] ?? 0).toBeGreaterThan(0);
    const injected =
      (stats.failedFindings.InternalFailure ?? 0) + (stats.failedFindings.ConcurrentUpdateError ?? 0);
    expect(injected).toBeGreaterThan(0);
    expect(outcomes.join(' ')).toMatch(/:InternalFailure/);
  });

  it('stores the findings of a lost response, and a resend of them is a success that changes nothing', async () => {
    await run({ seed: 7, lostResponseRate: 1 });
    expect(emulator.findings()).toHaveLength(100);
    emulator.setFaults({});
    const resend = await client.send(new BatchImportFindingsCommand({ Findings: findings(5) }));
    expect(resend).toMatchObject({ SuccessCount: 5, FailedCount: 0 });
    expect(emulator.findings()).toHaveLength(100);
    expect(emulator.stats().ignoredStale).toBe(5);
  });

  it('stores nothing for a reset or a 500', async () => {
    await run({ seed: 7, resetRate: 0.5, serverErrorRate: 0.5 });
    expect(emulator.findings()).toHaveLength(0);
    expect(emulator.requests().every((r) => r.fault === 'reset' || r.fault === 'server-error')).toBe(true);
  });

  it('decides per-finding failures by Id and attempt, whatever the batching', async () => {
    emulator.setFaults({ seed: 5, findingFailureRate: 0.3 });
    emulator.reset();
    const all = findings(40);
    const byTens: string[] = [];
    for (let i = 0; i < 40; i += 10) {
      const r = await client.send(new BatchImportFindingsCommand({ Findings: all.slice(i, i + 10) }));
      byTens.push(...(r.FailedFindings ?? []).map((f) => f.Id ?? ''));
    }
    emulator.reset();
    const whole = await client.send(new BatchImportFindingsCommand({ Findings: all }));
    expect((whole.FailedFindings ?? []).map((f) => f.Id)).toEqual(byTens);
    expect(byTens.length).toBeGreaterThan(0);
    // A second attempt at the same findings draws again: most of them now succeed.
    const retry = await client.send(
      new BatchImportFindingsCommand({ Findings: all.filter((f) => byTens.includes(f.Id ?? '')) }),
    );
    expect(retry.FailedCount).toBeLessThan(byTens.length);
  });
});
