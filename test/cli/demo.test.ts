import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('asff-stream demo (spawned binary)', () => {
  it('imports the bundled samples of all four formats and the at-scale run into the in-process emulator', async () => {
    const r = await runCli(['demo']);
    expect(r.code).toBe(0);
    for (const adapter of ['csv', 'sarif', 'trivy', 'nessus'])
      expect(r.stdout).toMatch(new RegExp(`→ ${adapter} \\(scope`));
    expect(r.stdout).toMatch(/imported 5000 of 5000/);
    expect(r.stdout).toMatch(/Security Hub now holds 5018 findings/);
    expect(r.stdout).not.toMatch(/failed/);
    // The scanner-found AWS key in the Semgrep sample never reaches Security Hub.
    expect(r.stdout).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});
