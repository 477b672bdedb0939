import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConverterError } from '../../src/errors.js';

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
/** Bytes read from the spool file at a time (grown for a longer line). */
const READ_BUFFER_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * An append-only NDJSON file of results under `tempDir` (one `[recordIndex, byte, line, result]` array per line;
 * `JSON.stringify` escapes every newline inside strings, so lines split cleanly). Memory stays at one 64 KiB write
 * buffer however many results are parked. The file is created on the first `add` and removed by `dispose`.
 */
export class ResultSpool {
  readonly path: string;
  private handle: FileHandle | undefined;
  /** Encoded lines not written yet (allocated on the first `add`). */
  private buffer: Buffer | undefined;
  private buffered = 0;
  private bufferedLines = 0;
  private written = 0;
  private disposed = false;

  constructor(tempDir: string, label: string) {
    this.path = join(tempDir, `asff-stream-sarif-${label}-${process.pid}-${randomUUID()}.ndjson`);
  }

  /** Number of results parked. */
  get size(): number {
    return this.written + this.bufferedLines;
  }

  /** Parks one result. */
  async add(record: SpooledResult): Promise<void> {
    if (this.handle === undefined) await this.create();
    const line = `${JSON.stringify([record.recordIndex, record.byte, record.line, record.value])}\n`;
    // A UTF-16 code unit takes at most 3 UTF-8 bytes: encode straight into the buffer when it surely fits.
    const most = line.length * 3;
    let buffer = this.buffer;
    if (buffer === undefined || this.buffered + most > buffer.length) {
      await this.flush();
      if (most > WRITE_BUFFER_BYTES) {
        await this.writeAll(Buffer.from(line, 'utf8'));
        this.written += 1;
        return;
      }
      buffer = this.buffer ??= Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
    }
    this.buffered += buffer.write(line, this.buffered, 'utf8');
    this.bufferedLines += 1;
  }

  private async create(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.handle = await open(this.path, 'wx', 0o600);
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0 || this.buffer === undefined) return;
    const bytes = this.buffer.subarray(0, this.buffered);
    this.written += this.bufferedLines;
    this.buffered = 0;
    this.bufferedLines = 0;
    await this.writeAll(bytes);
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length && this.handle !== undefined) {
      const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset);
      if (bytesWritten <= 0)
        throw new ConverterError('E_IO', 'could not write the temporary SARIF spool file', {
          adapter: 'sarif',
        });
      offset += bytesWritten;
    }
  }

  /**
   * Reads the parked results back, in the order they were added, streaming the file in 1 MiB reads. Lines are
   * cut on the raw bytes (a `\n` byte never occurs inside a multi-byte UTF-8 character) and only each line is
   * decoded, so no chunk-sized string is built; a line longer than the buffer grows it by doubling and is never
   * rescanned, so long results cost linear time.
   */
  async *replay(): AsyncGenerator<SpooledResult> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
    if (this.written === 0) return;
    const reader = await open(this.path, 'r');
    try {
      let buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
      // Bytes at the start of `buffer` that belong to a line not finished yet (already scanned: no newline).
      let carried = 0;
      for (;;) {
        if (carried === buffer.length) {
          const grown = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(grown, 0, 0, carried);
          buffer = grown;
        }
        const { bytesRead } = await reader.read(buffer, carried, buffer.length - carried, null);
        if (bytesRead === 0) break;
        const end = carried + bytesRead;
        const view = buffer.subarray(0, end);
        let start = 0;
        for (
          let newline = view.indexOf(NEWLINE, carried);
          newline !== -1;
          newline = view.indexOf(NEWLINE, start)
        ) {
          yield decode(buffer.toString('utf8', start, newline));
          start = newline + 1;
        }
        if (start > 0) buffer.copy(buffer, 0, start, end);
        carried = end - start;
      }
      if (carried > 0) {
        const rest = buffer.toString('utf8', 0, carried);
        if (rest.trim() !== '') yield decode(rest);
      }
    } finally {
      await reader.close();
    }
  }

  /** Closes and deletes the spool file (safe to call more than once, and when nothing was written). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.buffered = 0;
    this.bufferedLines = 0;
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
