import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateBuffer } from '../../bench/generate.mjs';
import { openInput } from '../../src/internal/input.js';
import { convertAll } from '../helpers/asff.js';
import { seededRandom } from '../helpers/random.js';

const dir = mkdtempSync(join(tmpdir(), 'asff-stream-reuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 1.5 MB of bytes that differ from chunk to chunk, so a chunk overwritten too early would show. */
function patterned(): Buffer {
  const bytes = Buffer.alloc(1_500_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = 0x20 + ((i * 7 + (i >> 12)) % 90);
  return bytes;
}

async function readAll(
  path: string,
  reuse: boolean,
): Promise<{ copy: Buffer; buffers: Set<ArrayBufferLike>; chunks: number }> {
  const opened = await openInput(path);
  if (reuse) opened.enableChunkReuse();
  const copies: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  let chunks = 0;
  for await (const chunk of opened.chunks) {
    chunks++;
    buffers.add(chunk.buffer);
    copies.push(Buffer.from(chunk));
  }
  return { copy: Buffer.concat(copies), buffers, chunks };
}

describe('file input with chunk reuse', () => {
  const bytes = patterned();
  const plain = join(dir, 'plain.txt');
  writeFileSync(plain, bytes);

  it('reads into two buffers taking turns once enabled, and delivers the same bytes', async () => {
    const reused = await readAll(plain, true);
    expect(reused.copy.equals(bytes)).toBe(true);
    expect(reused.chunks).toBeGreaterThan(4);
    // The sniffed head is a copy; the reader's buffer and its read-ahead buffer are then read into in turn.
    expect(reused.buffers.size).toBeLessThanOrEqual(4);
  });

  for (const reuse of [false, true]) {
    it(`keeps a chunk intact while the next one is read ahead (reuse ${reuse ? 'on' : 'off'})`, async () => {
      const opened = await openInput(plain);
      if (reuse) opened.enableChunkReuse();
      const copies: Buffer[] = [];
      for await (const chunk of opened.chunks) {
        const before = Buffer.from(chunk);
        // Give the read ahead time to land: it must not land in the chunk being held.
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect(Buffer.from(chunk).equals(before)).toBe(true);
        copies.push(before);
      }
      expect(Buffer.concat(copies).equals(bytes)).toBe(true);
    });
  }

  it('lets a consumer stop early while a read is in flight', async () => {
    const opened = await openInput(plain);
    opened.enableChunkReuse();
    let seen = 0;
    for await (const chunk of opened.chunks) {
      seen += chunk.length;
      if (seen > 300_000) break;
    }
    // Reading the file again works: the stopped reader closed its handle without an unhandled rejection.
    expect((await readAll(plain, true)).copy.equals(bytes)).toBe(true);
  });

  it('hands out a fresh buffer per chunk when not enabled', async () => {
    const fresh = await readAll(plain, false);
    expect(fresh.copy.equals(bytes)).toBe(true);
    expect(fresh.buffers.size).toBe(fresh.chunks);
  });

  it('ignores the request behind gunzip, which may read ahead: the file reader keeps fresh buffers', async () => {
    // Random bytes do not compress, so the .gz file itself spans several 256 KiB reads.
    const next = seededRandom(3);
    const noise = Buffer.alloc(1_500_000);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(next() * 256);
    const gz = join(dir, 'noise.bin.gz');
    writeFileSync(gz, gzipSync(noise));
    const allocations = vi.spyOn(Buffer, 'allocUnsafeSlow');
    try {
      const result = await readAll(gz, true);
      expect(result.copy.equals(noise)).toBe(true);
      const reads = allocations.mock.calls.filter(([size]) => size === 256 * 1024).length;
      // One fresh buffer per read of the ~1.5 MB file (plus the read that finds the end).
      expect(reads).toBeGreaterThanOrEqual(6);
    } finally {
      allocations.mockRestore();
    }
  });
});

describe('adapters that release chunks convert a file as they convert the same bytes in memory', () => {
  for (const format of ['csv', 'nessus'] as const) {
    it(format, async () => {
      // The heavy text mix: multi-byte characters in nearly every record, across many chunk boundaries.
      const { buffer } = generateBuffer(format, { sizeBytes: 1_200_000, seed: 9, text: 'multibyte-heavy' });
      const path = join(dir, `generated.${format}`);
      writeFileSync(path, buffer);
      const fromFile = await convertAll(path, { scope: 'reuse' });
      const fromBytes = await convertAll(new Uint8Array(buffer), { scope: 'reuse', filename: path });
      expect(fromFile.findings.length).toBeGreaterThan(100);
      expect(fromFile.stats.complete).toBe(true);
      expect(JSON.stringify(fromFile.findings)).toBe(JSON.stringify(fromBytes.findings));
      expect(fromFile.issues).toEqual(fromBytes.issues);
    });
  }
});

describe('a read that fails while the consumer works on the chunk before it', () => {
  it('surfaces as E_IO where the chunk is asked for, not as an unhandled rejection', async () => {
    const path = join(dir, 'failing.txt');
    writeFileSync(path, Buffer.alloc(1_000_000, 0x61));
    const probe = await open(path, 'r');
    const prototype = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const original = prototype.read;
    let reads = 0;
    const spy = vi.spyOn(prototype, 'read').mockImplementation(function (this: unknown, ...args: unknown[]) {
      reads++;
      if (reads === 3)
        return Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
      return original.apply(this, args);
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const opened = await openInput(path);
      const consume = async (): Promise<void> => {
        for await (const _chunk of opened.chunks) {
          // The read ahead fails during this wait.
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await expect(consume()).rejects.toMatchObject({
        code: 'E_IO',
        message: expect.stringContaining('EIO'),
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      spy.mockRestore();
    }
  });
});
