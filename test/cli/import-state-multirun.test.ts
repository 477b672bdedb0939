import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_PRODUCT_FIELD } from '../../src/asff/build.js';
import { SOURCE_TOOL_PRODUCT_FIELD } from '../../src/asff/source-tool.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';

const CREDS = {
  AWS_ACCESS_KEY_ID: 'AKIDSTATEMULTIRUN',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_REGION: 'us-east-1',
};

/** One SARIF run: its tool, the repository it scanned, and its results (rule, file, message). */
interface Run {
  tool: string;
  repository: string;
  results: { rule: string; file: string; level?: string }[];
}

/** A SARIF log of several runs, each with its own `versionControlProvenance` (so each its own scope). */
function sarif(runs: readonly Run[]): string {
  return JSON.stringify({
    version: '2.1.0',
    runs: runs.map((run) => ({
      tool: {
        driver: { name: run.tool, rules: [...new Set(run.results.map((r) => r.rule))].map((id) => ({ id })) },
      },
      versionControlProvenance: [{ repositoryUri: `https://github.com/${run.repository}` }],
      results: run.results.map((r) => ({
        ruleId: r.rule,
        level: r.level ?? 'warning',
        message: { text: `${r.rule} in ${r.file}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: r.file }, region: { startLine: 1 } } }],
      })),
    })),
  });
}

/** Five results of `tool`: files f1…f5 (`drop` left out, `change` with another level: same Id, new content). */
function results(tool: string, options: { drop?: number; change?: number } = {}): Run['results'] {
  return [1, 2, 3, 4, 5]
    .filter((n) => n !== options.drop)
    .map((n) => ({
      rule: `${tool}-rule`,
      file: `src/f${n}.js`,
      ...(n === options.change ? { level: 'error' } : {}),
    }));
}

/** Three runs, three keys: two tools in one repository, and one tool in two repositories. */
function log(options: { drop?: number; change?: number } = {}): string {
  return sarif([
    { tool: 'eslint', repository: 'acme/shop', results: results('eslint', options) },
    { tool: 'semgrep', repository: 'acme/shop', results: results('semgrep', options) },
    { tool: 'semgrep', repository: 'acme/lib', results: results('semgrep', options) },
  ]);
}

const KEYS = [
  'eslint@acme/shop sarif/eslint',
  'semgrep@acme/shop sarif/semgrep',
  'semgrep@acme/lib sarif/semgrep',
];

function lastJsonLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

let hub: RunningEmulator;
let dir: string;
let file: string;
let statePath: string;

let baseline: Record<string, number> = {};
function countFromHere(): void {
  baseline = { ...hub.stats().byOperation };
}
/** Security Hub requests by operation since {@link countFromHere} (STS left out). */
function requests(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [operation, n] of Object.entries(hub.stats().byOperation)) {
    const delta = n - (baseline[operation] ?? 0);
    if (operation !== 'GetCallerIdentity' && delta > 0) counts[operation] = delta;
  }
  return counts;
}

/** Stored findings per key ("scope source-tool"): file → RecordState. */
function stored(): Record<string, Record<string, string | undefined>> {
  const out: Record<string, Record<string, string | undefined>> = {};
  for (const f of hub.findings()) {
    const key = `${f.ProductFields?.[SCOPE_PRODUCT_FIELD]} ${f.ProductFields?.[SOURCE_TOOL_PRODUCT_FIELD]}`;
    const where = f.Title?.match(/f\d/)?.[0] ?? '?';
    out[key] = { ...out[key], [where]: f.RecordState };
  }
  return out;
}

function importLog(content: string, ...flags: string[]) {
  writeFileSync(file, content);
  return runCli(
    [
      'import',
      file,
      '--endpoint-url',
      hub.url,
      '--state',
      statePath,
      '--archive-missing',
      '--dead-letter',
      join(dir, 'dead-letter.ndjson'),
      ...flags,
    ],
    { env: { ...CREDS, AWS_ENDPOINT_URL_STS: hub.url } },
  );
}

beforeAll(async () => {
  hub = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'asff-state-multirun-'));
  file = join(dir, 'results.sarif');
});
afterAll(async () => {
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  hub.reset();
  countFromHere();
  statePath = join(dir, `state-${Math.random().toString(36).slice(2)}.ndjson`);
});

describe('asff-stream import --state of a multi-run SARIF log (spawned binary, real SDK, local emulator)', () => {
  it('every run (key) uses the state: an unchanged rerun sends and reads nothing, and each run archives its own', async () => {
    const first = await importLog(log());
    expect(first.code, first.stderr).toBe(0);
    expect(lastJsonLine(first.stdout)).toMatchObject({
      received: 15,
      imported: 15,
      state: { used: false, fallback: 'missing', saved: true, entries: 15 },
    });
    expect(Object.keys(stored()).sort()).toEqual([...KEYS].sort());
    // One file, one section per key.
    const sections = readFileSync(statePath, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(sections).toHaveLength(3);

    countFromHere();
    const second = await importLog(log());
    expect(second.code, second.stderr).toBe(0);
    expect(lastJsonLine(second.stdout)).toMatchObject({
      received: 15,
      imported: 0,
      unchanged: 15,
      failed: 0,
      skipped: 0,
      archived: 0,
      state: { used: true, loaded: 15, saved: true, entries: 15 },
    });
    // No BatchImportFindings, no GetFindings: for every run, not only the first.
    expect(requests()).toEqual({});
    expect(second.stderr).toMatch(/state: 15 entries of 3 keys read from .*; saved 15 entries/);

    countFromHere();
    // In each run: f2 is gone, f4 changed.
    const third = await importLog(log({ drop: 2, change: 4 }));
    expect(third.code, third.stderr).toBe(0);
    const report = lastJsonLine(third.stdout) as {
      archives: { scope: string; sourceTool: string; candidates: number; archived: number }[];
    };
    expect(report).toMatchObject({
      received: 12,
      imported: 3,
      unchanged: 9,
      archived: 3,
      state: { used: true, saved: true, entries: 15 },
    });
    // Each key archived its own gone finding, read back by Id from its own state.
    expect(
      report.archives.map((a) => `${a.scope} ${a.sourceTool} ${a.candidates}/${a.archived}`).sort(),
    ).toEqual(KEYS.map((k) => `${k} 1/1`).sort());
    const sent = requests();
    expect(sent.GetFindings).toBe(3);
    expect(sent.BatchImportFindings).toBeLessThanOrEqual(4);
    for (const key of KEYS)
      expect(stored()[key], key).toEqual({
        f1: 'ACTIVE',
        f2: 'ARCHIVED',
        f3: 'ACTIVE',
        f4: 'ACTIVE',
        f5: 'ACTIVE',
      });

    countFromHere();
    const fourth = await importLog(log({ drop: 2, change: 4 }));
    expect(fourth.code, fourth.stderr).toBe(0);
    expect(lastJsonLine(fourth.stdout)).toMatchObject({ imported: 0, unchanged: 12, archived: 0 });
    expect(requests()).toEqual({});
  });
});
