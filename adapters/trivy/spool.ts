import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';

const NEWLINE = 0x0a;

/** Spooled text kept in memory before the spool moves to a file. */
export const DEFAULT_SPOOL_MEMORY_BYTES = 1 << 20;

/** Where and how a spool keeps its records. */
export interface SpoolOptions {
  /** Directory for the spool file (the adapter context's `tempDir`). */
  dir: string;
  /** Part of the file name, for people looking at the temp directory. */
  label: string;
  /**
   * Text kept in memory before it is written to a file; small spools never touch the disk.
   * @defaultValue {@link DEFAULT_SPOOL_MEMORY_BYTES}
   */
  memoryBytes?: number;
}

/**
 * A first-in first-out store of JSON values, one per line, that holds at most `memoryBytes` of text in
 * memory and the rest in a temp file (mode 0600) that it deletes when drained or discarded.
 */
export class NdjsonSpool {
  readonly #dir: string;
  readonly #label: string;
  readonly #memoryBytes: number;
  #lines: string[] = [];
  #bufferedChars = 0;
  #file: FileHandle | undefined;
  #path: string | undefined;
  #count = 0;

  constructor(options: SpoolOptions) {
    this.#dir = options.dir;
    this.#label = options.label.replace(/[^A-Za-z0-9-]/g, '-');
    this.#memoryBytes = options.memoryBytes ?? DEFAULT_SPOOL_MEMORY_BYTES;
  }

  /** Values written and not yet drained. */
  get count(): number {
    return this.#count;
  }

  /** The spool file, once the spool has spilled to disk (for tests and diagnostics). */
  get path(): string | undefined {
    return this.#path;
  }

  /** Appends one value. */
  async write(value: unknown): Promise<void> {
    const line = `${JSON.stringify(value)}\n`;
    this.#lines.push(line);
    this.#bufferedChars += line.length;
    this.#count += 1;
    if (this.#bufferedChars >= this.#memoryBytes) await this.#spill();
  }

  async #spill(): Promise<void> {
    if (this.#file === undefined) {
      this.#path = join(this.#dir, `asff-stream-trivy-${this.#label}-${randomUUID()}.ndjson`);
      this.#file = await open(this.#path, 'wx', 0o600);
    }
    const text = this.#lines.join('');
    this.#lines = [];
    this.#bufferedChars = 0;
    await this.#file.write(text);
  }

  /** Yields every value in write order, then empties the spool and deletes its file. */
  async *drain(): AsyncGenerator<unknown> {
    try {
      if (this.#file === undefined) {
        const lines = this.#lines;
        this.#lines = [];
        this.#bufferedChars = 0;
        for (const line of lines) yield JSON.parse(line);
        return;
      }
      await this.#spill();
      await this.#file.close();
      this.#file = undefined;
      // Lines are cut on raw bytes (a newline byte never occurs inside a UTF-8 sequence) and decoded one by one.
      let carry: Buffer | undefined;
      for await (const chunk of createReadStream(this.#path as string, { highWaterMark: 256 * 1024 })) {
        const buffer = carry === undefined ? (chunk as Buffer) : Buffer.concat([carry, chunk as Buffer]);
        let start = 0;
        for (let end = buffer.indexOf(NEWLINE, start); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
          yield JSON.parse(buffer.toString('utf8', start, end));
          start = end + 1;
        }
        carry = start < buffer.length ? buffer.subarray(start) : undefined;
      }
    } finally {
      await this.discard();
    }
  }

  /** Drops everything and deletes the file. Safe to call more than once. */
  async discard(): Promise<void> {
    this.#lines = [];
    this.#bufferedChars = 0;
    this.#count = 0;
    const file = this.#file;
    const path = this.#path;
    this.#file = undefined;
    this.#path = undefined;
    if (file !== undefined) await file.close().catch(() => undefined);
    if (path !== undefined) await rm(path, { force: true });
  }
}
