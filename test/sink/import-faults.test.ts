import { describe, expect, it } from 'vitest';
import type { Issue } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';
import { memoryDeadLetter } from '../../src/sink/dead-letter.js';
import { type ImportOptions, importFindings, importReportOf } from '../../src/sink/import.js';
import { unlimited } from '../../src/sink/limiter.js';
import { assertBalanced, type ImportReport } from '../../src/sink/report.js';
import {
  counted,
  FakeSecurityHub,
  failing,
  finding,
  findings,
  sdkErrors,
} from '../helpers/fake-security-hub.js';
import { seededRandom } from '../helpers/random.js';

/** Fast defaults: no pacing, tiny backoff. */
function fast(client: FakeSecurityHub, extra: ImportOptions = {}): ImportOptions {
  return { client, limiter: unlimited(), retryBaseMs: 1, retryCapMs: 20, lingerMs: 5_000, ...extra };
}

function* many(count: number) {
  for (let i = 0; i < count; i++) yield finding(`f-${i}`);
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });

describe('importFindings: outage model', () => {
  it('rides out an outage mid-run: nothing dead-lettered, no input read while it lasts', async () => {
    let outage: { from: number; to: number } | undefined;
    let pulledAtStart = 0;
    let pulledDuring = 0;
    const { state, input } = counted(many(3_000));
    const hub = new FakeSecurityHub((request) => {
      const now = Date.now();
      if (request.index === 5) {
        outage = { from: now, to: now + 400 };
        pulledAtStart = state.pulled;
      }
      if (outage !== undefined && now >= outage.from && now < outage.to) {
        pulledDuring = state.pulled;
        return refused();
      }
      return undefined;
    });
    const report = await importFindings(input, fast(hub, { concurrency: 2 }));
    // Before: retries gave up after maxRetries (~12 s at the default backoff, here ~0.1 s) and dead-lettered.
    expect(report).toMatchObject({ imported: 3_000, failed: 0, deadLettered: 0 });
    expect(report.outages).toBeGreaterThanOrEqual(1);
    expect(report.outageMs).toBeGreaterThan(0);
    expect(pulledDuring - pulledAtStart).toBeLessThanOrEqual(3 * 100);
    expect(hub.stored.size).toBe(3_000);
  });

  it('keeps the findings held within (concurrency + 1) × maxCount under 85 % 5xx, and imports all', async () => {
    const random = seededRandom(85);
    const hub = new FakeSecurityHub(() => (random() < 0.85 ? sdkErrors.internal() : undefined));
    let most = 0;
    const report = await importFindings(
      many(3_000),
      fast(hub, {
        concurrency: 10,
        retryCapMs: 5,
        progressIntervalMs: 1,
        onProgress: (snapshot: ImportReport) => {
          most = Math.max(most, snapshot.pending);
        },
      }),
    );
    // Before: retried findings left their slot, the pump read more, and the pending set grew without bound.
    expect(most).toBeLessThanOrEqual(11 * 100);
    expect(report).toMatchObject({ imported: 3_000, failed: 0 });
    expect(hub.stored.size).toBe(3_000);
  });

  it('gives up after the outage budget: the findings in hand are dead-lettered (outage), nothing more is read', async () => {
    const { state, input } = counted(many(10_000));
    const hub = new FakeSecurityHub((request) => (request.index < 3 ? undefined : refused()));
    const result = await importFindings(input, fast(hub, { concurrency: 2, outageBudgetMs: 200 }));
    expect(result.imported).toBe(300);
    expect(result.failures).toEqual({ outage: result.failed });
    expect(result.deadLetterEntries).toHaveLength(result.failed);
    expect(result.deadLetterEntries![0]!.errorMessage).toMatch(/ECONNREFUSED.*importing it again is safe/);
    expect(state.pulled).toBeLessThanOrEqual(300 + 3 * 100);
    expect(result.received).toBe(state.pulled);
    assertBalanced(result);
  });

  it('Ctrl-C while the circuit is open: what is held is dead-lettered aborted, the report balances', async () => {
    const controller = new AbortController();
    const hub = new FakeSecurityHub((request) => {
      if (request.index < 2) return undefined;
      if (request.index === 4) controller.abort();
      return refused();
    });
    const result = await importFindings(
      many(10_000),
      fast(hub, { concurrency: 2, signal: controller.signal, abortGraceMs: 50, retryBaseMs: 20 }),
    );
    expect(result.aborted).toBe(true);
    expect(result.imported).toBe(200);
    expect(result.failures).toEqual({ aborted: result.failed });
    expect(result.failed + result.unknown).toBe(result.received - 200);
    assertBalanced(result);
  });
});

