import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { describe, expect, it, vi } from 'vitest';
import { importFindings } from '../../src/sink/import.js';
import { unlimited } from '../../src/sink/limiter.js';
import { FakeSecurityHub, failing, findings, gate } from '../helpers/fake-security-hub.js';

/** The run's outcome, or 'stalled' when it has not settled within `ms` (the fake hub answers at once). */
function settlesWithin<T>(run: Promise<T>, ms: number): Promise<T | 'stalled'> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), ms);
  });
  return Promise.race([run, stalled]).finally(() => clearTimeout(timer));
}

describe('importFindings: the hooks a state file uses', () => {
  it('does not send findings isUnchanged accepts, and counts them: received = imported + unchanged + failed + skipped', async () => {
    const hub = new FakeSecurityHub();
    const unchanged = new Set(['f-1', 'f-3', 'f-4']);
    const report = await importFindings(findings(6), {
      client: hub,
      limiter: unlimited(),
      isUnchanged: (finding) => unchanged.has(finding.Id as string),
    });
    expect(hub.requests.flatMap((r) => r.ids)).toEqual(['f-0', 'f-2', 'f-5']);
    expect(report).toMatchObject({
      received: 6,
      imported: 3,
      unchanged: 3,
      failed: 0,
      skipped: 0,
      pending: 0,
    });
  });

  it('calls onImported with exactly the findings Security Hub accepted', async () => {
    const hub = new FakeSecurityHub((request) => failing(request, ['f-2'], 'InvalidInput'));
    const accepted: AwsSecurityFinding[] = [];
    const report = await importFindings(findings(4), {
      client: hub,
      limiter: unlimited(),
      onImported: (finding) => accepted.push(finding),
    });
    expect(report).toMatchObject({ imported: 3, failed: 1 });
    expect(accepted.map((f) => f.Id).sort()).toEqual(['f-0', 'f-1', 'f-3']);
  });

  it('keeps reading after more unchanged findings than it may hold (they are settled, not held)', async () => {
    // concurrency 1 × batches of 10: at most 20 findings held. 25 unchanged findings come first; they once
    // counted as held forever, so reading stopped with nothing in flight and no timer: the run never settled
    // and the CLI exited 0 having printed nothing.
    const hub = new FakeSecurityHub();
    const run = importFindings(findings(30), {
      client: hub,
      limiter: unlimited(),
      concurrency: 1,
      maxCount: 10,
      lingerMs: 5,
      isUnchanged: (finding) => Number((finding.Id as string).slice(2)) < 25,
    });
    const report = await settlesWithin(run, 2_000);
    expect(report).not.toBe('stalled');
    expect(hub.requests.flatMap((r) => r.ids)).toEqual(['f-25', 'f-26', 'f-27', 'f-28', 'f-29']);
    expect(report).toMatchObject({ received: 30, imported: 5, unchanged: 25, pending: 0 });
  });

  it('keeps every batch slot busy when unchanged findings come between changed ones', async () => {
    // concurrency 3 × batches of 10: 40 findings held at most. 35 unchanged findings after the first batch
    // must not use up that room: the next two batches go out while the first is still in flight.
    const release = gate<undefined>();
    const hub = new FakeSecurityHub(() => release.promise);
    const unchanged = (id: string) => {
      const n = Number(id.slice(2));
      return n >= 10 && n < 45;
    };
    const run = importFindings(findings(75), {
      client: hub,
      limiter: unlimited(),
      concurrency: 3,
      maxCount: 10,
      lingerMs: 5_000,
      isUnchanged: (finding) => unchanged(finding.Id as string),
    });
    await vi.waitFor(() => expect(hub.requests).toHaveLength(3));
    release.open(undefined);
    expect(await run).toMatchObject({ received: 75, imported: 40, unchanged: 35, pending: 0, requests: 4 });
  });
});
