import type { DetectSample } from '../../src/adapter.js';
import { type Dialect, SNIFF_MAX_LINES, sniffDialect } from '../../src/csv/dialect.js';
import { CsvHeader } from '../../src/csv/header.js';
import { CsvSplitter } from '../../src/csv/splitter.js';
import { matchProfile } from './profiles/index.js';

/** Score for a header that matches a built-in profile. */
export const PROFILE_SCORE = 0.9;
/** Score for other consistently delimited text: enough to reach the adapter, which then asks for a map. */
export const DELIMITED_SCORE = 0.3;

/**
 * How sure the adapter is that the sample is CSV: {@link PROFILE_SCORE} when one of the first rows is a known
 * header (preamble rows allowed), {@link DELIMITED_SCORE} for other text whose rows have as many fields as the
 * first one (at least two), else 0. JSON and XML are never claimed.
 */
export function detectCsv(sample: DetectSample): number {
  const text = sample.head.replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  if (first === undefined || first === '{' || first === '[' || first === '<') return 0;
  const records = headRecords(text);
  if (records.length === 0) return 0;
  for (const [index, fields] of records.entries()) {
    if (matchProfile(new CsvHeader(fields, index + 1)) !== undefined) return PROFILE_SCORE;
  }
  const width = records[0]!.length;
  if (width < 2) return 0;
  const rows = records.slice(1).filter((fields) => !(fields.length === 1 && fields[0] === ''));
  const consistent = rows.filter((fields) => fields.length === width).length;
  return rows.length === 0 || consistent / rows.length >= 0.8 ? DELIMITED_SCORE : 0;
}

/**
 * The complete records of the sample (at most {@link SNIFF_MAX_LINES}), split by the record splitter (detection
 * only needs the widths of the first rows). The last record counts only when the sample has no complete record:
 * a header-only file may end without a line break, while a longer sample is usually cut mid-record.
 */
function headRecords(text: string): string[][] {
  const bytes = Buffer.from(text, 'utf8');
  let dialect: Dialect;
  try {
    dialect = sniffDialect(bytes, true)!;
  } catch {
    return [];
  }
  const splitter = new CsvSplitter(dialect.delimiter, 1, bytes.length);
  splitter.write(bytes.subarray(dialect.skip));
  const records: string[][] = [];
  for (
    let row = splitter.next();
    row !== undefined && records.length < SNIFF_MAX_LINES;
    row = splitter.next()
  )
    records.push(row.fields);
  if (records.length > 0) return records;
  splitter.end();
  const last = splitter.next();
  return last === undefined ? [] : [last.fields];
}
