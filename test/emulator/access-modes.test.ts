import {
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandOutput,
  GetFindingsCommand,
} from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { ACCOUNT, finding, findings, hubClient } from './helpers.js';

let hub: RunningEmulator;
afterEach(async () => hub?.stop());

async function start(options: EmulatorOptions): Promise<RunningEmulator> {
  hub = await startEmulator({ throttling: false, ...options });
  return hub;
}

const errorName = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: Error) => error.name,
  );

describe('emulator: an import-only role (deny one operation)', () => {
  it('denies only the listed operations', async () => {
    await start({ accessKeys: { AKIDIMPORTONLY: { deny: ['GetFindings'] } } });
    const client = hubClient(hub, { accessKeyId: 'AKIDIMPORTONLY' });
    await client.send(new BatchImportFindingsCommand({ Findings: [finding('a')] }));
    expect(await errorName(client.send(new GetFindingsCommand({})))).toBe('AccessDeniedException');
    expect(hub.findings()).toHaveLength(1);
    client.destroy();
  });
});

describe('emulator: a hub that is not enabled', () => {
  it("disabledHubAnswer 'failed-findings': BatchImportFindings answers 200 with every finding InvalidAccess", async () => {
    await start({ disabledAccounts: [ACCOUNT], disabledHubAnswer: 'failed-findings' });
    const client = hubClient(hub);
    const out: BatchImportFindingsCommandOutput = await client.send(
      new BatchImportFindingsCommand({ Findings: findings(3) }),
    );
    expect(out.FailedCount).toBe(3);
    expect(out.FailedFindings?.map((f) => f.ErrorCode)).toEqual([
      'InvalidAccess',
      'InvalidAccess',
      'InvalidAccess',
    ]);
    expect(hub.findings()).toHaveLength(0);
    // GetFindings has no per-finding answer: the whole request is refused.
    expect(await errorName(client.send(new GetFindingsCommand({})))).toBe('InvalidAccessException');
    client.destroy();
  });

  it("the default ('exception') refuses the whole request with 401 InvalidAccessException", async () => {
    await start({ disabledAccounts: [ACCOUNT] });
    const client = hubClient(hub);
    expect(await errorName(client.send(new BatchImportFindingsCommand({ Findings: findings(1) })))).toBe(
      'InvalidAccessException',
    );
    client.destroy();
  });
});

describe('emulator: no invented whole-request rule for a ProductArn of another Region', () => {
  it('is not refused as a whole request (AWS documents no such error)', async () => {
    await start({});
    const client = hubClient(hub);
    const other = `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`;
    const out = await client.send(
      new BatchImportFindingsCommand({ Findings: [finding('x', { ProductArn: other })] }),
    );
    expect(out.FailedCount).toBe(0);
    client.destroy();
  });
});

describe('emulator: GetFindings NextToken styles', () => {
  const archiveAll = async (client: ReturnType<typeof hubClient>, ids: string[]) => {
    const stored = hub.findings().filter((f) => ids.includes(f.Id ?? ''));
    if (stored.length === 0) return;
    await client.send(
      new BatchImportFindingsCommand({
        Findings: stored.map((f) =>
          finding(f.Id ?? '', { RecordState: 'ARCHIVED', UpdatedAt: '2026-02-01T00:00:00.000Z' }),
        ),
      }),
    );
  };

  for (const [tokens, expected] of [
    ['cursor', 300],
    ['offset', 150],
  ] as const) {
    it(`${tokens}: archiving each page while paging on RecordState ACTIVE reads ${expected} of 300`, async () => {
      await start({ getFindingsTokens: tokens });
      const client = hubClient(hub);
      for (let i = 0; i < 3; i++)
        await client.send(new BatchImportFindingsCommand({ Findings: findings(100, `p${i}`) }));
      const Filters = { RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' as const }] };
      let seen = 0;
      let NextToken: string | undefined;
      do {
        const page = await client.send(new GetFindingsCommand({ Filters, MaxResults: 50, NextToken }));
        seen += page.Findings?.length ?? 0;
        await archiveAll(
          client,
          (page.Findings ?? []).map((f) => f.Id ?? ''),
        );
        NextToken = page.NextToken;
      } while (NextToken !== undefined);
      // Offset tokens: each page archived moves the rest forward by a page, so every other page is skipped: half.
      expect(seen).toBe(expected);
      client.destroy();
    });
  }

  it('offset: a token is refused with other Filters', async () => {
    await start({ getFindingsTokens: 'offset' });
    const client = hubClient(hub);
    await client.send(new BatchImportFindingsCommand({ Findings: findings(3) }));
    const first = await client.send(new GetFindingsCommand({ MaxResults: 1 }));
    expect(first.NextToken).toBeDefined();
    const Filters = { Id: [{ Value: 'f-0001', Comparison: 'EQUALS' as const }] };
    expect(
      await errorName(client.send(new GetFindingsCommand({ Filters, NextToken: first.NextToken }))),
    ).toBe('InvalidInputException');
    client.destroy();
  });
});
