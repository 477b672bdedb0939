import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TRIVY_FS_DOT } from '../helpers/trivy-fs-dot.js';

const dir = mkdtempSync(join(tmpdir(), 'asff-scope-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Detection on, as outside the test suite (global setup turns it off). */
const DETECT = { ASFF_STREAM_REPOSITORY: '' };

describe('asff-stream scope', () => {
  it('prints the repository as the scope of `trivy fs .` in GitHub Actions, and says why', async () => {
    const r = await runCli(['scope', '-'], {
      stdin: TRIVY_FS_DOT,
      env: { ...DETECT, GITHUB_REPOSITORY: 'acme/payments' },
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('acme/payments\ttrivy\tpath "." + repository acme/payments (GITHUB_REPOSITORY)\n');
    expect(r.stderr).toBe('');
  });

  it('reads the repository from the git remote of the working directory, without its credentials', async () => {
    const clone = join(dir, 'clone');
    mkdirSync(join(clone, '.git'), { recursive: true });
    writeFileSync(
      join(clone, '.git', 'config'),
      '[remote "origin"]\n\turl = https://oauth2:glpat-SECRET@gitlab.example.com/acme/payments.git\n',
    );
    const r = await runCli(['scope', '-'], { stdin: TRIVY_FS_DOT, env: DETECT, cwd: clone });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('acme/payments\ttrivy\tpath "." + repository acme/payments (git remote)\n');
    expect(r.stdout + r.stderr).not.toContain('SECRET');
  });

  it('never prints "." outside any repository, and warns', async () => {
    const r = await runCli(['scope', '-'], { stdin: TRIVY_FS_DOT, env: DETECT, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('trivy\ttrivy\tadapter name; no repository found\n');
    expect(r.stderr).toMatch(/warning: scope "trivy" does not identify the source/);
  });

  it('prints one line per run of a multi-run SARIF log, and --scope wins', async () => {
    const env = { ...DETECT, GITHUB_REPOSITORY: 'acme/web' };
    const r = await runCli(['scope', 'fixtures/sarif/multi-run.sarif'], { env });
    expect(r.stdout.trim().split('\n')).toEqual([
      'eslint@acme/web\tsarif/eslint\ttool "eslint" + repository acme/web (GITHUB_REPOSITORY)',
      'semgrep@acme/web\tsarif/semgrep\ttool "semgrep" + repository acme/web (GITHUB_REPOSITORY)',
    ]);
    const scoped = await runCli(['scope', 'fixtures/sarif/multi-run.sarif', '--scope', 'web'], { env });
    expect(scoped.stdout.trim().split('\n')).toEqual([
      'web\tsarif/eslint\t--scope',
      'web\tsarif/semgrep\t--scope',
    ]);
  });
});
