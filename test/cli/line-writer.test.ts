import { Buffer } from 'node:buffer';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineWriter } from '../../src/cli/output.js';

/** A slow stream with a tiny buffer: `write` returns false almost always, so every block waits for 'drain'. */
function slowSink(): {
  stream: Writable;
  chunks: Buffer[];
  memory: Set<ArrayBufferLike>;
  drains: () => number;
} {
  const chunks: Buffer[] = [];
  const memory = new Set<ArrayBufferLike>();
  let drains = 0;
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      memory.add(chunk.buffer);
      setImmediate(callback);
    },
  });
  stream.on('drain', () => {
    drains++;
  });
  return { stream, chunks, memory, drains: () => drains };
}

describe('LineWriter', () => {
  it('writes exactly the UTF-8 of every line, in order, across 1 MiB blocks and backpressure', async () => {
    const { stream, chunks, memory, drains } = slowSink();
    const writer = new LineWriter(stream);
    const lines: string[] = [];
    // ~7 MB: multi-byte characters (2, 3 and 4 bytes, and a lone surrogate) land on block boundaries.
    for (let index = 0; index < 40_000; index++)
      lines.push(
        `{"n":${index},"text":"${'é漢😀'.repeat(index % 23)}${index % 997 === 0 ? '\uD800' : ''}${'x'.repeat(index % 71)}"}\n`,
      );
    for (const line of lines) await writer.write(line);
    await writer.close();
    const written = Buffer.concat(chunks);
    expect(written.equals(Buffer.from(lines.join(''), 'utf8'))).toBe(true);
    // Several blocks, each waited for; no block above 1 MiB.
    expect(chunks.length).toBeGreaterThan(2);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(1024 * 1024);
    expect(drains()).toBeGreaterThan(1);
    // Written blocks are reused: two blocks serve every write, however many there were.
    expect(memory.size).toBeLessThanOrEqual(2);
  });

  it('writes a line longer than a block on its own, between the blocks around it', async () => {
    const { stream, chunks } = slowSink();
    const writer = new LineWriter(stream);
    const long = `${'ß'.repeat(700_000)}\n`;
    await writer.write('before\n');
    await writer.write(long);
    await writer.write('after\n');
    await writer.close();
    expect(chunks.map((chunk) => chunk.length)).toEqual([7, Buffer.byteLength(long), 6]);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(`before\n${long}after\n`);
  });

  it('rejects when the stream fails while a block waits for drain', async () => {
    const stream = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        setImmediate(() => callback(new Error('disk full')));
      },
    });
    stream.on('error', () => {});
    const writer = new LineWriter(stream);
    await expect(
      (async () => {
        for (let index = 0; index < 10; index++) await writer.write(`${'y'.repeat(600_000)}\n`);
      })(),
    ).rejects.toThrow(/disk full/);
  });
});
