import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';

const NESSUS = 'fixtures/demo/weekly-scan.nessus';
const CREDS = { AWS_ACCESS_KEY_ID: 'AKIDENDPOINTS', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };

/** Two emulators: `securityHub` stands for a Security Hub-only endpoint (VPC endpoint, gateway), `sts` for STS. */
let securityHub: RunningEmulator;
let sts: RunningEmulator;

const stsCalls = (hub: RunningEmulator) =>
  hub.requests().filter((r) => r.operation === 'GetCallerIdentity').length;
const importCalls = (hub: RunningEmulator) =>
  hub.requests().filter((r) => r.operation === 'BatchImportFindings').length;

describe('endpoints: --endpoint-url is Security Hub only; the SDK settings choose the rest', () => {
  beforeAll(async () => {
    securityHub = await startEmulator();
    sts = await startEmulator();
  });
  afterAll(async () => {
    await securityHub.stop();
    await sts.stop();
  });
  beforeEach(() => {
    securityHub.reset();
    sts.reset();
  });

  it('--endpoint-url does not redirect the STS account lookup (AWS_ENDPOINT_URL_STS does)', async () => {
    const r = await runCli(['import', NESSUS, '--endpoint-url', securityHub.url], {
      env: { ...CREDS, AWS_ENDPOINT_URL_STS: sts.url },
    });
    expect(r.stderr).toMatch(/imported 4 of 4/);
    expect(r.code).toBe(0);
    expect(stsCalls(securityHub)).toBe(0);
    expect(stsCalls(sts)).toBe(1);
    expect(securityHub.findings()).toHaveLength(4);
    expect(sts.findings()).toHaveLength(0);
  });

  it('AWS_ENDPOINT_URL_SECURITYHUB and AWS_ENDPOINT_URL_STS are honoured without --endpoint-url', async () => {
    const r = await runCli(['import', NESSUS], {
      env: { ...CREDS, AWS_ENDPOINT_URL_SECURITYHUB: securityHub.url, AWS_ENDPOINT_URL_STS: sts.url },
    });
    expect(r.code).toBe(0);
    expect(importCalls(securityHub)).toBeGreaterThan(0);
    expect(stsCalls(sts)).toBe(1);
    expect(stsCalls(securityHub) + importCalls(sts)).toBe(0);
  });

  it('--endpoint-url wins over AWS_ENDPOINT_URL_SECURITYHUB; AWS_ENDPOINT_URL serves the rest', async () => {
    const r = await runCli(['import', NESSUS, '--endpoint-url', securityHub.url], {
      env: { ...CREDS, AWS_ENDPOINT_URL_SECURITYHUB: sts.url, AWS_ENDPOINT_URL: sts.url },
    });
    expect(r.code).toBe(0);
    expect(importCalls(securityHub)).toBeGreaterThan(0);
    expect(importCalls(sts)).toBe(0);
    expect(stsCalls(sts)).toBe(1);
  });

  it("the shared config file's services section sets both endpoints", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asff-endpoints-'));
    const config = join(dir, 'config');
    writeFileSync(
      config,
      [
        '[profile ci]',
        'region = us-east-1',
        `aws_access_key_id = ${CREDS.AWS_ACCESS_KEY_ID}`,
        'aws_secret_access_key = x',
        'services = local',
        '',
        '[services local]',
        'securityhub =',
        `  endpoint_url = ${securityHub.url}`,
        'sts =',
        `  endpoint_url = ${sts.url}`,
        '',
      ].join('\n'),
    );
    const r = await runCli(['import', NESSUS], {
      env: {
        AWS_REGION: 'us-east-1',
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_PROFILE: 'ci',
      },
    });
    expect(r.stderr).toMatch(/imported 4 of 4/);
    expect(r.code).toBe(0);
    expect(securityHub.findings()).toHaveLength(4);
    expect(stsCalls(sts)).toBe(1);
  });
});
