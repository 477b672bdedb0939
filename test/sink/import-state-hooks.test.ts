import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { importFindings } from '../../src/sink/import.js';
import { unlimited } from '../../src/sink/limiter.js';
import { FakeSecurityHub, failing, findings } from '../helpers/fake-security-hub.js';

describe('importFindings: the hooks a state file uses', () => {
  it('does not send findings isUnchanged accepts, and counts them: received = imported + unchanged + failed + skipped', async () => {
    const hub = new FakeSecurityHub();
    const unchanged = new Set(['f-1', 'f-3', 'f-4']);
    const report = await importFindings(findings(6), {
      client: hub,
      limiter: unlimited(),
      isUnchanged: (finding) => unchanged.has(finding.Id as string),
    });
    expect(hub.requests.flatMap((r) => r.ids)).toEqual(['f-0', 'f-2', 'f-5']);
    expect(report).toMatchObject({
      received: 6,
      imported: 3,
      unchanged: 3,
      failed: 0,
      skipped: 0,
      pending: 0,
    });
  });

  it('calls onImported with exactly the findings Security Hub accepted', async () => {
    const hub = new FakeSecurityHub((request) => failing(request, ['f-2'], 'InvalidInput'));
    const accepted: AwsSecurityFinding[] = [];
    const report = await importFindings(findings(4), {
      client: hub,
      limiter: unlimited(),
      onImported: (finding) => accepted.push(finding),
    });
    expect(report).toMatchObject({ imported: 3, failed: 1 });
    expect(accepted.map((f) => f.Id).sort()).toEqual(['f-0', 'f-1', 'f-3']);
  });
});
