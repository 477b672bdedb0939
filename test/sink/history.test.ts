import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_PRODUCT_FIELD, toAsff } from '../../src/asff/build.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ConverterError } from '../../src/errors.js';
import { fetchScopeState, scopeFilters, storedScopeValue } from '../../src/sink/history.js';
import { unlimited } from '../../src/sink/limiter.js';
import { ACCOUNT, finding, hubClient, PRODUCT_ARN } from '../emulator/helpers.js';

const PARTNER = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/acme/scanner`;
const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-02T10:00:00.000Z';

let hub: RunningEmulator;
let client: SecurityHubClient;

beforeAll(async () => {
  hub = await startEmulator({
    throttling: { import: false, getFindings: { ratePerSecond: 5, burst: 2 } },
    enabledProductArns: [PARTNER],
    accessKeys: { AKIDDENIED: { access: 'deny' } },
  });
  client = hubClient(hub);
});
afterAll(async () => {
  client.destroy();
  await hub.stop();
});
beforeEach(() => hub.reset());

function scoped(id: string, scope: string, extra: Partial<AwsSecurityFinding> = {}): AwsSecurityFinding {
  return finding(id, {
    CreatedAt: T1,
    UpdatedAt: T1,
    FirstObservedAt: '2026-02-28T00:00:00.000Z',
    ProductFields: { [SCOPE_PRODUCT_FIELD]: scope },
    ...extra,
  });
}

async function put(findings: AwsSecurityFinding[]): Promise<void> {
  for (let i = 0; i < findings.length; i += 100)
    await client.send(new BatchImportFindingsCommand({ Findings: findings.slice(i, i + 100) }));
}

describe('fetchScopeState against the emulator', () => {
  it('pages through every finding of the scope (ACTIVE and ARCHIVED) and nothing else', async () => {
    await put([
      ...Array.from({ length: 230 }, (_, i) => scoped(`app-${i}`, 'app')),
      ...Array.from({ length: 20 }, (_, i) =>
        scoped(`old-${i}`, 'app', { RecordState: 'ARCHIVED', UpdatedAt: T2 }),
      ),
      ...Array.from({ length: 30 }, (_, i) => scoped(`other-${i}`, 'other')),
      scoped('partner-app', 'app', { ProductArn: PARTNER }),
      scoped('prefix-trap', 'app-2'),
    ]);
    const state = await fetchScopeState({
      client,
      productArn: PRODUCT_ARN,
      scope: 'app',
      accountId: ACCOUNT,
      limiter: unlimited(),
      retryBaseMs: 1,
    });
    expect(state.findings.size).toBe(250);
    expect(state.active).toBe(230);
    expect(state.foreign).toBe(0);
    expect(state.fetch.requests).toBeGreaterThanOrEqual(3);
    expect(state.findings.get('app-7')).toEqual({
      createdAt: T1,
      firstObservedAt: '2026-02-28T00:00:00.000Z',
      updatedAt: T1,
      recordState: 'ACTIVE',
    });
    expect(state.findings.get('old-3')).toMatchObject({ updatedAt: T2, recordState: 'ARCHIVED' });
    expect([...state.findings.keys()].some((id) => !/^(app|old)-\d+$/.test(id))).toBe(false);
  });

  it('retries throttled pages (5/s burst 2 on the emulator, no pacing on our side) and gets everything', async () => {
    await put(Array.from({ length: 450 }, (_, i) => scoped(`app-${i}`, 'app')));
    const state = await fetchScopeState({
      client,
      productArn: PRODUCT_ARN,
      scope: 'app',
      limiter: unlimited(),
      retryBaseMs: 10,
      retryCapMs: 50,
    });
    expect(state.findings.size).toBe(450);
    expect(state.fetch.throttled).toBeGreaterThan(0);
    expect(state.fetch.requests).toBe(5 + state.fetch.throttled);
    expect(hub.stats().throttled).toBe(state.fetch.throttled);
  });

  it('with activeOnly, asks for ACTIVE findings only', async () => {
    await put([scoped('a', 'app'), scoped('b', 'app', { RecordState: 'ARCHIVED' })]);
    const state = await fetchScopeState({
      client,
      productArn: PRODUCT_ARN,
      scope: 'app',
      limiter: unlimited(),
      activeOnly: true,
    });
    expect([...state.findings.keys()]).toEqual(['a']);
  });

  it('throws E_AWS_ACCESS naming the missing permission when GetFindings is denied', async () => {
    const denied = hubClient(hub, { accessKeyId: 'AKIDDENIED' });
    try {
      const error = await fetchScopeState({
        client: denied,
        productArn: PRODUCT_ARN,
        scope: 'app',
        limiter: unlimited(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConverterError);
      expect(error).toMatchObject({ code: 'E_AWS_ACCESS' });
      expect((error as Error).message).toMatch(/^AccessDeniedException: .*securityhub:GetFindings/);
    } finally {
      denied.destroy();
    }
  });

  it('throws E_ABORTED when aborted', async () => {
    await put([scoped('a', 'app')]);
    const controller = new AbortController();
    controller.abort();
    await expect(
      fetchScopeState({
        client,
        productArn: PRODUCT_ARN,
        scope: 'app',
        limiter: unlimited(),
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'E_ABORTED' });
  });
});

describe('scopeFilters', () => {
  it('filters on ProductArn, the scope ProductField and the account with EQUALS', () => {
    expect(scopeFilters({ productArn: PRODUCT_ARN, scope: ' app ', accountId: ACCOUNT })).toEqual({
      ProductArn: [{ Value: PRODUCT_ARN, Comparison: 'EQUALS' }],
      ProductFields: [{ Key: SCOPE_PRODUCT_FIELD, Value: 'app', Comparison: 'EQUALS' }],
      AwsAccountId: [{ Value: ACCOUNT, Comparison: 'EQUALS' }],
    });
  });

  it('uses the scope value exactly as toAsff stores it (cut to 2048 characters with a marker)', () => {
    const long = `${'x'.repeat(3000)}`;
    const built = toAsff(
      {
        identity: ['a'],
        ruleId: 'r',
        title: 't',
        description: 'd',
        severity: { label: 'LOW', original: 'low' },
        types: [],
        resources: [{ Type: 'Other', Id: 'r' }],
        state: 'active',
      },
      { adapter: 'scan', accountId: ACCOUNT, region: 'us-east-1', scope: long, now: new Date(T1) },
    );
    expect(storedScopeValue(long)).toBe(built.finding.ProductFields?.[SCOPE_PRODUCT_FIELD]);
    expect(storedScopeValue(long)).toHaveLength(2048);
  });
});
