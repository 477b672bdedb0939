import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_PRODUCT_FIELD } from '../../src/asff/build.js';
import { SOURCE_TOOL_PRODUCT_FIELD } from '../../src/asff/source-tool.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { CLI, ROOT, runCli } from '../helpers/cli.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { trivyReport } from '../helpers/trivy-report.js';

const CREDS = {
  AWS_ACCESS_KEY_ID: 'AKIDSTATECLI',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_REGION: 'us-east-1',
};
const HEADER =
  '"Plugin ID","CVE","CVSS v2.0 Base Score","Risk","Host","Protocol","Port","Name","Synopsis","Description","Solution","See Also","Plugin Output"';

/** A Tenable CSV export, one row per plugin id; `changed` plugins get another description. */
function csv(pluginIds: readonly number[], changed: readonly number[] = []): string {
  const rows = pluginIds.map(
    (id) =>
      `"${id}","","5.0","High","10.0.0.1","tcp","22","Plugin ${id}","${changed.includes(id) ? 'new synopsis' : 'synopsis'}","${changed.includes(id) ? 'new description' : 'description'}","fix","",""`,
  );
  return `${[HEADER, ...rows].join('\n')}\n`;
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

let hub: RunningEmulator;
let dir: string;
let file: string;
let statePath: string;

function states(): Record<string, string | undefined> {
  return Object.fromEntries(
    hub
      .findings()
      .filter((f) => f.ProductFields?.[SCOPE_PRODUCT_FIELD] === 'scan.csv')
      .map((f) => [f.Title?.replace(/ on .*$/, ''), f.RecordState]),
  );
}

/** A dead-letter file in the test's directory (the CLI's default would land in the project root). */
const deadLetterPath = () => join(dir, 'dead-letter.ndjson');

let baseline: Record<string, number> = {};
/** Starts counting requests from now (the emulator keeps its findings). */
function countFromHere(): void {
  baseline = { ...hub.stats().byOperation };
}
/** Security Hub requests by operation since {@link countFromHere} (STS, which finds the account, left out). */
function requests(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [operation, n] of Object.entries(hub.stats().byOperation)) {
    const delta = n - (baseline[operation] ?? 0);
    if (operation !== 'GetCallerIdentity' && delta > 0) counts[operation] = delta;
  }
  return counts;
}

function importCsv(content: string, ...flags: string[]) {
  return importFile(file, content, ...flags);
}

/** Writes `content` to `path` and imports it with the test's state and dead letter. */
async function importFile(path: string, content: string, ...flags: string[]) {
  writeFileSync(path, content);
  return runCli(
    [
      'import',
      path,
      '--endpoint-url',
      hub.url,
      '--state',
      statePath,
      '--dead-letter',
      deadLetterPath(),
      ...flags,
    ],
    {
      env: { ...CREDS, AWS_ENDPOINT_URL_STS: hub.url },
    },
  );
}

beforeAll(async () => {
  hub = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'asff-state-cli-'));
  file = join(dir, 'scan.csv');
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

