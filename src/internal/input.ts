import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ConverterError } from '../errors.js';

/** What `convert` accepts as input: a path (`-` = stdin), a Node stream, any async iterable of bytes, or bytes. */
export type InputSource = string | NodeJS.ReadableStream | AsyncIterable<Uint8Array> | Uint8Array;

/** Bytes of the input after gunzip/transcoding, with the first bytes already looked at. */
export interface OpenedInput {
  /** The first bytes (up to {@link SNIFF_BYTES}), decoded as UTF-8, BOM removed. */
  head: string;
  /** The first raw bytes after decompression (for magic-number checks). */
  headBytes: Uint8Array;
  /** The whole (decompressed, UTF-8, BOM-free) input, replaying the sniffed bytes first. */
  chunks: AsyncIterable<Uint8Array>;
  /** File name, when the input is a file. */
  filename?: string;
  /**
   * Lets the file reader hand out one reused buffer from now on: each chunk is then valid only until the next
   * one is requested. Takes effect only for a plain UTF-8 file (no gunzip or transcoding stage that could read
   * ahead); call it only for a consumer that releases chunks (see `AdapterMeta.releasesChunks`).
   */
  enableChunkReuse: () => void;
  /**
   * Releases the input (closes the file) whether or not `chunks` was read, or read to the end. Consumers that
   * stop early or fail call it; after a full read it does nothing.
   */
  close: () => Promise<void>;
  /** How the bytes were transformed, for diagnostics. */
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  gzip: boolean;
}

/** How many bytes detection looks at. */
export const SNIFF_BYTES = 8192;
// 256 KiB, not 1 MiB: spent 1 MiB chunks are external memory that V8 frees only after ~64 MB of them pile up,
// and glibc then keeps the freed blocks; measured peak RSS on 100 MB inputs: Nessus 184 → 104 MB, Trivy 122 →
// 101 MB, at the same speed (64 KiB was ~10 % slower on Nessus).
const READ_CHUNK = 256 * 1024;

/** Switch of a file reader: when `enabled`, it reads every chunk into the buffer it handed out last. */
interface ChunkReuse {
  enabled: boolean;
}

/** Opens an input source as an async iterable of bytes, without reading it whole. */
export function openSource(
  source: InputSource,
  reuse: ChunkReuse = { enabled: false },
): { stream: AsyncIterable<Uint8Array>; filename?: string } {
  if (typeof source === 'string') {
    if (source === '-') return { stream: process.stdin as AsyncIterable<Uint8Array> };
    return { stream: ioErrors(readFileChunks(source, reuse), source), filename: basename(source) };
  }
  if (source instanceof Uint8Array) return { stream: once(source) };
  return { stream: source as AsyncIterable<Uint8Array> };
}

/**
 * Reads a file in {@link READ_CHUNK} pieces, one read ahead: the next chunk is read while the consumer works on
 * this one (waiting for each read in turn cost ~5 % of a Trivy conversion, measured). A fresh buffer per chunk,
 * unless `reuse.enabled`: then two buffers take turns, and the one read into is the one the consumer gave back
 * by asking for the next chunk. Fresh 256 KiB buffers are external memory that V8 frees only when a full
 * collection runs; with a small heap (CSV) ~50 MB of spent chunks waited for one at 1 GB.
 */
async function* readFileChunks(path: string, reuse: ChunkReuse): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  const readInto = async (buffer: Buffer): Promise<Buffer> => {
    const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null);
    return bytesRead === READ_CHUNK ? buffer : buffer.subarray(0, bytesRead);
  };
  let ahead: Promise<Buffer> | undefined;
  try {
    let current: Buffer = Buffer.allocUnsafeSlow(READ_CHUNK);
    let previous: Buffer | undefined;
    let chunk = await readInto(current);
    while (chunk.length > 0) {
      const next = reuse.enabled && previous !== undefined ? previous : Buffer.allocUnsafeSlow(READ_CHUNK);
      ahead = readInto(next);
      // Its failure is rethrown where it is awaited; until then it must not count as an unhandled rejection.
      ahead.catch(() => undefined);
      yield chunk;
      // The consumer asked for the next chunk, so it is done with this one.
      previous = current;
      current = next;
      chunk = await ahead;
      ahead = undefined;
    }
  } finally {
    // A consumer that stops early leaves a read in flight: let it finish before closing the file.
    if (ahead !== undefined) await ahead.catch(() => undefined);
    await handle.close();
  }
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function* ioErrors(stream: AsyncIterable<Uint8Array>, path: string): AsyncGenerator<Uint8Array> {
  try {
    yield* stream;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : String((error as Error).message);
    throw new ConverterError('E_IO', `cannot read ${path}: ${reason}`, { cause: error });
  }
}

