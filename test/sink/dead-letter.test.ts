import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { memoryDeadLetter, openDeadLetter } from '../../src/sink/dead-letter.js';
import { finding } from '../helpers/fake-security-hub.js';

async function tempFile(name: string) {
  return join(await mkdtemp(join(tmpdir(), 'asff-dead-letter-')), name);
}

describe('openDeadLetter (file)', () => {
  it('writes one NDJSON line per finding with finding, errorCode, errorMessage and attempts', async () => {
    const path = await tempFile('dl.ndjson');
    const deadLetter = await openDeadLetter(path);
    deadLetter.write(finding('a'), 'InvalidInput', 'data.Title should NOT be longer than 256 characters', 1);
    deadLetter.write(finding('b'), 'aborted', 'the run was aborted');
    await deadLetter.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        finding: finding('a'),
        errorCode: 'InvalidInput',
        errorMessage: 'data.Title should NOT be longer than 256 characters',
        attempts: 1,
      },
      { finding: finding('b'), errorCode: 'aborted', errorMessage: 'the run was aborted', attempts: 0 },
    ]);
    expect(deadLetter.count).toBe(2);
    expect(deadLetter.counts).toEqual({ InvalidInput: 1, aborted: 1 });
    expect(deadLetter.path).toBe(path);
  });

  it('truncates an existing file, so a clean run leaves it empty', async () => {
    const path = await tempFile('old.ndjson');
    await writeFile(path, '{"stale":true}\n');
    const deadLetter = await openDeadLetter(path);
    await deadLetter.close();
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('fails with E_IO when the file cannot be created', async () => {
    await expect(openDeadLetter(join(tmpdir(), 'no-such-dir-asff', 'x', 'dl.ndjson'))).rejects.toMatchObject({
      code: 'E_IO',
      message: expect.stringMatching(/cannot create the dead letter/),
    });
  });

  it('never writes an access key id into a message', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const deadLetter = await openDeadLetter(out);
    deadLetter.write(finding('a'), 'AccessDeniedException', 'key AKIAIOSFODNN7EXAMPLE is not allowed');
    await deadLetter.close();
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toContain('key [redacted] is not allowed');
    expect(text).not.toContain('AKIA');
    expect(out.writableEnded).toBe(false);
  });

  it('reports a write failure as E_IO on flush', async () => {
    const out = new PassThrough();
    const deadLetter = await openDeadLetter(out);
    out.destroy(new Error('ENOSPC: no space left on device'));
    deadLetter.write(finding('a'), 'InvalidInput', 'x');
    await expect(deadLetter.flush()).rejects.toMatchObject({
      code: 'E_IO',
      message: expect.stringMatching(/ENOSPC/),
    });
    expect(deadLetter.count).toBe(1);
  });
});

describe('memoryDeadLetter', () => {
  it('keeps entries in order with their counts', async () => {
    const deadLetter = memoryDeadLetter();
    deadLetter.write(finding('a'), 'X', 'one', 2);
    deadLetter.write(finding('b'), 'X', 'two');
    expect(deadLetter.entries.map((e) => [e.finding.Id, e.errorCode, e.errorMessage, e.attempts])).toEqual([
      ['a', 'X', 'one', 2],
      ['b', 'X', 'two', 0],
    ]);
    expect(deadLetter.counts).toEqual({ X: 2 });
    await expect(deadLetter.close()).resolves.toBeUndefined();
  });
});
