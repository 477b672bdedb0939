import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openInput } from '../../src/internal/input.js';
import { chunksOf } from '../helpers/chunks.js';

async function text(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

const doc = `{"version":"2.1.0","runs":[{"message":"héllo 😀 ${'x'.repeat(20_000)}"}]}`;

describe('openInput', () => {
  it('passes plain UTF-8 through and replays the sniffed head', async () => {
    const opened = await openInput(chunksOf(Buffer.from(doc), 1000));
    expect(opened.head.startsWith('{"version"')).toBe(true);
    expect(opened.head.length).toBeGreaterThan(8000);
    expect(await text(opened.chunks)).toBe(doc);
    expect(opened.gzip).toBe(false);
  });

  it('strips a UTF-8 BOM even when it arrives in 1-byte chunks', async () => {
    const opened = await openInput(
      chunksOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)]), 1),
    );
    expect(opened.head.startsWith('{')).toBe(true);
    expect(await text(opened.chunks)).toBe(doc);
  });

  it('gunzips transparently', async () => {
    const opened = await openInput(chunksOf(gzipSync(Buffer.from(doc)), 7));
    expect(opened.gzip).toBe(true);
    expect(await text(opened.chunks)).toBe(doc);
  });

  it.each([
    ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')])],
    ['utf-16le', Buffer.from(doc, 'utf16le')],
    ['utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(doc, 'utf16le').swap16()])],
  ])('transcodes %s (BOM or not) to UTF-8', async (encoding, bytes) => {
    const opened = await openInput(chunksOf(bytes, 3));
    expect(opened.encoding).toBe(encoding);
    expect(opened.head.startsWith('{')).toBe(true);
    expect(await text(opened.chunks)).toBe(doc);
  });

  it('reports a truncated gzip stream as E_TRUNCATED', async () => {
    const gz = gzipSync(Buffer.from(doc));
    const opened = openInput(chunksOf(gz.subarray(0, gz.length - 30), 64));
    await expect(opened.then((o) => text(o.chunks))).rejects.toMatchObject({ code: 'E_TRUNCATED' });
  });

  it('reports a missing file as E_IO naming the path', async () => {
    const opened = openInput('/nonexistent/report.sarif');
    await expect(opened.then((o) => text(o.chunks))).rejects.toMatchObject({
      code: 'E_IO',
      message: expect.stringContaining('/nonexistent/report.sarif'),
    });
  });

  describe('close', () => {
    /** A source that records whether it was told to stop. */
    function tracked(
      bytes: Uint8Array,
      size: number,
    ): { source: AsyncIterable<Uint8Array>; closed: () => boolean } {
      let closed = false;
      async function* source(): AsyncGenerator<Uint8Array> {
        try {
          yield* chunksOf(bytes, size);
        } finally {
          closed = true;
        }
      }
      return { source: source(), closed: () => closed };
    }

    it('ends the source when the chunks were never read', async () => {
      const { source, closed } = tracked(Buffer.from(doc), 1000);
      const opened = await openInput(source);
      expect(closed()).toBe(false);
      await opened.close();
      expect(closed()).toBe(true);
    });

    it('ends the source under the gunzip stage too', async () => {
      const { source, closed } = tracked(gzipSync(Buffer.from(doc.repeat(40))), 64);
      const opened = await openInput(source);
      expect(opened.gzip).toBe(true);
      await opened.close();
      expect(closed()).toBe(true);
    });

    it('ends the source when the consumer stops early, and does nothing after a full read', async () => {
      const early = tracked(Buffer.from(doc), 1000);
      const opened = await openInput(early.source);
      for await (const _chunk of opened.chunks) break;
      expect(early.closed()).toBe(true);
      const full = tracked(Buffer.from(doc), 1000);
      const read = await openInput(full.source);
      expect(await text(read.chunks)).toBe(doc);
      await read.close();
      expect(full.closed()).toBe(true);
    });
  });
});
