import { readFile } from 'node:fs/promises';
import { seededRandom } from './random.js';

const encoder = new TextEncoder();

/** How an input is cut: chunks of one size, of these sizes in turn, or of what the function says for each chunk. */
export type ChunkSizes = number | readonly number[] | (() => number);

/**
 * The bytes of `input` (a text as UTF-8) as chunks, each a copy as a stream would hand it over: of `size` bytes, of
 * the sizes in turn, or of what `size()` says for each (at least 1 byte); the whole input in one chunk by default.
 * An empty input gives no chunk.
 */
export async function* chunksOf(
  input: string | Uint8Array,
  size: ChunkSizes = Number.MAX_SAFE_INTEGER,
): AsyncGenerator<Uint8Array> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  let turn = 0;
  for (let offset = 0; offset < bytes.length; turn += 1) {
    const next =
      typeof size === 'number' ? size : typeof size === 'function' ? size() : size[turn % size.length];
    const length = Math.max(1, next ?? 1);
    yield bytes.slice(offset, offset + length);
    offset += length;
  }
}

/** Chunk sizes of 1 to `max` bytes for {@link chunksOf}, random but the same on every run (from `seed`). */
export function randomSizes(seed: number, max: number): () => number {
  const random = seededRandom(seed);
  return () => 1 + Math.floor(random() * max);
}

/** A file's bytes as chunks, cut as {@link chunksOf} cuts them. */
export async function* fileChunks(path: string, size?: ChunkSizes): AsyncGenerator<Uint8Array> {
  yield* chunksOf(new Uint8Array(await readFile(path)), size);
}

/** Everything an async iterable yields. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
