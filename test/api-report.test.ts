import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without type declarations
import { apiReports, describeProblems, entryPoints } from '../scripts/api-report.mjs';

interface EntryResult {
  entry: string;
  report: string;
  actual: string;
  committed: string | undefined;
  problems: string[];
}
interface Outcome {
  results: EntryResult[];
  stale: string[];
}

const entries = (entryPoints() as { name: string }[]).map((e) => e.name);
let outcome: Outcome;

beforeAll(() => {
  // API Extractor on the built declarations (npm test builds first), one TypeScript program for every entry point.
  outcome = apiReports();
}, 120_000);

function resultOf(entry: string): EntryResult {
  const result = outcome.results.find((r) => r.entry === entry);
  if (result === undefined) throw new Error(`no report made for ${entry}`);
  return result;
}

describe('the public API reports (api/*.api.md, made by API Extractor)', () => {
  it('cover every entry point of package.json "exports", the four built-in adapters included', () => {
    expect(entries).toEqual(
      expect.arrayContaining([
        'asff-stream',
        'asff-stream/toolkit',
        'asff-stream/testing',
        'asff-stream/adapters/sarif',
        'asff-stream/adapters/trivy',
        'asff-stream/adapters/nessus',
        'asff-stream/adapters/csv',
      ]),
    );
    expect(outcome.stale, 'reports of entry points that no longer exist: run `npm run api`').toEqual([]);
  });

  it.each(entries)('%s: the committed report is current and API Extractor finds nothing wrong', (entry) => {
    const result = resultOf(entry);
    expect(result.problems, `${entry}: API Extractor's findings (fix the API or its TSDoc)`).toEqual([]);
    expect(
      result.committed,
      `${entry}: ${result.report} is missing: run \`npm run api\` and commit it`,
    ).toBeDefined();
    expect(
      result.actual,
      `${entry}: the public API changed: run \`npm run api\` and review the diff of ${result.report}`,
    ).toBe(result.committed);
  });

  it('names the entry point and `npm run api` when a report is out of date or missing', () => {
    const lines: string[] = describeProblems({
      results: [
        {
          entry: 'asff-stream/toolkit',
          report: 'api/t.api.md',
          actual: 'new',
          committed: 'old',
          problems: [],
        },
        {
          entry: 'asff-stream/testing',
          report: 'api/x.api.md',
          actual: 'new',
          committed: undefined,
          problems: [],
        },
      ],
      stale: [],
    });
    expect(lines).toEqual([
      'asff-stream/toolkit: the public API changed: run `npm run api` and review the diff of api/t.api.md',
      'asff-stream/testing: api/x.api.md is missing: run `npm run api` and commit it',
    ]);
  });

  it('the main entry exports what users need and none of the internals', () => {
    const main = resultOf('asff-stream').actual;
    const exported = (name: string) =>
      new RegExp(
        `^export (?:declare )?(?:function|class|interface|type|const|namespace) ${name}\\b`,
        'm',
      ).test(main);
    for (const internal of [
      'IdHashSet',
      'strictlyAfter',
      'BatchBuilder',
      'labelFromNessusSeverity',
      'resolveScope',
      // a failed run's report is `error.report`, not a WeakMap lookup
      'importReportOf',
      'lifecycleReportOf',
    ])
      expect(exported(internal), `${internal} is exported`).toBe(false);
    for (const needed of [
      'convert',
      'importFindings',
      'importWithLifecycle',
      'validateAsff',
      'toAsff',
      'defineAdapter',
      'startEmulator',
    ])
      expect(exported(needed), `${needed} is not exported`).toBe(true);
  });
});
