import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { type CliResult, runCli } from '../helpers/cli.js';

// The fault matrix, configuration and access rows (docs/import.md "Faults"): each row runs the built CLI
// against the emulator with one fault and checks the exit code, the report (received = imported + failed +
// skipped), the dead letter and what the emulator stored.

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const KEY = 'AKIDFAULTMATRIX';
const TRIVY = 'fixtures/demo/trivy-image.json';
const NESSUS = 'fixtures/demo/weekly-scan.nessus';

let hub: RunningEmulator | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

interface Row extends CliResult {
  report: Record<string, unknown> | undefined;
  deadLetter: Array<{ errorCode: string; finding: { Id?: string } }>;
  requests: (operation: string) => number;
}

async function row(
  emulator: EmulatorOptions,
  args: readonly string[],
  options: { interruptWhen?: (hub: RunningEmulator) => boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<Row> {
  const started = await startEmulator(emulator);
  hub = started;
  const dir = mkdtempSync(join(tmpdir(), 'asff-fault-access-'));
  const deadLetterPath = join(dir, 'dead.ndjson');
  const { interruptWhen } = options;
  const result = await runCli(['import', ...args, '--dead-letter', deadLetterPath], {
    env: {
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: started.url,
      ...options.env,
    },
    ...(interruptWhen !== undefined ? { interruptWhen: () => interruptWhen(started) } : {}),
  });
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  const deadLetter = existsSync(deadLetterPath)
    ? readFileSync(deadLetterPath, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Row['deadLetter'][number])
    : [];
  return {
    ...result,
    report: last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : undefined,
    deadLetter,
    requests: (operation) => started.requests().filter((r) => r.operation === operation).length,
  };
}

function expectBalanced(report: Record<string, unknown> | undefined): void {
  expect(report).toBeDefined();
  const n = (key: string) => Number(report?.[key] ?? Number.NaN);
  expect(n('received')).toBe(n('imported') + n('failed') + n('skipped'));
}

/** One diagnostic line naming the problem: no stack trace, no second error line. */
function expectOneErrorLine(stderr: string, pattern: RegExp): void {
  const errors = stderr.split('\n').filter((line) => line.startsWith('asff-stream: error:'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('fault matrix: configuration and access', () => {
  it('GetFindings denied, --archive-missing: exit 4, the IAM action named, balanced, nothing stored or dead-lettered', async () => {
    const r = await row({ accessKeys: { [KEY]: { deny: ['GetFindings'] } } }, [TRIVY, '--archive-missing']);
    expect(r.code).toBe(4);
    expectOneErrorLine(r.stderr, /securityhub:GetFindings.*run without --archive-missing/);
    expectBalanced(r.report);
    expect(r.report).toMatchObject({ imported: 0, unsent: 1, deadLettered: 0 });
    expect(r.deadLetter).toHaveLength(0);
    expect(hub?.findings()).toHaveLength(0);
    expect(r.requests('BatchImportFindings')).toBe(0);
  });

  it('GetFindings denied, --preserve-history: exit 4 (no silent reset of CreatedAt), balanced', async () => {
    const r = await row({ accessKeys: { [KEY]: { deny: ['GetFindings'] } } }, [NESSUS, '--preserve-history']);
    expect(r.code).toBe(4);
    expectOneErrorLine(r.stderr, /securityhub:GetFindings.*run without --preserve-history/);
    expectBalanced(r.report);
    expect(hub?.findings()).toHaveLength(0);
  });

  it('GetFindings denied, plain import: nothing reads history, everything imported, exit 0', async () => {
    const r = await row({ accessKeys: { [KEY]: { deny: ['GetFindings'] } } }, [NESSUS]);
    expect(r.code).toBe(0);
    expectBalanced(r.report);
    expect(r.report).toMatchObject({ received: 4, imported: 4 });
    expect(r.requests('GetFindings')).toBe(0);
    expect(hub?.findings()).toHaveLength(4);
  });

  it('hub not enabled (whole-request InvalidAccessException): exit 4 with the enable-security-hub fix, nothing dead-lettered', async () => {
    const r = await row({ disabledAccounts: [ACCOUNT] }, [NESSUS]);
    expect(r.code).toBe(4);
    expectOneErrorLine(r.stderr, /enable-security-hub/);
    expectBalanced(r.report);
    expect(r.report).toMatchObject({ imported: 0, deadLettered: 0, unsent: 4 });
    expect(r.deadLetter).toHaveLength(0);
    expect(hub?.findings()).toHaveLength(0);
  });

  // Issue 17 item 4: before the sink classified per-finding InvalidAccess, every finding was sent and
  // dead-lettered (exit 3).
  it('hub not enabled, answered per finding (FailedFindings InvalidAccess, as documented): exit 4 after the first answer, nothing dead-lettered', async () => {
    const r = await row({ disabledAccounts: [ACCOUNT], disabledHubAnswer: 'failed-findings' }, [TRIVY]);
    expect(r.code).toBe(4);
    expectOneErrorLine(r.stderr, /enable-security-hub/);
    expectBalanced(r.report);
    expect(r.report).toMatchObject({ imported: 0, deadLettered: 0 });
    expect(r.deadLetter).toHaveLength(0);
    expect(r.requests('BatchImportFindings')).toBe(1);
    expect(hub?.findings()).toHaveLength(0);
  });

  it('hub not enabled, --archive-missing: the history read stops the run with the same fix (exit 4), balanced', async () => {
    const r = await row({ disabledAccounts: [ACCOUNT] }, [NESSUS, '--archive-missing']);
    expect(r.code).toBe(4);
    expectOneErrorLine(r.stderr, /enable-security-hub/);
    expectBalanced(r.report);
    expect(r.requests('BatchImportFindings')).toBe(0);
  });

  it('wrong --product-arn Region: exit 4 before any Security Hub request, one line naming the fix', async () => {
    const arn = `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`;
    const r = await row({}, [TRIVY, '--product-arn', arn]);
    expect(r.code).toBe(4);
    expectOneErrorLine(r.stderr, /--product-arn is for Region eu-west-1.*pass --region eu-west-1/);
    expect(r.report).toBeUndefined();
    expect(r.requests('BatchImportFindings')).toBe(0);
    expect(r.deadLetter).toHaveLength(0);
    expect(hub?.findings()).toHaveLength(0);
  });

  it('ASFF input made for another Region (a replayed dead letter): exit 4 before any request, balanced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asff-fault-access-'));
    const asff = join(dir, 'eu-west-1.ndjson');
    const converted = await runCli(['convert', TRIVY, '--account', ACCOUNT, '--region', 'eu-west-1']);
    expect(converted.code).toBe(0);
    writeFileSync(asff, converted.stdout);
    const r = await row({}, [asff, '--account', ACCOUNT]);
    // Before: sent as they were; the emulator (no Region rule) stored them in us-east-1.
    expect(r.code).toBe(4);
    expectOneErrorLine(
      r.stderr,
      /ProductArn .* is for Region eu-west-1, but they are imported into us-east-1/,
    );
    expectBalanced(r.report);
    expect(r.report).toMatchObject({ imported: 0, unsent: 1, deadLettered: 0, requests: 0 });
    expect(r.requests('BatchImportFindings')).toBe(0);
    expect(r.deadLetter).toHaveLength(0);
    expect(hub?.findings()).toHaveLength(0);
  });

  it("wrong --product-arn account (another account's default product): exit 4 before any import", async () => {
    const arn = `arn:aws:securityhub:${REGION}:210987654321:product/210987654321/default`;
    const r = await row({}, [TRIVY, '--product-arn', arn]);
    expect(r.code).toBe(4);
    expectOneErrorLine(r.stderr, /default product of account 210987654321.*belong to account 123456789012/);
    expect(r.requests('BatchImportFindings')).toBe(0);
    expect(hub?.findings()).toHaveLength(0);
  });

  it('Ctrl-C during the history read: exit 130, balanced, the finding in hand dead-lettered as aborted, nothing stored', async () => {
    // Every GetFindings is throttled, so the history read is still going when Ctrl-C comes.
    const r = await row(
      { faults: { throttleStorms: [{ startMs: 0, durationMs: 600_000 }], operations: ['GetFindings'] } },
      [TRIVY, '--archive-missing'],
      { interruptWhen: (h) => h.requests().some((q) => q.operation === 'GetFindings') },
    );
    expect(r.code).toBe(130);
    expectBalanced(r.report);
    expect(r.report).toMatchObject({ aborted: true, imported: 0, deadLettered: 1 });
    expect(r.deadLetter.map((e) => e.errorCode)).toEqual(['aborted']);
    expect(hub?.findings()).toHaveLength(0);
    expect(r.requests('BatchImportFindings')).toBe(0);
  });
});
