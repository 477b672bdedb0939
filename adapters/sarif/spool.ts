import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConverterError } from '../../src/errors.js';

/** Where a parked result came from: its place among the log's results and in the input. */
export interface SpoolPosition {
  /** 0-based index among all results of the log. */
  recordIndex: number;
  /** 0-based index in its run's `results` array. */
  resultIndex: number;
  /** Byte offset of the result in the input. */
  byte: number;
  /** 1-based line of the result in the input. */
  line: number;
  /** 1-based column (in bytes) of the result's first byte; 0 when not known. */
  column: number;
}

/** A parked result read back: its position and its JSON text as UTF-8 bytes. */
export interface SpooledResult extends SpoolPosition {
  /** Valid until the next result is read: copy it to keep it. */
  bytes: Buffer;
}

/** Bytes buffered in memory before they are written to the spool file (plain write buffering). */
const WRITE_BUFFER_BYTES = 64 * 1024;
/** Bytes read from the spool file at a time (grown for a longer entry). */
const READ_BUFFER_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;
const SPACE = 0x20;
/** recordIndex, resultIndex, byte, line, column, length. */
const HEADER_FIELDS = 6;

/**
 * An append-only file of results under `tempDir`. Each entry is a header line
 * `recordIndex resultIndex byte line column length` followed by `length` bytes of the result's JSON text and a
 * newline. The text is the input's own bytes when the splitter handed them over unparsed (`addBytes`: a result
 * parked before its run's `tool`, the Semgrep case, is never parsed twice), or `JSON.stringify` of a parsed
 * value (`addValue`). Memory stays at one 64 KiB write buffer however many results are parked. The file is
 * created on the first add and removed by `dispose`.
 */
export class ResultSpool {
  readonly path: string;
  private handle: FileHandle | undefined;
  /** Entries not written yet (allocated on the first add). */
  private buffer: Buffer | undefined;
  private buffered = 0;
  private bufferedEntries = 0;
  private written = 0;
  private disposed = false;

  constructor(tempDir: string, label: string) {
    this.path = join(tempDir, `asff-stream-sarif-${label}-${process.pid}-${randomUUID()}.spool`);
  }

  /** Number of results parked. */
  get size(): number {
    return this.written + this.bufferedEntries;
  }

  /** Parks one result given as its exact JSON bytes (copied: the caller may reuse them). */
  async addBytes(position: SpoolPosition, bytes: Uint8Array): Promise<void> {
    if (this.handle === undefined) await this.create();
    const header = `${position.recordIndex} ${position.resultIndex} ${position.byte} ${position.line} ${position.column} ${bytes.length}\n`;
    const size = header.length + bytes.length + 1;
    let buffer = this.buffer;
    if (buffer === undefined || this.buffered + size > buffer.length) {
      await this.flush();
      if (size > WRITE_BUFFER_BYTES) {
        await this.writeAll(Buffer.concat([Buffer.from(header, 'latin1'), bytes, Buffer.of(NEWLINE)]));
        this.written += 1;
        return;
      }
      buffer = this.buffer ??= Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
    }
    this.buffered += buffer.write(header, this.buffered, 'latin1');
    buffer.set(bytes, this.buffered);
    this.buffered += bytes.length;
    buffer[this.buffered++] = NEWLINE;
    this.bufferedEntries += 1;
  }

  /** Parks one already parsed result (stored as its `JSON.stringify` text). */
  async addValue(position: SpoolPosition, value: unknown): Promise<void> {
    await this.addBytes(position, Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'));
  }

  private async create(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.handle = await open(this.path, 'wx', 0o600);
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0 || this.buffer === undefined) return;
    const bytes = this.buffer.subarray(0, this.buffered);
    this.written += this.bufferedEntries;
    this.buffered = 0;
    this.bufferedEntries = 0;
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
   * Reads the parked results back, in the order they were added, streaming the file in 1 MiB reads (the buffer
   * doubles for an entry larger than it, so long results cost linear time). Each result's bytes are a view into
   * the read buffer, valid until the next one is read.
   */
  async *replay(): AsyncGenerator<SpooledResult> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
    if (this.written === 0) return;
    const reader = await open(this.path, 'r');
    try {
      let buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
      let start = 0;
      let end = 0;
      let atEnd = false;
      const header: number[] = new Array(HEADER_FIELDS).fill(0);
      /** Makes at least `count` bytes from `start` available; false when the file ends first. */
      const ensure = async (count: number): Promise<boolean> => {
        while (end - start < count && !atEnd) {
          if (start > 0) {
            buffer.copy(buffer, 0, start, end);
            end -= start;
            start = 0;
          }
          if (end === buffer.length || count > buffer.length) {
            const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, count));
            buffer.copy(grown, 0, 0, end);
            buffer = grown;
          }
          const { bytesRead } = await reader.read(buffer, end, buffer.length - end, null);
          if (bytesRead === 0) atEnd = true;
          end += bytesRead;
        }
        return end - start >= count;
      };
      for (;;) {
        let newline = buffer.indexOf(NEWLINE, start);
        while (newline === -1 || newline >= end) {
          if (!(await ensure(end - start + 1))) {
            if (end > start) throw corrupt();
            return;
          }
          newline = buffer.indexOf(NEWLINE, start);
        }
        for (let field = 0; field < HEADER_FIELDS; field++) {
          let value = 0;
          let digits = 0;
          let byte = buffer[start]!;
          while (byte >= 0x30 && byte <= 0x39) {
            value = value * 10 + byte - 0x30;
            digits++;
            byte = buffer[++start]!;
          }
          // Each number is followed by one space, the last by the newline.
          if (digits === 0 || digits > 15 || byte !== (field === HEADER_FIELDS - 1 ? NEWLINE : SPACE))
            throw corrupt();
          header[field] = value;
          start++;
        }
        const [recordIndex = 0, resultIndex = 0, byte = 0, line = 0, column = 0, length = 0] = header;
        if (!(await ensure(length + 1)) || buffer[start + length] !== NEWLINE) throw corrupt();
        const bytes = buffer.subarray(start, start + length);
        start += length + 1;
        yield { recordIndex, resultIndex, byte, line, column, bytes };
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
    this.bufferedEntries = 0;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

function corrupt(): ConverterError {
  return new ConverterError('E_IO', 'the temporary SARIF spool file was changed while in use', {
    adapter: 'sarif',
  });
}
