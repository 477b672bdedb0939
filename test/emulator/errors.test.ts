import {
  BatchImportFindingsCommand,
  GetFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ACCOUNT, finding, findings, hubClient, REGION, stsClient } from './helpers.js';

let emulator: RunningEmulator;
let client: SecurityHubClient;
const OTHER_ACCOUNT = '210987654321';

beforeAll(async () => {
  emulator = await startEmulator({
    throttling: false,
    accessKeys: {
      AKIDOTHER: OTHER_ACCOUNT,
      AKIDDENIED: { access: 'deny' },
      AKIDGONE: { access: 'unknown' },
      AKIDDISABLED: { accountId: '555555555555' },
    },
    disabledAccounts: ['555555555555'],
  });
  client = hubClient(emulator);
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});
beforeEach(() => emulator.reset());

describe('whole-request errors', () => {
  it('refuses 101 findings with InvalidInputException 400', async () => {
    const error = await client
      .send(new BatchImportFindingsCommand({ Findings: findings(101) }))
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } });
    expect(error.message).toContain('between 1 and 100');
    expect(emulator.findings()).toHaveLength(0);
    expect(emulator.requests()[0]).toMatchObject({
      status: 400,
      findingCount: 101,
      errorCode: 'InvalidInputException',
    });
  });

  it('refuses an empty batch', async () => {
    await expect(client.send(new BatchImportFindingsCommand({ Findings: [] }))).rejects.toMatchObject({
      name: 'InvalidInputException',
    });
  });

  it('answers AccessDeniedException 403 when AwsAccountId is not the caller under the default ARN', async () => {
    const batch = [finding('mine'), finding('theirs', { AwsAccountId: OTHER_ACCOUNT })];
    const error = await client.send(new BatchImportFindingsCommand({ Findings: batch })).catch((e) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect(emulator.findings()).toHaveLength(0);
  });

  it('answers AccessDeniedException when the default ARN names another account', async () => {
    const other = hubClient(emulator, { accessKeyId: 'AKIDOTHER' });
    const error = await other
      .send(new BatchImportFindingsCommand({ Findings: [finding('a')] }))
      .catch((e) => e);
    other.destroy();
    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  });

  it('answers InvalidInputException for a malformed ProductArn', async () => {
    const error = await client
      .send(new BatchImportFindingsCommand({ Findings: [finding('a', { ProductArn: 'arn:aws:nothing' })] }))
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } });
  });

  it('denies every Security Hub call of a denied key, while STS still names its account', async () => {
    const denied = hubClient(emulator, { accessKeyId: 'AKIDDENIED' });
    await expect(
      denied.send(new BatchImportFindingsCommand({ Findings: [finding('a')] })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(denied.send(new GetFindingsCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    denied.destroy();
    const sts = stsClient(emulator, 'AKIDDENIED');
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Account: ACCOUNT });
    sts.destroy();
  });

  it('rejects an unknown key: UnrecognizedClientException from Security Hub, InvalidClientTokenId from STS', async () => {
    const gone = hubClient(emulator, { accessKeyId: 'AKIDGONE' });
    await expect(gone.send(new GetFindingsCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 403 },
    });
    gone.destroy();
    const sts = stsClient(emulator, 'AKIDGONE');
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
      $metadata: { httpStatusCode: 403 },
    });
    sts.destroy();
  });

  it('answers InvalidAccessException 401 where Security Hub is not enabled', async () => {
    const disabled = hubClient(emulator, { accessKeyId: 'AKIDDISABLED' });
    const error = await disabled
      .send(new BatchImportFindingsCommand({ Findings: [finding('a')] }))
      .catch((e) => e);
    disabled.destroy();
    expect(error).toMatchObject({ name: 'InvalidAccessException', $metadata: { httpStatusCode: 401 } });
    expect(error.message).toContain('not subscribed');
  });

  it('maps access keys to accounts', async () => {
    const sts = stsClient(emulator, 'AKIDOTHER');
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
      Account: OTHER_ACCOUNT,
    });
    sts.destroy();
  });
});

describe('per-finding failures', () => {
  it('reports a finding that breaks ASFF rules in FailedFindings with the AWS wording, and stores the rest', async () => {
    const bad = finding('bad', { Title: 'x'.repeat(300) });
    const result = await client.send(new BatchImportFindingsCommand({ Findings: [finding('good'), bad] }));
    expect(result).toMatchObject({ SuccessCount: 1, FailedCount: 1 });
    expect(result.FailedFindings).toEqual([
      {
        Id: 'bad',
        ErrorCode: 'InvalidInput',
        ErrorMessage: expect.stringMatching(
          /^Finding does not adhere to Amazon Finding Format\. data\.Title /,
        ),
      },
    ]);
    expect(emulator.findings().map((f) => f.Id)).toEqual(['good']);
    expect(emulator.stats().failedFindings).toEqual({ InvalidInput: 1 });
  });

  it('reports a finding over 240,000 bytes as InvalidInput', async () => {
    const big = finding('big', {
      Resources: [
        {
          Type: 'Other',
          Id: 'r',
          Details: {
            Other: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(1000)])),
          },
        },
      ],
      ProductFields: Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`p/${i}`, 'w'.repeat(2000)])),
      Vulnerabilities: Array.from({ length: 100 }, (_, i) => ({
        Id: `CVE-2026-${i}`,
        ReferenceUrls: ['u'.repeat(1500)],
      })),
    });
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(240_000);
    const result = await client.send(new BatchImportFindingsCommand({ Findings: [big] }));
    expect(result.FailedFindings?.[0]).toMatchObject({
      Id: 'big',
      ErrorCode: 'InvalidInput',
      ErrorMessage: expect.stringContaining('240 KB'),
    });
    expect(emulator.findings()).toHaveLength(0);
  });

  it('fails findings of a product the account is not subscribed to with InvalidAccess', async () => {
    const partner = `arn:aws:securityhub:${REGION}:422820575223:product/acme/scanner`;
    const result = await client.send(
      new BatchImportFindingsCommand({ Findings: [finding('p', { ProductArn: partner })] }),
    );
    expect(result.FailedFindings?.[0]).toMatchObject({ Id: 'p', ErrorCode: 'InvalidAccess' });
  });
});

describe('request size', () => {
  let small: RunningEmulator;
  let smallClient: SecurityHubClient;
  beforeAll(async () => {
    small = await startEmulator({ throttling: false, maxRequestBytes: 20_000 });
    smallClient = hubClient(small);
  });
  afterAll(async () => {
    smallClient.destroy();
    await small.stop();
  });
  afterEach(() => small.reset());

  it('answers 413 RequestEntityTooLargeException for a body over the limit and stores nothing', async () => {
    const error = await smallClient
      .send(new BatchImportFindingsCommand({ Findings: findings(40) }))
      .catch((e) => e);
    expect(error).toMatchObject({
      name: 'RequestEntityTooLargeException',
      $metadata: { httpStatusCode: 413 },
    });
    expect(small.findings()).toHaveLength(0);
  });
});
