import { type Dialect, sniffDialect } from './dialect.js';
import { type CsvRecord, CsvSplitter } from './splitter.js';

export type { CsvRecord } from './splitter.js';

/** Largest record (all its cells) the adapter reads; beyond it the input is refused as unsafe. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

/** Options of {@link readCsvRecords}. */
export interface ReadCsvOptions {
  /** @defaultValue {@link MAX_RECORD_BYTES} */
  maxRecordBytes?: number;
}

/**
 * Streams the records of a CSV input: delimiter sniffed from the first line, any of CRLF, LF and CR ending
 * records (mixed endings allowed, line breaks inside quoted cells kept), doubled quotes, stray quotes taken
 * literally, rows of any width (the caller checks them against the header). Blank lines come out as records
 * with one empty field; the caller decides what they mean. The splitting is {@link CsvSplitter}'s.
 *
 * Throws `E_UNSAFE` for a record over `maxRecordBytes` and `E_TRUNCATED` when the input ends inside a quoted
 * cell, each with the line the record starts on, after yielding the records before it.
 */
export async function* readCsvRecords(
  input: AsyncIterable<Uint8Array>,
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvRecord> {
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const iterator = input[Symbol.asyncIterator]();
  let finished = false;
  try {
    let head: Buffer = Buffer.alloc(0);
    let dialect: Dialect | undefined;
    while (dialect === undefined) {
      const next = await iterator.next();
      if (next.done === true) {
        finished = true;
        dialect = sniffDialect(head, true)!;
        break;
      }
      head = head.length === 0 ? toBuffer(next.value) : Buffer.concat([head, next.value]);
      dialect = sniffDialect(head, false);
    }
    const body = head.subarray(dialect.skip);
    if (finished && body.length === 0) return;

    const splitter = new CsvSplitter(dialect.delimiter, dialect.firstLine, maxRecordBytes);
    let chunk: Buffer | undefined = body.length > 0 ? body : undefined;
    while (true) {
      if (chunk === undefined && !finished) {
        const next = await iterator.next();
        if (next.done === true) finished = true;
        else chunk = toBuffer(next.value);
        continue;
      }
      if (chunk !== undefined) splitter.write(chunk);
      else splitter.end();
      // One record at a time: its strings die young, and a chunk's worth of records is never held.
      for (let record = splitter.next(); record !== undefined; record = splitter.next()) yield record;
      if (splitter.error !== undefined) throw splitter.error;
      if (chunk === undefined) return;
      chunk = undefined;
    }
  } finally {
    if (!finished) await iterator.return?.();
  }
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
