import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCOPE_PRODUCT_FIELD } from '../src/asff/build.js';
import { ConverterError } from '../src/errors.js';
import { convertAll } from './helpers/asff.js';
import { TRIVY_FS_DOT } from './helpers/trivy-fs-dot.js';

const ACME_A = { name: 'acme/a', source: 'GITHUB_REPOSITORY' };
const ACME_B = { name: 'acme/b', source: 'GITHUB_REPOSITORY' };

describe('default scopes identify the source', () => {
  it("gives two repositories' `trivy fs .` reports different scopes and Ids", async () => {
    const a = await convertAll(Buffer.from(TRIVY_FS_DOT), { scope: undefined, repository: ACME_A });
    const b = await convertAll(Buffer.from(TRIVY_FS_DOT), { scope: undefined, repository: ACME_B });
    expect(a.stats.scope).toBe('acme/a');
    expect(b.stats.scope).toBe('acme/b');
    expect(a.findings[0]?.ProductFields?.[SCOPE_PRODUCT_FIELD]).toBe('acme/a');
    expect(a.findings[0]?.Id).not.toBe(b.findings[0]?.Id);
  });

  it('never uses "." as a scope, and warns once when no repository identifies the source', async () => {
    const { stats, findings, issues } = await convertAll(Buffer.from(TRIVY_FS_DOT), {
      scope: undefined,
      repository: null,
    });
    expect(stats.scope).not.toBe('.');
    expect(stats.scope).toBe('trivy');
    expect(findings[0]?.ProductFields?.[SCOPE_PRODUCT_FIELD]).toBe('trivy');
    expect(issues.filter((i) => i.code === 'scope-unidentified')).toHaveLength(1);
    expect(stats.scopeIdentified).toBe(false);
  });

  it('refuses an unidentified scope before the first finding when one is required', async () => {
    const error = await convertAll(Buffer.from(TRIVY_FS_DOT), {
      scope: undefined,
      repository: null,
      requireIdentifiedScope: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConverterError);
    expect((error as ConverterError).code).toBe('E_CONFIG');
    expect((error as ConverterError).message).toMatch(/--scope/);
  });

  it('keeps a hint that names the artifact (an image) whatever the repository', async () => {
    const image = TRIVY_FS_DOT.replace('"."', '"registry.example.com/shop/api:2.3.1"').replace(
      'filesystem',
      'container_image',
    );
    const { stats, issues } = await convertAll(Buffer.from(image), { scope: undefined, repository: ACME_A });
    expect(stats.scope).toBe('registry.example.com/shop/api:2.3.1');
    expect(issues.filter((i) => i.code === 'scope-unidentified')).toHaveLength(0);
  });

  it('qualifies a SARIF tool name with the repository', async () => {
    const { stats } = await convertAll('fixtures/sarif/cwe.sarif', { scope: undefined, repository: ACME_A });
    expect(stats.scope).toMatch(/^[^@]+@acme\/a$/);
  });

  it('gives a multi-run SARIF log the same scopes and Ids whatever the order of its runs', async () => {
    const log = JSON.parse(readFileSync('fixtures/sarif/multi-run.sarif', 'utf8')) as { runs: unknown[] };
    const reversed = { ...log, runs: [...log.runs].reverse() };
    const options = { scope: undefined, repository: ACME_A };
    const forward = await convertAll(Buffer.from(JSON.stringify(log)), options);
    const backward = await convertAll(Buffer.from(JSON.stringify(reversed)), options);
    const keyed = (findings: typeof forward.findings) =>
      findings.map((f) => `${f.ProductFields?.[SCOPE_PRODUCT_FIELD]} ${f.Id}`).sort();
    expect(keyed(backward.findings)).toEqual(keyed(forward.findings));
    expect(forward.findings.length).toBeGreaterThan(1);
  });
});
