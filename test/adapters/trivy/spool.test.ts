import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NdjsonSpool } from '../../../adapters/trivy/spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trivy-spool-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function drainAll(spool: NdjsonSpool): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of spool.drain()) out.push(value);
  return out;
}

const values = Array.from({ length: 500 }, (_, i) => ({
  i,
  text: `ünïcödé ✓ ${'x'.repeat(i % 50)}\n"quoted"`,
}));

describe('NdjsonSpool', () => {
  it('keeps a small spool in memory and never creates a file', async () => {
    const spool = new NdjsonSpool({ dir, label: 'result' });
    for (const value of values.slice(0, 10)) await spool.write(value);
    expect(spool.count).toBe(10);
    expect(spool.path).toBeUndefined();
    expect(await drainAll(spool)).toEqual(values.slice(0, 10));
    expect(await readdir(dir)).toEqual([]);
  });

  it('spills to a private temp file past its memory budget, replays in order, then deletes the file', async () => {
    const spool = new NdjsonSpool({ dir, label: 'report', memoryBytes: 1024 });
    for (const value of values) await spool.write(value);
    const path = spool.path;
    expect(path).toBeDefined();
    expect((await readdir(dir)).length).toBe(1);
    const info = await stat(path as string);
    expect(info.size).toBeGreaterThan(1024);
    expect(info.mode & 0o777).toBe(0o600);
    expect(await drainAll(spool)).toEqual(values);
    expect(await readdir(dir)).toEqual([]);
    expect(spool.count).toBe(0);
  });

  it('deletes its file when the reader stops early, and on discard', async () => {
    const early = new NdjsonSpool({ dir, label: 'report', memoryBytes: 100 });
    for (const value of values) await early.write(value);
    for await (const value of early.drain()) {
      expect(value).toEqual(values[0]);
      break;
    }
    expect(await readdir(dir)).toEqual([]);

    const discarded = new NdjsonSpool({ dir, label: 'report', memoryBytes: 100 });
    for (const value of values) await discarded.write(value);
    expect((await readdir(dir)).length).toBe(1);
    await discarded.discard();
    await discarded.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});
