import { readFileSync } from 'node:fs';
import {
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SOURCE_TOOL_PRODUCT_FIELD } from '../../src/asff/source-tool.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { convert } from '../../src/pipeline.js';
import { createGetFindingsLimiter } from '../../src/sink/get-findings.js';
import { scopeFilters } from '../../src/sink/history.js';
import { importWithLifecycle, type LifecycleReport } from '../../src/sink/lifecycle.js';
import { type RequestLimiter, unlimited } from '../../src/sink/limiter.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

let hub: RunningEmulator;
let client: SecurityHubClient;
let fastGet: RequestLimiter;

beforeAll(async () => {
  fastGet = await createGetFindingsLimiter({ rate: 1000, burst: 1000 });
  hub = await startEmulator({ throttling: false });
  client = new SecurityHubClient({
    endpoint: hub.url,
    region: REGION,
    credentials: { accessKeyId: 'AKIDSOURCETOOL', secretAccessKey: 'fake-secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await hub.stop();
  await fastGet.stop();
});
beforeEach(() => hub.reset());

let clock = Date.parse('2026-03-01T10:00:00.000Z');

/** One CI run of `input` with `--archive-missing` and the given scope, through the real pipeline and SDK. */
async function run(input: string | Buffer, scope?: string): Promise<LifecycleReport> {
  clock += 3_600_000;
  const at = new Date(clock);
  const conversion = convert(input, {
    accountId: ACCOUNT,
    region: REGION,
    now: () => at,
    repository: { name: 'acme/payments-api', source: 'GITHUB_REPOSITORY' },
    ...(scope !== undefined ? { scope } : {}),
  });
  return importWithLifecycle(conversion, {
    accountId: ACCOUNT,
    region: REGION,
    client,
    limiter: unlimited(),
    getFindingsLimiter: fastGet,
    archiveMissing: true,
    clock: () => at,
    ...(scope !== undefined ? { scope } : {}),
  });
}

/** Stored findings by source tool: RecordState and workflow status of each. */
function stored(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of hub.findings()) {
    const tool = f.ProductFields?.[SOURCE_TOOL_PRODUCT_FIELD] ?? '(none)';
    const list = out[tool] ?? [];
    list.push(`${f.RecordState}/${f.Workflow?.Status ?? '-'}`);
    out[tool] = list;
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

describe('archiving is keyed by product + scope + source tool', () => {
  it('a Trivy run and a SARIF run that share --scope never archive each other, and keep the workflow', async () => {
    const trivy = await run('fixtures/trivy/v2-image.json', 'payments-api');
    expect(trivy.imported).toBe(4);
    // One of the image's vulnerabilities is fixed: the scanner says so, and it is sent ARCHIVED.
    const trivyStates = ['ACTIVE/NEW', 'ACTIVE/NEW', 'ACTIVE/NEW', 'ARCHIVED/NEW'];
    expect(stored()).toEqual({ trivy: trivyStates });
    const sarif = await run('fixtures/sarif/cwe.sarif', 'payments-api');
    expect(sarif.imported).toBe(2);
    expect(sarif.archive).toMatchObject({
      sourceTool: 'sarif/KICS',
      candidates: 0,
      archived: 0,
      blocked: [],
    });
    expect(stored()).toEqual({ trivy: trivyStates, 'sarif/KICS': ['ACTIVE/NEW', 'ACTIVE/NEW'] });

    // An analyst takes one Trivy finding in hand; the next Trivy and SARIF runs leave it as it is.
    const one = hub
      .findings()
      .find((f) => f.ProductFields?.[SOURCE_TOOL_PRODUCT_FIELD] === 'trivy' && f.RecordState === 'ACTIVE')!;
    await client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [{ Id: one.Id!, ProductArn: one.ProductArn! }],
        Workflow: { Status: 'NOTIFIED' },
      }),
    );
    expect((await run('fixtures/trivy/v2-image.json', 'payments-api')).archive?.candidates).toBe(0);
    expect((await run('fixtures/sarif/cwe.sarif', 'payments-api')).archive?.candidates).toBe(0);
    expect(stored()).toEqual({
      trivy: ['ACTIVE/NEW', 'ACTIVE/NEW', 'ACTIVE/NOTIFIED', 'ARCHIVED/NEW'],
      'sarif/KICS': ['ACTIVE/NEW', 'ACTIVE/NEW'],
    });
  });

  it('filters GetFindings on the source tool (the emulator ANDs map filters of two keys)', async () => {
    await run('fixtures/trivy/v2-image.json', 'payments-api');
    await run('fixtures/sarif/cwe.sarif', 'payments-api');
    const page = await client.send(
      new GetFindingsCommand({
        Filters: {
          ProductFields: [
            { Key: 'asff-stream/scope', Value: 'payments-api', Comparison: 'EQUALS' },
            { Key: SOURCE_TOOL_PRODUCT_FIELD, Value: 'trivy', Comparison: 'EQUALS' },
          ],
        },
      }),
    );
    expect(page.Findings).toHaveLength(4);
    expect(
      scopeFilters({ productArn: 'arn:p', scope: 'payments-api', sourceTool: 'trivy' }).ProductFields,
    ).toEqual([
      { Key: 'asff-stream/scope', Value: 'payments-api', Comparison: 'EQUALS' },
      { Key: SOURCE_TOOL_PRODUCT_FIELD, Value: 'trivy', Comparison: 'EQUALS' },
    ]);
  });

  it('a multi-run SARIF log archives each tool in its own key; a run without results archives its tool', async () => {
    const log = JSON.parse(readFileSync('fixtures/sarif/multi-run.sarif', 'utf8')) as {
      runs: { results: unknown[] }[];
    };
    const first = await run(Buffer.from(JSON.stringify(log)));
    expect(first.failed).toBe(0);
    const before = stored();
    expect(Object.keys(before).sort()).toEqual(['sarif/eslint', 'sarif/semgrep']);

    // Semgrep now reports nothing: its findings are archived, eslint's are not.
    const clean = { ...log, runs: [log.runs[0], { ...log.runs[1], results: [] }] };
    const second = await run(Buffer.from(JSON.stringify(clean)));
    expect(second.archived).toBe(before['sarif/semgrep']!.length);
    const after = stored();
    expect(after['sarif/eslint']).toEqual(before['sarif/eslint']);
    expect(after['sarif/semgrep']!.every((s) => s.startsWith('ARCHIVED'))).toBe(true);
  });
});