describe('asff-stream import --state (spawned binary, real SDK, local emulator)', () => {
  it('second run of an unchanged scan sends nothing and reads nothing; a change sends only the change', async () => {
    const first = await importCsv(csv([1, 2, 3, 4]), '--scope', 'scan.csv', '--archive-missing');
    expect(first.code, first.stderr).toBe(0);
    expect(lastJsonLine(first.stdout)).toMatchObject({
      received: 4,
      imported: 4,
      unchanged: 0,
      state: { used: false, fallback: 'missing', saved: true, entries: 4 },
    });
    // No state yet: the scope was read as before (one empty page).
    expect(requests().GetFindings).toBe(1);
    expect(readFileSync(statePath, 'utf8').trim().split('\n')).toHaveLength(5);

    countFromHere();
    const second = await importCsv(csv([1, 2, 3, 4]), '--scope', 'scan.csv', '--archive-missing');
    expect(second.code, second.stderr).toBe(0);
    expect(lastJsonLine(second.stdout)).toMatchObject({
      received: 4,
      imported: 0,
      unchanged: 4,
      failed: 0,
      skipped: 0,
      archived: 0,
      state: { used: true, loaded: 4, saved: true, entries: 4 },
    });
    expect(second.stderr).toMatch(/imported 0 of 4 \(4 unchanged, not sent\)/);
    expect(second.stderr).toMatch(/state: 4 entries read from .*; saved 4 entries/);
    expect(requests()).toEqual({});

    countFromHere();
    // Plugin 2 changed, plugin 4 is gone, plugin 5 is new.
    const third = await importCsv(csv([1, 2, 3, 5], [2]), '--scope', 'scan.csv', '--archive-missing');
    expect(third.code, third.stderr).toBe(0);
    expect(lastJsonLine(third.stdout)).toMatchObject({
      received: 4,
      imported: 2,
      unchanged: 2,
      archived: 1,
      archive: { candidates: 1, archived: 1, strategy: 'by-id' },
      state: { used: true, saved: true, entries: 5 },
    });
    // One BatchImportFindings for the change, one GetFindings by Id and one import for the archive.
    expect(requests()).toEqual({ BatchImportFindings: 2, GetFindings: 1 });
    expect(states()).toEqual({
      'Plugin 1': 'ACTIVE',
      'Plugin 2': 'ACTIVE',
      'Plugin 3': 'ACTIVE',
      'Plugin 4': 'ARCHIVED',
      'Plugin 5': 'ACTIVE',
    });
    const changed = hub.findings().find((f) => f.Title?.startsWith('Plugin 2 '));
    const kept = hub.findings().find((f) => f.Title?.startsWith('Plugin 1 '));
    // History from the state: the changed finding keeps its CreatedAt, the unchanged one was not touched.
    expect(changed?.CreatedAt).toBe(kept?.CreatedAt);
    expect(changed?.UpdatedAt).not.toBe(kept?.UpdatedAt);

    countFromHere();
    // The archived finding comes back: it is sent (re-activated), nothing else is.
    const fourth = await importCsv(csv([1, 2, 3, 4, 5], [2]), '--scope', 'scan.csv', '--archive-missing');
    expect(fourth.code, fourth.stderr).toBe(0);
    expect(lastJsonLine(fourth.stdout)).toMatchObject({ imported: 1, unchanged: 4, archived: 0 });
  });

  it('sends unchanged findings again once their last copy is older than --refresh-after', async () => {
    await importCsv(csv([1, 2]));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    countFromHere();
    const again = await importCsv(csv([1, 2]), '--refresh-after', '1s');
    expect(again.code, again.stderr).toBe(0);
    // The state itself is older than the window: not used, so history is read as without a state.
    expect(lastJsonLine(again.stdout)).toMatchObject({
      imported: 2,
      unchanged: 0,
      state: { used: false, fallback: 'stale', saved: true },
    });
  });

  it('does not use a state of another scope, and reads the scope instead', async () => {
    await importCsv(csv([1, 2]));
    countFromHere();
    const other = await importCsv(csv([1, 2]), '--scope', 'other-scope', '--archive-missing');
    expect(other.code, other.stderr).toBe(0);
    expect(lastJsonLine(other.stdout)).toMatchObject({
      imported: 2,
      unchanged: 0,
      state: { used: false, fallback: 'other-scope', saved: true },
    });
    expect(requests().GetFindings).toBe(1);
    expect(other.stderr).toMatch(/state: not used \(other-scope: the state is for scope "scan\.csv"/);
  });

  it('falls back to the read when the state is unreadable, and replaces it', async () => {
    writeFileSync(statePath, 'this is not a state\n');
    const r = await importCsv(csv([1]), '--scope', 'scan.csv', '--archive-missing');
    expect(r.code, r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({
      imported: 1,
      state: { used: false, fallback: 'unreadable', saved: true, entries: 1 },
    });
    expect(requests().GetFindings).toBe(1);
  });

  it('saves only what Security Hub confirmed: refused findings are sent again next run', async () => {
    hub.setFaults({ findingFailureRate: 1 });
    const refused = await importCsv(csv([1, 2]), '--max-retries', '1');
    hub.setFaults({});
    expect(refused.code).toBe(3);
    expect(lastJsonLine(refused.stdout)).toMatchObject({
      imported: 0,
      failed: 2,
      state: { saved: true, entries: 0 },
    });
    countFromHere();
    const next = await importCsv(csv([1, 2]));
    expect(next.code, next.stderr).toBe(0);
    expect(lastJsonLine(next.stdout)).toMatchObject({ imported: 2, unchanged: 0 });
  });

  it('Ctrl-C: exits 130 with a balanced report and saves what Security Hub confirmed, so the rerun sends the rest', async () => {
    const report = trivyReport(3_000);
    const child = spawn(
      process.execPath,
      [
        CLI,
        'import',
        '-',
        '--endpoint-url',
        hub.url,
        '--state',
        statePath,
        '--dead-letter',
        deadLetterPath(),
        '--rate',
        '5',
        '--burst',
        '5',
        '-q',
      ],
      { cwd: ROOT, env: { ...process.env, ...CREDS, AWS_ENDPOINT_URL_STS: hub.url, CI: 'true' } },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.stdin.end(report);
    const deadline = Date.now() + 20_000;
    while (hub.findings().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(130);
    expect(stdout.trim(), stderr).not.toBe('');
    const interrupted = lastJsonLine(stdout) as {
      aborted: boolean;
      received: number;
      imported: number;
      unchanged: number;
      failed: number;
      skipped: number;
      state: { saved: boolean; entries: number };
    };
    expect(interrupted.aborted).toBe(true);
    expect(interrupted.imported).toBeGreaterThan(0);
    expect(interrupted.imported).toBeLessThan(3_000);
    expect(interrupted.received).toBe(
      interrupted.imported + interrupted.unchanged + interrupted.failed + interrupted.skipped,
    );
    expect(interrupted.state).toMatchObject({ saved: true, entries: interrupted.imported });

    const rerun = await runCli(['import', '-', '--endpoint-url', hub.url, '--state', statePath], {
      env: { ...CREDS, AWS_ENDPOINT_URL_STS: hub.url },
      stdin: report,
    });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout.trim(), `${rerun.stderr}\n${JSON.stringify(interrupted)}`).not.toBe('');
    expect(lastJsonLine(rerun.stdout)).toMatchObject({
      received: 3_000,
      unchanged: interrupted.imported,
      imported: 3_000 - interrupted.imported,
      failed: 0,
    });
  });

  it('--dry-run neither reads nor writes the state, and says so', async () => {
    const r = await importCsv(csv([1]), '--dry-run', '--account', '123456789012');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--dry-run makes no AWS calls: --state is neither read nor written/);
    expect(existsSync(statePath)).toBe(false);
  });

  it('refuses a bad --refresh-after with exit 2', async () => {
    const r = await importCsv(csv([1]), '--refresh-after', 'soon');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--refresh-after "soon": expected a duration/);
  });
});

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

function importLog(content: string) {
  return importFile(join(dir, 'results.sarif'), content, '--archive-missing');
}

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

    countFromHere();
    // The acme/lib run is clean now (no results): its four ACTIVE findings are archived from its section of the
    // state (read back by Id), the other runs are unchanged.
    const clean = JSON.parse(log({ drop: 2, change: 4 })) as { runs: { results: unknown[] }[] };
    clean.runs[2]!.results = [];
    const fifth = await importLog(JSON.stringify(clean));
    expect(fifth.code, fifth.stderr).toBe(0);
    expect(lastJsonLine(fifth.stdout)).toMatchObject({ imported: 0, unchanged: 8, archived: 4 });
    expect(requests()).toEqual({ GetFindings: 1, BatchImportFindings: 1 });
    expect(Object.values(stored()['semgrep@acme/lib sarif/semgrep'] ?? {})).toEqual(
      Array(5).fill('ARCHIVED'),
    );
  });
});

