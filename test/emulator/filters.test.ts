import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  type GetFindingsCommandInput,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { finding, hubClient, PRODUCT_ARN } from './helpers.js';

let emulator: RunningEmulator;
let client: SecurityHubClient;

const sev = (Label: 'LOW' | 'HIGH' | 'CRITICAL') => ({
  Severity: { Label, Original: Label },
  FindingProviderFields: { Severity: { Label, Original: Label }, Types: ['Effects'] },
});

beforeAll(async () => {
  emulator = await startEmulator({ throttling: false, now: () => new Date('2026-01-10T00:00:00.000Z') });
  client = hubClient(emulator);
  await client.send(
    new BatchImportFindingsCommand({
      Findings: [
        finding('app/trivy/1', {
          ...sev('HIGH'),
          GeneratorId: 'trivy/CVE-2026-1',
          ProductFields: { 'asff-stream/scope': 'app', 'asff-stream/adapter': 'trivy' },
          UpdatedAt: '2026-01-05T00:00:00.000Z',
          CreatedAt: '2026-01-05T00:00:00.000Z',
        }),
        finding('app/sarif/2', {
          ...sev('LOW'),
          GeneratorId: 'sarif/rule-2',
          ProductFields: { 'asff-stream/scope': 'app', 'asff-stream/adapter': 'sarif' },
          RecordState: 'ARCHIVED',
        }),
        finding('lib/trivy/3', {
          ...sev('CRITICAL'),
          GeneratorId: 'trivy/CVE-2026-3',
          ProductFields: { 'asff-stream/scope': 'library', 'asff-stream/adapter': 'trivy' },
          Resources: [
            { Type: 'Container', Id: 'img-1' },
            { Type: 'Other', Id: 'pkg-1' },
          ],
        }),
      ],
    }),
  );
  await client.send(
    new BatchUpdateFindingsCommand({
      FindingIdentifiers: [{ Id: 'lib/trivy/3', ProductArn: PRODUCT_ARN }],
      Workflow: { Status: 'RESOLVED' },
    }),
  );
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

async function ids(input: GetFindingsCommandInput): Promise<string[]> {
  const page = await client.send(new GetFindingsCommand(input));
  return (page.Findings ?? []).map((f) => f.Id ?? '');
}

describe('GetFindings filters', () => {
  it.each([
    ['Id EQUALS', { Id: [{ Value: 'app/sarif/2', Comparison: 'EQUALS' }] }, ['app/sarif/2']],
    ['Id PREFIX', { Id: [{ Value: 'app/', Comparison: 'PREFIX' }] }, ['app/trivy/1', 'app/sarif/2']],
    ['Id PREFIX_NOT_EQUALS', { Id: [{ Value: 'app/', Comparison: 'PREFIX_NOT_EQUALS' }] }, ['lib/trivy/3']],
    [
      'GeneratorId CONTAINS',
      { GeneratorId: [{ Value: 'CVE', Comparison: 'CONTAINS' }] },
      ['app/trivy/1', 'lib/trivy/3'],
    ],
    [
      'GeneratorId NOT_CONTAINS',
      { GeneratorId: [{ Value: 'CVE', Comparison: 'NOT_CONTAINS' }] },
      ['app/sarif/2'],
    ],
    [
      'RecordState EQUALS',
      { RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }] },
      ['app/trivy/1', 'lib/trivy/3'],
    ],
    [
      'SeverityLabel EQUALS ORed',
      {
        SeverityLabel: [
          { Value: 'LOW', Comparison: 'EQUALS' },
          { Value: 'CRITICAL', Comparison: 'EQUALS' },
        ],
      },
      ['app/sarif/2', 'lib/trivy/3'],
    ],
    [
      'SeverityLabel NOT_EQUALS ANDed',
      {
        SeverityLabel: [
          { Value: 'LOW', Comparison: 'NOT_EQUALS' },
          { Value: 'CRITICAL', Comparison: 'NOT_EQUALS' },
        ],
      },
      ['app/trivy/1'],
    ],
    ['WorkflowStatus', { WorkflowStatus: [{ Value: 'RESOLVED', Comparison: 'EQUALS' }] }, ['lib/trivy/3']],
    ['AwsAccountId', { AwsAccountId: [{ Value: '999999999999', Comparison: 'EQUALS' }] }, []],
    [
      'ProductArn',
      { ProductArn: [{ Value: PRODUCT_ARN, Comparison: 'EQUALS' }] },
      ['app/trivy/1', 'app/sarif/2', 'lib/trivy/3'],
    ],
    [
      'ProductFields EQUALS',
      { ProductFields: [{ Key: 'asff-stream/scope', Value: 'app', Comparison: 'EQUALS' }] },
      ['app/trivy/1', 'app/sarif/2'],
    ],
    [
      'ProductFields two keys ANDed',
      {
        ProductFields: [
          { Key: 'asff-stream/scope', Value: 'app', Comparison: 'EQUALS' },
          { Key: 'asff-stream/adapter', Value: 'trivy', Comparison: 'EQUALS' },
        ],
      },
      ['app/trivy/1'],
    ],
    [
      'ProductFields NOT_EQUALS',
      { ProductFields: [{ Key: 'asff-stream/scope', Value: 'app', Comparison: 'NOT_EQUALS' }] },
      ['lib/trivy/3'],
    ],
    [
      'ProductFields CONTAINS',
      { ProductFields: [{ Key: 'asff-stream/scope', Value: 'ibr', Comparison: 'CONTAINS' }] },
      ['lib/trivy/3'],
    ],
    [
      'ResourceType on any resource',
      { ResourceType: [{ Value: 'Container', Comparison: 'EQUALS' }] },
      ['lib/trivy/3'],
    ],
    [
      'ResourceType NOT_EQUALS needs every resource to differ',
      { ResourceType: [{ Value: 'Container', Comparison: 'NOT_EQUALS' }] },
      ['app/trivy/1', 'app/sarif/2'],
    ],
    [
      'PREFIX then NOT_EQUALS on one field',
      {
        Id: [
          { Value: 'app/', Comparison: 'PREFIX' },
          { Value: 'app/sarif/2', Comparison: 'NOT_EQUALS' },
        ],
      },
      ['app/trivy/1'],
    ],
    [
      'UpdatedAt range',
      { UpdatedAt: [{ Start: '2026-01-04T00:00:00Z', End: '2026-01-06T00:00:00Z' }] },
      ['app/trivy/1'],
    ],
    ['CreatedAt within 7 days', { CreatedAt: [{ DateRange: { Value: 7, Unit: 'DAYS' } }] }, ['app/trivy/1']],
    ['SeverityNormalized >= 70', { SeverityNormalized: [{ Gte: 70 }] }, ['app/trivy/1', 'lib/trivy/3']],
    [
      'attributes are ANDed',
      {
        GeneratorId: [{ Value: 'trivy/', Comparison: 'PREFIX' }],
        SeverityLabel: [{ Value: 'HIGH', Comparison: 'EQUALS' }],
      },
      ['app/trivy/1'],
    ],
  ] as [string, GetFindingsCommandInput['Filters'], string[]][])('%s', async (_name, Filters, expected) => {
    expect(await ids({ Filters })).toEqual(expected);
  });

  it('refuses comparisons AWS does not allow together', async () => {
    await expect(
      ids({
        Filters: {
          Id: [
            { Value: 'a', Comparison: 'EQUALS' },
            { Value: 'b', Comparison: 'NOT_EQUALS' },
          ],
        },
      }),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('refuses a filter attribute it does not implement instead of ignoring it', async () => {
    await expect(ids({ Filters: { Keyword: [{ Value: 'x' }] } })).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: expect.stringContaining('Keyword'),
    });
  });

  it('refuses more than 20 values for one attribute', async () => {
    const Id = Array.from({ length: 21 }, (_, i) => ({ Value: `v${i}`, Comparison: 'EQUALS' as const }));
    await expect(ids({ Filters: { Id } })).rejects.toMatchObject({ name: 'InvalidInputException' });
  });
});

describe('GetFindings SortCriteria', () => {
  it('sorts by a field and pages in that order', async () => {
    const input: GetFindingsCommandInput = {
      SortCriteria: [{ Field: 'SeverityNormalized', SortOrder: 'desc' }],
      MaxResults: 2,
    };
    const first = await client.send(new GetFindingsCommand(input));
    const second = await client.send(new GetFindingsCommand({ ...input, NextToken: first.NextToken }));
    expect([...(first.Findings ?? []), ...(second.Findings ?? [])].map((f) => f.Id)).toEqual([
      'lib/trivy/3',
      'app/trivy/1',
      'app/sarif/2',
    ]);
    expect(second.NextToken).toBeUndefined();
  });
});
