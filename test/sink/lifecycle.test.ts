import { readFileSync } from 'node:fs';
import {
  type AwsSecurityFinding,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_PRODUCT_FIELD } from '../../src/asff/build.js';
import { SOURCE_TOOL_PRODUCT_FIELD } from '../../src/asff/source-tool.js';
import { validateAsff } from '../../src/asff/validate.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { importExitCode } from '../../src/commands/import-exit.js';
import {
  type EmulatorOptions,
  type FindingValidator,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { isConverterError } from '../../src/errors.js';
import { type ConvertOptions, convert } from '../../src/pipeline.js';
import { createGetFindingsLimiter } from '../../src/sink/get-findings.js';
import { scopeFilters } from '../../src/sink/history.js';
import {
  importWithLifecycle,
  type LifecycleOptions,
  type LifecycleReport,
  reconcileSummary,
} from '../../src/sink/lifecycle.js';
import { type RequestLimiter, unlimited } from '../../src/sink/limiter.js';
import { keys, scanAdapter, scanInput } from '../helpers/scan-adapter.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-02T10:00:00.000Z';
const T3 = '2026-03-03T10:00:00.000Z';

let hub: RunningEmulator;
let client: SecurityHubClient;
/** GetFindings pacing is not the point of most tests here: a fast limiter, shared by all runs. */
let fastGet: RequestLimiter;

beforeAll(async () => {
  fastGet = await createGetFindingsLimiter({ rate: 1000, burst: 1000 });
});
afterAll(async () => {
  await fastGet.stop();
});

/**
 * The emulator's validator, strict: unlike the default it also refuses the reserved `aws/…` ProductFields
 * keys, so archived findings prove they were cleaned. A finding titled "Finding BAD" is refused too.
 */
const strictValidate: FindingValidator = (finding) => {
  const f = finding as AwsSecurityFinding;
  return [
    ...validateAsff(finding),
    ...Object.keys(f.ProductFields ?? {})
      .filter((key) => key.startsWith('aws/'))
      .map((key) => ({ path: `ProductFields.${key}`, rule: 'reserved-key', message: 'aws/ is reserved' })),
    ...(f.Title === 'Finding BAD' ? [{ path: 'Title', rule: 'test', message: 'refused by the test' }] : []),
  ];
};

/** Each describe block gets its own emulator (and a real SDK client pointed at it). */
function useEmulator(options: EmulatorOptions = {}): void {
  beforeAll(async () => {
    hub = await startEmulator({ throttling: false, validate: strictValidate, ...options });
    client = new SecurityHubClient({
      endpoint: hub.url,
      region: REGION,
      credentials: { accessKeyId: 'AKIDLIFECYCLETEST', secretAccessKey: 'fake-secret' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await hub.stop();
  });
  beforeEach(() => hub.reset());
}

interface RunOptions extends Partial<LifecycleOptions> {
  /** A real scanner file or bytes instead of the scan adapter's findings. */
  input?: string | Buffer;
  name?: string;
  at?: string;
  truncated?: boolean;
  convert?: Partial<ConvertOptions>;
}

interface RunResult {
  report: LifecycleReport | undefined;
  error?: unknown;
  exitCode: number;
}

/** One CI run: convert a scan with the real pipeline and import it with the real SDK client. */
async function run(findingKeys: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const { name = 'app', at = T1, truncated, input, convert: convertOptions, ...lifecycle } = options;
  const source = input ?? scanInput(name, findingKeys, { truncated: truncated === true });
  const conversion = convert(source, {
    accountId: ACCOUNT,
    region: REGION,
    ...(input === undefined ? { adapters: [scanAdapter], format: 'scan' } : {}),
    now: () => new Date(at),
    ...(lifecycle.scope !== undefined ? { scope: lifecycle.scope } : {}),
    ...convertOptions,
  });
  try {
    const report = await importWithLifecycle(conversion, {
      accountId: ACCOUNT,
      region: REGION,
      client,
      limiter: unlimited(),
      getFindingsLimiter: fastGet,
      archiveMissing: true,
      clock: () => new Date(at),
      retryBaseMs: 1,
      retryCapMs: 5,
      ...lifecycle,
    });
    return { report, exitCode: importExitCode(report) };
  } catch (error) {
    // The report of a failed run is on the error, a lifecycle report also when the run failed in its import.
    const report = (error as { report?: LifecycleReport }).report;
    if (report !== undefined) expect(report).toHaveProperty('archived');
    return { report, error, exitCode: importExitCode(report, error) };
  }
}

/** The stored findings by key (`Finding A` → A), for one scope. */
function stored(scope = 'app'): Map<string, AwsSecurityFinding> {
  const byKey = new Map<string, AwsSecurityFinding>();
  for (const finding of hub.findings()) {
    if (finding.ProductFields?.[SCOPE_PRODUCT_FIELD] !== scope) continue;
    byKey.set((finding.Title ?? '').replace(/^Finding /, ''), finding);
  }
  return byKey;
}

function states(scope = 'app'): Record<string, string | undefined> {
  return Object.fromEntries([...stored(scope)].map(([key, f]) => [key, f.RecordState]));
}

describe('archive missing: run 1 reports A,B,C; run 2 reports A,C', () => {
  useEmulator();

  it('archives B and keeps CreatedAt/FirstObservedAt of A and C while UpdatedAt/LastObservedAt move on', async () => {
    const first = await run(['A', 'B', 'C'], { at: T1 });
    expect(first.report).toMatchObject({ imported: 3, failed: 0, archived: 0 });
    expect(first.report?.archive).toMatchObject({ scope: 'app', blocked: [], candidates: 0 });

    const second = await run(['A', 'C'], { at: T2 });
    expect(second.exitCode).toBe(EXIT.OK);
    expect(second.report).toMatchObject({ imported: 2, failed: 0, archived: 1 });
    expect(second.report?.archive).toMatchObject({
      scope: 'app',
      productArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
      candidates: 1,
      archived: 1,
      failed: 0,
      blocked: [],
    });
    expect(second.report?.history).toMatchObject({ known: 3, preserved: 2, reactivated: 0 });
    expect(reconcileSummary(second.report!.archive!)).toBe(
      'archive-missing: scope "app" (scan): archived 1 finding(s) no longer reported',
    );

    const after = stored();
    expect(states()).toEqual({ A: 'ACTIVE', B: 'ARCHIVED', C: 'ACTIVE' });
    for (const key of ['A', 'C']) {
      expect(after.get(key)).toMatchObject({
        CreatedAt: T1,
        FirstObservedAt: T1,
        UpdatedAt: T2,
        LastObservedAt: T2,
      });
    }
    // B: archived with a fresh UpdatedAt, everything else as stored.
    expect(after.get('B')).toMatchObject({ CreatedAt: T1, UpdatedAt: T2, LastObservedAt: T1 });
    expect(hub.stats().ignoredStale).toBe(0);
  });

  it('re-activates a finding that comes back, with its original CreatedAt', async () => {
    await run(['A', 'B'], { at: T1 });
    await run(['A'], { at: T2 });
    expect(states()).toEqual({ A: 'ACTIVE', B: 'ARCHIVED' });

    const third = await run(['A', 'B'], { at: T3 });
    expect(third.report).toMatchObject({ archived: 0 });
    expect(third.report?.history).toMatchObject({ known: 2, preserved: 2, reactivated: 1 });
    expect(states()).toEqual({ A: 'ACTIVE', B: 'ACTIVE' });
    expect(stored().get('B')).toMatchObject({ CreatedAt: T1, UpdatedAt: T3, RecordState: 'ACTIVE' });
  });

  it('sends RecordState ACTIVE on every normal import, so even a plain import re-activates', async () => {
    await run(['A'], { at: T1 });
    await run([], { at: T2, scope: 'app' });
    expect(states()).toEqual({ A: 'ARCHIVED' });
    await run(['A'], { at: T3, archiveMissing: false, preserveHistory: false });
    expect(states()).toEqual({ A: 'ACTIVE' });
  });

  it('moves UpdatedAt 1 ms past the stored one when a re-import runs in the same millisecond', async () => {
    await run(['A', 'B'], { at: T1 });
    const again = await run(['A', 'B'], { at: T1 });
    expect(again.report?.history).toMatchObject({ preserved: 2, bumped: 2 });
    expect(hub.stats()).toMatchObject({ updated: 2, ignoredStale: 0 });
    expect(stored().get('A')).toMatchObject({ CreatedAt: T1, UpdatedAt: '2026-03-01T10:00:00.001Z' });
  });

  it('without history, the same-millisecond re-import is silently ignored by Security Hub (why history bumps)', async () => {
    const plain = { archiveMissing: false, preserveHistory: false } as const;
    await run(['A'], { at: T1, ...plain });
    await run(['A'], { at: T1, ...plain });
    expect(hub.stats()).toMatchObject({ updated: 0, ignoredStale: 1 });
  });
});

describe('archive missing: never after a run that went wrong', () => {
  useEmulator();

  it('archives nothing after truncated input and exits non-zero', async () => {
    await run(['A', 'B', 'C'], { at: T1 });
    const broken = await run(['A'], { at: T2, truncated: true });
    expect(isConverterError(broken.error) && broken.error.code).toBe('E_TRUNCATED');
    expect(broken.exitCode).toBe(EXIT.INPUT);
    expect(broken.report).toMatchObject({ imported: 1, archived: 0 });
    expect(broken.report?.archive).toBeUndefined();
    expect(states()).toEqual({ A: 'ACTIVE', B: 'ACTIVE', C: 'ACTIVE' });
    expect(stored().get('A')).toMatchObject({ CreatedAt: T1, UpdatedAt: T2 });
  });

  it('archives nothing when a finding failed to import', async () => {
    await run(['A', 'B', 'C'], { at: T1 });
    const failing = await run(['A', 'BAD'], { at: T2 });
    expect(failing.exitCode).toBe(EXIT.PARTIAL);
    expect(failing.report).toMatchObject({ imported: 1, failed: 1, archived: 0 });
    expect(failing.report?.archive?.blocked.map((b) => b.code)).toEqual(['import-failed']);
    expect(states()).toEqual({ A: 'ACTIVE', B: 'ACTIVE', C: 'ACTIVE' });
  });

  it('archives nothing when a finding could not be imported after its retries', async () => {
    await run(['A', 'B'], { at: T1 });
    hub.setFaults({ findingFailureRate: 1 });
    const failing = await run(['A'], { at: T2, maxRetries: 1 });
    hub.setFaults({});
    expect(failing.report).toMatchObject({ failed: 1, archived: 0 });
    expect(failing.report?.archive?.blocked.map((b) => b.code)).toEqual(['import-failed']);
  });

  it('archives nothing when a record was skipped as unreadable', async () => {
    await run(['A', 'B'], { at: T1 });
    const skipped = await run(['A', '!'], { at: T2 });
    expect(skipped.report?.archive?.blocked.map((b) => b.code)).toEqual(['records-skipped']);
    expect(reconcileSummary(skipped.report!.archive!)).toMatch(
      /^archive-missing: nothing archived in scope "app" \(scan\): 1 record\(s\) were skipped as unreadable/,
    );
    expect(states()).toEqual({ A: 'ACTIVE', B: 'ACTIVE' });
  });

  it('archives nothing after an abort', async () => {
    await run(['A', 'B'], { at: T1 });
    const controller = new AbortController();
    controller.abort();
    const aborted = await run(['A'], { at: T2, signal: controller.signal });
    expect(aborted.exitCode).toBe(EXIT.INTERRUPTED);
    expect(aborted.report?.archived).toBe(0);
    expect(aborted.report?.archive?.blocked.map((b) => b.code)).toContain('aborted');
    expect(states()).toEqual({ A: 'ACTIVE', B: 'ACTIVE' });
  });

  it('treats --min-severity as a deliberate filter: findings below it are archived', async () => {
    await run(['A', 'low-1'], { at: T1 });
    const filtered = await run(['A', 'low-1'], { at: T2, convert: { minSeverity: 'HIGH' } });
    expect(filtered.report).toMatchObject({ imported: 1, archived: 1 });
    expect(states()).toEqual({ A: 'ACTIVE', 'low-1': 'ARCHIVED' });
  });

  it('archives nothing for a run without findings whose scope was not given', async () => {
    await run(['A'], { at: T1 });
    const empty = await run([], { at: T2 });
    expect(empty.report?.archive?.blocked.map((b) => b.code)).toEqual(['scope-unknown']);
    expect(states()).toEqual({ A: 'ACTIVE' });
  });

  it('reads nothing and archives nothing for findings without a scope field and no --scope', async () => {
    await run(['A'], { at: T1 });
    const from = hub.requests().length;
    const plain = [0, 1].map((i) => ({
      SchemaVersion: '2018-10-08',
      Id: `plain-${i}`,
      ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
      GeneratorId: 'plain',
      AwsAccountId: ACCOUNT,
      CreatedAt: T2,
      UpdatedAt: T2,
      Title: `plain ${i}`,
      Description: 'no scope field',
      Severity: { Label: 'LOW' as const },
      Types: ['Software and Configuration Checks'],
      Resources: [{ Type: 'Other', Id: 'r' }],
    }));
    const report = await importWithLifecycle(plain, {
      accountId: ACCOUNT,
      region: REGION,
      client,
      limiter: unlimited(),
      getFindingsLimiter: fastGet,
      archiveMissing: true,
      inputComplete: true,
    });
    expect(report).toMatchObject({ imported: 2, archived: 0 });
    expect(report.archive?.blocked.map((b) => b.code)).toEqual(['scope-unknown']);
    expect(
      hub
        .requests()
        .slice(from)
        .filter((r) => r.operation === 'GetFindings'),
    ).toEqual([]);
    expect(states()).toEqual({ A: 'ACTIVE' });
  });

  it('archives everything of the scope for a clean scan with an explicit scope', async () => {
    await run(['A', 'B'], { at: T1, scope: 'app' });
    const clean = await run([], { at: T2, scope: 'app' });
    expect(clean.report).toMatchObject({ received: 0, archived: 2 });
    expect(states()).toEqual({ A: 'ARCHIVED', B: 'ARCHIVED' });
  });
});

describe('archive missing: other scopes are never touched', () => {
  useEmulator();

  it('leaves a second scope alone', async () => {
    await run(['A', 'B', 'C'], { name: 'app', at: T1 });
    await run(['A', 'B'], { name: 'other', at: T1 });
    const before = stored('other');

    const second = await run(['A'], { name: 'app', at: T2 });
    expect(second.report).toMatchObject({ archived: 2 });
    expect(states('app')).toEqual({ A: 'ACTIVE', B: 'ARCHIVED', C: 'ARCHIVED' });
    expect(stored('other')).toEqual(before);
    expect(states('other')).toEqual({ A: 'ACTIVE', B: 'ACTIVE' });
  });
});

describe('archive missing: other products are never touched', () => {
  const partner = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/acme/scanner`;
  useEmulator({ throttling: false, enabledProductArns: [partner] });

  it('leaves findings of the same scope under another product alone', async () => {
    const asPartner = { productArn: partner, convert: { productArn: partner } };
    await run(['A', 'B'], { at: T1, ...asPartner });
    await run(['A', 'B'], { at: T1 });

    const second = await run(['A'], { at: T2, ...asPartner });
    expect(second.report?.archive).toMatchObject({ productArn: partner, archived: 1 });
    const byProduct = hub.findings().map((f) => [f.ProductArn === partner, f.Title, f.RecordState]);
    expect(byProduct).toHaveLength(4);
    expect(byProduct).toEqual(
      expect.arrayContaining([
        [true, 'Finding A', 'ACTIVE'],
        [true, 'Finding B', 'ARCHIVED'],
        [false, 'Finding A', 'ACTIVE'],
        [false, 'Finding B', 'ACTIVE'],
      ]),
    );
  });
});

describe('archive missing: customer changes', () => {
  useEmulator();

  it('re-imports a finding a customer updated (Workflow, Note, Severity) and keeps their changes', async () => {
    await run(['A', 'B'], { at: T1 });
    const b = stored().get('B')!;
    await client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [{ Id: b.Id, ProductArn: b.ProductArn }],
        Workflow: { Status: 'NOTIFIED' },
        Note: { Text: 'looking at it', UpdatedBy: 'alice' },
        Severity: { Label: 'LOW' },
        UserDefinedFields: { ticket: 'SEC-1' },
      }),
    );
    const second = await run(['A'], { at: T2 });
    expect(second.report?.archive).toMatchObject({ archived: 1, failed: 0 });
    expect(stored().get('B')).toMatchObject({
      RecordState: 'ARCHIVED',
      Workflow: { Status: 'NOTIFIED' },
      Note: { Text: 'looking at it', UpdatedBy: 'alice' },
      UserDefinedFields: { ticket: 'SEC-1' },
      Severity: { Label: 'LOW' },
      FindingProviderFields: { Severity: { Label: 'HIGH' } },
    });
  });
});

describe('archive missing at scale: more than 100 findings, real pacing', () => {
  // The emulator enforces the real quotas (GetFindings 3/s burst 6, BatchImportFindings 10/s burst 30),
  // and the runs use the real default limiters.
  useEmulator();
  const paced = async (findingKeys: readonly string[], at: string) => {
    const getFindingsLimiter = await createGetFindingsLimiter();
    try {
      return await run(findingKeys, { at, limiter: undefined, getFindingsLimiter, retryBaseMs: 200 });
    } finally {
      await getFindingsLimiter.stop();
    }
  };

  it('pages the fetch and batches the archive import (250 stored, 10 still reported → 240 archived)', async () => {
    const all = keys(250);
    await paced(all, T1);
    const from = hub.requests().length;
    const second = await paced(all.slice(0, 10), T2);
    expect(second.report).toMatchObject({ imported: 10, archived: 240 });
    expect(second.report?.archive).toMatchObject({ strategy: 'page', candidates: 240, failed: 0 });
    const log = hub.requests().slice(from);
    const gets = log.filter((r) => r.operation === 'GetFindings');
    const imports = log.filter((r) => r.operation === 'BatchImportFindings');
    // History fetch: 3 pages (100, 100, 50); archive read-back of the ACTIVE findings: 3 pages again.
    expect(gets.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(second.report?.history?.fetch.requests).toBe(3);
    expect(second.report?.archive?.fetch.requests).toBe(3);
    expect(imports.map((r) => r.findingCount)).toEqual([10, 100, 100, 40]);
    expect(hub.stats().throttled).toBe(0);
    const counts = { ACTIVE: 0, ARCHIVED: 0 };
    for (const state of Object.values(states())) counts[state as keyof typeof counts] += 1;
    expect(counts).toEqual({ ACTIVE: 10, ARCHIVED: 240 });
  });

  it('reads a few candidates back by Id (20 per request) instead of paging the whole scope', async () => {
    const all = keys(250);
    await paced(all, T1);
    const from = hub.requests().length;
    const second = await paced(all.slice(0, 245), T2);
    expect(second.report?.archive).toMatchObject({ strategy: 'by-id', candidates: 5, archived: 5 });
    const gets = hub
      .requests()
      .slice(from)
      .filter((r) => r.operation === 'GetFindings');
    // 3 pages of history, then one request for the 5 candidates by Id.
    expect(gets).toHaveLength(4);
    expect(second.report?.archive?.fetch.requests).toBe(1);
  });
});

let sourceToolClock = Date.parse('2026-03-01T10:00:00.000Z');

// Real fixtures of two scanners through the real pipeline: archiving keyed by source tool (docs/lifecycle.md).

/** One CI run of a real scanner file with `--archive-missing` (and `scope`), an hour after the last one. */
async function runInput(input: string | Buffer, scope?: string): Promise<LifecycleReport> {
  sourceToolClock += 3_600_000;
  const result = await run([], {
    input,
    at: new Date(sourceToolClock).toISOString(),
    convert: { repository: { name: 'acme/payments-api', source: 'GITHUB_REPOSITORY' } },
    ...(scope !== undefined ? { scope } : {}),
  });
  if (result.report === undefined) throw result.error;
  return result.report;
}

/** Stored findings by source tool: RecordState and workflow status of each. */
function storedBySourceTool(): Record<string, string[]> {
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

describe('archive missing: keyed by product + scope + source tool', () => {
  useEmulator();

  it('a Trivy run and a SARIF run that share --scope never archive each other, and keep the workflow', async () => {
    const trivy = await runInput('fixtures/trivy/v2-image.json', 'payments-api');
    expect(trivy.imported).toBe(4);
    // One of the image's vulnerabilities is fixed: the scanner says so, and it is sent ARCHIVED.
    const trivyStates = ['ACTIVE/NEW', 'ACTIVE/NEW', 'ACTIVE/NEW', 'ARCHIVED/NEW'];
    expect(storedBySourceTool()).toEqual({ trivy: trivyStates });
    const sarif = await runInput('fixtures/sarif/cwe.sarif', 'payments-api');
    expect(sarif.imported).toBe(2);
    expect(sarif.archive).toMatchObject({
      sourceTool: 'sarif/KICS',
      candidates: 0,
      archived: 0,
      blocked: [],
    });
    expect(storedBySourceTool()).toEqual({ trivy: trivyStates, 'sarif/KICS': ['ACTIVE/NEW', 'ACTIVE/NEW'] });

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
    expect((await runInput('fixtures/trivy/v2-image.json', 'payments-api')).archive?.candidates).toBe(0);
    expect((await runInput('fixtures/sarif/cwe.sarif', 'payments-api')).archive?.candidates).toBe(0);
    expect(storedBySourceTool()).toEqual({
      trivy: ['ACTIVE/NEW', 'ACTIVE/NEW', 'ACTIVE/NOTIFIED', 'ARCHIVED/NEW'],
      'sarif/KICS': ['ACTIVE/NEW', 'ACTIVE/NEW'],
    });
  });

  it('filters GetFindings on the source tool (the emulator ANDs map filters of two keys)', async () => {
    await runInput('fixtures/trivy/v2-image.json', 'payments-api');
    await runInput('fixtures/sarif/cwe.sarif', 'payments-api');
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
    const first = await runInput(Buffer.from(JSON.stringify(log)));
    expect(first.failed).toBe(0);
    const before = storedBySourceTool();
    expect(Object.keys(before).sort()).toEqual(['sarif/eslint', 'sarif/semgrep']);

    // Semgrep now reports nothing: its findings are archived, eslint's are not.
    const clean = { ...log, runs: [log.runs[0], { ...log.runs[1], results: [] }] };
    const second = await runInput(Buffer.from(JSON.stringify(clean)));
    expect(second.archived).toBe(before['sarif/semgrep']!.length);
    const after = storedBySourceTool();
    expect(after['sarif/eslint']).toEqual(before['sarif/eslint']);
    expect(after['sarif/semgrep']!.every((s) => s.startsWith('ARCHIVED'))).toBe(true);
  });
});
