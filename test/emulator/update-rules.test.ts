import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { finding, hubClient, PRODUCT_ARN } from './helpers.js';

let emulator: RunningEmulator;
let client: SecurityHubClient;

const T1 = '2026-01-02T00:00:00.000Z';
const T2 = '2026-01-03T00:00:00.000Z';

beforeAll(async () => {
  emulator = await startEmulator({ throttling: false });
  client = hubClient(emulator);
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});
beforeEach(() => emulator.reset());

async function importOne(f: Parameters<typeof finding>[1] & { Id?: string }) {
  const result = await client.send(new BatchImportFindingsCommand({ Findings: [finding(f.Id ?? 'x', f)] }));
  expect(result.FailedCount).toBe(0);
  return emulator.findings().find((s) => s.Id === (f.Id ?? 'x'));
}

describe('UpdatedAt ordering', () => {
  it('updates a finding only when UpdatedAt is newer; equal or older is ignored but counted as success', async () => {
    await importOne({ Title: 'first' });
    const same = await client.send(
      new BatchImportFindingsCommand({ Findings: [finding('x', { Title: 'same time' })] }),
    );
    expect(same).toMatchObject({ SuccessCount: 1, FailedCount: 0 });
    expect(emulator.findings()[0]?.Title).toBe('first');

    await importOne({ Title: 'newer', UpdatedAt: T2 });
    await importOne({ Title: 'older', UpdatedAt: T1 });
    expect(emulator.findings()).toHaveLength(1);
    expect(emulator.findings()[0]).toMatchObject({ Title: 'newer', UpdatedAt: T2 });
    expect(emulator.stats()).toMatchObject({ created: 1, updated: 1, ignoredStale: 2 });
  });

  it('compares timestamps as instants, not as text', async () => {
    await importOne({ UpdatedAt: '2026-01-02T10:00:00Z', Title: 'a' });
    // 11:00+02:00 is 09:00Z: older despite sorting later as text.
    await importOne({ UpdatedAt: '2026-01-02T11:00:00+02:00', Title: 'b' });
    expect(emulator.findings()[0]?.Title).toBe('a');
  });
});

describe('archiving a finding read back with GetFindings', () => {
  it('accepts the fetched finding, server fields included, with RecordState ARCHIVED and a newer UpdatedAt', async () => {
    await importOne({});
    const [fetched] = (await client.send(new GetFindingsCommand({}))).Findings ?? [];
    expect(fetched?.ProductFields?.['aws/securityhub/FindingId']).toBeDefined();
    const result = await client.send(
      new BatchImportFindingsCommand({ Findings: [{ ...fetched!, RecordState: 'ARCHIVED', UpdatedAt: T2 }] }),
    );
    expect(result).toMatchObject({ SuccessCount: 1, FailedCount: 0 });
    expect(emulator.findings()).toHaveLength(1);
    expect(emulator.findings()[0]).toMatchObject({ RecordState: 'ARCHIVED', UpdatedAt: T2 });
  });
});

describe('customer-owned fields', () => {
  it('takes Note, UserDefinedFields, VerificationState and Workflow from the import that creates a finding', async () => {
    const created = await importOne({
      Note: { Text: 'from provider', UpdatedBy: 'scanner', UpdatedAt: T1 },
      VerificationState: 'TRUE_POSITIVE',
      UserDefinedFields: { team: 'red' },
      Workflow: { Status: 'NOTIFIED' },
    });
    expect(created).toMatchObject({
      Note: { Text: 'from provider' },
      VerificationState: 'TRUE_POSITIVE',
      UserDefinedFields: { team: 'red' },
      Workflow: { Status: 'NOTIFIED' },
    });
  });

  it('ignores them when an import updates an existing finding', async () => {
    await importOne({});
    await client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [{ Id: 'x', ProductArn: PRODUCT_ARN }],
        Note: { Text: 'looked at it', UpdatedBy: 'alice' },
        Workflow: { Status: 'SUPPRESSED' },
        VerificationState: 'FALSE_POSITIVE',
        UserDefinedFields: { ticket: 'SEC-1' },
      }),
    );
    const updated = await importOne({
      UpdatedAt: T2,
      Title: 'rescanned',
      Note: { Text: 'provider note', UpdatedBy: 'scanner', UpdatedAt: T2 },
      Workflow: { Status: 'NEW' },
      VerificationState: 'UNKNOWN',
      UserDefinedFields: { ticket: 'overwritten?' },
    });
    expect(updated).toMatchObject({
      Title: 'rescanned',
      Note: { Text: 'looked at it', UpdatedBy: 'alice' },
      Workflow: { Status: 'SUPPRESSED' },
      VerificationState: 'FALSE_POSITIVE',
      UserDefinedFields: { ticket: 'SEC-1' },
    });
  });

  it('resets a RESOLVED workflow to NEW when an archived finding becomes active again', async () => {
    await importOne({ RecordState: 'ARCHIVED' });
    await client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [{ Id: 'x', ProductArn: PRODUCT_ARN }],
        Workflow: { Status: 'RESOLVED' },
      }),
    );
    const reopened = await importOne({ RecordState: 'ACTIVE', UpdatedAt: T2 });
    expect(reopened).toMatchObject({ RecordState: 'ACTIVE', Workflow: { Status: 'NEW' } });
  });
});

