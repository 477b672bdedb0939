import {
  BatchImportFindingsCommand,
  GetFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ACCOUNT, finding, findings, hubClient, PRODUCT_ARN, REGION, stsClient } from './helpers.js';

let emulator: RunningEmulator;
let client: SecurityHubClient;

beforeAll(async () => {
  emulator = await startEmulator({ throttling: false, now: () => new Date('2026-02-01T00:00:00.000Z') });
  client = hubClient(emulator);
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});
beforeEach(() => emulator.reset());

describe('BatchImportFindings + GetFindings round trip', () => {
  it('stores imported findings and returns them with server-populated fields', async () => {
    const result = await client.send(
      new BatchImportFindingsCommand({ Findings: [finding('a'), finding('b')] }),
    );
    expect(result).toMatchObject({ SuccessCount: 2, FailedCount: 0, FailedFindings: [] });

    const page = await client.send(new GetFindingsCommand({}));
    expect(page.Findings?.map((f) => f.Id)).toEqual(['a', 'b']);
    expect(page.NextToken).toBeUndefined();
    expect(page.Findings?.[0]).toMatchObject({
      Id: 'a',
      ProductArn: PRODUCT_ARN,
      AwsAccountId: ACCOUNT,
      Region: REGION,
      ProductName: 'Default',
      CompanyName: 'Personal',
      RecordState: 'ACTIVE',
      Workflow: { Status: 'NEW' },
      WorkflowState: 'NEW',
      ProcessedAt: '2026-02-01T00:00:00.000Z',
      Severity: { Label: 'MEDIUM', Normalized: 40, Original: 'medium' },
      ProductFields: { 'aws/securityhub/FindingId': `${PRODUCT_ARN}/a` },
    });
    expect(emulator.findings()).toHaveLength(2);
  });

  it('keeps each account and Region apart', async () => {
    await client.send(new BatchImportFindingsCommand({ Findings: [finding('a')] }));
    const west = hubClient(emulator, { region: 'us-west-2' });
    const page = await west.send(new GetFindingsCommand({}));
    west.destroy();
    expect(page.Findings).toEqual([]);
    expect(emulator.findings({ region: REGION })).toHaveLength(1);
    expect(emulator.findings({ region: 'us-west-2' })).toHaveLength(0);
  });

  it('pages through more than 100 findings with NextToken, each exactly once', async () => {
    const all = findings(250);
    for (let i = 0; i < all.length; i += 100) {
      await client.send(new BatchImportFindingsCommand({ Findings: all.slice(i, i + 100) }));
    }
    const ids: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new GetFindingsCommand({ NextToken: token }));
      ids.push(...(page.Findings ?? []).map((f) => f.Id ?? ''));
      token = page.NextToken;
      pages++;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(ids).toEqual(all.map((f) => f.Id));
  });

  it('keeps pagination stable when findings are created between pages', async () => {
    await client.send(new BatchImportFindingsCommand({ Findings: findings(30, 'old') }));
    const first = await client.send(new GetFindingsCommand({ MaxResults: 10 }));
    await client.send(new BatchImportFindingsCommand({ Findings: findings(5, 'new') }));
    const ids = (first.Findings ?? []).map((f) => f.Id);
    let token = first.NextToken;
    while (token !== undefined) {
      const page = await client.send(new GetFindingsCommand({ MaxResults: 10, NextToken: token }));
      ids.push(...(page.Findings ?? []).map((f) => f.Id));
      token = page.NextToken;
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 30)).toEqual(findings(30, 'old').map((f) => f.Id));
    expect(ids).toHaveLength(35);
  });

  it('refuses MaxResults outside 1..100 and a token from another query', async () => {
    await expect(client.send(new GetFindingsCommand({ MaxResults: 101 }))).rejects.toMatchObject({
      name: 'InvalidInputException',
      $metadata: { httpStatusCode: 400 },
    });
    await client.send(new BatchImportFindingsCommand({ Findings: findings(3) }));
    const first = await client.send(new GetFindingsCommand({ MaxResults: 1 }));
    expect(first.NextToken).toBeDefined();
    await expect(
      client.send(
        new GetFindingsCommand({
          MaxResults: 1,
          NextToken: first.NextToken,
          Filters: { Id: [{ Value: 'f', Comparison: 'PREFIX' }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInputException', message: expect.stringContaining('NextToken') });
  });
});

describe('STS GetCallerIdentity on the same port', () => {
  it('answers the configured account', async () => {
    const sts = stsClient(emulator);
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(identity.Account).toBe(ACCOUNT);
    expect(identity.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/asff-stream-emulator`);
    expect(emulator.requests().map((r) => [r.operation, r.status])).toEqual([['GetCallerIdentity', 200]]);
  });
});