/**
 * Reads chunks until at least `size` bytes (or the end) and returns them plus an iterable that replays everything.
 * `close` ends the underlying stream early (the replay closes it too when its consumer stops before the end).
 */
async function peek(
  stream: AsyncIterable<Uint8Array>,
  size: number,
): Promise<{ head: Buffer; rest: AsyncIterable<Uint8Array>; close: () => Promise<void> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const close = async (): Promise<void> => {
    if (done) return;
    done = true;
    await iterator.return?.();
  };
  try {
    while (total < size) {
      const next = await iterator.next();
      if (next.done === true) {
        done = true;
        break;
      }
      const chunk = next.value;
      if (chunk.length === 0) continue;
      seen.push(chunk);
      total += chunk.length;
    }
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  const head = Buffer.concat(seen);
  async function* rest(): AsyncGenerator<Uint8Array> {
    try {
      if (head.length > 0) yield head;
      while (!done) {
        const next = await iterator.next();
        if (next.done === true) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      await close();
    }
  }
  return { head, rest: rest(), close };
}

async function* gunzip(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const unzip = Readable.from(stream, { objectMode: false }).pipe(createGunzip());
  try {
    yield* unzip as AsyncIterable<Uint8Array>;
  } catch (error) {
    if (error instanceof ConverterError) throw error;
    const message = (error as Error).message;
    if (/unexpected end/i.test(message)) {
      throw new ConverterError('E_TRUNCATED', 'gzip input ended before its end (truncated .gz)', {
        cause: error,
      });
    }
    throw new ConverterError('E_PARSE', `gzip input is corrupt: ${message}`, { cause: error });
  }
}

async function* utf16ToUtf8(
  stream: AsyncIterable<Uint8Array>,
  encoding: 'utf-16le' | 'utf-16be',
): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield Buffer.from(tail, 'utf8');
}

async function* skipBytes(stream: AsyncIterable<Uint8Array>, count: number): AsyncGenerator<Uint8Array> {
  let left = count;
  for await (const chunk of stream) {
    if (left > 0) {
      if (chunk.length <= left) {
        left -= chunk.length;
        continue;
      }
      yield chunk.subarray(left);
      left = 0;
      continue;
    }
    yield chunk;
  }
}

/** UTF-16 without a BOM: many NUL bytes at alternating positions in the first bytes of a text file. */
function looksLikeBomlessUtf16(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(head.length, 512) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/**
 * Opens `source` and normalises its bytes: transparent gunzip (magic `1f 8b`), UTF-16 (with or without BOM)
 * transcoded to UTF-8, UTF-8 BOM removed. Returns the first bytes for detection and the full byte stream.
 */
export async function openInput(source: InputSource): Promise<OpenedInput> {
  const reuse: ChunkReuse = { enabled: false };
  const { stream, filename } = openSource(source, reuse);
  // Each sniffing stage can end the stream under it; `close` ends them all, the outermost first.
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const closeStage of closers) await closeStage().catch(() => undefined);
  };
  const stage = async (
    input: AsyncIterable<Uint8Array>,
  ): Promise<{ head: Buffer; rest: AsyncIterable<Uint8Array> }> => {
    const peeked = await peek(input, SNIFF_BYTES);
    closers.unshift(peeked.close);
    return peeked;
  };
  try {
    let { head, rest } = await stage(stream);
    let gzip = false;
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      gzip = true;
      ({ head, rest } = await stage(gunzip(rest)));
    }
    let encoding: OpenedInput['encoding'] = 'utf-8';
    if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) encoding = 'utf-16le';
    else if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) encoding = 'utf-16be';
    else encoding = looksLikeBomlessUtf16(head) ?? 'utf-8';
    if (encoding !== 'utf-8') {
      ({ head, rest } = await stage(utf16ToUtf8(rest, encoding)));
      // The decoder keeps the BOM as U+FEFF; it is removed below with the UTF-8 BOM.
    }
    if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      rest = skipBytes(rest, 3);
      head = head.subarray(3);
    }
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
    return {
      head: text,
      headBytes: head,
      chunks: rest,
      ...(filename !== undefined ? { filename } : {}),
      encoding,
      gzip,
      enableChunkReuse: () => {
        // `peek` copied the sniffed bytes; what follows passes straight through unless a stage re-chunks it.
        if (!gzip && encoding === 'utf-8') reuse.enabled = true;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
