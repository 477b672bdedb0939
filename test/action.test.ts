import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.js';
import { CLI, ROOT } from './helpers/cli.js';

/** The shell script of the composite action's step, as GitHub would run it. */
function actionScript(): string {
  const lines = readFileSync(join(ROOT, 'action.yml'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === 'run: |');
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && !line.startsWith('        ')) break;
    body.push(line.slice(8));
  }
  return body.join('\n');
}

let hub: RunningEmulator;

/** Runs the step asynchronously: the emulator lives in this process, so a blocking spawn would deadlock. */
async function runAction(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'asff-action-'));
  const output = join(dir, 'output');
  const summary = join(dir, 'summary.md');
  writeFileSync(output, '');
  const script = join(dir, 'step.sh');
  writeFileSync(script, actionScript());
  const child = spawn('bash', [script], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ASFF_STREAM_BIN: `${process.execPath} ${CLI}`,
      AWS_ACCESS_KEY_ID: 'AKIDACTIONTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'us-east-1',
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      ASFF_FORMAT: 'auto',
      ASFF_DEAD_LETTER: join(dir, 'dead.ndjson'),
      ASFF_ENDPOINT_URL: hub.url,
      // endpoint-url is Security Hub's only: the account lookup reaches the emulator through the SDK's setting.
      AWS_ENDPOINT_URL_STS: hub.url,
      ASFF_VERSION: 'latest',
      ASFF_INPUT: '',
      ASFF_COMMAND: '',
      ASFF_SCOPE: '',
      ASFF_REGION: '',
      ASFF_FAIL_ON: '',
      ASFF_ARCHIVE_MISSING: 'false',
      ASFF_REPOSITORY: '/',
      ...inputs,
    },
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.resume();
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  return { status, stdout, outputs: read(output), summary: read(summary) };
}

describe('the GitHub Action step (action.yml), run by bash against the emulator', () => {
  beforeAll(async () => {
    hub = await startEmulator();
  });
  afterAll(async () => hub.stop());

  it('imports a file, sets the outputs and writes the job summary', async () => {
    hub.reset();
    const r = await runAction({
      ASFF_INPUT: join(ROOT, 'fixtures/demo/weekly-scan.nessus'),
      ASFF_SCOPE: 'nessus/weekly',
    });
    expect(r.status).toBe(0);
    expect(r.outputs).toMatch(/^exit-code=0$/m);
    expect(r.outputs).toMatch(/^imported=4$/m);
    expect(r.outputs).toMatch(/^failed=0$/m);
    expect(r.summary).toMatch(/\| imported \| 4 \|/);
    expect(hub.findings()).toHaveLength(4);
  });

  it('imports a scanner command output and fails the step on --fail-on', async () => {
    hub.reset();
    const r = await runAction({
      ASFF_COMMAND: `cat ${join(ROOT, 'fixtures/demo/trivy-image.json')}`,
      ASFF_FAIL_ON: 'HIGH',
    });
    expect(r.status).toBe(1);
    expect(r.outputs).toMatch(/^exit-code=1$/m);
    expect(r.outputs).toMatch(/^imported=6$/m);
    expect(hub.findings()).toHaveLength(6);
  });

  it('keeps a state: the second run sends nothing and sets the unchanged output', async () => {
    hub.reset();
    const inputs = {
      ASFF_INPUT: join(ROOT, 'fixtures/demo/weekly-scan.nessus'),
      ASFF_SCOPE: 'nessus/weekly',
      ASFF_ARCHIVE_MISSING: 'true',
      ASFF_STATE: join(mkdtempSync(join(tmpdir(), 'asff-action-state-')), 'weekly.ndjson'),
    };
    const first = await runAction(inputs);
    expect(first.status).toBe(0);
    expect(first.outputs).toMatch(/^unchanged=0$/m);
    const second = await runAction(inputs);
    expect(second.status).toBe(0);
    expect(second.outputs).toMatch(/^imported=0$/m);
    expect(second.outputs).toMatch(/^unchanged=4$/m);
    expect(second.summary).toMatch(/\| unchanged \| 4 \|/);
  });

  it('defaults the scope to the repository: `trivy fs .` with archive-missing and no scope input', async () => {
    hub.reset();
    const trivyFsDot = join(mkdtempSync(join(tmpdir(), 'asff-action-in-')), 'trivy.json');
    const report = JSON.parse(readFileSync(join(ROOT, 'fixtures/demo/trivy-image.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(trivyFsDot, JSON.stringify({ ...report, ArtifactName: '.', ArtifactType: 'filesystem' }));
    // What GitHub sets, and what the `repository` input's default expands to.
    const github = {
      GITHUB_REPOSITORY: 'acme/payments',
      ASFF_REPOSITORY: 'https://github.com/acme/payments',
      ASFF_ARCHIVE_MISSING: 'true',
    };
    const r = await runAction({ ...github, ASFF_COMMAND: `cat ${trivyFsDot}` });
    expect(r.status).toBe(0);
    expect(r.outputs).toMatch(/^scope=acme\/payments$/m);
    expect(new Set(hub.findings().map((f) => f.ProductFields?.['asff-stream/scope']))).toEqual(
      new Set(['acme/payments']),
    );
    // Another repository's `trivy fs .` gets its own scope and Ids: nothing of acme/payments is touched.
    const other = await runAction({
      ...github,
      GITHUB_REPOSITORY: 'acme/billing',
      ASFF_REPOSITORY: 'https://github.com/acme/billing',
      ASFF_COMMAND: `cat ${trivyFsDot}`,
    });
    expect(other.status).toBe(0);
    expect(other.outputs).toMatch(/^archived=0$/m);
    expect(hub.findings().filter((f) => f.RecordState === 'ARCHIVED')).toEqual([]);
    expect(hub.findings()).toHaveLength(12);
  });

  it('refuses to run without input or command', async () => {
    const r = await runAction({});
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/::error::set either 'input' or 'command'/);
  });
});
