import { describe, expect, it } from 'vitest';
import { BatchBuilder, findingBytes, type QueuedFinding, requestBytes } from '../../src/sink/batch.js';
import { finding } from '../helpers/fake-security-hub.js';

let seq = 0;
function queued(id: string, extra: Parameters<typeof finding>[1] = {}): QueuedFinding {
  const f = finding(id, extra);
  return { finding: f, id, bytes: findingBytes(f), seq: seq++, attempts: 0, retries: 0, throttles: 0 };
}

describe('requestBytes', () => {
  it('is exactly the size of the serialized request body', () => {
    const items = [queued('a'), queued('b', { Title: 'é'.repeat(50) }), queued('c')];
    const body = JSON.stringify({ Findings: items.map((q) => q.finding) });
    expect(requestBytes(items.map((q) => q.bytes))).toBe(Buffer.byteLength(body));
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(findingBytes(finding('x', { Title: '€' }))).toBe(findingBytes(finding('x', { Title: 'e' })) + 2);
  });
});

describe('BatchBuilder', () => {
  it('holds at most maxCount findings', () => {
    const builder = new BatchBuilder({ maxCount: 3 });
    for (const id of ['a', 'b', 'c']) expect(builder.add(queued(id)).added).toBe(true);
    expect(builder.full).toBe(true);
    expect(builder.add(queued('d')).added).toBe(false);
    expect(builder.take().map((q) => q.id)).toEqual(['a', 'b', 'c']);
    expect(builder.size).toBe(0);
  });

  it('defaults to 100 findings and 5,500,000 bytes', () => {
    const builder = new BatchBuilder();
    expect([builder.maxCount, builder.maxBytes]).toEqual([100, 5_500_000]);
    for (let i = 0; i < 100; i++) builder.add(queued(`f-${i}`));
    expect(builder.full).toBe(true);
  });

  it('keeps its request size at or below maxBytes and tracks it exactly', () => {
    const items = Array.from({ length: 5 }, (_, i) => queued(`id-${i}`, { Description: 'y'.repeat(500) }));
    const maxBytes = requestBytes(items.slice(0, 3).map((q) => q.bytes));
    const builder = new BatchBuilder({ maxBytes });
    const added = items.map((q) => builder.add(q).added);
    expect(added).toEqual([true, true, true, false, false]);
    expect(builder.bytes).toBe(maxBytes);
    const taken = builder.take();
    expect(Buffer.byteLength(JSON.stringify({ Findings: taken.map((q) => q.finding) }))).toBe(maxBytes);
  });

  it('fits a single finding only if the request with it alone is within maxBytes', () => {
    const one = queued('solo');
    expect(new BatchBuilder({ maxBytes: requestBytes([one.bytes]) }).fits(one.bytes)).toBe(true);
    expect(new BatchBuilder({ maxBytes: requestBytes([one.bytes]) - 1 }).fits(one.bytes)).toBe(false);
  });

  it('replaces an older copy of an Id in place and returns it as superseded', () => {
    const builder = new BatchBuilder();
    const first = queued('a', { Title: 'first' });
    builder.add(first);
    builder.add(queued('b'));
    const second = queued('a', { Title: 'second' });
    expect(builder.add(second)).toEqual({ added: true, superseded: first });
    const taken = builder.take();
    expect(taken.map((q) => [q.id, q.finding.Title])).toEqual([
      ['a', 'second'],
      ['b', 'finding b'],
    ]);
  });

  it('keeps the later copy when an older one (a retry) arrives second', () => {
    const builder = new BatchBuilder();
    const older = queued('a', { Title: 'older' });
    const newer = queued('a', { Title: 'newer' });
    builder.add(newer);
    expect(builder.add(older)).toEqual({ added: true, superseded: older });
    expect(builder.take().map((q) => q.finding.Title)).toEqual(['newer']);
  });

  it('drops the older copy and refuses the newer one when the newer does not fit in its place', () => {
    const small = queued('a');
    const other = queued('b');
    const builder = new BatchBuilder({ maxBytes: requestBytes([small.bytes, other.bytes]) });
    builder.add(small);
    builder.add(other);
    const bigger = queued('a', { Description: 'z'.repeat(400) });
    expect(builder.add(bigger)).toEqual({ added: false, superseded: small });
    expect(builder.size).toBe(1);
    expect(builder.has('a')).toBe(false);
    expect(builder.take().map((q) => q.id)).toEqual(['b']);
  });
});
