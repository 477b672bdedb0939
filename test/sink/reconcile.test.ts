import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  type GetFindingsCommandInput,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { SCOPE_PRODUCT_FIELD } from '../../src/asff/build.js';
import { IdHashSet } from '../../src/asff/id-hash-set.js';
import { validateAsff } from '../../src/asff/validate.js';
import { memoryDeadLetter } from '../../src/sink/dead-letter.js';
import { emptyScopeState, type ScopeState, type StoredHistory } from '../../src/sink/history.js';
import { unlimited } from '../../src/sink/limiter.js';
import { archiveBlockers, archiveMissing, type RunOutcome, toArchived } from '../../src/sink/reconcile.js';
import { finding as baseFinding } from '../helpers/fake-security-hub.js';

const ACCOUNT = '123456789012';
const ARN = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const PARTNER = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/acme/scanner`;
const T1 = '2026-03-01T10:00:00.000Z';
const NOW = new Date('2026-03-05T10:00:00.000Z');

/** A finding as GetFindings returns it: provider fields plus everything Security Hub and customers add. */
function storedFinding(id: string, extra: Partial<AwsSecurityFinding> = {}): AwsSecurityFinding {
  return baseFinding(id, {
    CreatedAt: T1,
    UpdatedAt: T1,
    FirstObservedAt: T1,
    LastObservedAt: T1,
    Severity: { Label: 'LOW', Normalized: 1, Original: 'low' },
    Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    FindingProviderFields: {
      Severity: { Label: 'HIGH', Original: 'high' },
      Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    },
    ProductFields: {
      [SCOPE_PRODUCT_FIELD]: 'app',
      'asff-stream/adapter': 'scan',
      'aws/securityhub/FindingId': `${ARN}/${id}`,
      'aws/securityhub/ProductName': 'Default',
      'aws/securityhub/CompanyName': 'Personal',
    },
    Region: 'us-east-1',
    ProcessedAt: '2026-03-01T10:00:01.000Z',
    ProductName: 'asff-stream',
    CompanyName: 'Personal',
    RecordState: 'ACTIVE',
    Workflow: { Status: 'NOTIFIED' },
    WorkflowState: 'NEW',
    Note: { Text: 'a note', UpdatedBy: 'alice', UpdatedAt: T1 },
    UserDefinedFields: { ticket: 'SEC-1' },
    VerificationState: 'TRUE_POSITIVE',
    ...extra,
  });
}

describe('toArchived', () => {
  it('sets RecordState ARCHIVED and a fresh UpdatedAt, keeps provider data, drops server and customer fields', () => {
    const out = toArchived(storedFinding('a'), NOW);
    expect(out).toMatchObject({
      Id: 'a',
      RecordState: 'ARCHIVED',
      UpdatedAt: NOW.toISOString(),
      CreatedAt: T1,
      FirstObservedAt: T1,
      LastObservedAt: T1,
      ProductName: 'asff-stream',
      CompanyName: 'Personal',
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'high' } },
      ProductFields: { [SCOPE_PRODUCT_FIELD]: 'app', 'asff-stream/adapter': 'scan' },
    });
    for (const field of [
      'Region',
      'ProcessedAt',
      'Workflow',
      'WorkflowState',
      'Note',
      'UserDefinedFields',
      'VerificationState',
      // Top-level copies of FindingProviderFields members may be a customer's change: FPF is sent instead.
      'Severity',
      'Types',
    ])
      expect(out, field).not.toHaveProperty(field);
    expect(Object.keys(out.ProductFields ?? {}).some((key) => key.startsWith('aws/'))).toBe(false);
    expect(validateAsff(out)).toEqual([]);
  });

  it('keeps top-level Severity and Types when FindingProviderFields lacks them', () => {
    const out = toArchived(storedFinding('a', { FindingProviderFields: {} }), NOW);
    expect(out).toMatchObject({ Severity: { Label: 'LOW' }, Types: expect.any(Array) });
    expect(validateAsff(out)).toEqual([]);
  });

  it('drops ProductName and CompanyName of a non-default product (Security Hub fills them from the ARN)', () => {
    const out = toArchived(storedFinding('a', { ProductArn: PARTNER }), NOW);
    expect(out).not.toHaveProperty('ProductName');
    expect(out).not.toHaveProperty('CompanyName');
  });

  it('moves UpdatedAt 1 ms past a stored UpdatedAt that is not earlier than now', () => {
    const out = toArchived(storedFinding('a', { UpdatedAt: NOW.toISOString() }), NOW);
    expect(out.UpdatedAt).toBe('2026-03-05T10:00:00.001Z');
  });

  it('drops ProductFields entirely when only aws/ keys were left', () => {
    const out = toArchived(storedFinding('a', { ProductFields: { 'aws/securityhub/FindingId': 'x' } }), NOW);
    expect(out).not.toHaveProperty('ProductFields');
  });
});

describe('archiveBlockers', () => {
  const good: RunOutcome = {
    conversion: { complete: true, failed: 0, skipped: 0, issues: {} },
    import: { failed: 0, aborted: false, failures: {} },
  };

  it.each<[string, RunOutcome, string[]]>([
    ['a clean run', good, []],
    [
      'partial input',
      { ...good, conversion: { ...good.conversion!, complete: false } },
      ['input-incomplete'],
    ],
    [
      'an input error',
      { ...good, inputError: new Error('x'), conversion: { ...good.conversion!, complete: false } },
      ['input-error'],
    ],
    [
      'a finding that could not be converted',
      { ...good, conversion: { ...good.conversion!, failed: 1 } },
      ['conversion-failed'],
    ],
    [
      'an unreadable record',
      { ...good, conversion: { ...good.conversion!, skipped: 1, issues: { 'invalid-result': 1 } } },
      ['records-skipped'],
    ],
    [
      'records below --min-severity only',
      {
        ...good,
        conversion: {
          ...good.conversion!,
          skipped: 3,
          issues: { 'below-min-severity': 2, 'resolved-skipped': 1 },
        },
      },
      [],
    ],
    [
      'repeats of an Id that was sent (dropped or merged)',
      {
        ...good,
        conversion: {
          ...good.conversion!,
          skipped: 3,
          issues: { 'repeated-id': 1, 'repeated-id-merged': 2 },
        },
      },
      [],
    ],
    [
      'filtered records plus one unreadable',
      {
        ...good,
        conversion: { ...good.conversion!, skipped: 3, issues: { 'below-min-severity': 2, 'bad-line': 1 } },
      },
      ['records-skipped'],
    ],
    [
      'a failed finding',
      { ...good, import: { failed: 1, aborted: false, failures: { InvalidInput: 1 } } },
      ['import-failed'],
    ],
    ['an aborted import', { ...good, import: { failed: 0, aborted: true, failures: {} } }, ['aborted']],
    ['an abort signal', { ...good, aborted: true }, ['aborted']],
    ['findings of another scope', { ...good, foreign: 2 }, ['mixed-scopes']],
    ['plain input without inputComplete', { import: good.import }, ['input-unknown']],
    ['plain input with inputComplete', { import: good.import, inputComplete: true }, []],
  ])('%s', (_, outcome, codes) => {
    expect(archiveBlockers(outcome).map((b) => b.code)).toEqual(codes);
  });
});

/** A scripted Security Hub: GetFindings answers from a list (ignoring filters unless told), imports are kept. */
class ScriptedHub {
  readonly queries: GetFindingsCommandInput[] = [];
  readonly imported: AwsSecurityFinding[] = [];
  private readonly answer: (input: GetFindingsCommandInput) => AwsSecurityFinding[];
  constructor(answer: (input: GetFindingsCommandInput) => AwsSecurityFinding[]) {
    this.answer = answer;
  }

  async send(command: unknown): Promise<never> {
    if (command instanceof GetFindingsCommand) {
      this.queries.push(command.input);
      return { Findings: this.answer(command.input) } as never;
    }
    if (command instanceof BatchImportFindingsCommand) {
      this.imported.push(...(command.input.Findings ?? []));
      return {
        SuccessCount: command.input.Findings?.length ?? 0,
        FailedCount: 0,
        FailedFindings: [],
      } as never;
    }
    throw new Error('unexpected command');
  }
}

function stateOf(ids: Record<string, StoredHistory['recordState']>): ScopeState {
  const findings = new Map<string, StoredHistory>();
  let active = 0;
  for (const [id, recordState] of Object.entries(ids)) {
    findings.set(id, { createdAt: T1, firstObservedAt: T1, updatedAt: T1, recordState });
    if (recordState === 'ACTIVE') active += 1;
  }
  return { ...emptyScopeState({ productArn: ARN, scope: 'app', accountId: ACCOUNT }), findings, active };
}

const clean: RunOutcome = {
  conversion: { complete: true, failed: 0, skipped: 0, issues: {} },
  import: { failed: 0, aborted: false, failures: {} },
};

describe('archiveMissing', () => {
  it('archives only ACTIVE candidates of this scope and product, whatever GetFindings returns', async () => {
    const hub = new ScriptedHub(() => [
      storedFinding('gone-1'),
      storedFinding('gone-2', { ProductFields: { [SCOPE_PRODUCT_FIELD]: 'other' } }),
      storedFinding('gone-3', { ProductArn: PARTNER }),
      storedFinding('gone-4', { RecordState: 'ARCHIVED' }),
      storedFinding('gone-5', { AwsAccountId: '210987654321' }),
      storedFinding('kept'),
      storedFinding('not-a-candidate'),
    ]);
    const reported = new IdHashSet();
    reported.add('kept');
    const report = await archiveMissing({
      client: hub,
      state: stateOf({
        'gone-1': 'ACTIVE',
        'gone-2': 'ACTIVE',
        'gone-3': 'ACTIVE',
        'gone-4': 'ACTIVE',
        'gone-5': 'ACTIVE',
        kept: 'ACTIVE',
        'was-archived': 'ARCHIVED',
      }),
      reported,
      outcome: clean,
      getFindingsLimiter: unlimited(),
      importOptions: { limiter: unlimited() },
      now: () => NOW,
    });
    expect(hub.imported.map((f) => [f.Id, f.RecordState])).toEqual([['gone-1', 'ARCHIVED']]);
    expect(report).toMatchObject({ candidates: 5, archived: 1, failed: 0, gone: 4, strategy: 'by-id' });
  });

  it('asks GetFindings for this product, scope, account and ACTIVE only, 20 Ids per request', async () => {
    const hub = new ScriptedHub(() => []);
    const ids = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`id-${i}`, 'ACTIVE' as const]));
    const report = await archiveMissing({
      client: hub,
      state: stateOf(ids),
      reported: new IdHashSet(),
      outcome: clean,
      getFindingsLimiter: unlimited(),
      importOptions: { limiter: unlimited() },
      strategy: 'by-id',
    });
    expect(hub.queries.map((q) => q.Filters?.Id?.length)).toEqual([20, 20, 5]);
    expect(hub.queries[0]).toMatchObject({
      MaxResults: 20,
      Filters: {
        ProductArn: [{ Value: ARN, Comparison: 'EQUALS' }],
        ProductFields: [{ Key: SCOPE_PRODUCT_FIELD, Value: 'app', Comparison: 'EQUALS' }],
        AwsAccountId: [{ Value: ACCOUNT, Comparison: 'EQUALS' }],
        RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
      },
    });
    expect(report).toMatchObject({ candidates: 45, archived: 0, gone: 45 });
  });

  it('dead-letters a stored finding that cannot be made valid, and reports it as failed', async () => {
    const hub = new ScriptedHub(() => [storedFinding('broken', { Title: 'x'.repeat(300) })]);
    const deadLetter = memoryDeadLetter();
    const report = await archiveMissing({
      client: hub,
      state: stateOf({ broken: 'ACTIVE' }),
      reported: new IdHashSet(),
      outcome: clean,
      getFindingsLimiter: unlimited(),
      importOptions: { limiter: unlimited() },
      deadLetter,
    });
    expect(hub.imported).toEqual([]);
    expect(report).toMatchObject({ archived: 0, failed: 1, gone: 0 });
    expect(deadLetter.entries.map((e) => e.errorCode)).toEqual(['archive-invalid']);
    expect(deadLetter.entries[0]?.errorMessage).toMatch(/Title/);
  });

  it('sends nothing and asks nothing when the run is blocked', async () => {
    const hub = new ScriptedHub(() => [storedFinding('a')]);
    const report = await archiveMissing({
      client: hub,
      state: stateOf({ a: 'ACTIVE' }),
      reported: new IdHashSet(),
      outcome: { ...clean, import: { failed: 2, aborted: false, failures: { InvalidInput: 2 } } },
      getFindingsLimiter: unlimited(),
    });
    expect(report.blocked.map((b) => b.code)).toEqual(['import-failed']);
    expect(hub.queries).toEqual([]);
    expect(hub.imported).toEqual([]);
  });
});
