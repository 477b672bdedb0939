import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The examples import 'asff-stream' by its own name: Node resolves it to this package's build (dist/).
// @ts-expect-error -- plain ESM example without type declarations
import npmAuditModule from '../examples/npm-audit/adapter.mjs';
// @ts-expect-error -- plain ESM example without type declarations
import trivyCsvModule from '../examples/trivy-csv/adapter.mjs';
// @ts-expect-error -- plain ESM example without type declarations
import zapModule from '../examples/zap/adapter.mjs';
import type { Adapter } from '../src/adapter.js';
import { testAdapter } from '../src/testing/index.js';
import { runCli } from './helpers/cli.js';

const npmAudit = npmAuditModule as Adapter;
const zap = zapModule as Adapter;
const trivyCsv = trivyCsvModule as Adapter;
const dir = (name: string) => new URL(`../examples/${name}/fixtures/`, import.meta.url).pathname;

testAdapter(npmAudit, { fixtures: dir('npm-audit'), invalid: dir('npm-audit') });
// report.xml plants a reset token in a URL and in ZAP's evidence (alert 10024).
testAdapter(zap, { fixtures: dir('zap'), invalid: dir('zap'), secrets: ['hunter2-reset-7f3a'] });
testAdapter(trivyCsv, { fixtures: dir('trivy-csv'), invalid: dir('trivy-csv') });

/** `asff-stream convert` of one fixture of an example, with that example as `--adapter` (and any other flags). */
const convertExample = (example: string, fixture: string, ...flags: string[]) =>
  runCli([
    'convert',
    `${dir(example)}${fixture}`,
    '--adapter',
    `examples/${example}/adapter.mjs`,
    ...flags,
    '--account',
    '123456789012',
    '--region',
    'eu-west-1',
  ]);

describe('the example adapters through the CLI (--adapter)', () => {
  const summaryFile = join(mkdtempSync(join(tmpdir(), 'asff-examples-')), 'summary.json');

  it('npm audit: one finding per package and advisory; an entry vulnerable only through a dependency is skipped with a reason', async () => {
    const result = await convertExample('npm-audit', 'audit.json', '--summary', summaryFile);
    expect(result.code).toBe(0);
    const findings = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { Title: string; Severity: { Label: string } });
    expect(findings.map((f) => [f.Title, f.Severity.Label])).toEqual([
      ['Command Injection in lodash (lodash <4.17.21)', 'HIGH'],
      ['Regular Expression Denial of Service (ReDoS) in lodash (lodash <4.17.21)', 'MEDIUM'],
      ['Prototype Pollution in minimist (minimist <0.2.4)', 'CRITICAL'],
    ]);
    expect(JSON.parse(readFileSync(summaryFile, 'utf8'))).toMatchObject({
      received: 4,
      emitted: 3,
      skipped: 1,
      issues: { 'via-dependency-only': 1 },
    });
  });

  it('ZAP: one finding per alert and URL, detected from the content', async () => {
    const result = await convertExample('zap', 'report.xml');
    expect(result.code).toBe(0);
    const titles = result.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { Title: string }).Title);
    expect(titles).toEqual([
      'Content Security Policy (CSP) Header Not Set: GET https://shop.example.com/',
      'Content Security Policy (CSP) Header Not Set: GET https://shop.example.com/cart',
      'Cross Site Scripting (Reflected): GET https://shop.example.com/search?q=%3Cscript%3E (parameter q)',
      'X-Content-Type-Options Header Missing: GET https://shop.example.com/app.js (parameter x-content-type-options)',
      // The reset token in the URL is ZAP's finding: it stays in ZAP's report, not in the title or resource.
      'Information Disclosure - Sensitive Information in URL: GET https://shop.example.com/reset?user=…&token=… (parameter token)',
    ]);
  });

  it("Trivy's CSV template: one finding per package and check, detected from the content, Go-quoted text read back", async () => {
    const result = await convertExample('trivy-csv', 'report.csv');
    expect(result.code).toBe(0);
    const findings = result.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { Title: string; Description: string; ProductFields: Record<string, string> },
      );
    expect(findings.map((f) => f.Title)).toEqual([
      'CVE-2024-2961 in libc6@2.36-9+deb12u4',
      'CVE-2023-50495 in libtinfo6@6.4-4',
      'CVE-2021-23337 in lodash@4.17.20',
      "DS002: Image user should not be 'root' (Dockerfile)",
    ]);
    expect(findings[2]?.Description).toBe(
      'nodejs-lodash: command injection via "template". Lodash versions prior to 4.17.21 are vulnerable to Command ' +
        'Injection via the template function.\nSee the upstream advisory.',
    );
    expect(findings.every((f) => f.ProductFields['asff-stream/adapter'] === 'trivy-csv')).toBe(true);
  });

  it("Trivy's CSV template: a cut-off report is refused with exit 2 and the line of its last row", async () => {
    const result = await convertExample('trivy-csv', 'invalid-truncated.csv');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(
      /^asff-stream: error: trivy-csv: the input ends inside a quoted cell.*line 3/,
    );
  });

  it('ZAP: its declared option is a CLI flag, listed by --help and passed to the adapter', async () => {
    const help = await runCli(['convert', '--help', '--adapter', 'examples/zap/adapter.mjs']);
    expect(help.stdout).toMatch(/--zap-min-confidence N +zap: skip alerts below this ZAP confidence/);
    const result = await convertExample('zap', 'report.xml', '--zap-min-confidence', '3');
    expect(result.code).toBe(0);
    // Only the CSP alert has confidence 3; the two others are skipped with their reason.
    expect(result.stdout.trim().split('\n')).toHaveLength(2);
    expect(result.stderr).toMatch(/below-min-confidence/);
    const bad = await runCli([
      'convert',
      '--adapter',
      'examples/zap/adapter.mjs',
      '--zap-min-confidence',
      'high',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--zap-min-confidence "high": expected a number/);
  });

  it('ZAP: a report declaring entities is refused with exit 2 and one line', async () => {
    const result = await convertExample('zap', 'invalid-entities.xml');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(
      /^asff-stream: error: zap: the DOCTYPE declares entities.*\(line 2:\d+\)$/,
    );
  });
});
