import { isUtf8 } from 'node:buffer';
import { type CsvError, parse } from 'csv-parse/sync';
import { windows1252 } from '../../src/csv/decode.js';
import type { CsvRow } from '../../src/csv/splitter.js';

/** The records of a CSV input and how it ended. */
export interface CsvOutcome {
  records: CsvRow[];
  /** Code, line and record index of the fatal error, if any. */
  error: [string, number | undefined, number | undefined] | undefined;
}

/**
 * The adapter's per-record decoding before the splitter, on cells csv-parse read as ISO-8859-1: cells decoded as
 * UTF-8 when every non-ASCII cell is valid UTF-8, else every cell as Windows-1252 (returns true).
 */
function decodeFields(fields: string[]): boolean {
  const bytes = fields.map((field) => Buffer.from(field, 'latin1'));
  const utf8 = bytes.every((cell) => isUtf8(cell));
  fields.forEach((field, i) => {
    fields[i] = utf8 ? bytes[i]!.toString('utf8') : windows1252(field);
  });
  return !utf8;
}

/**
 * What the CSV adapter got before the splitter: csv-parse 7 with the options it gave it, then its line counting
 * (line breaks inside cells, CRLF once, from `firstLine`) and per-record decoding. The splitter's oracle.
 */
export function csvParseReference(
  bytes: Buffer,
  delimiter: string,
  maxRecordBytes: number,
  firstLine = 1,
): CsvOutcome {
  const rows: string[][] = [];
  let failure: CsvError | undefined;
  try {
    parse(bytes, {
      delimiter,
      encoding: 'latin1',
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: maxRecordBytes,
      on_record: (record: string[]) => {
        rows.push(record);
        return record;
      },
    });
  } catch (error) {
    failure = error as CsvError;
  }
  const records: CsvRow[] = [];
  let line = firstLine;
  for (const fields of rows) {
    const breaks = fields.reduce((n, field) => n + (field.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    const latin1 = decodeFields(fields);
    records.push({ fields, line, index: records.length, latin1 });
    line += breaks + 1;
  }
  const codes: Record<string, string> = {
    CSV_MAX_RECORD_SIZE: 'E_UNSAFE',
    CSV_QUOTE_NOT_CLOSED: 'E_TRUNCATED',
  };
  return {
    records,
    error: failure === undefined ? undefined : [codes[failure.code] ?? failure.code, line, records.length],
  };
}
