import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { SCOPE_PRODUCT_FIELD } from '../../src/asff/build.js';
import { emptyScopeState, type ScopeState, type StoredHistory } from '../../src/sink/history.js';
import { preserveHistory, strictlyAfter, withHistory } from '../../src/sink/preserve-history.js';
import { finding as baseFinding } from '../helpers/fake-security-hub.js';

const ARN = 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default';
const NOW = '2026-03-02T10:00:00.000Z';

function finding(id: string, extra: Partial<AwsSecurityFinding> = {}): AwsSecurityFinding {
  return baseFinding(id, {
    CreatedAt: NOW,
    UpdatedAt: NOW,
    FirstObservedAt: NOW,
    LastObservedAt: NOW,
    RecordState: 'ACTIVE',
    ProductFields: { [SCOPE_PRODUCT_FIELD]: 'app' },
    ...extra,
  });
}

function history(extra: Partial<StoredHistory> = {}): StoredHistory {
  return {
    createdAt: '2026-03-01T10:00:00.000Z',
    firstObservedAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    recordState: 'ACTIVE',
    ...extra,
  };
}

function stateOf(entries: Record<string, StoredHistory>, scope = 'app'): ScopeState {
  return {
    ...emptyScopeState({ productArn: ARN, scope, accountId: '123456789012' }),
    findings: new Map(Object.entries(entries)),
  };
}

async function collect(iterable: AsyncIterable<AwsSecurityFinding>): Promise<AwsSecurityFinding[]> {
  const out: AwsSecurityFinding[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('strictlyAfter', () => {
  it.each([
    [
      'later candidate kept',
      '2026-03-02T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    ],
    [
      'same instant → +1 ms',
      '2026-03-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-03-01T00:00:00.001Z',
    ],
    [
      'earlier (clock behind) → +1 ms',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-03-01T00:00:00.001Z',
    ],
    [
      'same instant, other offset → +1 ms',
      '2026-03-01T02:00:00+02:00',
      '2026-03-01T00:00:00Z',
      '2026-03-01T00:00:00.001Z',
    ],
    [
      'sub-millisecond stored value → next ms',
      '2026-03-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000500Z',
      '2026-03-01T00:00:00.001Z',
    ],
    ['missing candidate → +1 ms', undefined, '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.001Z'],
    ['unparseable stored value → candidate', NOW, 'not a date', NOW],
  ])('%s', (_, candidate, previous, expected) => {
    expect(strictlyAfter(candidate, previous)).toBe(expected);
  });
});

describe('withHistory', () => {
  it('takes CreatedAt and FirstObservedAt from the stored finding; UpdatedAt and LastObservedAt stay the run’s', () => {
    const out = withHistory(finding('a'), history());
    expect(out).toMatchObject({
      CreatedAt: '2026-03-01T10:00:00.000Z',
      FirstObservedAt: '2026-03-01T09:00:00.000Z',
      UpdatedAt: NOW,
      LastObservedAt: NOW,
      RecordState: 'ACTIVE',
    });
  });

  it('keeps the run’s FirstObservedAt when the stored finding has none', () => {
    expect(withHistory(finding('a'), history({ firstObservedAt: undefined })).FirstObservedAt).toBe(NOW);
  });

  it('re-activates an archived finding that the run sends without a RecordState', () => {
    const { RecordState: _, ...withoutState } = finding('a');
    expect(withHistory(withoutState, history({ recordState: 'ARCHIVED' })).RecordState).toBe('ACTIVE');
  });

  it('keeps a RecordState the run set (a resolved finding stays ARCHIVED)', () => {
    const out = withHistory(finding('a', { RecordState: 'ARCHIVED' }), history());
    expect(out.RecordState).toBe('ARCHIVED');
  });

  it('does not modify its input', () => {
    const input = finding('a');
    const copy = structuredClone(input);
    withHistory(input, history({ updatedAt: NOW }));
    expect(input).toEqual(copy);
  });
});

describe('preserveHistory', () => {
  it('applies history to existing findings only, counts what it did, and records every Id', async () => {
    const state = stateOf({
      a: history(),
      b: history({ updatedAt: NOW, recordState: 'ARCHIVED' }),
    });
    const run = preserveHistory([finding('a'), finding('b'), finding('c')], state);
    const out = await collect(run);
    expect(out.map((f) => [f.Id, f.CreatedAt, f.UpdatedAt])).toEqual([
      ['a', '2026-03-01T10:00:00.000Z', NOW],
      ['b', '2026-03-01T10:00:00.000Z', '2026-03-02T10:00:00.001Z'],
      ['c', NOW, NOW],
    ]);
    expect(run.counters).toEqual({ seen: 3, preserved: 2, bumped: 1, reactivated: 1, foreign: 0 });
    expect(['a', 'b', 'c', 'd'].map((id) => run.reported.has(id))).toEqual([true, true, true, false]);
    expect(run.reported.size).toBe(3);
  });

  it('loads the state lazily from the first finding, once', async () => {
    const seen: string[] = [];
    const run = preserveHistory([finding('a'), finding('b')], async (first) => {
      seen.push(first.Id ?? '');
      return stateOf({ b: history() });
    });
    expect(run.state).toBeUndefined();
    const out = await collect(run);
    expect(seen).toEqual(['a']);
    expect(run.state?.scope).toBe('app');
    expect(out[1]?.CreatedAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('never loads a state for an empty run', async () => {
    let loads = 0;
    const run = preserveHistory([], async () => {
      loads += 1;
      return stateOf({});
    });
    expect(await collect(run)).toEqual([]);
    expect(loads).toBe(0);
  });

  it('passes findings of another scope or product on unchanged and counts them as foreign', async () => {
    const state = stateOf({ x: history(), y: history() });
    const otherScope = finding('x', { ProductFields: { [SCOPE_PRODUCT_FIELD]: 'other' } });
    const otherProduct = finding('y', { ProductArn: ARN.replace('/default', '/other') });
    const run = preserveHistory([otherScope, otherProduct], state);
    const out = await collect(run);
    expect(out).toEqual([otherScope, otherProduct]);
    expect(run.counters.foreign).toBe(2);
    expect(run.counters.preserved).toBe(0);
  });

  it('propagates the input’s error after the findings before it', async () => {
    async function* broken() {
      yield finding('a');
      throw new Error('input broke');
    }
    const run = preserveHistory(broken(), stateOf({}));
    const out: string[] = [];
    await expect(
      (async () => {
        for await (const f of run) out.push(f.Id ?? '');
      })(),
    ).rejects.toThrow('input broke');
    expect(out).toEqual(['a']);
  });
});
