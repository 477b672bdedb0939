import type { CsvError, Options, Parser } from 'csv-parse';
import { ConverterError } from '../../src/errors.js';
import { decodeFields } from './decode.js';
import { type Dialect, sniffDialect } from './dialect.js';

/** Largest record (all its cells) the adapter reads; beyond it the input is refused as unsafe. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

/** One CSV record with where it came from. */
export interface CsvRecord {
  /** The cells, decoded (UTF-8, or Windows-1252 when `latin1` is true). */
  fields: string[];
  /** 1-based line number of the record's first line. */
  line: number;
  /** 0-based index of the record in the input (the header and preamble rows count). */
  index: number;
  /** True when the record was not valid UTF-8 and was decoded as Windows-1252 (Latin-1). */
  latin1: boolean;
}

/** Options of {@link readCsvRecords}. */
export interface ReadCsvOptions {
  /** @defaultValue {@link MAX_RECORD_BYTES} */
  maxRecordBytes?: number;
}

/**
 * Streams the records of a CSV input with csv-parse: delimiter sniffed from the first line, any of CRLF, LF and
 * CR ending records (mixed endings allowed, line breaks inside quoted cells kept), doubled quotes, stray quotes
 * taken literally, rows of any width (the caller checks them against the header). Blank lines come out as
 * records with one empty field; the caller decides what they mean.
 *
 * Throws `E_UNSAFE` for a record over `maxRecordBytes`, `E_TRUNCATED` when the input ends inside a quoted cell,
 * `E_PARSE` for anything else csv-parse refuses, each with the line the record starts on.
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

    const { create, isCsvError } = await loadEngine();
    const parser = create({
      delimiter: dialect.delimiter,
      // One character per byte: lossless, chunk-boundary safe; decodeFields turns cells into text.
      encoding: 'latin1',
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: maxRecordBytes,
    });
    const parsed = parser.records;
    parser.on('error', () => undefined);

    let line = dialect.firstLine;
    let index = 0;
    let chunk: Buffer | undefined = body.length > 0 ? body : undefined;
    try {
      while (true) {
        if (chunk === undefined && !finished) {
          const next = await iterator.next();
          if (next.done === true) finished = true;
          else chunk = toBuffer(next.value);
          continue;
        }
        const error = await feed(parser, chunk);
        for (const fields of parsed) {
          let breaks = 0;
          let ascii = true;
          for (const field of fields) {
            if (!SPECIAL.test(field)) continue;
            breaks += countLineBreaks(field);
            ascii &&= !NON_ASCII.test(field);
          }
          const latin1 = !ascii && decodeFields(fields);
          yield { fields, line, index, latin1 };
          line += breaks + 1;
          index++;
        }
        parsed.length = 0;
        if (error !== undefined) {
          throw isCsvError(error) ? fromCsvError(error, line, index, maxRecordBytes) : error;
        }
        if (chunk === undefined) return;
        chunk = undefined;
      }
    } finally {
      parser.destroy();
    }
  } finally {
    if (!finished) await iterator.return?.();
  }
}

/** A line break or a non-ASCII byte: the cells that need a closer look. */
const SPECIAL = /[\r\n\x80-\xff]/;
const NON_ASCII = /[\x80-\xff]/;

/** csv-parse's stream parser with the records it pushes collected in `records` (see {@link loadEngine}). */
interface RecordCollector extends Parser {
  readonly records: string[][];
}

interface Engine {
  create(options: Options): RecordCollector;
  isCsvError(error: unknown): error is CsvError;
}

let engine: Promise<Engine> | undefined;

/**
 * Loads csv-parse on first use (it costs ~25 ms of start-up that SARIF or Trivy runs need not pay). Its stream
 * parser is subclassed so the records it pushes land in an array instead of the stream buffer: the caller takes
 * them after each write, so a parse error (delivered through the write callback, which destroys the stream)
 * never discards records parsed before it. Cheaper than the `on_record` hook, which builds an info object per
 * record.
 */
function loadEngine(): Promise<Engine> {
  engine ??= import('csv-parse').then(({ Parser, CsvError }) => {
    class Collector extends Parser implements RecordCollector {
      readonly records: string[][] = [];

      override push(chunk: unknown, encoding?: BufferEncoding): boolean {
        if (chunk === null) return super.push(null, encoding);
        this.records.push(chunk as string[]);
        return true;
      }
    }
    return {
      create: (options) => new Collector(options),
      isCsvError: (error): error is CsvError => error instanceof CsvError,
    };
  });
  return engine;
}

/** Writes a chunk (or ends the input when `chunk` is undefined) and waits until csv-parse has processed it. */
function feed(parser: RecordCollector, chunk: Buffer | undefined): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const done = (error?: Error | null): void => resolve(error ?? undefined);
    if (chunk !== undefined) parser.write(chunk, done);
    else parser.end(done);
  });
}

/** Line breaks in a cell: CRLF, LF and a lone CR each count once. */
function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) n++;
    else if (c === 0x0d) {
      n++;
      if (text.charCodeAt(i + 1) === 0x0a) i++;
    }
  }
  return n;
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function fromCsvError(error: CsvError, line: number, index: number, maxRecordBytes: number): ConverterError {
  const where = { adapter: 'csv', line, recordIndex: index, cause: error };
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return new ConverterError(
        'E_UNSAFE',
        `a CSV record is larger than ${maxRecordBytes} bytes; an unclosed quote, or not a CSV file`,
        where,
      );
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ConverterError('E_TRUNCATED', 'the input ends inside a quoted cell', where);
    default:
      return new ConverterError('E_PARSE', `unreadable CSV: ${error.message}`, where);
  }
}
