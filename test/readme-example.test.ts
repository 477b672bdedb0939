import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert, importWithLifecycle, startEmulator } from '../src/index.js';

// The library example of README.md ("Library"), run as written against the demo Trivy sample.
describe('README library example', () => {
  it('converts, imports into the emulator and archives nothing on a first run', async () => {
    const deadLetter = join(mkdtempSync(join(tmpdir(), 'asff-readme-')), 'failed.ndjson');
    const hub = await startEmulator();
    try {
      const findings = convert('fixtures/demo/trivy-image.json', {
        accountId: '123456789012',
        region: 'us-east-1',
      });
      const report = await importWithLifecycle(findings, {
        accountId: '123456789012',
        region: 'us-east-1',
        endpoint: hub.url,
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        deadLetter,
        archiveMissing: true,
        conversion: findings.stats,
      });
      expect(report).toMatchObject({ received: 6, imported: 6, failed: 0, archived: 0 });
      expect(hub.findings()).toHaveLength(6);
    } finally {
      await hub.stop();
    }
  });
});
