const encoder = new TextEncoder();

/** `input` (bytes, or text as UTF-8) as chunks of `size` bytes (each a copy, as a stream would hand them over). */
export async function* chunksOf(input: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.slice(offset, offset + size);
}

/** Everything an async iterable yields. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
