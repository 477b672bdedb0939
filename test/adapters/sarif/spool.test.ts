import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResultSpool, type SpooledResult } from '../../../adapters/sarif/spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sarif-spool-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function all(spool: ResultSpool): Promise<SpooledResult[]> {
  const out: SpooledResult[] = [];
  for await (const record of spool.replay()) out.push(record);
  return out;
}

describe('ResultSpool', () => {
  it('round-trips results with newlines, unicode and nesting, in order', async () => {
    const spool = new ResultSpool(dir, 'run0');
    const values = [
      { message: { text: 'line one\nline two\r\n\u2028 é 漢字 😀' } },
      { locations: [{ physicalLocation: { artifactLocation: { uri: 'a b.c' } } }] },
      null,
      'text',
    ];
    for (const [index, value] of values.entries())
      await spool.add({ recordIndex: index + 10, byte: index * 100, line: index + 1, value });
    expect(spool.size).toBe(4);
    expect(await all(spool)).toEqual(
      values.map((value, index) => ({ recordIndex: index + 10, byte: index * 100, line: index + 1, value })),
    );
  });

  it('writes to a file under tempDir as results arrive, not to memory', async () => {
    const spool = new ResultSpool(dir, 'big');
    const value = { message: { text: 'x'.repeat(1000) } };
    for (let index = 0; index < 300; index += 1)
      await spool.add({ recordIndex: index, byte: 0, line: 1, value });
    const [file] = await readdir(dir);
    expect(file).toMatch(/^asff-stream-sarif-big-/);
    // 300 × ~1 KB: everything but the last partial 64 KiB buffer is already on disk.
    expect((await stat(join(dir, file!))).size).toBeGreaterThan(300 * 1000 - 64 * 1024);
    expect((await all(spool)).length).toBe(300);
    const lines = (await readFile(join(dir, file!), 'utf8')).split('\n').filter(Boolean);
    expect(lines).toHaveLength(300);
    await spool.dispose();
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads back results longer than one read, with multi-byte characters across read boundaries', async () => {
    const spool = new ResultSpool(dir, 'long');
    // 2.5 MiB and 5 MiB lines span several 1 MiB reads (the buffer grows); the 3-byte and 4-byte characters
    // land on every possible offset of a read boundary; short lines around them must stay intact.
    const values = [
      { message: { text: 'short' } },
      { message: { text: '漢'.repeat(900_000) } },
      { message: { text: `a${'😀'.repeat(1_300_000)}` } },
      { message: { text: 'é\nafter' } },
    ];
    for (const [index, value] of values.entries())
      await spool.add({ recordIndex: index, byte: index, line: index + 1, value });
    const back = await all(spool);
    expect(back.map((record) => record.recordIndex)).toEqual([0, 1, 2, 3]);
    expect(back.map((record) => record.value)).toEqual(values);
    await spool.dispose();
  });

  it('can be disposed twice, and before anything was written', async () => {
    const empty = new ResultSpool(dir, 'empty');
    await empty.dispose();
    await empty.dispose();
    const used = new ResultSpool(dir, 'used');
    await used.add({ recordIndex: 0, byte: 0, line: 1, value: {} });
    await used.dispose();
    await used.dispose();
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates a missing temp directory', async () => {
    const spool = new ResultSpool(join(dir, 'nested', 'deeper'), 'run0');
    await spool.add({ recordIndex: 0, byte: 0, line: 1, value: { a: 1 } });
    expect(await all(spool)).toEqual([{ recordIndex: 0, byte: 0, line: 1, value: { a: 1 } }]);
    await spool.dispose();
    expect(await readdir(join(dir, 'nested', 'deeper'))).toEqual([]);
  });
});
