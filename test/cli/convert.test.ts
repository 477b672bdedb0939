import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { corpusFile, HAS_CORPUS } from '../helpers/corpus.js';

const ACCOUNT = ['--account', '123456789012', '--region', 'us-east-1'];
const CUSTOM = ['--adapter', 'fixtures/custom/lines-adapter.mjs'];
const LINES = 'R1|high|a.js\nR2|low|b.js\n';

function ndjson(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('asff-stream convert (spawned binary)', () => {
  it('prints help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: asff-stream <command>/);
    const c = await runCli(['convert', '--help']);
    expect(c.stdout).toMatch(/--fail-on LABEL/);
  });

  it('converts stdin to NDJSON with nothing but findings on stdout', async () => {
    const r = await runCli(['convert', ...ACCOUNT, ...CUSTOM], { stdin: LINES });
    expect(r.code).toBe(0);
    const findings = ndjson(r.stdout);
    expect(findings).toHaveLength(2);
    for (const f of findings) expect(f).toBeValidAsff();
    expect(r.stderr).toMatch(/lines: converted 2 findings \(HIGH 1, LOW 1\), 0 skipped, 0 failed/);
  });

  it('reads gzip input and files, writes --output and --summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asff-cli-'));
    const input = join(dir, 'scan.lines.gz');
    writeFileSync(input, gzipSync(`${LINES}bad\n`));
    const r = await runCli([
      'convert',
      input,
      '-o',
      join(dir, 'out.ndjson'),
      '--summary',
      join(dir, 's.json'),
      ...ACCOUNT,
      ...CUSTOM,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(ndjson(readFileSync(join(dir, 'out.ndjson'), 'utf8'))).toHaveLength(2);
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    expect(summary).toMatchObject({
      adapter: 'lines',
      received: 3,
      emitted: 2,
      skipped: 1,
      complete: true,
      issues: { 'bad-line': 1 },
    });
    expect(summary.scope).toBe('scan.lines');
    expect(r.stderr).toMatch(/warning: bad-line \(line 3: expected RULE\|SEVERITY\|FILE\)/);
  });

  it('exits 1 when --fail-on is met, 0 when not', async () => {
    expect(
      (await runCli(['convert', ...ACCOUNT, ...CUSTOM, '--fail-on', 'high'], { stdin: LINES })).code,
    ).toBe(1);
    expect(
      (await runCli(['convert', ...ACCOUNT, ...CUSTOM, '--fail-on', 'critical'], { stdin: LINES })).code,
    ).toBe(0);
  });

  it('takes account and region from the environment', async () => {
    const r = await runCli(['convert', ...CUSTOM], {
      stdin: LINES,
      env: { AWS_ACCOUNT_ID: '210987654321', AWS_REGION: 'eu-west-1' },
    });
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout)[0]?.ProductArn).toBe(
      'arn:aws:securityhub:eu-west-1:210987654321:product/210987654321/default',
    );
  });

  it.each([
    [['convert', ...CUSTOM, '--region', 'us-east-1'], /no AWS account id: pass --account/],
    [['convert', ...CUSTOM, '--account', '123456789012'], /no AWS Region: pass --region/],
    [['convert', ...ACCOUNT, '--bogus'], /Unknown option '--bogus'/],
    [['convert', ...ACCOUNT, '--fail-on', 'extreme'], /--fail-on "extreme": expected one of/],
    [['convert', ...ACCOUNT, 'missing-file.sarif'], /cannot read missing-file.sarif: no such file/],
    [['convert', ...ACCOUNT, '--format', 'nope'], /unknown format "nope"/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    const r = await runCli(args, { stdin: 'x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('passes --repository to the SARIF adapter for logs without versionControlProvenance', async () => {
    const log = JSON.parse(readFileSync('fixtures/demo/semgrep.sarif', 'utf8'));
    delete log.runs[0].versionControlProvenance;
    const r = await runCli(['convert', ...ACCOUNT, '--repository', 'https://github.com/acme/other'], {
      stdin: JSON.stringify(log),
    });
    expect(r.code).toBe(0);
    const resources = ndjson(r.stdout).map((f) => (f.Resources as { Type: string; Id: string }[])[0]);
    expect(
      resources.every((res) => res?.Type === 'CodeRepository' && res.Id === 'https://github.com/acme/other'),
    ).toBe(true);
  });

  it.skipIf(!HAS_CORPUS)(
    'never writes one Id twice (darkreporter__nessus.csv: 26 non-adjacent repeats)',
    async () => {
      const r = await runCli(['convert', ...ACCOUNT, corpusFile('csv', 'darkreporter__nessus.csv')]);
      expect(r.code, r.stderr).toBe(0);
      const ids = ndjson(r.stdout).map((f) => f.Id);
      expect(ids).toHaveLength(697);
      expect(new Set(ids).size).toBe(ids.length);
      expect(r.stderr).toMatch(/csv: converted 697 findings .*, 26 skipped, 0 failed/);
    },
  );

  it('refuses input no adapter claims, naming the formats tried', async () => {
    const r = await runCli(['convert', ...ACCOUNT], { stdin: '{"hello": "world"}' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no adapter recognises this input \(JSON\); tried sarif, trivy, nessus, csv/);
  });

  it('refuses a ZIP file by its magic bytes', async () => {
    const r = await runCli(['convert', ...ACCOUNT], {
      stdin: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ZIP archive/);
  });
  it('refuses a --product-arn of another Region before reading the input, naming the fix', async () => {
    const wrong = 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default';
    const r = await runCli(['convert', ...ACCOUNT, ...CUSTOM, '--product-arn', wrong], { stdin: LINES });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /--product-arn is for Region eu-west-1, but the findings are imported into us-east-1/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const right = 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default';
    const ok = await runCli(['convert', ...ACCOUNT, ...CUSTOM, '--product-arn', right], { stdin: LINES });
    expect(ok.code).toBe(0);
    expect(ndjson(ok.stdout).map((f) => f.ProductArn)).toEqual([right, right]);
  });
});