describe('asff-stream import --state s3://… (spawned binaries, s3rver and the emulator on loopback)', () => {
  let s3: TestS3;
  const S3_CREDS = { ...CREDS, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => s3?.stop());

  function importTo(name: string, content: string, key: string, ...flags: string[]) {
    const path = join(dir, name);
    writeFileSync(path, content);
    return runCli(
      [
        'import',
        path,
        '--endpoint-url',
        hub.url,
        '--state',
        `s3://${s3.bucket}/${key}`,
        '--state-endpoint-url',
        s3.url,
        ...flags,
      ],
      { env: { ...S3_CREDS, AWS_ENDPOINT_URL_STS: hub.url } },
    );
  }

  it('keeps the state in S3: the second run of an unchanged scan sends nothing', async () => {
    const first = await importTo(
      's3-scan.csv',
      csv([1, 2, 3]),
      'ci/scan.ndjson',
      '--scope',
      's3-scan.csv',
      '--archive-missing',
    );
    expect(first.code, first.stderr).toBe(0);
    expect(lastJsonLine(first.stdout)).toMatchObject({ imported: 3, state: { saved: true, entries: 3 } });
    countFromHere();
    const second = await importTo(
      's3-scan.csv',
      csv([1, 2, 3]),
      'ci/scan.ndjson',
      '--scope',
      's3-scan.csv',
      '--archive-missing',
    );
    expect(second.code, second.stderr).toBe(0);
    expect(lastJsonLine(second.stdout)).toMatchObject({
      imported: 0,
      unchanged: 3,
      state: { used: true, loaded: 3, saved: true },
    });
    expect(requests()).toEqual({});
  });

  it('two runs of one scope writing one key at once both keep their entries', async () => {
    const key = 'ci/shared.ndjson';
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    // Each run reads its scan from stdin, held open until both have imported findings (so both have loaded the
    // state, which happens before the first import); then both end and save at once. 150 rows each: the CSV
    // adapter holds its last 32 findings (the repeat window) and the sink sends 100 at a time, so fewer rows would
    // send nothing until the input ends.
    const start = (rows: number[]) => {
      const child = spawn(
        process.execPath,
        [
          CLI,
          'import',
          '-',
          '--format',
          'csv',
          '--scope',
          'shared-scope',
          '--endpoint-url',
          hub.url,
          '--state',
          `s3://${s3.bucket}/${key}`,
          '--state-endpoint-url',
          s3.url,
        ],
        { cwd: ROOT, env: { ...process.env, ...S3_CREDS, AWS_ENDPOINT_URL_STS: hub.url, CI: 'true' } },
      );
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString('utf8');
      });
      child.stderr.resume();
      child.stdin.write(csv(rows));
      const done = new Promise<{ code: number | null; stdout: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stdout })),
      );
      return { child, done };
    };
    const runA = start(ids(1, 151));
    const runB = start(ids(151, 301));
    const deadline = Date.now() + 30_000;
    const storedBoth = () => {
      const titles = hub.findings().map((f) => f.Title ?? '');
      return titles.some((t) => t.startsWith('Plugin 1 ')) && titles.some((t) => t.startsWith('Plugin 151 '));
    };
    while (!storedBoth() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(storedBoth(), 'both runs import before their input ends').toBe(true);
    runA.child.stdin.end();
    runB.child.stdin.end();
    const [a, b] = await Promise.all([runA.done, runB.done]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const reports = [lastJsonLine(a.stdout), lastJsonLine(b.stdout)] as { state: { conflicts: number } }[];
    // Both started without a state and wrote "only if none": one lost, re-read, merged and wrote again.
    expect(reports.map((r) => r.state.conflicts).sort()).toEqual([0, 1]);
    expect(s3.puts.precondition).toBeGreaterThanOrEqual(1);

    countFromHere();
    const all = await importTo('all.csv', csv(ids(1, 301)), key, '--scope', 'shared-scope');
    expect(all.code, all.stderr).toBe(0);
    expect(lastJsonLine(all.stdout)).toMatchObject({
      received: 300,
      imported: 0,
      unchanged: 300,
      state: { used: true, loaded: 300, entries: 300 },
    });
    expect(requests()).toEqual({});
  });

  it('an S3 state that cannot be written is reported, with exit 4, after importing everything', async () => {
    const path = join(dir, 'denied.csv');
    writeFileSync(path, csv([1]));
    const r = await runCli(
      [
        'import',
        path,
        '--endpoint-url',
        hub.url,
        '--state',
        's3://no-such-bucket/state.ndjson',
        '--state-endpoint-url',
        s3.url,
      ],
      { env: { ...S3_CREDS, AWS_ENDPOINT_URL_STS: hub.url } },
    );
    expect(r.code, r.stderr).toBe(4);
    const report = lastJsonLine(r.stdout);
    expect(report).toMatchObject({ imported: 1, failed: 0, state: { saved: false } });
    expect((report.state as { error: string }).error).toMatch(
      /cannot write the state s3:\/\/no-such-bucket\/state\.ndjson: NoSuchBucket/,
    );
    expect(r.stderr).toMatch(/state: not used \(unreadable: .*\); NOT saved: cannot write the state/);
  });
});
