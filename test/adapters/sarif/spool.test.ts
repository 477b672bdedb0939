import { mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResultSpool, type SpoolPosition } from '../../../adapters/sarif/spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sarif-spool-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Replays a spool into positions and the text of each entry (copied: the bytes are a view). */
async function all(spool: ResultSpool): Promise<(SpoolPosition & { text: string })[]> {
  const out: (SpoolPosition & { text: string })[] = [];
  for await (const { bytes, ...position } of spool.replay())
    out.push({ ...position, text: bytes.toString('utf8') });
  return out;
}

const at = (index: number): SpoolPosition => ({
  recordIndex: index + 10,
  resultIndex: index,
  byte: index * 100,
  line: index + 1,
  column: index + 3,
});

describe('ResultSpool', () => {
  it('gives back the exact bytes of raw results, newlines and multi-byte text included, in order', async () => {
    const spool = new ResultSpool(dir, 'run0');
    const texts = [
      '{\n  "message": {"text": "line one\\nline two \u2028 é 漢字 😀"}\n}',
      '{"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a b.c"}}}]}',
      '{ }',
      '{"bad": json, kept as it came}',
    ];
    for (const [index, text] of texts.entries()) await spool.addBytes(at(index), Buffer.from(text, 'utf8'));
    expect(spool.size).toBe(4);
    expect(await all(spool)).toEqual(texts.map((text, index) => ({ ...at(index), text })));
    await spool.dispose();
  });

  it('stores parsed values as their JSON text, mixed with raw entries', async () => {
    const spool = new ResultSpool(dir, 'mixed');
    await spool.addValue(at(0), { message: { text: 'a\nb' } });
    await spool.addBytes(at(1), Buffer.from('{"raw": true}'));
    await spool.addValue(at(2), null);
    const back = await all(spool);
    expect(back.map((entry) => JSON.parse(entry.text))).toEqual([
      { message: { text: 'a\nb' } },
      { raw: true },
      null,
    ]);
    expect(back.map((entry) => entry.recordIndex)).toEqual([10, 11, 12]);
    await spool.dispose();
  });

  it('writes to a file under tempDir as results arrive, not to memory', async () => {
    const spool = new ResultSpool(dir, 'big');
    const bytes = Buffer.from(JSON.stringify({ message: { text: 'x'.repeat(1000) } }));
    for (let index = 0; index < 300; index += 1) await spool.addBytes(at(index), bytes);
    const [file] = await readdir(dir);
    expect(file).toMatch(/^asff-stream-sarif-big-/);
    // 300 × ~1 KB: everything but the last partial 64 KiB buffer is already on disk.
    expect((await stat(join(dir, file!))).size).toBeGreaterThan(300 * 1000 - 64 * 1024);
    const back = await all(spool);
    expect(back).toHaveLength(300);
    expect(back.every((entry) => entry.text === bytes.toString())).toBe(true);
    await spool.dispose();
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads back results longer than one read, with multi-byte characters across read boundaries', async () => {
    const spool = new ResultSpool(dir, 'long');
    // 2.7 MB and 5.2 MB entries span several 1 MiB reads (the buffer grows); the 3-byte and 4-byte characters
    // land on every possible offset of a read boundary; short entries around them must stay intact.
    const texts = [
      '{"text":"short"}',
      `{"text":"${'漢'.repeat(900_000)}"}`,
      `{"text":"a${'😀'.repeat(1_300_000)}"}`,
      '{"text":"é\\nafter"}',
    ];
    for (const [index, text] of texts.entries()) await spool.addBytes(at(index), Buffer.from(text, 'utf8'));
    const back = await all(spool);
    expect(back.map((entry) => entry.recordIndex)).toEqual([10, 11, 12, 13]);
    expect(back.map((entry) => entry.text)).toEqual(texts);
    await spool.dispose();
  });

  it('fails with E_IO instead of misreading a spool file that was cut short', async () => {
    const spool = new ResultSpool(dir, 'cut');
    // Entries larger than the 64 KiB write buffer go to the file at once.
    const big = Buffer.from(`{"text":"${'y'.repeat(70_000)}"}`);
    await spool.addBytes(at(0), big);
    await spool.addBytes(at(1), big);
    await truncate(spool.path, 100_000);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const entry of spool.replay()) seen.push(entry.bytes.length);
      })(),
    ).rejects.toMatchObject({ code: 'E_IO' });
    expect(seen).toEqual([big.length]);
    await spool.dispose();
  });

  it('can be disposed twice, and before anything was written', async () => {
    const empty = new ResultSpool(dir, 'empty');
    await empty.dispose();
    await empty.dispose();
    const used = new ResultSpool(dir, 'used');
    await used.addValue(at(0), {});
    await used.dispose();
    await used.dispose();
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates a missing temp directory', async () => {
    const spool = new ResultSpool(join(dir, 'nested', 'deeper'), 'run0');
    await spool.addValue(at(0), { a: 1 });
    expect(await all(spool)).toEqual([{ ...at(0), text: '{"a":1}' }]);
    await spool.dispose();
    expect(await readdir(join(dir, 'nested', 'deeper'))).toEqual([]);
  });
});
