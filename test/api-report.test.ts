import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without type declarations
import { apiReport, REPORT_PATH } from '../scripts/api-report.mjs';

describe('the public API report (api/asff-stream.api.md)', () => {
  it('lists exactly what the package entry points export: run `npm run api` and review the diff when it changes', () => {
    expect(apiReport()).toBe(readFileSync(REPORT_PATH, 'utf8'));
  }, 60_000);

  it('exports none of the internals a user has no business with', () => {
    const text: string = apiReport();
    const main = text.slice(text.indexOf('## asff-stream\n'), text.indexOf('## asff-stream/'));
    for (const internal of [
      'IdHashSet',
      'strictlyAfter',
      'BatchBuilder',
      'labelFromNessusSeverity',
      'resolveScope',
    ])
      expect(main).not.toContain(`\`${internal}\``);
    for (const needed of [
      'convert',
      'importFindings',
      'importWithLifecycle',
      'validateAsff',
      'toAsff',
      'defineAdapter',
      'startEmulator',
    ])
      expect(main).toContain(`- \`${needed}\` (function)`);
  });
});
