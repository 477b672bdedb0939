import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { CLI, ROOT } from '../helpers/cli.js';

let hub: RunningEmulator;

/** A Trivy report with `count` vulnerabilities, as text. */
function trivyReport(count: number): string {
  const vulnerabilities = Array.from({ length: count }, (_, i) => ({
    VulnerabilityID: `CVE-2026-${i}`,
    PkgName: `pkg${i}`,
    InstalledVersion: '1.0',
    Severity: 'HIGH',
    Title: `generated ${i}`,
  }));
  return JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: 'app:1',
    Results: [{ Target: 'app', Class: 'os-pkgs', Type: 'debian', Vulnerabilities: vulnerabilities }],
  });
}

describe('asff-stream import interrupted by SIGINT (spawned binary)', () => {
  beforeAll(async () => {
    hub = await startEmulator();
  });
  afterAll(async () => hub.stop());

  it('stops reading, finishes what is in flight, prints a balanced report and exits 130', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'import', '-', '--endpoint-url', hub.url, '--rate', '5', '--burst', '5', '-q'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'AKIDINTERRUPT',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL_STS: hub.url,
          CI: 'true',
        },
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.resume();
    child.stdin.end(trivyReport(20_000));
    // Wait until the first findings are stored, then interrupt.
    const deadline = Date.now() + 20_000;
    while (hub.findings().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
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