describe('FindingProviderFields', () => {
  it('copies top-level Severity and Types into FindingProviderFields on a new finding', async () => {
    const created = await importOne({
      FindingProviderFields: undefined,
      Severity: { Label: 'HIGH', Original: '8.1' },
      Types: ['TTPs/Execution'],
      Confidence: 60,
    });
    expect(created?.FindingProviderFields).toEqual({
      Severity: { Label: 'HIGH', Original: '8.1' },
      Types: ['TTPs/Execution'],
      Confidence: 60,
    });
    expect(created?.Severity).toEqual({ Label: 'HIGH', Original: '8.1', Normalized: 70 });
  });

  it('lets the provider value win over the top-level value on a new finding', async () => {
    const created = await importOne({
      Severity: { Label: 'LOW', Original: 'low' },
      FindingProviderFields: { Severity: { Label: 'CRITICAL', Original: 'critical' }, Types: ['Effects'] },
      Types: ['TTPs'],
    });
    expect(created?.Severity).toMatchObject({ Label: 'CRITICAL', Original: 'critical', Normalized: 90 });
    expect(created?.Types).toEqual(['Effects']);
  });

  it('keeps top-level fields a customer changed with BatchUpdateFindings, while FindingProviderFields follow the provider', async () => {
    await importOne({});
    const update = await client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [{ Id: 'x', ProductArn: PRODUCT_ARN }],
        Severity: { Label: 'LOW' },
      }),
    );
    expect(update.ProcessedFindings).toEqual([{ Id: 'x', ProductArn: PRODUCT_ARN }]);
    expect(emulator.findings()[0]?.Severity).toMatchObject({ Label: 'LOW', Normalized: 1 });
    expect(emulator.findings()[0]?.UpdatedAt).toBe('2026-01-01T00:00:00.000Z');

    const reimported = await importOne({
      UpdatedAt: T2,
      Severity: { Label: 'CRITICAL', Original: 'critical' },
      FindingProviderFields: {
        Severity: { Label: 'CRITICAL', Original: 'critical' },
        Types: ['Software and Configuration Checks/Vulnerabilities/CVE', 'Effects/Data Exposure'],
      },
      Types: ['Software and Configuration Checks/Vulnerabilities/CVE', 'Effects/Data Exposure'],
    });
    expect(reimported?.Severity?.Label).toBe('LOW');
    expect(reimported?.FindingProviderFields?.Severity).toEqual({ Label: 'CRITICAL', Original: 'critical' });
    // Types were not changed by the customer, so the provider's new value reaches the top level.
    expect(reimported?.Types).toEqual([
      'Software and Configuration Checks/Vulnerabilities/CVE',
      'Effects/Data Exposure',
    ]);
  });

  it('updates the top level from FindingProviderFields alone on an existing finding', async () => {
    await importOne({});
    const next = await importOne({
      UpdatedAt: T2,
      Severity: undefined,
      Types: undefined,
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'high' }, Types: ['Effects'] },
    });
    expect(next?.Severity).toEqual({ Label: 'HIGH', Original: 'high', Normalized: 70 });
    expect(next?.Types).toEqual(['Effects']);
  });
});

describe('BatchUpdateFindings', () => {
  it('reports unknown and duplicated identifiers as unprocessed', async () => {
    await importOne({});
    const result = await client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [
          { Id: 'x', ProductArn: PRODUCT_ARN },
          { Id: 'x', ProductArn: PRODUCT_ARN },
          { Id: 'missing', ProductArn: PRODUCT_ARN },
        ],
        Workflow: { Status: 'NOTIFIED' },
      }),
    );
    expect(result.ProcessedFindings).toEqual([{ Id: 'x', ProductArn: PRODUCT_ARN }]);
    expect(result.UnprocessedFindings?.map((u) => u.ErrorCode)).toEqual([
      'DuplicatedFindingIdentifier',
      'FindingNotFound',
    ]);
    expect(emulator.findings()[0]?.Workflow?.Status).toBe('NOTIFIED');
  });

  it('refuses an invalid workflow status for the whole request', async () => {
    await importOne({});
    await expect(
      client.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: [{ Id: 'x', ProductArn: PRODUCT_ARN }],
          Workflow: { Status: 'DONE' as 'NEW' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } });
  });
});
