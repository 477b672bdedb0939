import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateAsff } from '../../src/asff/validate.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';

const TRIVY = 'fixtures/demo/trivy-image.json';
const NESSUS = 'fixtures/demo/weekly-scan.nessus';
const CREDS = {
  AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_REGION: 'us-east-1',
};
/** The credentials, with STS served by the emulator too (`--endpoint-url` is Security Hub's only). */
const creds = () => ({ ...CREDS, AWS_ENDPOINT_URL_STS: hub.url });
let hub: RunningEmulator;

function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, unknown>;
}

describe('asff-stream import (spawned binary, real SDK, local emulator)', () => {
  beforeAll(async () => {
    hub = await startEmulator({
      accessKeys: { AKIDDENIED: { access: 'deny' } },
      // Refuse the busybox finding permanently, as Security Hub refuses an invalid finding.
      validate: (finding) => {
        const violations = validateAsff(finding).map((v) => ({
          path: v.path,
          rule: v.rule,
          message: v.message,
        }));
        const title = (finding as { Title?: string }).Title ?? '';
        return title.includes('busybox')
          ? [...violations, { path: 'Title', rule: 'test', message: 'refused by the test' }]
          : violations;
      },
    });
  });
  afterAll(async () => hub.stop());
  beforeEach(() => hub.reset());

  it('imports every finding, prints the JSON report last on stdout and exits 0', async () => {
    const r = await runCli(['import', NESSUS, '--endpoint-url', hub.url], { env: creds() });
    expect(r.stderr).toMatch(/imported 4 of 4/);
    expect(r.code).toBe(0);
    const report = lastJsonLine(r.stdout);
    expect(report).toMatchObject({
      received: 4,
      imported: 4,
      failed: 0,
      skipped: 0,
      input: { adapter: 'nessus', complete: true },
    });
    expect(hub.findings()).toHaveLength(4);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning/);
  });

  it('finds the account with STS GetCallerIdentity when --account is not given', async () => {
    await runCli(['import', NESSUS, '--endpoint-url', hub.url], { env: creds() });
    expect(hub.findings().every((f) => f.AwsAccountId === '123456789012')).toBe(true);
    expect(hub.requests().some((q) => q.operation === 'GetCallerIdentity')).toBe(true);
  });

  it('dead-letters what Security Hub refuses, with the reason, and exits 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asff-import-'));
    const deadLetter = join(dir, 'dead.ndjson');
    const r = await runCli(
      [
        'import',
        TRIVY,
        '--endpoint-url',
        hub.url,
        '--dead-letter',
        deadLetter,
        '--report',
        join(dir, 'r.json'),
      ],
      {
        env: creds(),
      },
    );
    expect(r.code).toBe(3);
    const entries = readFileSync(deadLetter, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { errorCode: string; errorMessage: string; finding: { Title: string } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ errorCode: 'InvalidInput' });
    expect(entries[0]?.errorMessage).toMatch(/refused by the test/);
    expect(entries[0]?.finding.Title).toMatch(/busybox/);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report).toMatchObject({ received: 6, imported: 5, failed: 1, failures: { InvalidInput: 1 } });
    expect(hub.findings()).toHaveLength(5);
  });

  it('exits 4 with a hint on AccessDenied, leaving no dead letter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asff-import-'));
    const r = await runCli(
      ['import', join(process.cwd(), NESSUS), '--endpoint-url', hub.url, '--account', '123456789012'],
      {
        env: { ...creds(), AWS_ACCESS_KEY_ID: 'AKIDDENIED' },
        cwd: dir,
      },
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/AccessDenied/);
    expect(r.stderr).toMatch(/securityhub:BatchImportFindings|IAM|permission/i);
    expect(r.stderr).not.toMatch(/test-secret/);
    expect(existsSync(join(dir, 'asff-dead-letter.ndjson'))).toBe(false);
    expect(hub.findings()).toHaveLength(0);
  });

  it('--dry-run sends nothing but reports what it would import', async () => {
    const r = await runCli([
      'import',
      TRIVY,
      '--dry-run',
      '--account',
      '123456789012',
      '--region',
      'us-east-1',
    ]);
    expect(r.code).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ received: 6, imported: 6, dryRun: true });
    expect(hub.requests()).toHaveLength(0);
  });

  it('exits 1 when --fail-on is met and everything was imported', async () => {
    const r = await runCli(['import', NESSUS, '--endpoint-url', hub.url, '--fail-on', 'critical'], {
      env: creds(),
    });
    expect(r.code).toBe(1);
    expect(lastJsonLine(r.stdout)).toMatchObject({ imported: 4, failed: 0 });
  });

  it('imports from stdin and exits 2 (after importing what it read) on truncated input', async () => {
    const text = readFileSync(TRIVY, 'utf8');
    const cut = text.indexOf('"VulnerabilityID": "CVE-2023-42363"');
    const r = await runCli(['import', '-', '--endpoint-url', hub.url], {
      env: creds(),
      stdin: text.slice(0, cut),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: .*(truncated|ended)/i);
    const report = lastJsonLine(r.stdout);
    expect(report).toMatchObject({ imported: 2, failed: 0, input: { complete: false } });
    expect(hub.findings()).toHaveLength(2);
  });
});
