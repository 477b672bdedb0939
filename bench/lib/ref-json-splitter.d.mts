/** Types for the benchmarks' reference JSON record splitter (plain JS, runs without a build). */

/** Push-style splitter: `write(chunk)` returns the elements of the arrays at `path` completed by that chunk. */
export declare class JsonArraySplitter {
  /** @param path keys from the root; `*` matches any array index. */
  constructor(path: readonly string[]);
  write(chunk: Buffer): unknown[];
}

/** Streams the elements of the arrays at `path` out of a byte stream. */
export declare function splitJsonArrays(
  chunks: AsyncIterable<Uint8Array>,
  path: readonly string[],
): AsyncGenerator<unknown>;