describe('importFindings: error taxonomy', () => {
  it('stops after the first answer with per-finding InvalidAccess (integration not enabled): exit-4 error, nothing dead-lettered', async () => {
    const hub = new FakeSecurityHub((request) =>
      failing(request, request.ids, 'InvalidAccess', 'The product is not subscribed'),
    );
    const deadLetter = memoryDeadLetter();
    const { state, input } = counted(many(5_000));
    const error = await importFindings(input, fast(hub, { concurrency: 1, deadLetter })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConverterError);
    expect(error).toMatchObject({
      code: 'E_AWS_ACCESS',
      message: expect.stringMatching(/enable-import-findings-for-product --product-arn arn:aws:securityhub:/),
    });
    expect(hub.requests).toHaveLength(1);
    expect(deadLetter.entries).toHaveLength(0);
    const report = importReportOf(error)!;
    expect(report).toMatchObject({
      imported: 0,
      deadLettered: 0,
      failures: { InvalidAccess: report.received },
    });
    expect(state.pulled).toBeLessThanOrEqual(300);
    assertBalanced(report);
  });

  it('does not bisect every finding when every request is rejected as a whole (wrong --product-arn)', async () => {
    const hub = new FakeSecurityHub(() => sdkErrors.invalidInput());
    const deadLetter = memoryDeadLetter();
    const error = await importFindings(findings(169), fast(hub, { deadLetter })).catch((e: unknown) => e);
    // Before: 336 requests, every finding dead-lettered, exit 3.
    expect(error).toMatchObject({ code: 'E_AWS_ACCESS', message: expect.stringMatching(/--product-arn/) });
    expect(hub.requests.length).toBeLessThanOrEqual(20);
    expect(deadLetter.entries).toHaveLength(0);
    const report = importReportOf(error)!;
    expect(report).toMatchObject({ received: 169, imported: 0, unsent: 169 });
    assertBalanced(report);
  });

  it('still dead-letters two bad findings of a batch found by bisection', async () => {
    const hub = new FakeSecurityHub((request) =>
      request.ids.includes('f-3') || request.ids.includes('f-70') ? sdkErrors.invalidInput() : undefined,
    );
    const result = await importFindings(findings(100), fast(hub));
    expect(result.deadLetterEntries!.map((e) => e.finding.Id).sort()).toEqual(['f-3', 'f-70']);
    expect(result).toMatchObject({ imported: 98, failed: 2 });
  });
});

describe('importFindings: checks before sending', () => {
  /** A strict hub: a foreign account or a customer-owned field fails the whole request with a 403. */
  const strict = () =>
    new FakeSecurityHub((request) =>
      request.findings.some(
        (f) => f.AwsAccountId !== '123456789012' || f.Note !== undefined || f.Workflow !== undefined,
      )
        ? sdkErrors.accessDenied()
        : undefined,
    );

  it('dead-letters a finding of another account with a clear reason and imports the rest', async () => {
    const hub = strict();
    const input = [
      ...findings(150),
      finding('foreign', { AwsAccountId: '999999999999' }),
      ...findings(50, 150),
    ];
    const result = await importFindings(input, fast(hub, { accountId: '123456789012' }));
    expect(result).toMatchObject({ imported: 200, failed: 1, failures: { 'foreign-account': 1 } });
    expect(result.deadLetterEntries![0]).toMatchObject({
      finding: { Id: 'foreign' },
      attempts: 0,
      errorMessage: expect.stringMatching(
        /AwsAccountId "999999999999" is not the account of the credentials/,
      ),
    });
  });

  it('drops customer-owned fields with a counted issue and sends the finding', async () => {
    const hub = strict();
    const issues: Issue[] = [];
    const input = [
      finding('a', { Note: { Text: 'mine', UpdatedBy: 'me', UpdatedAt: '2026-01-01T00:00:00Z' } }),
      finding('b', { Workflow: { Status: 'RESOLVED' }, UserDefinedFields: { k: 'v' } }),
      finding('c'),
    ];
    const result = await importFindings(input, fast(hub, { onIssue: (i) => issues.push(i) }));
    expect(result).toMatchObject({ imported: 3, failed: 0, issues: { 'customer-field-dropped': 2 } });
    expect(issues[1]!.message).toMatch(/sets UserDefinedFields, Workflow/);
    expect(hub.stored.get('b')).not.toHaveProperty('Workflow');
    expect(input[1]!.Workflow).toEqual({ Status: 'RESOLVED' });
  });
});
