import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';

// `import` takes ASFF as input: what `convert` writes (NDJSON), a JSON array, the {"Findings":[…]} envelope,
// and the dead-letter file itself, detected by content; a replay goes through the same paced, retried sink.

const NESSUS = 'fixtures/demo/weekly-scan.nessus';
const CREDS = { AWS_ACCESS_KEY_ID: 'AKIDASFFINPUT', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };
const ACCOUNT = ['--account', '123456789012'];
let hub: RunningEmulator;
let dir: string;
let ndjson: string;

const lastJson = (stdout: string) =>
  JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;

async function importFile(file: string, ...flags: string[]) {
  const r = await runCli(['import', file, '--endpoint-url', hub.url, ...ACCOUNT, ...flags], { env: CREDS });
  return { ...r, report: r.stdout.trim() === '' ? undefined : lastJson(r.stdout) };
}

describe('import of ASFF input (spawned binary, emulator)', () => {
  beforeAll(async () => {
    hub = await startEmulator({ throttling: false });
    dir = mkdtempSync(join(tmpdir(), 'asff-input-'));
    const converted = await runCli(['convert', NESSUS, ...ACCOUNT, '--region', 'us-east-1']);
    expect(converted.code).toBe(0);
    ndjson = converted.stdout;
    writeFileSync(join(dir, 'findings.ndjson'), ndjson);
    const list = ndjson
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    writeFileSync(join(dir, 'findings.json'), JSON.stringify(list, null, 2));
    writeFileSync(join(dir, 'envelope.json'), JSON.stringify({ Findings: list }));
  });
  afterAll(async () => hub.stop());
  beforeEach(() => {
    hub.reset();
    hub.setFaults({});
  });

  for (const name of ['findings.ndjson', 'findings.json', 'envelope.json']) {
    it(`${name}: detected as ASFF and imported as it is`, async () => {
      const r = await importFile(join(dir, name));
      expect(r.code).toBe(0);
      expect(r.report).toMatchObject({
        received: 4,
        imported: 4,
        failed: 0,
        input: { adapter: 'asff', complete: true },
      });
      const sent = ndjson
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { Id: string }).Id);
      expect(
        hub
          .findings()
          .map((f) => f.Id)
          .sort(),
      ).toEqual(sent.sort());
    });
  }

  it('replays a dead letter: the findings refused the first time are imported, nothing else', async () => {
    const deadLetter = join(dir, 'failed.ndjson');
    // Two of four findings refused for good on the first run.
    const ids = ndjson
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { Id: string }).Id);
    hub.setFaults({ findingFailureRate: 1, findingFailureCodes: ['InvalidInput'] });
    const first = await importFile(NESSUS, '--dead-letter', deadLetter);
    expect(first.code).toBe(3);
    expect(first.report).toMatchObject({ received: 4, imported: 0, failed: 4 });
    const lines = readFileSync(deadLetter, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    writeFileSync(deadLetter, `${lines.slice(0, 2).join('\n')}\n`);

    hub.setFaults({});
    const replay = await importFile(deadLetter, '--dead-letter', join(dir, 'failed-again.ndjson'));
    expect(replay.code).toBe(0);
    expect(replay.report).toMatchObject({ received: 2, imported: 2, failed: 0, input: { adapter: 'asff' } });
    expect(
      hub
        .findings()
        .map((f) => f.Id)
        .sort(),
    ).toEqual(ids.slice(0, 2).sort());
    expect(readFileSync(join(dir, 'failed-again.ndjson'), 'utf8')).toBe('');
  });

  it('a finding Security Hub would refuse is dead-lettered with the reason; the rest is imported (exit 3)', async () => {
    const lines = ndjson.trim().split('\n');
    const broken = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    broken.Title = 'x'.repeat(300);
    const noId = JSON.parse(lines[1] ?? '{}') as Record<string, unknown>;
    delete noId.Id;
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, `${[JSON.stringify(broken), JSON.stringify(noId), ...lines.slice(2)].join('\n')}\n`);
    const deadLetter = join(dir, 'mixed-dead.ndjson');
    const r = await importFile(file, '--dead-letter', deadLetter);
    expect(r.code).toBe(3);
    expect(r.report).toMatchObject({ received: 4, imported: 2, failed: 2 });
    const codes = readFileSync(deadLetter, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { errorCode: string }).errorCode)
      .sort();
    expect(codes).toEqual(['InvalidInput', 'invalid-finding']);
  });

  it('a line that is not JSON stops the run with exit 2 and its line, after importing what came before', async () => {
    const lines = ndjson.trim().split('\n');
    const file = join(dir, 'cut.ndjson');
    writeFileSync(file, `${lines[0]}\n${lines[1]}\n{"SchemaVersion": "2018-10-08", "Id": \n`);
    const r = await importFile(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.report).toMatchObject({ received: 2, imported: 2, input: { adapter: 'asff', complete: false } });
  });

  it('--archive-missing archives nothing after ASFF input: a replay is not the full report', async () => {
    const first = await importFile(NESSUS);
    expect(first.code).toBe(0);
    const lines = ndjson.trim().split('\n');
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, `${lines[0]}\n`);
    const r = await importFile(file, '--archive-missing');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nothing archived.*not a scanner's full report/);
    expect(hub.findings().filter((f) => f.RecordState === 'ARCHIVED')).toHaveLength(0);
  });
});
