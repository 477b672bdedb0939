import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A result parked on disk until its run's context is known. */
export interface SpooledResult {
  /** 0-based index among all results of the log. */
  recordIndex: number;
  /** Byte offset of the result in the input. */
  byte: number;
  /** 1-based line of the result in the input. */
  line: number;
  value: unknown;
}

/** Bytes buffered in memory before they are written to the spool file (plain write buffering). */
const WRITE_BUFFER_BYTES = 64 * 1024;

/**
 * An append-only NDJSON file of results under `tempDir` (one `[recordIndex, byte, line, result]` array per line;
 * `JSON.stringify` escapes every newline inside strings, so lines split cleanly). Memory stays at one 64 KiB write
 * buffer however many results are parked. The file is created on the first `add` and removed by `dispose`.
 */
export class ResultSpool {
  readonly path: string;
  private handle: FileHandle | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private written = 0;
  private disposed = false;

  constructor(tempDir: string, label: string) {
    this.path = join(tempDir, `asff-stream-sarif-${label}-${process.pid}-${randomUUID()}.ndjson`);
  }

  /** Number of results parked. */
  get size(): number {
    return this.written + this.pending.length;
  }

  /** Parks one result. */
  async add(record: SpooledResult): Promise<void> {
    if (this.handle === undefined) await this.create();
    const line = `${JSON.stringify([record.recordIndex, record.byte, record.line, record.value])}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= WRITE_BUFFER_BYTES) await this.flush();
  }

  private async create(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.handle = await open(this.path, 'wx', 0o600);
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0 || this.handle === undefined) return;
    const text = this.pending.join('');
    this.written += this.pending.length;
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(text);
  }

  /** Reads the parked results back, in the order they were added, streaming the file. */
  async *replay(): AsyncGenerator<SpooledResult> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
    if (this.written === 0) return;
    let rest = '';
    for await (const chunk of createReadStream(this.path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = rest + (chunk as string);
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        yield decode(text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
    }
    if (rest.trim() !== '') yield decode(rest);
  }

  /** Closes and deletes the spool file (safe to call more than once, and when nothing was written). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.pending = [];
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

function decode(line: string): SpooledResult {
  const [recordIndex, byte, lineNumber, value] = JSON.parse(line) as [number, number, number, unknown];
  return { recordIndex, byte, line: lineNumber, value };
}
