import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { trivyReport } from '../helpers/trivy-report.js';

let hub: RunningEmulator;

describe('asff-stream import interrupted by SIGINT (spawned binary)', () => {
  beforeAll(async () => {
    hub = await startEmulator();
  });
  afterAll(async () => hub.stop());

  it('stops reading, finishes what is in flight, prints a balanced report and exits 130', async () => {
    const { code, stdout } = await runCli(
      ['import', '-', '--endpoint-url', hub.url, '--rate', '5', '--burst', '5', '-q'],
      {
        stdin: trivyReport(20_000),
        env: {
          AWS_ACCESS_KEY_ID: 'AKIDINTERRUPT',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL_STS: hub.url,
        },
        // Ctrl-C once the first findings are stored.
        interruptWhen: () => hub.findings().length > 0,
      },
    );
    expect(code).toBe(130);
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      aborted: boolean;
      imported: number;
      failed: number;
      skipped: number;
      received: number;
    };
    expect(report.aborted).toBe(true);
    expect(report.imported).toBeGreaterThan(0);
    expect(report.imported).toBeLessThan(20_000);
    expect(report.received).toBe(report.imported + report.failed + report.skipped);
    expect(hub.findings().length).toBe(report.imported);
  });
});
